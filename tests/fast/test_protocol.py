"""The server's pure rules: content negotiation, which queries the endpoint refuses, and the
answers a worker writes."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from innoproc.query import Result
from innoproc.serve import negotiate
from innoproc.serve.protocol import JSON_BUFFER, Refused, answer, classify, plain
from innoproc.serve.protocol import Request as ProtocolRequest

OFFERS = ["text/html", "text/turtle", "application/ld+json"]


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json;q=0.9, text/turtle;q=0.5", "application/ld+json"),
        ("text/*;q=0.8, application/ld+json;q=0.9", "application/ld+json"),
        ("*/*", "text/html"),
        ("image/png", None),
        ("text/turtle;q=0", None),
    ],
)
def test_negotiation_picks_the_best_offer(accept: str | None, chosen: str | None) -> None:
    assert negotiate(accept, OFFERS) == chosen


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "select"),
        ("ASK { ?s ?p ?o }", "ask"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "graph"),
        ("DESCRIBE <https://example.org/a>", "graph"),
        ('SELECT ?s WHERE { ?s ?p "SERVICE" }', "select"),
    ],
)
def test_queries_are_classified_on_their_parse(query: str, form: str) -> None:
    assert classify(query) == form


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("INSERT DATA { <a:b> <a:c> <a:d> }", 403),
        ("SELECT * WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } }", 403),
        ("SELECT * WHERE { ?s", 400),
    ],
)
def test_updates_services_and_garbage_are_refused(query: str, status: int) -> None:
    with pytest.raises(Refused) as refused:
        classify(query)
    assert refused.value.status == status


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } }",
        "select * where { service <https://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERV\\u0049CE <https://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { \\U00000053ERVICE <https://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { \u017fERVICE <https://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { serv\u0131ce <https://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o } # SERVICE",
        "SELECT * WHERE { " + "{" * 2000 + "?s ?p ?o" + "}" * 2000 + " }",
    ],
)
def test_texts_that_could_hold_a_service_or_nest_deeply_are_not_plain(query: str) -> None:
    assert not plain(query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERV\\u0049CE <https://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { \u017fERVICE <https://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { serv\u0131ce <https://example.org/sparql> { ?s ?p ?o } }",
    ],
)
def test_the_grammar_reads_service_in_these_spellings(query: str) -> None:
    """What :func:`plain` guards against: the parser takes each of them for SERVICE."""
    with pytest.raises(Refused) as refused:
        classify(query)
    assert refused.value.status == 403


def test_a_lookup_is_plain() -> None:
    assert plain("SELECT ?p ?o WHERE { <https://w3id.org/innoproc/id/organisation/a> ?p ?o }")


# ---------------------------------------------------------------- answers as a worker writes them

EX = "https://example.org/"
JSON = "application/sparql-results+json"


def store_of(objects: list[ox.Literal | ox.BlankNode]) -> ox.Store:
    """A store with one statement per object, each on a subject of its own."""
    store = ox.Store()
    store.extend(
        ox.Quad(ox.NamedNode(f"{EX}s{i:05}"), ox.NamedNode(f"{EX}p"), term)
        for i, term in enumerate(objects)
    )
    return store


def render(store: ox.Store, text: str, fmt: str) -> bytes:
    """The answer as :meth:`Result.render` writes it: the endpoint's other formats, the
    command's and the build's."""
    solutions = store.query(text, base_iri=EX)
    assert isinstance(solutions, ox.QuerySolutions)
    variables = [v.value for v in solutions.variables]
    rows = [tuple(solution[v] for v in variables) for solution in solutions]
    return Result(variables=variables, rows=rows).render(fmt).encode()


AWKWARD: list[ox.Literal | ox.BlankNode] = [
    ox.BlankNode("b0"),
    ox.Literal("plain"),
    ox.Literal('Łódź "quoted" back\\slash\nnew line\ttab \u0001 \u2028 \U0001f600'),
    ox.Literal("naam", language="nl"),
    ox.Literal("name", language="en-GB"),
    ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    ox.Literal("2024-05", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYearMonth")),
    ox.Literal(
        "<b>x</b>", datatype=ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML")
    ),
]


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s",
        "SELECT ?s ?missing ?o WHERE { ?s ?p ?o OPTIONAL { ?s <urn:none> ?missing } } ORDER BY ?s",
        "SELECT * WHERE { ?s <urn:none> ?o }",
        "SELECT * WHERE { }",
        "SELECT ?x WHERE { }",
    ],
)
def test_json_answers_are_the_bytes_the_python_writer_writes(text: str) -> None:
    """Oxigraph's serialiser writes SELECT answers as SPARQL JSON for the endpoint; the bytes
    are the ones :meth:`Result.render` writes, literals of every kind, unbound variables and
    blank nodes among them."""
    store = store_of(AWKWARD)
    got = answer(store, ProtocolRequest(text=text, accept=JSON), EX, 10_000)
    assert (got.status, got.content_type, got.truncated) == (200, JSON, False)
    assert got.body == render(store, text, "json")


@pytest.mark.parametrize("rows", [7, 9, 10, 11, 30, 12_000])
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_answers_are_cut_at_the_row_limit_in_every_way_they_are_written(
    rows: int, fmt: str
) -> None:
    """The row limit holds however the JSON is written: a body whose rows are counted (and cut
    when they are too many), and one past the worker's buffer (12,000 rows of about 120
    bytes), whose rows are read again; CSV, written in Python, alike."""
    limit = 10 if rows < 12_000 else 10_000
    store = store_of([ox.Literal(f"value {i:05} " + "x" * 40) for i in range(rows)])
    text = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    accept = JSON if fmt == "json" else "text/csv"
    got = answer(store, ProtocolRequest(text=text, accept=accept), EX, limit)
    assert got.status == 200 and got.truncated == (rows > limit)
    if fmt == "json":
        if rows == 12_000:
            assert len(render(store, text, "json")) > JSON_BUFFER
        bindings = json.loads(got.body)["results"]["bindings"]
        assert len(bindings) == min(rows, limit)
        assert bindings[-1]["s"]["value"] == f"{EX}s{min(rows, limit) - 1:05}"
        if rows <= limit:
            assert got.body == render(store, text, "json")
    else:
        assert got.body.count(b"\r\n") == min(rows, limit) + 1
