"""Each query in queries/ answers its question with the exact rows the sources support, and
the embedded engine (pyoxigraph) gives the same answer as rdflib's SPARQL engine.

``query_answers.json`` holds the expected rows, checked against the sources: IRIs under the
base are written relative to it, an unbound value is null, rows in the query's order.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Literal
from rdflib.term import Node

from innoproc.build.load import Corpus
from innoproc.config import Config
from innoproc.query import Query, execute, load_queries
from innoproc.rdf import Term, plain

ROOT = Path(__file__).resolve().parent.parent
QUERIES = load_queries(ROOT / "queries")
ANSWERS = json.loads((Path(__file__).parent / "query_answers.json").read_text("utf-8"))


def test_there_are_at_least_fifteen_questions_in_two_languages() -> None:
    assert len(QUERIES) >= 15
    for query in QUERIES:
        assert query.question.get("en") and query.question.get("nl"), query.name


@pytest.mark.parametrize("query", [q for q in QUERIES if q.name in ANSWERS], ids=lambda q: q.name)
def test_query_answer(query: Query, corpus: Corpus, config: Config, store: ox.Store) -> None:
    result = execute(store, query, corpus.config.base_iri)
    rows = [
        [plain(t).replace(config.base_iri, "") if t is not None else None for t in row]
        for row in result.rows
    ]
    assert rows == ANSWERS[query.name]


def test_every_query_has_an_answer_to_check() -> None:
    assert {q.name for q in QUERIES} - set(ANSWERS) == {"sources"}


def test_sources_query_lists_every_source_file(
    corpus: Corpus, config: Config, store: ox.Store
) -> None:
    query = next(q for q in QUERIES if q.name == "sources")
    result = execute(store, query, corpus.config.base_iri).values()
    files = sorted(p.stem for p in (ROOT / "data").rglob("*.trig"))
    assert [r["source"].removeprefix(config.base_iri + "id/source/") for r in result] == files
    assert all(r["address"].startswith(("http://", "https://")) for r in result)
    statements = sum(1 for _, _, _, g in corpus.statements if g in corpus.source_graphs)
    assert sum(int(r["statements"]) for r in result) == statements


def _canonical(term: Node | Term | None) -> str:
    """One spelling for both engines' terms; the parts of a concatenation are sorted, since
    GROUP_CONCAT leaves their order to the engine."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal | Literal):
        value = term.value if isinstance(term, ox.Literal) else str(term)
        return ", ".join(sorted(value.split(", ")))
    return term.value if isinstance(term, ox.NamedNode | ox.BlankNode) else str(term)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_embedded_engine_agrees_with_rdflib(
    query: Query, corpus: Corpus, config: Config, store: ox.Store
) -> None:
    ours = execute(store, query, corpus.config.base_iri)
    union = Dataset(default_union=True)
    for s, p, o, g in corpus.statements:
        union.graph(g).add((s, p, o))
    theirs = union.query(query.text, base=config.base_iri)
    assert [str(v) for v in theirs.vars or []] == ours.variables
    expected = sorted(tuple(_canonical(t) for t in row) for row in theirs)  # type: ignore[union-attr]
    assert sorted(tuple(_canonical(t) for t in row) for row in ours.rows) == expected
