"""The RDF plumbing every stage shares: namespaces, term conversion between rdflib, Oxigraph and
SPARQL JSON (both ways), a total order on terms, an Oxigraph store of the named graphs and their
union, and the choice of a literal by language.

rdflib's terms are what the stages gather and render, and rdflib's graphs the small ones the
build makes (the ontology, the shapes, the catalogue, the validation report); Oxigraph parses,
serialises, holds the data and answers queries. Terms cross between the two here and nowhere
else.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    TIME,
    VOID,
    XSD,
)
from rdflib.term import Node

# ------------------------------------------------------------------ namespaces

CV = Namespace("http://data.europa.eu/m8g/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SKOSXL = Namespace("http://www.w3.org/2008/05/skos-xl#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
AUTHORITY = "http://publications.europa.eu/resource/authority/"
"""The EU Publications Office's authority tables (countries, languages, file types ...)."""
COUNTRY = AUTHORITY + "country/"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
IANA = "http://www.iana.org/assignments/media-types/"
"""IANA's media types, as DCAT-AP names them."""


def ip(base_iri: str) -> Namespace:
    """The project's own terms: ``{base}ontology#``."""
    return Namespace(base_iri + "ontology#")


# ------------------------------------------------------------------ terms

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Triple = tuple[Node, Node, Node]

_IRIS: dict[str, URIRef] = {}
_STRING = str(XSD.string)


def iri(value: str) -> URIRef:
    """One :class:`URIRef` per IRI, however often the data names it."""
    found = _IRIS.get(value)
    if found is None:
        found = _IRIS[value] = URIRef(value)
    return found


def from_ox(term: Term) -> Node:
    """An Oxigraph term as rdflib's (plain strings untyped, as rdflib has them)."""
    if isinstance(term, ox.NamedNode):
        return iri(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _STRING:
            return Literal(term.value)  # rdflib's form of a plain string
        return Literal(term.value, datatype=iri(term.datatype.value))
    raise TypeError(f"unsupported term {term}")


@lru_cache(maxsize=1 << 16)
def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as Oxigraph's. Oxigraph checks every IRI it is given, which makes a
    term cost more than the lookup of one made before: a resource's description converts
    about a hundred terms, most of them (its predicates, the labels of what it links to) met
    in other descriptions. The last 65,536 are remembered, some 13 MB."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {term!r}")


def ox_triple(s: Node, p: Node, o: Node) -> ox.Triple:
    return ox.Triple(to_ox(s), to_ox(p), to_ox(o))  # type: ignore[arg-type]


def ox_quad(s: Node, p: Node, o: Node, g: Node) -> ox.Quad:
    return ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(g))  # type: ignore[arg-type]


def from_json(value: dict[str, str] | None) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    """A term of the SPARQL 1.1 Query Results JSON Format as Oxigraph's."""
    if value is None:
        return None
    if value["type"] == "uri":
        return ox.NamedNode(value["value"])
    if value["type"] == "bnode":
        return ox.BlankNode(value["value"])
    if "xml:lang" in value:
        return ox.Literal(value["value"], language=value["xml:lang"])
    if "datatype" in value:
        return ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"]))
    return ox.Literal(value["value"])


def to_json(term: Term) -> dict[str, str]:
    """An Oxigraph term in the SPARQL 1.1 Query Results JSON Format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def plain(term: Term) -> str:
    """An IRI's text, a literal's lexical form, a blank node's label."""
    if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
        return term.value
    return str(term)


# ------------------------------------------------------------------ order


def term_key(node: Node) -> tuple[str, str, str, str]:
    """A total, stable order on RDF terms: kind, text, language, datatype. Sorting by it
    (never by hash order) is what makes every output byte-identical from run to run."""
    if isinstance(node, Literal):
        return ("literal", str(node), node.language or "", str(node.datatype or ""))
    return (type(node).__name__, str(node), "", "")


def statement_key(statement: Iterable[Node | None]) -> tuple[tuple[str, ...], ...]:
    """The order of triples and quads: term by term (a default graph's None left out)."""
    return tuple(term_key(t) for t in statement if t is not None)


# ------------------------------------------------------------------ stores


def union_store(statements: Iterable[tuple[Node, Node, Node, URIRef | None]]) -> ox.Store:
    """An in-memory Oxigraph store holding every named graph of ``statements`` (subject,
    predicate, object and the graph's name, as the corpus holds them), and their union (as a
    set of triples) as its default graph."""
    converted: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def ox_of(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        found = converted.get(term)
        if found is None:
            found = converted[term] = to_ox(term)
        return found

    store = ox.Store()
    default = ox.DefaultGraph()
    store.bulk_extend(
        ox.Quad(ox_of(s), ox_of(p), ox_of(o), graph)  # type: ignore[arg-type]
        for s, p, o, name in statements
        if name is not None
        for graph in (ox_of(name), default)
    )
    return store


# ------------------------------------------------------------------ labels


def choose(literals: Iterable[Any], language: str, languages: Iterable[str]) -> Literal | None:
    """The literal for a reader of ``language``: in that language, else in each of
    ``languages`` in their order, else an untagged one, else the first in term order. The one
    fallback order of the site, its files and its messages."""
    found = sorted((v for v in literals if isinstance(v, Literal)), key=term_key)
    for wanted in (language, *languages, None):
        for literal in found:
            if literal.language == wanted:
                return literal
    return found[0] if found else None


__all__ = [
    "CV",
    "DCAT",
    "DCTERMS",
    "FOAF",
    "ORG",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SH",
    "SKOS",
    "SKOSXL",
    "TIME",
    "VOID",
    "XSD",
]
