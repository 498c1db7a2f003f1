"""The server's pure rules: content negotiation and which queries the endpoint refuses."""

from __future__ import annotations

import pytest

from innoproc.serve import negotiate
from innoproc.serve.protocol import Refused, classify, plain

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
