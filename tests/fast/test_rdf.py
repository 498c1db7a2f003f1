"""The RDF plumbing: term conversion both ways, the order of terms, the choice of a label."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from innoproc import formats
from innoproc.rdf import XSD, choose, from_json, from_ox, iri, term_key, to_json, to_ox

TERMS: list[Node] = [
    URIRef("https://example.org/a"),
    Literal("plain"),
    Literal("getal", lang="nl"),
    Literal("2020", datatype=XSD.gYear),
    Literal("42", datatype=XSD.integer),
]


@pytest.mark.parametrize("term", TERMS, ids=str)
def test_terms_cross_between_rdflib_oxigraph_and_json(term: Node) -> None:
    assert from_ox(to_ox(term)) == term
    assert from_json(to_json(to_ox(term))) == to_ox(term)


def test_blank_nodes_cross_too() -> None:
    node = BNode("b1")
    assert from_ox(to_ox(node)) == node
    assert to_json(ox.BlankNode("b1")) == {"type": "bnode", "value": "b1"}


def test_a_plain_string_has_no_datatype_in_json() -> None:
    assert to_json(ox.Literal("x")) == {"type": "literal", "value": "x"}
    assert to_json(ox.Literal("x", language="en")) == {
        "type": "literal",
        "value": "x",
        "xml:lang": "en",
    }


def test_one_uriref_per_iri() -> None:
    assert iri("https://example.org/a") is iri("https://example.org/a")


def test_term_order_is_total_and_stable() -> None:
    shuffled = [TERMS[3], TERMS[0], TERMS[4], TERMS[2], TERMS[1]]
    assert sorted(shuffled, key=term_key) == sorted(reversed(shuffled), key=term_key)
    assert term_key(Literal("a", lang="en")) < term_key(Literal("a", lang="nl"))


def test_one_fallback_order_for_labels() -> None:
    labels = [Literal("Alfa", lang="nl"), Literal("Alpha", lang="en"), Literal("Alpha")]
    assert str(choose(labels, "en", ("nl", "en"))) == "Alpha"
    assert choose(labels, "de", ("nl", "en")) == Literal("Alfa", lang="nl")
    assert choose([Literal("x"), Literal("y", lang="fr")], "en", ("nl",)) == Literal("x")
    assert choose([Literal("y", lang="fr")], "en", ("nl",)) == Literal("y", lang="fr")
    assert choose([], "en", ("nl",)) is None


def test_the_format_table_is_the_one_place_formats_are_listed() -> None:
    assert [f.extension for f in formats.dumped()] == ["trig", "nq", "ttl", "nt", "nt.gz", "jsonld"]
    assert [f.extension for f in formats.described()] == ["ttl", "nt", "jsonld", "rdf", "trig"]
    assert [f.name for f in formats.holding("results")] == ["json", "xml", "csv", "tsv"]
    turtle = formats.by_name("ttl")
    assert turtle is not None and turtle.content_type == "text/turtle; charset=utf-8"
    assert formats.by_extension(".rdf") == formats.by_name("rdfxml")
    assert formats.by_name("json-ld") == formats.by_extension("jsonld")
    assert formats.by_name("no-such-format") is None
    for fmt in formats.FORMATS:
        assert (fmt.rdf is not None) == (fmt.holds in ("triples", "quads")), fmt.name
        assert (fmt.results is not None) == (fmt.holds == "results"), fmt.name
