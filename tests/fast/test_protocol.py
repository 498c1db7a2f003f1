"""The server's pure rules: content negotiation and which queries the endpoint refuses."""

from __future__ import annotations

import pytest

from innoproc.serve import negotiate
from innoproc.serve.protocol import Refused, classify

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
