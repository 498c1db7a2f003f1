"""Stage 4a: write the graph as RDF files: dumps of the whole dataset and a description of
every resource, each in several formats.

Output is deterministic: statements are written in sorted order and graphs are built by adding
statements in sorted order, so the same input gives byte-identical files.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from innoproc.gather import Index, Resource, term_key
from innoproc.load import Corpus, quads
from innoproc.vocab import RDFS

DUMP = "dumps/innoproc"
RDF_FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt"}
MEDIA_TYPES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "trig": "application/trig",
    "nq": "application/n-quads",
}


def write_dumps(corpus: Corpus, out: Path) -> list[Path]:
    """The whole dataset: TriG and N-Quads with one named graph per source (and the ontology's);
    Turtle, N-Triples (also gzipped) and JSON-LD of the union."""
    target = out / DUMP
    target.parent.mkdir(parents=True, exist_ok=True)
    statements = sorted(
        ((s, p, o, g) for s, p, o, g in quads(corpus.dataset) if g is not None), key=_key4
    )
    dataset = Dataset()
    _bind(dataset, corpus)
    for s, p, o, g in statements:
        dataset.graph(g).add((s, p, o))
    union = Graph()
    _bind(union, corpus)
    for s, p, o, _ in statements:
        union.add((s, p, o))

    written = []
    trig = target.with_suffix(".trig")
    trig.write_text(_trig(dataset, corpus), "utf-8")
    nq = target.with_suffix(".nq")
    nq.write_text(_sorted_lines(dataset.serialize(format="nquads")), "utf-8")
    written += [trig, nq]
    for extension, fmt in RDF_FORMATS.items():
        path = target.with_suffix("." + extension)
        path.write_text(_serialize(union, fmt), "utf-8")
        written.append(path)
    gz = target.with_suffix(".nt.gz")
    gz.write_bytes(_gzip((target.with_suffix(".nt")).read_bytes()))
    written.append(gz)
    return written


def describe(index: Index, resource: Resource) -> Graph:
    """A resource's description: its statements, the statements that point to it, and the
    labels of every resource either of those names."""
    graph = Graph()
    triples: list[tuple[Node, Node, Node]] = [
        (resource.iri, s.predicate, s.value) for s in resource.statements
    ]
    triples += [(subject, predicate, resource.iri) for subject, predicate, _ in resource.incoming]
    linked = {t[2] for t in triples} | {t[0] for t in triples}
    linked.discard(resource.iri)
    for node in sorted(linked, key=str):
        triples += [(node, p, o) for p, o in index.label_statements.get(node, [])]
    for triple in sorted(set(triples), key=_key3):
        graph.add(triple)
    return graph


def write_description(index: Index, resource: Resource, out: Path, prefixes: Graph) -> list[Path]:
    graph = describe(index, resource)
    for prefix, namespace in prefixes.namespaces():
        graph.bind(prefix, namespace, override=True)
    target = out / "id" / resource.path
    target.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for extension, fmt in RDF_FORMATS.items():
        path = target.parent / f"{target.name}.{extension}"
        path.write_text(_serialize(graph, fmt), "utf-8")
        written.append(path)
    return written


def _serialize(graph: Graph, fmt: str) -> str:
    text = graph.serialize(format=fmt)
    if fmt == "nt":
        return _sorted_lines(text)
    if fmt == "json-ld":
        return canonical_json(text)
    return text


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


def _trig(dataset: Dataset, corpus: Corpus) -> str:
    """TriG with the graphs in name order (rdflib's own order follows hashes)."""
    prefixes: set[str] = set()
    blocks = []
    for name in sorted({g for _, _, _, g in quads(dataset) if g is not None}, key=term_key):
        single = Dataset()
        _bind(single, corpus)
        for triple in dataset.graph(name):
            single.graph(name).add(triple)
        lines = single.serialize(format="trig").splitlines()
        prefixes |= {line for line in lines if line.startswith("@prefix")}
        blocks.append("\n".join(line for line in lines if not line.startswith("@prefix")).strip())
    return "\n".join(sorted(prefixes)) + "\n\n" + "\n\n".join(blocks) + "\n"


def _sorted_lines(text: str) -> str:
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "".join(line + "\n" for line in lines)


def _gzip(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as archive:
        archive.write(data)
    return buffer.getvalue()


def _bind(graph: Graph, corpus: Corpus) -> None:
    for prefix, namespace in sorted(corpus.ontology.namespaces()):
        graph.bind(prefix, namespace, override=True)
    graph.bind("ip", URIRef(corpus.config.vocab), override=True)
    graph.bind("rdfs", RDFS._NS, override=True)


def _key3(triple: tuple[Node, Node, Node]) -> tuple[tuple[str, ...], ...]:
    return tuple(term_key(t) for t in triple)


def _key4(quad: tuple[Node, Node, Node, Node | None]) -> tuple[tuple[str, ...], ...]:
    return tuple(term_key(t) for t in quad if t is not None)
