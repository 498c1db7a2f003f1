"""Stage 4a: write the graph as RDF files: dumps of the whole dataset and a description of
every resource, each in several formats.

Oxigraph's serialisers write the statements in the order given, and they are given in sorted
order, so the same input gives byte-identical files.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib.term import Node

from innoproc.gather import Index, Resource, term_key
from innoproc.iris import inside
from innoproc.load import Corpus, quads
from innoproc.query import ox_quad, ox_triple
from innoproc.vocab import RDFS

RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nt": ox.RdfFormat.N_TRIPLES,
}
MEDIA_TYPES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "trig": "application/trig",
    "nq": "application/n-quads",
}


def write_dumps(corpus: Corpus, out: Path) -> None:
    """The whole dataset: TriG and N-Quads with one named graph per source (and the ontology's);
    Turtle, N-Triples (also gzipped) and JSON-LD of the union."""
    target = out / corpus.description.dump
    target.parent.mkdir(parents=True, exist_ok=True)
    statements = sorted(
        ((s, p, o, g) for s, p, o, g in quads(corpus.dataset) if g is not None), key=_key4
    )
    declared = prefixes(corpus)
    named = [ox_quad(s, p, o, g) for s, p, o, g in statements]
    union: dict[tuple[Node, Node, Node], ox.Triple] = {}
    for (s, p, o, _), quad in zip(statements, named, strict=True):
        union.setdefault((s, p, o), quad.triple)
    triples = [union[key] for key in sorted(union, key=_key3)]

    for extension, fmt in (("trig", ox.RdfFormat.TRIG), ("nq", ox.RdfFormat.N_QUADS)):
        target.with_suffix("." + extension).write_bytes(_serialize(named, fmt, declared))
    for extension, fmt in RDF_FORMATS.items():
        target.with_suffix("." + extension).write_bytes(_serialize(triples, fmt, declared))
    gz = target.with_suffix(".nt.gz")
    gz.write_bytes(_gzip((target.with_suffix(".nt")).read_bytes()))


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
    return sorted(set(triples), key=lambda t: (t[0] != resource.iri, _key3(t)))


def write_description(
    index: Index, resource: Resource, out: Path, prefixes: dict[str, str]
) -> None:
    triples = [ox_triple(s, p, o) for s, p, o in describe(index, resource)]
    target = inside(out, f"id/{resource.path}")
    target.parent.mkdir(parents=True, exist_ok=True)
    for extension, fmt in RDF_FORMATS.items():
        path = target.parent / f"{target.name}.{extension}"
        path.write_bytes(_serialize(triples, fmt, prefixes))


def _serialize(
    statements: Sequence[ox.Triple] | Sequence[ox.Quad], fmt: ox.RdfFormat, prefixes: dict[str, str]
) -> bytes:
    """``statements`` in ``fmt``, in the order given; Turtle and TriG declare the prefixes they
    use, sorted, and JSON-LD is written expanded."""
    if fmt not in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return ox.serialize(statements, format=fmt) or b""
    used = _namespaces(statements)
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


def canonical_json(text: str) -> str:
    """rdflib writes JSON-LD nodes and values in hash order: sort them."""

    def order(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: order(item) for key, item in sorted(value.items())}
        if isinstance(value, list):
            items = [order(item) for item in value]
            return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
        return value

    return json.dumps(order(json.loads(text)), ensure_ascii=False, indent=2) + "\n"


def _gzip(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as archive:
        archive.write(data)
    return buffer.getvalue()


def _key3(triple: tuple[Node, Node, Node]) -> tuple[tuple[str, ...], ...]:
    return tuple(term_key(t) for t in triple)


def _key4(quad: tuple[Node, Node, Node, Node | None]) -> tuple[tuple[str, ...], ...]:
    return tuple(term_key(t) for t in quad if t is not None)
