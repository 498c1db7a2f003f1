"""Lookups answered by the server process itself: the same answers, byte for byte, as the
workers give, over HTTP, and answered while every worker is busy."""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Address, serving
from innoproc.config import Config
from innoproc.serve.protocol import Request

BASE = "https://w3id.org/innoproc/"
PIANOO = f"{BASE}id/organisation/pianoo"
LOOKUPS = [
    f"SELECT ?p ?o WHERE {{ <{PIANOO}> ?p ?o }}",
    "SELECT * WHERE { <id/initiative/innoprocur> ?p ?o } LIMIT 5",
    f"SELECT ?s ?p WHERE {{ ?s ?p <{PIANOO}> }}",
    "PREFIX ip: <https://w3id.org/innoproc/ontology#>\n"
    "PREFIX country: <http://publications.europa.eu/resource/authority/country/>\n"
    "SELECT ?organisation WHERE { ?organisation ip:country country:NLD } # the Dutch ones",
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    f"SELECT ?label {{ <{PIANOO}> skos:prefLabel ?label . }}",
    f"SELECT ?p ?o WHERE {{ <{BASE}id/organisation/no-such-thing> ?p ?o }}",
    "SELECT ?p ?o WHERE { <http://[::1> ?p ?o }",
]
ASKED = [
    # method, query string, headers, body: {query} is the lookup
    ("GET", "query={query}", {"Accept": "application/sparql-results+json"}, ""),
    ("GET", "query={query}", {"Accept": "application/sparql-results+xml"}, ""),
    ("GET", "query={query}", {"Accept": "text/csv"}, ""),
    ("GET", "query={query}", {"Accept": "text/tab-separated-values, */*;q=0.1"}, ""),
    ("GET", "query={query}", {"Accept": "text/html"}, ""),
    ("GET", "query={query}", {"Accept": "image/png"}, ""),
    ("GET", "query={query}", {}, ""),
    ("GET", "query={query}&format=csv", {}, ""),
    ("GET", "query={query}&format=xml", {}, ""),
    ("GET", "query={query}&format=html", {"Accept-Language": "en"}, ""),
    ("GET", "query={query}", {"Accept": "text/csv", "Origin": "https://example.org"}, ""),
    ("HEAD", "query={query}", {"Accept": "text/csv"}, ""),
    (
        "POST",
        "",
        {
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        "query={query}",
    ),
    ("POST", "", {"Content-Type": "application/sparql-query", "Accept": "text/csv"}, "{raw}"),
]


Answered = tuple[int, list[tuple[str, str]], bytes]


def ask(address: str, method: str, query: str, headers: dict[str, str], body: str) -> Answered:
    """Status, header fields (in order, without ``date``) and body of one request."""
    host, port = urllib.parse.urlsplit(address).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        path = "/sparql" + (f"?{query}" if query else "")
        connection.request(method, path, body=body.encode() or None, headers=headers)
        answer = connection.getresponse()
        fields = [(name.lower(), value) for name, value in answer.getheaders()]
        return answer.status, [f for f in fields if f[0] != "date"], answer.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def both(site: Path, config: Config) -> Iterator[tuple[Address, Address]]:
    """Two servers for the same site: one answers lookups itself, one leaves every query to
    its workers. A row limit of 20 cuts some of the answers."""
    limits = {"query_timeout": 10.0, "row_limit": 20}
    with (
        serving(site, config, workers=1, server_lookups=True, **limits) as inline,
        serving(site, config, workers=1, server_lookups=False, **limits) as workers,
    ):
        assert inline.app.state.site.lookups is not None
        assert workers.app.state.site.lookups is None
        yield inline, workers


@pytest.mark.parametrize("text", LOOKUPS)
def test_a_lookup_gets_the_same_answer_from_the_server_as_from_a_worker(
    both: tuple[Address, Address], text: str
) -> None:
    """Status, headers and body, for every format the endpoint offers, the query page,
    a 406, GET and both kinds of POST, cut at the row limit or not."""
    inline, workers = both
    # the server answers it itself, but for the engine's error, which it leaves to a worker
    handed_over = inline.app.state.site.lookups.answer(Request(text=text)) is None
    assert handed_over == ("[::1" in text)
    statuses = set()
    for method, query, headers, body in ASKED:
        filled = [part.format(query=urllib.parse.quote(text), raw=text) for part in (query, body)]
        mine = ask(inline, method, filled[0], headers, filled[1])
        theirs = ask(workers, method, filled[0], headers, filled[1])
        assert mine == theirs, (method, headers)
        statuses.add(mine[0])
        if mine[0] == 200 and method != "HEAD":
            assert mine[2]
    assert statuses == ({400} if "[::1" in text else {200, 406})


def test_some_answers_are_cut_at_the_row_limit(both: tuple[Address, Address]) -> None:
    query = "query=" + urllib.parse.quote(LOOKUPS[0])
    for address in both:
        status, headers, _ = ask(address, "GET", query, {"Accept": "text/csv"}, "")
        assert status == 200 and ("x-results-truncated", "cut at 20 rows") in headers


def test_lookups_are_answered_while_every_worker_is_busy(site: Path, config: Config) -> None:
    """The one worker runs an endless query; a lookup is answered at once all the same, while
    the same lookup made ineligible (a second, identical pattern) waits for the worker."""
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    lookup = f"SELECT ?p ?o WHERE {{ <{PIANOO}> ?p ?o }}"
    twice = f"SELECT ?p ?o WHERE {{ <{PIANOO}> ?p ?o . <{PIANOO}> ?p ?o }}"
    with serving(site, config, workers=1, query_timeout=3.0, server_lookups=True) as address:
        held: list[Answered] = []
        thread = threading.Thread(
            target=lambda: held.append(
                ask(address, "GET", "query=" + urllib.parse.quote(endless), {}, "")
            )
        )
        thread.start()
        time.sleep(0.5)
        timed = []
        for text in (lookup, twice):
            started = time.monotonic()
            status = ask(address, "GET", "query=" + urllib.parse.quote(text), {}, "")[0]
            timed.append((status, time.monotonic() - started))
        thread.join(timeout=30)
    assert held[0][0] == 503  # the endless query was stopped
    (status, seconds), (_, waited) = timed
    assert status == 200 and seconds < 1.0
    assert waited > 1.0
