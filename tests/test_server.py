"""The linked-data server and its SPARQL endpoint, driven over HTTP with plain requests and
with SPARQLWrapper, next to a real Oxigraph server loaded with ``innoproc load``."""

from __future__ import annotations

import asyncio
import functools
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
from click.testing import CliRunner
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from conftest import free_port, serving, start_oxigraph
from innoproc.cli import main
from innoproc.clients.store import query_endpoint as run_remote
from innoproc.clients.store import with_base as absolute
from innoproc.config import Config
from innoproc.query import Query, load_queries

ROOT = Path(__file__).resolve().parent.parent
QUERIES = load_queries(ROOT / "queries")
BASE = "https://w3id.org/innoproc/"


@pytest.fixture(scope="module")
def server(site: Path, config: Config) -> Iterator[str]:
    with serving(
        site, config, workers=2, query_timeout=3.0, row_limit=1000, max_body=20_000
    ) as address:
        yield address


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server on a free loopback port, loaded with ``innoproc load``."""
    process, endpoint = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    for _ in range(2):  # loading twice replaces the graphs: same counts
        result = CliRunner().invoke(main, ["--project", str(ROOT), "load", "--endpoint", endpoint])
        assert result.exit_code == 0, result.output
        assert "counts checked" in result.output
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


def get(
    url: str,
    accept: str | None = None,
    method: str = "GET",
    data: bytes | None = None,
    content_type: str | None = None,
) -> tuple[int, dict[str, str], bytes]:
    headers = {}
    if accept:
        headers["Accept"] = accept
    if content_type:
        headers["Content-Type"] = content_type

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, {k.title(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.title(): v for k, v in error.headers.items()}, error.read()


# ---------------------------------------------------------------- content negotiation

CONNEG = [
    # path, Accept, status, Content-Type (prefix), Location
    (
        "/id/initiative/innoprocur",
        "text/turtle",
        303,
        "text/plain",
        "/id/initiative/innoprocur.ttl",
    ),
    (
        "/id/initiative/innoprocur",
        "application/ld+json",
        303,
        "text/plain",
        "/id/initiative/innoprocur.jsonld",
    ),
    (
        "/id/initiative/innoprocur",
        "application/n-triples",
        303,
        "text/plain",
        "/id/initiative/innoprocur.nt",
    ),
    (
        "/id/initiative/innoprocur",
        "application/rdf+xml",
        303,
        "text/plain",
        "/id/initiative/innoprocur.rdf",
    ),
    (
        "/id/initiative/innoprocur",
        "text/html,application/xhtml+xml,*/*;q=0.8",
        303,
        "text/plain",
        "/nl/initiative/innoprocur.html",
    ),
    (
        "/id/initiative/innoprocur",
        "text/turtle;q=0.5, application/ld+json",
        303,
        "text/plain",
        "/id/initiative/innoprocur.jsonld",
    ),
    ("/id/initiative/innoprocur", "*/*", 303, "text/plain", "/nl/initiative/innoprocur.html"),
    ("/id/initiative/innoprocur", "image/png", 406, "text/plain", None),
    ("/id/initiative/no-such-thing", "text/turtle", 404, "text/plain", None),
    ("/id/initiative/innoprocur.ttl", "*/*", 200, "text/turtle", None),
    ("/id/initiative/innoprocur.jsonld", "*/*", 200, "application/ld+json", None),
    ("/id/initiative/innoprocur.nt", "*/*", 200, "application/n-triples", None),
    ("/id/initiative/innoprocur.rdf", "*/*", 200, "application/rdf+xml", None),
    ("/en/initiative/innoprocur.html", "text/html", 200, "text/html", None),
    ("/ontology", "text/turtle", 303, "text/plain", "/ontology.ttl"),
    ("/ontology", "text/html", 303, "text/plain", "/nl/ontology.html"),
    ("/dumps/innoproc.nq", "*/*", 200, "application/n-quads", None),
    ("/catalog", "text/turtle", 303, "text/plain", "/catalog.ttl"),
    ("/catalog", "application/ld+json", 303, "text/plain", "/catalog.jsonld"),
    ("/catalog", "application/rdf+xml", 303, "text/plain", "/catalog.rdf"),
    ("/catalog", "text/html,application/xhtml+xml,*/*;q=0.8", 303, "text/plain", "/nl/index.html"),
    ("/catalog", "*/*", 303, "text/plain", "/catalog.ttl"),
    ("/.well-known/void", "*/*", 303, "text/plain", "/void.ttl"),
]


@pytest.mark.parametrize(("path", "accept", "status", "media", "location"), CONNEG)
def test_content_negotiation(
    server: str, path: str, accept: str, status: int, media: str, location: str | None
) -> None:
    code, headers, body = get(server + path, accept)
    assert code == status, body
    assert headers["Content-Type"].startswith(media)
    assert headers.get("Location") == location
    assert headers["Access-Control-Allow-Origin"] == "*"
    if path.startswith("/id/") and "." not in path:
        assert "Accept" in headers["Vary"]
        if status != 404:
            assert 'rel="alternate"; type="text/turtle"' in headers["Link"]


def test_language_negotiation_for_pages(server: str) -> None:
    request = urllib.request.Request(
        server + "/id/organisation/pianoo",
        headers={"Accept": "text/html", "Accept-Language": "en-GB,en;q=0.9"},
    )
    opener = urllib.request.build_opener()
    with opener.open(request) as answer:  # follows the 303
        assert answer.url.endswith("/en/organisation/pianoo.html")
        assert b"<h1>PIANOo</h1>" in answer.read()


def test_documents_describe_the_resource(server: str) -> None:
    for ext, fmt in (("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld")):
        _, _, body = get(f"{server}/id/initiative/innoprocur.{ext}")
        graph = Graph().parse(data=body.decode(), format=fmt)
        assert len(graph) > 20, ext


# ---------------------------------------------------------------- SPARQL protocol


def wrapper(endpoint: str, query: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    return client


def test_select_formats_through_sparqlwrapper(server: str) -> None:
    query = absolute(next(q for q in QUERIES if q.name == "innoprocur-partners"), BASE)
    client = wrapper(server + "/sparql", query)
    client.setReturnFormat(JSON)
    document = client.queryAndConvert()
    assert isinstance(document, dict)
    names = [b["name"]["value"] for b in document["results"]["bindings"]]
    assert names == [
        "Friuli Innovazione",
        "Friuli Innovazione",
        "Lodz Regional Development Agency",
        "PIANOo",
    ]
    client.setReturnFormat(CSV)
    csv_text = client.queryAndConvert()
    assert isinstance(csv_text, bytes) and csv_text.startswith(b"organisation,name,country")
    for fmt, media, start in (
        ("xml", "application/sparql-results+xml", b"<?xml"),
        ("tsv", "text/tab-separated-values", b"?organisation"),
        ("json", "application/sparql-results+json", b"{"),
    ):
        url = f"{server}/sparql?{urllib.parse.urlencode({'query': query, 'format': fmt})}"
        code, headers, body = get(url)
        assert (code, headers["Content-Type"].split(";")[0]) == (200, media)
        assert body.startswith(start)


def test_get_post_form_and_post_query(server: str) -> None:
    ask = "ASK { <https://w3id.org/innoproc/id/initiative/innoprocur> ?p ?o }"
    accept = "application/sparql-results+json"
    code, _, body = get(f"{server}/sparql?{urllib.parse.urlencode({'query': ask})}", accept)
    assert (code, json.loads(body)["boolean"]) == (200, True)
    form = urllib.parse.urlencode({"query": ask}).encode()
    code, _, body = get(
        server + "/sparql", accept, "POST", form, "application/x-www-form-urlencoded"
    )
    assert (code, json.loads(body)["boolean"]) == (200, True)
    code, _, body = get(
        server + "/sparql", accept, "POST", ask.encode(), "application/sparql-query"
    )
    assert (code, json.loads(body)["boolean"]) == (200, True)


def test_construct_and_describe_formats(server: str) -> None:
    construct = (
        "CONSTRUCT { ?s ?p ?o } WHERE {"
        " BIND(<https://w3id.org/innoproc/id/organisation/pianoo> AS ?s) ?s ?p ?o }"
    )
    client = wrapper(server + "/sparql", construct)
    client.setReturnFormat(TURTLE)
    turtle = client.queryAndConvert()
    assert len(Graph().parse(data=turtle, format="turtle")) > 10  # type: ignore[arg-type]
    for accept, fmt in (
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ):
        url = f"{server}/sparql?{urllib.parse.urlencode({'query': construct})}"
        code, headers, body = get(url, accept)
        assert code == 200 and headers["Content-Type"].startswith(accept)
        assert len(Graph().parse(data=body.decode(), format=fmt)) > 10
    describe = "DESCRIBE <https://w3id.org/innoproc/id/organisation/pianoo>"
    code, headers, body = get(
        f"{server}/sparql?{urllib.parse.urlencode({'query': describe})}", "text/turtle"
    )
    assert code == 200 and len(Graph().parse(data=body.decode(), format="turtle")) > 10


def test_named_graphs_and_union_default_graph(server: str) -> None:
    query = """PREFIX ip: <https://w3id.org/innoproc/ontology#>
    SELECT ?g ?n WHERE { GRAPH ?g { <https://w3id.org/innoproc/id/initiative/mle-innovation-procurement>
        ip:participatingCountryCount ?n } } ORDER BY ?g"""
    result = run_remote(server + "/sparql", Query(query), BASE).values()
    assert [(r["g"].rsplit("/", 1)[-1], r["n"]) for r in result] == [
        ("lup-mle-record", "15"),
        ("pianoo-page", "16"),
        ("topsight-transformative-procurement", "15"),
    ]
    union = run_remote(
        server + "/sparql",
        Query(
            query.replace("GRAPH ?g {", "{")
            .replace("?g ?n", "?n")
            .replace("ORDER BY ?g", "ORDER BY ?n")
        ),
        BASE,
    )
    assert [r["n"] for r in union.values()] == ["15", "16"]


def test_service_description_and_query_page(server: str) -> None:
    code, headers, body = get(server + "/sparql", "text/turtle")
    assert code == 200 and headers["Content-Type"].startswith("text/turtle")
    description = Graph().parse(data=body.decode(), format="turtle")
    assert len(description) > 5 and b"sd:Service" in body
    code, _, body = get(server + "/sparql", "text/html")
    assert code == 200 and b"<form" in body and b"innoPROCUR" in body
    ask = urllib.parse.urlencode(
        {"query": "SELECT ?n WHERE { ?s <http://xmlns.com/foaf/0.1/familyName> ?n } ORDER BY ?n"}
    )
    code, _, body = get(f"{server}/sparql?{ask}", "text/html")
    assert code == 200 and b"<td>Edquist</td>" in body and b"<td>Enquist</td>" in body


# ---------------------------------------------------------------- safety


def test_updates_load_and_service_are_refused(server: str) -> None:
    for text in (
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX x: <urn:x#> DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "# a comment\nCLEAR ALL",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { service <http://10.0.0.1/sparql> { ?s ?p ?o } }",
    ):
        code, _, body = get(f"{server}/sparql?{urllib.parse.urlencode({'query': text})}")
        assert code == 403, text
        assert b"refused" in body
    code, _, body = get(server + "/sparql", None, "POST", b"CLEAR ALL", "application/sparql-update")
    assert code == 403 and b"read-only" in body
    form = urllib.parse.urlencode({"update": "CLEAR ALL"}).encode()
    code, _, _ = get(server + "/sparql", None, "POST", form, "application/x-www-form-urlencoded")
    assert code == 403
    harmless = 'SELECT ?s WHERE { ?s ?p "INSERT SERVICE" } LIMIT 1'  # keywords inside a string
    assert get(f"{server}/sparql?{urllib.parse.urlencode({'query': harmless})}")[0] == 200


def test_malformed_query_answers_400_with_the_parser_message(server: str) -> None:
    code, _, body = get(
        f"{server}/sparql?{urllib.parse.urlencode({'query': 'SELECT ?x WHERE { ?x ?y }'})}"
    )
    assert code == 400 and body.startswith(b"Malformed query:") and len(body) > 30


def test_unknown_format_and_unacceptable_type(server: str) -> None:
    query = urllib.parse.urlencode({"query": "ASK {}", "format": "yaml"})
    assert get(f"{server}/sparql?{query}")[0] == 406
    query = urllib.parse.urlencode({"query": "ASK {}"})
    assert get(f"{server}/sparql?{query}", "image/png")[0] == 406


def test_oversized_body_is_refused(server: str) -> None:
    big = b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * 30_000
    code, _, body = get(server + "/sparql", None, "POST", big, "application/sparql-query")
    assert code == 413 and b"limit" in body


def test_rows_beyond_the_limit_are_cut_and_said(server: str) -> None:
    query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }", "format": "json"})
    code, headers, body = get(f"{server}/sparql?{query}")
    assert code == 200
    assert len(json.loads(body)["results"]["bindings"]) == 1000
    assert headers["X-Results-Truncated"] == "cut at 1000 rows"


def test_endless_query_is_stopped_and_others_keep_being_answered(server: str) -> None:
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    outcome: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        outcome["slow"] = get(f"{server}/sparql?{urllib.parse.urlencode({'query': endless})}")
        outcome["slow_seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    code, _, _ = get(f"{server}/sparql?{urllib.parse.urlencode({'query': 'ASK { ?s ?p ?o }'})}")
    fast = time.monotonic() - started
    thread.join(timeout=30)
    status, _, body = cast(tuple[int, dict[str, str], bytes], outcome["slow"])
    assert code == 200 and fast < 2.0
    assert status == 503 and b"longer than the limit of 3 s" in body
    assert 2.5 < outcome["slow_seconds"] < 15  # type: ignore[operator]
    time.sleep(6)  # the killed worker is replaced
    for _ in range(4):
        assert get(f"{server}/sparql?{urllib.parse.urlencode({'query': 'ASK {}'})}")[0] == 200


@pytest.mark.parametrize(
    "path",
    [
        "/../pyproject.toml",
        "/%2e%2e/pyproject.toml",
        "/%252e%252e/pyproject.toml",
        "/assets/../../pyproject.toml",
        "/assets/%2e%2e/%2e%2e/pyproject.toml",
        "/..%2fpyproject.toml",
        "/id/../../pyproject.toml",
        "/assets/..%5c..%5cpyproject.toml",
    ],
)
def test_paths_never_leave_the_site(server: str, path: str) -> None:
    code, _, body = get(server + path)
    assert code in (400, 404)
    assert b"[project]" not in body and b"[tool.innoproc]" not in body
    assert get(server + "/en/index.html")[0] == 200  # and the server keeps serving


# ---------------------------------------------------------------- the same answers as Oxigraph


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_query_gives_the_same_answer_here_and_on_oxigraph(
    query: Query, server: str, oxigraph: str
) -> None:
    ours = run_remote(server + "/sparql", query, BASE)
    theirs = run_remote(oxigraph, query, BASE)
    assert ours.variables == theirs.variables
    assert [tuple(map(str, row)) for row in ours.rows] == [
        tuple(map(str, row)) for row in theirs.rows
    ]
    assert ours.rows, "every question in queries/ has an answer in the data"


def test_query_command_on_an_endpoint(oxigraph: str) -> None:
    result = CliRunner().invoke(
        main,
        [
            "--project",
            str(ROOT),
            "query",
            str(ROOT / "queries/pianoo-participation.rq"),
            "--endpoint",
            oxigraph,
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "organisation,name,role"
    answers = json.loads((ROOT / "tests/query_answers.json").read_text("utf-8"))
    assert len(result.output.splitlines()) == 1 + len(answers["pianoo-participation"])


def test_load_reports_an_endpoint_that_is_down() -> None:
    dead = f"http://127.0.0.1:{free_port()}/query"
    result = CliRunner().invoke(main, ["--project", str(ROOT), "load", "--endpoint", dead])
    assert result.exit_code == 2 and "could not put graph" in result.output


# ---------------------------------------------------------------- the protocol, as clients use it

PIANOO = "https://w3id.org/innoproc/id/organisation/pianoo"
FORMS = {
    "select": f"SELECT ?p ?o WHERE {{ <{PIANOO}> ?p ?o }}",
    "ask": f"ASK {{ <{PIANOO}> ?p ?o }}",
    "construct": f"CONSTRUCT {{ <{PIANOO}> ?p ?o }} WHERE {{ <{PIANOO}> ?p ?o }}",
    "describe": f"DESCRIBE <{PIANOO}>",
}


@pytest.mark.parametrize("accept", [None, "*/*", "*/*;q=0.1"])
def test_regression_graph_queries_answer_any_accept(server: str, accept: str | None) -> None:
    """CONSTRUCT and DESCRIBE with no Accept or a wildcard got 406: the format was chosen
    before the query's form was known. Now Turtle; SELECT and ASK get SPARQL JSON."""
    for form, query in FORMS.items():
        code, headers, body = get(
            f"{server}/sparql?{urllib.parse.urlencode({'query': query})}", accept
        )
        assert code == 200, (form, body)
        media = headers["Content-Type"].split(";")[0]
        if form in ("construct", "describe"):
            assert media == "text/turtle"
            assert len(Graph().parse(data=body.decode(), format="turtle")) > 10
        else:
            assert media == "application/sparql-results+json"
            assert json.loads(body)


CLIENT_FORMATS = [
    (form, fmt)
    for form in FORMS
    for fmt in (
        (JSON, XML, TURTLE, N3, JSONLD, RDFXML)
        if form in ("construct", "describe")
        else (JSON, XML, CSV, TSV)
    )
]


@pytest.mark.parametrize(("form", "fmt"), CLIENT_FORMATS, ids=lambda v: str(v))
def test_regression_sparqlwrapper_formats_mean_what_the_client_means(
    server: str, form: str, fmt: str
) -> None:
    """SPARQLWrapper sends its own ``format`` words (``xml``, ``json``, ``n3``, ``rdf+xml``):
    for SELECT and ASK they name results formats, for CONSTRUCT and DESCRIBE RDF formats."""
    graph_form = form in ("construct", "describe")
    client = wrapper(server + "/sparql", FORMS[form])
    client.setReturnFormat(fmt)
    answer = client.query()
    media = answer.response.info()["Content-Type"].split(";")[0]
    converted = answer.convert()
    if graph_form:
        assert media in {
            "application/rdf+xml",
            "text/turtle",
            "application/ld+json",
            "application/n-triples",
        }
        if not isinstance(converted, Graph):
            assert isinstance(converted, str | bytes)
            syntax = {"text/turtle": "turtle", "application/ld+json": "json-ld"}[media]
            converted = Graph().parse(data=converted, format=syntax)
        assert len(converted) > 10
    else:
        assert media.startswith(("application/sparql-results", "text/"))
        assert converted


def test_rdflib_sparqlstore_runs_every_query_form(server: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(server + "/sparql")
    graph = Graph(store)
    rows = list(graph.query(FORMS["select"]))
    assert len(rows) > 10
    assert graph.query(FORMS["ask"]).askAnswer is True
    assert len(graph.query(FORMS["construct"]).graph) > 10  # type: ignore[arg-type]
    assert len(graph.query(FORMS["describe"]).graph) > 10  # type: ignore[arg-type]


def count(server: str, parameters: list[tuple[str, str]], query: str) -> int:
    url = f"{server}/sparql?{urllib.parse.urlencode([('query', query), *parameters])}"
    code, _, body = get(url, "application/sparql-results+json")
    assert code == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_regression_default_and_named_graph_uri_are_honoured(server: str) -> None:
    """``default-graph-uri`` and ``named-graph-uri`` were ignored: a count over one source's
    graph answered the whole union."""
    page = "https://w3id.org/innoproc/id/source/pianoo-page"
    lund = "https://w3id.org/innoproc/id/source/lup-mle-record"
    everything = count(server, [], "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    in_page = count(
        server, [], f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{page}> {{ ?s ?p ?o }} }}"
    )
    assert 0 < in_page < everything
    as_default = count(
        server, [("default-graph-uri", page)], "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    )
    assert as_default == in_page
    named = count(
        server,
        [("named-graph-uri", page), ("named-graph-uri", lund)],
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    )
    assert named == 2
    wrong = urllib.parse.urlencode({"query": "ASK {}", "default-graph-uri": "not an iri"})
    code, _, _ = get(f"{server}/sparql?{wrong}")
    assert code == 400


def test_regression_two_queries_and_other_methods_are_refused_as_the_protocol_says(
    server: str,
) -> None:
    twice = urllib.parse.urlencode([("query", "ASK {}"), ("query", "ASK { ?s ?p ?o }")])
    code, _, body = get(f"{server}/sparql?{twice}")
    assert code == 400 and b"One query per request" in body
    for method in ("PUT", "DELETE", "PATCH"):
        code, headers, _ = get(
            server + "/sparql", None, method, b"ASK {}", "application/sparql-query"
        )
        assert code == 405 and "POST" in headers["Allow"], method


def test_language_is_negotiated_with_q_values(server: str) -> None:
    for header, lang in (
        ("nl;q=0.1, en;q=0.9", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("de, nl;q=0.5", "nl"),
        ("de", "nl"),
    ):
        request = urllib.request.Request(
            server + "/id/organisation/pianoo",
            headers={"Accept": "text/html", "Accept-Language": header},
        )
        code, headers, _ = get_request(request)
        assert code == 303 and headers["Location"] == f"/{lang}/organisation/pianoo.html", header


def get_request(request: urllib.request.Request) -> tuple[int, dict[str, str], bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as answer:
            return answer.status, {k.title(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.title(): v for k, v in error.headers.items()}, error.read()


@pytest.mark.parametrize("path", ["/sparql", "/sparql/"])
def test_regression_the_query_page_links_resolve_from_either_path(server: str, path: str) -> None:
    """The form page at ``/sparql/`` linked ``assets/style.css`` as if it stood at ``/sparql``:
    every link was one folder off."""
    code, _, body = get(server + path, "text/html")
    assert code == 200
    links = re.findall(r'(?:href|action)="([^"#?]+)', body.decode())
    internal = {link for link in links if not link.startswith(("http:", "https:"))}
    assert "../sparql" in internal if path.endswith("/") else "sparql" in internal
    for link in internal - {"sparql", "../sparql"}:
        target = urllib.parse.urljoin(server + path, link)
        assert get(target)[0] == 200, (path, link, target)
    action = urllib.parse.urljoin(server + path, "../sparql" if path.endswith("/") else "sparql")
    assert action == server + "/sparql"


LOOKUP = f"SELECT ?p ?o WHERE {{ <{BASE}id/organisation/pianoo> ?p ?o }}"
FORM = "application/x-www-form-urlencoded"
DIRECT_REQUESTS: list[tuple[str, str, str, list[tuple[str, str]], bytes]] = [
    (
        "POST",
        "/sparql",
        "",
        [("accept", "application/sparql-results+json"), ("content-type", FORM)],
        urllib.parse.urlencode({"query": LOOKUP}).encode(),
    ),
    ("POST", "/sparql/", "", [("content-type", "application/sparql-query")], LOOKUP.encode()),
    ("GET", "/sparql", urllib.parse.urlencode({"query": LOOKUP, "format": "csv"}), [], b""),
    ("GET", "/sparql", urllib.parse.urlencode({"query": LOOKUP}), [("accept", "text/html")], b""),
    ("GET", "/sparql", urllib.parse.urlencode({"query": "ASK {"}), [], b""),
    ("GET", "/sparql", "query=ASK%7B%7D&query=ASK%7B%7D", [], b""),
    ("GET", "/sparql", "", [("accept", "text/turtle")], b""),
    ("GET", "/sparql", "", [("accept", "image/png")], b""),
    ("POST", "/sparql", "", [("content-type", "application/sparql-update")], b"CLEAR ALL"),
    ("POST", "/sparql", "", [("content-type", "text/plain")], b"ASK {}"),
    ("POST", "/sparql", "", [("content-type", FORM), ("content-length", "99999999")], b""),
]


def test_requests_sent_straight_to_the_endpoint_get_what_the_middleware_gives(
    site: Path, config: Config
) -> None:
    """GET and POST to ``/sparql`` without ``Origin`` skip Starlette's middleware and router:
    each of these requests, sent through them, gets the same status, headers and body."""
    import dataclasses

    from starlette.applications import Starlette
    from starlette.types import ASGIApp, Message

    from innoproc.serve import make_app

    app = make_app(dataclasses.replace(config, output=str(site)), workers=1)

    async def call(
        through: ASGIApp,
        method: str,
        path: str,
        query: str,
        headers: list[tuple[str, str]],
        body: bytes,
    ) -> list[Message]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(b"host", b"127.0.0.1")]
            + [(name.encode(), value.encode()) for name, value in headers],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }
        sent: list[Message] = []

        async def receive() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: Message) -> None:
            sent.append(message)

        await through(scope, receive, send)
        return sent

    async def compare() -> list[int]:
        statuses = []
        for request in DIRECT_REQUESTS:
            direct = await call(app, *request)
            stacked = await call(functools.partial(Starlette.__call__, app), *request)
            assert direct == stacked, request
            statuses.append(cast(int, direct[0]["status"]))
        return statuses

    try:
        statuses = asyncio.run(compare())
    finally:
        app.state.site.pool.close()
    assert statuses == [200, 200, 200, 200, 400, 400, 200, 406, 403, 415, 413]
