"""The W3C SPARQL 1.1 Protocol tests (``sparql/sparql11/protocol/manifest.ttl`` of the public
``w3c/rdf-tests`` repository), each applicable case by its name, run against ``innoproc
serve`` over HTTP with the requests the manifest gives.

The dataset is the manifest's: graphs ``data1.rdf`` to ``data3.rdf`` under
``http://kasei.us/2009/09/sparql/data/``, each saying of itself that it is a document.

Not applicable, because this endpoint is read-only by design (updates are refused with 403):
the seven update cases ``update_dataset_default_graph``, ``update_dataset_default_graphs``,
``update_dataset_named_graphs``, ``update_dataset_full``, ``update_post_form``,
``update_post_direct`` and ``update_base_uri``. The ``bad_update_*`` cases expect a 4xx and
do apply. ``query_multiple_dataset``'s path encodes the ``&`` between its two
``named-graph-uri`` parameters (``%26``), so read literally it names one graph whose IRI holds
``&named-graph-uri=``; it is applied as its description means it, with two parameters.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest

from conftest import serving
from innoproc.config import Config

DATA = "http://kasei.us/2009/09/sparql/data/"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json"}


def graphs(parameter: str, *names: str) -> str:
    return "&".join(f"{parameter}={quote(DATA + n, safe='')}" for n in names)


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    content_type: str | None = None
    body: bytes = b""
    expect: str = "true"
    """``true`` (a boolean answer, true), ``tabular``, ``boolean``, ``RDF``, or ``4xx``."""
    headers: dict[str, str] = field(default_factory=dict)


ASK_BOTH = f"ASK {{ <{DATA}data1.rdf> a ?type . <{DATA}data2.rdf> a ?type . }}"
ASK_NAMED = (
    f"ASK {{ GRAPH ?g1 {{ <{DATA}data1.rdf> a ?type }} GRAPH ?g2 {{ <{DATA}data2.rdf> a ?type }} }}"
)
ASK_FULL = (
    f"ASK {{\n  <{DATA}data3.rdf> a ?type\n  GRAPH ?g1 {{ <{DATA}data1.rdf> a ?type }}\n"
    f"  GRAPH ?g2 {{ <{DATA}data2.rdf> a ?type }}\n}}"
)
ASK_FROM = (
    f"ASK FROM <{DATA}data3.rdf> {{ GRAPH ?g1 {{ <{DATA}data1.rdf> a ?type }} "
    f"GRAPH ?g2 {{ <{DATA}data2.rdf> a ?type }} }}"
)
DATA0 = graphs("default-graph-uri", "data0.rdf")

CASES = [
    Case("query_post_form", "POST", f"/sparql/?{DATA0}", FORM, b"query=ASK%20%7B%7D"),
    Case(
        "query_dataset_default_graphs_get",
        "GET",
        f"/sparql/?query={quote(ASK_BOTH)}&{graphs('default-graph-uri', 'data1.rdf', 'data2.rdf')}",
    ),
    Case(
        "query_dataset_default_graphs_post",
        "POST",
        f"/sparql/?{graphs('default-graph-uri', 'data1.rdf', 'data2.rdf')}",
        DIRECT,
        ASK_BOTH.encode(),
    ),
    Case(
        "query_dataset_named_graphs_post",
        "POST",
        f"/sparql/?{graphs('named-graph-uri', 'data1.rdf', 'data2.rdf')}",
        DIRECT,
        ASK_NAMED.encode(),
    ),
    Case(
        "query_dataset_named_graphs_get",
        "GET",
        f"/sparql/?query={quote(ASK_NAMED)}&{graphs('named-graph-uri', 'data1.rdf', 'data2.rdf')}",
    ),
    Case(
        "query_dataset_full",
        "POST",
        f"/sparql/?{graphs('default-graph-uri', 'data3.rdf')}&"
        f"{graphs('named-graph-uri', 'data1.rdf', 'data2.rdf')}",
        DIRECT,
        ASK_FULL.encode(),
    ),
    Case(
        "query_multiple_dataset",
        "POST",
        f"/sparql/?{graphs('named-graph-uri', 'data1.rdf', 'data2.rdf')}",
        DIRECT,
        ASK_FROM.encode(),
    ),
    Case("query_get", "GET", f"/sparql/?query=ASK%20%7B%7D&{DATA0}"),
    Case(
        "query_content_type_select",
        "POST",
        f"/sparql/?{DATA0}",
        DIRECT,
        b"SELECT (1 AS ?value) {}",
        "tabular",
    ),
    Case("query_content_type_ask", "POST", f"/sparql/?{DATA0}", DIRECT, b"ASK {}", "boolean"),
    Case(
        "query_content_type_describe",
        "POST",
        f"/sparql/?{DATA0}",
        DIRECT,
        b"DESCRIBE <http://example.org/>",
        "RDF",
    ),
    Case(
        "query_content_type_construct",
        "POST",
        f"/sparql/?{DATA0}",
        DIRECT,
        b"CONSTRUCT { <s> <p> 1 } WHERE {}",
        "RDF",
    ),
    Case("query_post_direct", "POST", "/sparql/", DIRECT, b"ASK {}"),
    Case("bad_query_method", "PUT", f"/sparql/?query=ASK%20%7B%7D&{DATA0}", FORM, b"", "4xx"),
    Case(
        "bad_multiple_queries",
        "GET",
        "/sparql/?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D",
        expect="4xx",
    ),
    Case("bad_query_wrong_media_type", "POST", "/sparql/", "text/plain", b"ASK {}", "4xx"),
    Case("bad_query_missing_form_type", "POST", "/sparql/", None, b"query=ASK%20%7B%7D", "4xx"),
    Case("bad_query_missing_direct_type", "POST", "/sparql/", None, b"ASK {}", "4xx"),
    Case(
        "bad_query_non_utf8",
        "POST",
        "/sparql/",
        "application/sparql-query; charset=UTF-16",
        "ASK {}".encode("utf-16"),
        "4xx",
    ),
    Case("bad_query_syntax", "GET", "/sparql/?query=ASK%20%7B", expect="4xx"),
    Case("bad_update_get", "GET", "/sparql/?update=CLEAR%20ALL", expect="4xx"),
    Case(
        "bad_multiple_updates",
        "POST",
        "/sparql/",
        FORM,
        b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
        "4xx",
    ),
    Case("bad_update_wrong_media_type", "POST", "/sparql/", "text/plain", b"CLEAR NAMED", "4xx"),
    Case("bad_update_missing_form_type", "POST", "/sparql/", None, b"update=CLEAR%20NAMED", "4xx"),
    Case(
        "bad_update_non_utf8",
        "POST",
        "/sparql/",
        "application/sparql-update; charset=UTF-16",
        "CLEAR NAMED".encode("utf-16"),
        "4xx",
    ),
    Case("bad_update_syntax", "POST", "/sparql/", "application/sparql-update", b"CLEAR XYZ", "4xx"),
    Case(
        "bad_update_dataset_conflict",
        "POST",
        f"/sparql/?{graphs('using-graph-uri', 'data1.rdf')}",
        "application/sparql-update",
        f"CLEAR ALL ; INSERT DATA {{ GRAPH <{DATA}data1.rdf> {{ <{DATA}data1.rdf> a "
        "<http://xmlns.com/foaf/0.1/Document> } } ; INSERT { GRAPH <http://example.org/> "
        f"{{ ?s a <http://purl.org/dc/terms/BibliographicResource> }} }} USING <{DATA}data1.rdf> "
        "WHERE { ?s a <http://xmlns.com/foaf/0.1/Document> }".encode(),
        "4xx",
    ),
]
NOT_APPLICABLE = {
    "update_dataset_default_graph",
    "update_dataset_default_graphs",
    "update_dataset_named_graphs",
    "update_dataset_full",
    "update_post_form",
    "update_post_direct",
    "update_base_uri",
}
MANIFEST = [  # mf:entries, in the manifest's order
    "query_post_form", "query_dataset_default_graphs_get", "query_dataset_default_graphs_post",
    "query_dataset_named_graphs_post", "query_dataset_named_graphs_get", "query_dataset_full",
    "query_multiple_dataset", "query_get", "query_content_type_select", "query_content_type_ask",
    "query_content_type_describe", "query_content_type_construct",
    "update_dataset_default_graph", "update_dataset_default_graphs",
    "update_dataset_named_graphs", "update_dataset_full", "update_post_form",
    "update_post_direct", "update_base_uri", "query_post_direct", "bad_query_method",
    "bad_multiple_queries", "bad_query_wrong_media_type", "bad_query_missing_form_type",
    "bad_query_missing_direct_type", "bad_query_non_utf8", "bad_query_syntax", "bad_update_get",
    "bad_multiple_updates", "bad_update_wrong_media_type", "bad_update_missing_form_type",
    "bad_update_non_utf8", "bad_update_syntax", "bad_update_dataset_conflict",
]  # fmt: skip


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory, config: Config) -> Iterator[str]:
    """``innoproc serve`` over a site whose dataset is the manifest's three graphs."""
    site = tmp_path_factory.mktemp("w3c") / "site"
    (site / "dumps").mkdir(parents=True)
    (site / "dumps/w3c.nq").write_text(
        "".join(
            f"<{DATA}data{n}.rdf> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            f"<http://xmlns.com/foaf/0.1/Document> <{DATA}data{n}.rdf> .\n"
            for n in (1, 2, 3)
        ),
        "utf-8",
    )
    with serving(site, dataclasses.replace(config), workers=1) as address:
        yield address


def test_every_case_of_the_manifest_is_applied_or_said_not_to_apply() -> None:
    assert {c.name for c in CASES} | NOT_APPLICABLE == set(MANIFEST)
    assert not {c.name for c in CASES} & NOT_APPLICABLE


def send(endpoint: str, case: Case) -> tuple[int, str, bytes]:
    """The case's request as the manifest writes it (no header it does not name, so no
    default Content-Type); its status, media type and body."""
    host, port = endpoint.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Content-Type": case.content_type} if case.content_type else {}
    if case.method != "GET":
        headers["Content-Length"] = str(len(case.body))
    try:
        connection.request(case.method, case.path, body=case.body or None, headers=headers)
        answer = connection.getresponse()
        media = (answer.getheader("Content-Type") or "").split(";")[0]
        return answer.status, media, answer.read()
    finally:
        connection.close()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_w3c_protocol(case: Case, endpoint: str) -> None:
    code, media, body = send(endpoint, case)
    if case.expect == "4xx":
        assert 400 <= code < 500, (code, body)
        return
    assert 200 <= code < 400, (code, body)
    if case.expect in ("true", "boolean"):
        assert media in BOOLEAN_TYPES
        if case.expect == "true":
            assert json.loads(body)["boolean"] is True
    elif case.expect == "tabular":
        assert media in TABULAR_TYPES
    else:
        assert media in RDF_TYPES
