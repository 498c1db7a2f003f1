"""Stage 4, write the RDF files: dumps of the whole dataset and a description of every
resource, each in the formats that :mod:`innoproc.formats` marks as dumped or described.

Oxigraph's serialisers write the statements in the order given, and they are given in sorted
order, so the same input gives byte-identical files.

The dumps are sorted as text, never as terms: every statement is the line Oxigraph's N-Triples
serialiser writes for it (canonical N-Triples: one form per statement), and the lines are
sorted as bytes, an order that depends only on the set of statements, never on the order they
were read in. The N-Quads and N-Triples dumps are those lines as they are; the other formats
are Oxigraph's parse of those files, which keeps their order, written again.
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from innoproc import formats
from innoproc.build.gather import Index, Resource
from innoproc.build.load import Corpus
from innoproc.iris import inside
from innoproc.query import Query, Result
from innoproc.rdf import RDFS, ox_triple, statement_key, to_ox

GraphName = ox.NamedNode | ox.BlankNode


def write_dumps(corpus: Corpus, out: Path) -> None:
    """The whole dataset: in the formats of quads (TriG, N-Quads) with one named graph per
    source (and the ontology's), in those of triples (Turtle, N-Triples, gzipped or not,
    JSON-LD) their union. The default graph, which the dumps leave out, is the union.

    The statements' text comes from the corpus's Oxigraph store (which the build has made by
    then, for the questions of ``queries/``), written by Oxigraph in Rust; their namespaces
    from the statements' rdflib terms, in one pass that looks at no literal's text."""
    graphs = store_lines(corpus.store)
    namespaces = statement_namespaces(corpus.statements)
    write_dump(graphs, namespaces, out / corpus.description.dump, prefixes(corpus))


def store_lines(store: ox.Store) -> dict[GraphName, list[str]]:
    """Each named graph of ``store`` and its statements as :func:`write_dump` takes them: the
    lines of Oxigraph's N-Triples serialiser, each without its final `` .``."""
    out: dict[GraphName, list[str]] = {}
    for name in store.named_graphs():
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name) or b""
        out[name] = [line[:-2] for line in data.decode().splitlines()]
    return out


def statement_namespaces(statements: Iterable[tuple[Node, Node, Node, Node | None]]) -> set[str]:
    """The namespaces (:func:`_term_namespaces`) of the IRIs and literals' datatypes of the
    named graphs' statements (rdflib's terms with their graph, None for the default graph).

    One pass that hashes IRIs alone (an rdflib IRI hashes as its string does), and for a
    literal reads its datatype and language, never its text."""
    nodes: set[Node] = set()
    literals: dict[tuple[Node | None, bool], Node] = {}
    for s, p, o, g in statements:
        if g is None:
            continue
        nodes.add(s)
        nodes.add(p)
        if isinstance(o, Literal):
            literals.setdefault((o.datatype, bool(o.language)), o)
        else:
            nodes.add(o)
    return _term_namespaces(to_ox(term) for term in [*nodes, *literals.values()])


def write_dump(
    graphs: Mapping[GraphName, Iterable[str]],
    namespaces: set[str],
    target: Path,
    prefixes: dict[str, str],
) -> None:
    """The dumps of named graphs, as ``{target}.{extension}`` in every dumped format.

    ``graphs`` gives each graph's statements as text: the line canonical N-Triples writes for
    it without its final `` .`` (as ``str()`` of an Oxigraph ``Triple`` writes it), in any
    order, repeated or not: those of :func:`store_lines`. ``namespaces`` are those of the
    statements' IRIs and datatypes (:func:`statement_namespaces`; the graph names' are added for
    the formats of quads): Turtle and TriG declare the prefixes of those alone.

    The order: N-Quads and TriG graph by graph (by the graph's name as N-Quads writes it),
    each graph's statements by their text; N-Triples, Turtle and JSON-LD the union's distinct
    statements by their text. Texts compare as their UTF-8 bytes (Python orders strings by code
    point, which is the same order), and a line in the file keeps its text's place, whatever
    follows the text (the graph's name, `` .``): a text holds no character below the space
    (canonical N-Triples escapes them), and no text is another's beginning followed by a
    space (its object ends it). So the N-Triples file is sorted as bytes, and the N-Quads file
    graph by graph, each graph's lines as bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    files = {fmt: target.with_name(f"{target.name}.{fmt.extension}") for fmt in formats.dumped()}
    first = {
        fmt.holds: fmt
        for fmt in files
        if fmt.rdf == WRITTEN_FIRST.get(fmt.holds) and fmt.compression is None
    }
    assert first.keys() == WRITTEN_FIRST.keys(), "N-Quads and N-Triples are dumped"
    union: set[str] = set()
    with files[first["quads"]].open("wb") as out:
        for name in sorted(graphs, key=str):
            texts = set(graphs[name])
            union.update(texts)
            _write_lines(out, sorted(texts), f" {name} .\n")
    with files[first["triples"]].open("wb") as out:
        _write_lines(out, sorted(union), " .\n")
    del union
    used = {"quads": namespaces | _term_namespaces(graphs), "triples": namespaces}
    for fmt, path in files.items():
        assert fmt.rdf is not None
        source = files[first[fmt.holds]]
        if path == source:
            continue
        if fmt.rdf == WRITTEN_FIRST[fmt.holds] and fmt.compression == "application/gzip":
            with source.open("rb") as lines, path.open("wb") as raw, _gzip_file(raw) as out:
                shutil.copyfileobj(lines, out)
            continue
        assert fmt.compression is None, f"{fmt.name}: only N-Triples and N-Quads are compressed"
        # lenient: the lines are Oxigraph's own, of terms it built (and so checked): the
        # parser need not check each IRI and language tag again, which halves its time
        statements = ox.parse(path=source, format=WRITTEN_FIRST[fmt.holds], lenient=True)
        _serialize(statements, fmt.rdf, prefixes, used[fmt.holds], path)


WRITTEN_FIRST: dict[formats.Holds, ox.RdfFormat] = {
    "quads": ox.RdfFormat.N_QUADS,
    "triples": ox.RdfFormat.N_TRIPLES,
}
"""The dumps :func:`write_dump` writes first, from the statements' text, and that the other
formats of the same statements are parsed from (by Oxigraph, which keeps their order)."""

LINES_AT_ONCE = 10_000
"""How many lines :func:`_write_lines` joins into one write: the file is never held whole."""


def _write_lines(out: BinaryIO, texts: list[str], end: str) -> None:
    """``texts``, each followed by ``end``, in UTF-8."""
    for start in range(0, len(texts), LINES_AT_ONCE):
        out.write((end.join(texts[start : start + LINES_AT_ONCE]) + end).encode())


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
) -> list[tuple[URIRef, list[int]]]:
    """Where the description ``triples`` (from :func:`describe`) go with their sources kept:
    each statement once in the named graph of every source that states it. Returns each
    graph, sorted, with the places in ``triples`` of the statements it holds, in order."""
    own: dict[tuple[Node, Node, Node], list[URIRef]] = {
        (resource.iri, s.predicate, s.value): s.sources for s in resource.statements
    }
    own.update({(s, p, resource.iri): sources for s, p, sources in resource.incoming})
    labels: dict[Any, list[URIRef]] = index.label_sources
    ranks: dict[URIRef, list[int]] = {}
    for rank, triple in enumerate(triples):
        for g in own.get(triple) or labels.get(triple, []):
            ranks.setdefault(g, []).append(rank)
    return [(g, ranks[g]) for g in sorted(ranks, key=str)]


def write_description(
    index: Index, resource: Resource, out: Path, prefixes: dict[str, str]
) -> None:
    """A resource's description in every described format: the formats of triples hold
    :func:`describe`, those of quads (TriG) the same statements in the graphs of
    :func:`describe_sources`.

    A statement has many sources, so the quads far outnumber the triples (nine to one in the
    benchmark's graph of a million): the quads are made of the triples' terms, converted once,
    and their namespaces are those of the triples they hold and of their graphs."""
    described = describe(index, resource)
    triples = [ox_triple(s, p, o) for s, p, o in described]
    terms = [(t.subject, t.predicate, t.object) for t in triples]
    quads = []
    graphs: list[ox.NamedNode] = []
    held: set[int] = set()
    for g, ranks in describe_sources(index, resource, described):
        graph = ox.NamedNode(g)
        quads += [ox.Quad(s, p, o, graph) for s, p, o in [terms[rank] for rank in ranks]]
        graphs.append(graph)
        held.update(ranks)
    used = {"triples": _namespaces(triples)}
    kept = used["triples"] if len(held) == len(triples) else _namespaces(triples[r] for r in held)
    used["quads"] = kept | _term_namespaces(graphs)
    target = inside(out, f"id/{resource.path}")
    target.parent.mkdir(parents=True, exist_ok=True)
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
    statements: Iterable[ox.Triple] | Iterable[ox.Quad],
    fmt: ox.RdfFormat,
    prefixes: dict[str, str],
    used: set[str],
    output: Path | None = None,
) -> bytes:
    """``statements`` in ``fmt``, in the order given (into ``output`` if given, else returned);
    Turtle and TriG declare the prefixes they use (``used``, the namespaces of the statements'
    IRIs and datatypes: :func:`_term_namespaces`), sorted, and JSON-LD is written expanded."""
    if fmt not in (
        ox.RdfFormat.TURTLE,
        ox.RdfFormat.TRIG,
        ox.RdfFormat.RDF_XML,
        ox.RdfFormat.JSON_LD,
    ):
        return ox.serialize(statements, output, format=fmt) or b""
    chosen = {prefix: ns for prefix, ns in sorted(prefixes.items()) if ns in used}
    return ox.serialize(statements, output, format=fmt, prefixes=chosen) or b""


def _namespaces(statements: Iterable[ox.Triple] | Iterable[ox.Quad]) -> set[str]:
    """The namespaces (up to the last ``#`` or ``/``) of the IRIs in ``statements``."""
    return _term_namespaces(term for statement in statements for term in statement)


def _term_namespaces(terms: Iterable[Any]) -> set[str]:
    """The namespaces (up to the last ``#`` or ``/``) of ``terms``' IRIs and literals'
    datatypes."""
    iris: set[str] = set()
    for term in terms:
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
    path.write_bytes(_serialize(triples, fmt.rdf, bound, _namespaces(triples)))


def _gzip_file(raw: BinaryIO) -> gzip.GzipFile:
    """A gzip file to write ``raw`` through: at level 6 (zlib's default: a third of the time
    of level 9, for a file 5% larger), with no time and no name in its header, so that the same
    content gives the same bytes."""
    return gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0, filename="")
