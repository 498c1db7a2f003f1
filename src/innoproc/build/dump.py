"""Stage 4, write the RDF files: dumps of the whole dataset and a description of every
resource, each in the formats that :mod:`innoproc.formats` marks as dumped or described.

Oxigraph's serialisers write the statements in the order given, and they are given in sorted
order, so the same input gives byte-identical files.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from innoproc import formats
from innoproc.build.gather import Index, Resource
from innoproc.build.load import Corpus
from innoproc.iris import inside
from innoproc.query import Query, Result
from innoproc.rdf import RDFS, ox_quad, ox_triple, statement_key, statement_order


def write_dumps(corpus: Corpus, out: Path) -> None:
    """The whole dataset: in the formats of quads (TriG, N-Quads) with one named graph per
    source (and the ontology's), in those of triples (Turtle, N-Triples, gzipped or not,
    JSON-LD) their union."""
    target = out / corpus.description.dump
    target.parent.mkdir(parents=True, exist_ok=True)
    order = statement_order()
    statements = sorted(
        ((s, p, o, g) for s, p, o, g in corpus.statements if g is not None), key=order
    )
    declared = prefixes(corpus)
    named = [ox_quad(s, p, o, g) for s, p, o, g in statements]
    union: dict[tuple[Node, Node, Node], ox.Triple] = {}
    for (s, p, o, _), quad in zip(statements, named, strict=True):
        union.setdefault((s, p, o), quad.triple)
    triples = [union[key] for key in sorted(union, key=order)]
    used = {"quads": _namespaces(named), "triples": _namespaces(triples)}
    for fmt in formats.dumped():
        assert fmt.rdf is not None
        statements_in = named if fmt.holds == "quads" else triples
        data = _serialize(statements_in, fmt.rdf, declared, used[fmt.holds])
        if fmt.compression == "application/gzip":
            data = _gzip(data)
        target.with_name(f"{target.name}.{fmt.extension}").write_bytes(data)


def describe(index: Index, resource: Resource) -> list[tuple[Node, Node, Node]]:
    """A resource's description: its own statements first, then (by subject) the statements
    that point to it and the labels of every resource either of those names."""
    triples: list[tuple[Node, Node, Node]] = [
        (resource.iri, s.predicate, s.value) for s in resource.statements
    ]
    triples += [(subject, predicate, resource.iri) for subject, predicate, _ in resource.incoming]
    linked = {t[2] for t in triples} | {t[0] for t in triples}
    linked.discard(resource.iri)
    for node in linked:
        triples += [(node, p, o) for p, o in index.label_statements.get(node, [])]
    return sorted(set(triples), key=lambda t: (t[0] != resource.iri, statement_key(t)))


def describe_sources(
    index: Index, resource: Resource, triples: list[tuple[Node, Node, Node]]
) -> list[tuple[Node, Node, Node, Node]]:
    """The description ``triples`` (from :func:`describe`) with the sources kept: each
    statement once in the named graph of every source that states it, sorted by graph and
    then as :func:`describe` sorts them."""
    own: dict[tuple[Node, Node, Node], list[URIRef]] = {
        (resource.iri, s.predicate, s.value): s.sources for s in resource.statements
    }
    own.update({(s, p, resource.iri): sources for s, p, sources in resource.incoming})
    labels: dict[Any, list[URIRef]] = index.label_sources
    out = []
    for rank, (s, p, o) in enumerate(triples):
        stated_by = own.get((s, p, o)) or labels.get((s, p, o), [])
        out += [(g, rank, (s, p, o)) for g in stated_by]
    return [(s, p, o, g) for g, _, (s, p, o) in sorted(out, key=lambda q: (str(q[0]), q[1]))]


def write_description(
    index: Index, resource: Resource, out: Path, prefixes: dict[str, str]
) -> None:
    """A resource's description in every described format: the formats of triples hold
    :func:`describe`, those of quads (TriG) :func:`describe_sources`."""
    described = describe(index, resource)
    triples = [ox_triple(s, p, o) for s, p, o in described]
    quads = [ox_quad(s, p, o, g) for s, p, o, g in describe_sources(index, resource, described)]
    target = inside(out, f"id/{resource.path}")
    target.parent.mkdir(parents=True, exist_ok=True)
    used = {"quads": _namespaces(quads), "triples": _namespaces(triples)}
    for fmt in formats.described():
        assert fmt.rdf is not None
        path = target.parent / f"{target.name}.{fmt.extension}"
        statements = quads if fmt.holds == "quads" else triples
        path.write_bytes(_serialize(statements, fmt.rdf, prefixes, used[fmt.holds]))


ANSWERS = "query"
"""The folder of the stored answers to the questions of ``queries/``."""


def answer_formats(result: Result) -> list[formats.Format]:
    """The formats a stored answer is written in: CSV (RFC 4180, with the header row) and the
    SPARQL JSON results of a SELECT; the JSON results alone of an ASK; none for a graph."""
    if result.graph:
        return []
    names = ("csv", "json") if result.boolean is None else ("json",)
    return [f for f in formats.holding("results") if f.name in names]


def write_answers(answers: Iterable[tuple[Query, Result]], out: Path) -> None:
    """Each question's stored answer, as ``query/{name}.{extension}`` in :func:`answer_formats`."""
    folder = out / ANSWERS
    folder.mkdir(parents=True, exist_ok=True)
    for query, result in answers:
        for fmt in answer_formats(result):
            data = result.render(fmt.name).encode()
            inside(out, f"{ANSWERS}/{query.name}.{fmt.extension}").write_bytes(data)


def _serialize(
    statements: Sequence[ox.Triple] | Sequence[ox.Quad],
    fmt: ox.RdfFormat,
    prefixes: dict[str, str],
    used: set[str] | None = None,
) -> bytes:
    """``statements`` in ``fmt``, in the order given; Turtle and TriG declare the prefixes they
    use (``used``, the statements' namespaces, when already known), sorted, and JSON-LD is
    written expanded."""
    if fmt not in (
        ox.RdfFormat.TURTLE,
        ox.RdfFormat.TRIG,
        ox.RdfFormat.RDF_XML,
        ox.RdfFormat.JSON_LD,
    ):
        return ox.serialize(statements, format=fmt) or b""
    used = _namespaces(statements) if used is None else used
    chosen = {prefix: ns for prefix, ns in sorted(prefixes.items()) if ns in used}
    return ox.serialize(statements, format=fmt, prefixes=chosen) or b""


def _namespaces(statements: Sequence[ox.Triple] | Sequence[ox.Quad]) -> set[str]:
    """The namespaces (up to the last ``#`` or ``/``) of the IRIs in ``statements``."""
    iris: set[str] = set()
    for statement in statements:
        for term in statement:
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    out = set()
    for iri in iris:
        cut = max(iri.rfind("#"), iri.rfind("/")) + 1
        out.add(iri[:cut])
    return out


def prefixes(corpus: Corpus) -> dict[str, str]:
    """The prefixes RDF files may use: the ontology's, with ``ip:`` and ``rdfs:`` fixed."""
    out = {prefix: str(namespace) for prefix, namespace in corpus.ontology.namespaces()}
    out.update(ip=corpus.config.vocab, rdfs=str(RDFS))
    return {prefix: ns for prefix, ns in out.items() if prefix}


def write_graph(graph: Graph, path: Path, fmt: formats.Format) -> None:
    """A graph the build makes (the catalogue, VoID) as one file in ``fmt``: its statements
    sorted, declaring the prefixes bound in it that it uses."""
    assert fmt.rdf is not None
    triples = [ox_triple(s, p, o) for s, p, o in sorted(graph, key=statement_key)]
    bound = {prefix: str(namespace) for prefix, namespace in graph.namespaces() if prefix}
    path.write_bytes(_serialize(triples, fmt.rdf, bound))


def _gzip(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as archive:
        archive.write(data)
    return buffer.getvalue()
