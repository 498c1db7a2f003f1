"""Stage 1, load: read ``ontology/``, ``data/``, ``shapes/`` and ``catalogue/`` into one corpus.

The ontology (and the model's vocabularies) go into the graph named by the ontology IRI. Each
file in ``data/`` holds exactly one named graph, ``{base}id/source/{file stem}``: the claims of
one source. Relative IRIs resolve against the configured base IRI. Anything that cannot be
used raises :class:`InputError` naming the file, and the line and column or the resource.

Every RDF file is read by one parser, Oxigraph's: the sources, the ontology, the shapes and the
catalogue's codes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from innoproc.config import Config, Description
from innoproc.errors import InputError
from innoproc.iris import InvalidIri, resource_path
from innoproc.rdf import XSD, Triple, from_ox, iri, to_ox, union_store

Quad = tuple[Node, Node, Node, URIRef | None]
"""A statement with the name of its graph (None for the default graph)."""


@dataclass
class Corpus:
    """Everything the later stages read: every statement with its graph, the ontology, the
    shapes and where each graph came from.

    The statements are one list, walked by every stage that reads them all at a list's speed;
    the questions of one statement (which files state it, what a node's label is) go to an
    Oxigraph store of the same statements (:attr:`store`). Nothing holds them in an rdflib
    graph: that takes about three times the memory of the list, for indexes no stage needs."""

    config: Config
    ontology: Graph
    """The ontology's graph (and the model's vocabularies), with its prefixes and those of the
    shapes: small, and read as a graph by the ontology page, the prefixes and the catalogue."""
    shapes: Graph
    description: Description
    """What the site and the catalogue say about the dataset."""
    graph_files: dict[URIRef, Path] = field(default_factory=dict)
    """Each named graph and the file it was read from (paths relative to the project)."""
    statements: list[Quad] = field(default_factory=list)
    """Every statement once in each graph that holds it: the ontology's first, then the
    sources' in the order of their files."""

    @cached_property
    def store(self) -> ox.Store:
        """An Oxigraph store of :attr:`statements` (:func:`innoproc.rdf.union_store`): every
        named graph, and their union as the default graph. Made when first asked (by the
        questions of ``queries/``, or a validation from the previous report), then kept."""
        return union_store(self.statements)

    @cached_property
    def source_graphs(self) -> list[URIRef]:
        """The named graphs read from ``data/``, one per source, sorted (once loading is done)."""
        ontology = URIRef(self.config.ontology_iri)
        return sorted(name for name in self.graph_files if name != ontology)

    def graph(self, name: URIRef) -> Graph:
        """The statements of the named graph ``name`` as an rdflib graph (one source's are a
        few hundred: for checks that read a source as a graph)."""
        out = Graph()
        for s, p, o, g in self.statements:
            if g == name:
                out.add((s, p, o))
        return out

    def quads(self, node: Node) -> Iterator[Quad]:
        """The statements about ``node``, in every named graph that holds them."""
        if isinstance(node, Literal):
            return
        for quad in self.store.quads_for_pattern(to_ox(node), None, None, None):  # type: ignore[arg-type]
            graph = quad.graph_name
            if isinstance(graph, ox.NamedNode):
                yield node, from_ox(quad.predicate), from_ox(quad.object), iri(graph.value)

    def files_of(
        self, node: Node, predicate: Node | None = None, value: Node | None = None
    ) -> list[Path]:
        """The files in which ``node`` is the subject of a statement (with ``predicate`` and
        ``value``, when given and some file states exactly that)."""
        found = {
            self.graph_files[name]
            for _, p, o, name in self.quads(node)
            if name is not None
            and name in self.graph_files
            and (predicate is None or p == predicate)
            and (value is None or o == value)
        }
        if not found and (predicate is not None or value is not None):
            return self.files_of(node)
        return sorted(found)


Source = tuple[URIRef, Path, list[Triple]]
"""One source's graph: its name, where it was read from, and its statements."""


def load_project(config: Config, sources: Iterable[Source] | None = None) -> Corpus:
    """Read the project into a :class:`Corpus`: the ontology and the shapes from their
    folders, the sources' graphs from ``data/`` or, when given, from ``sources``."""
    ontology_iri = URIRef(config.ontology_iri)
    corpus = Corpus(
        config=config, ontology=Graph(), shapes=Graph(), description=Description.load(config)
    )
    for path in _files(config, config.ontology_dir, ".ttl"):
        _read_into(config, path, corpus.ontology)
        corpus.graph_files[ontology_iri] = Path(config.ontology_dir)
    corpus.statements.extend((s, p, o, ontology_iri) for s, p, o in corpus.ontology)
    for name, origin, triples in sources if sources is not None else read_sources(config):
        if name in corpus.graph_files:
            raise InputError(f"{origin}: graph <{name}> is also in {corpus.graph_files[name]}")
        corpus.graph_files[name] = origin
        # a statement is in a graph once, however often its file says it
        corpus.statements.extend((s, p, o, name) for s, p, o in dict.fromkeys(triples))
    for path in _files(config, config.shapes_dir, ".ttl"):
        _read_into(config, path, corpus.shapes)
    for prefix, namespace in corpus.shapes.namespaces():
        corpus.ontology.bind(prefix, namespace, override=False)
    return corpus


def read_sources(config: Config) -> Iterator[Source]:
    """The graphs of ``data/``, one file at a time."""
    for path in _files(config, config.data_dir, ".trig"):
        yield _read_source(config, path)


def _files(config: Config, folder: str, suffix: str) -> list[Path]:
    root = config.path(folder)
    if not root.is_dir():
        raise InputError(f"{folder}/: folder not found in {config.root}")
    return sorted(p for p in root.rglob(f"*{suffix}") if p.is_file())


def project_path(config: Config, path: Path) -> Path:
    """How the corpus names a file it read: its path in the project, or where it is when it
    lies outside (a data folder that is a link elsewhere)."""
    try:
        return path.resolve().relative_to(config.root)
    except ValueError:
        return path


def _read_source(config: Config, path: Path) -> Source:
    """Parse one data file (with Oxigraph's parser, the fast one); it must hold exactly
    ``<id/source/{stem}>`` and nothing else."""
    expected = f"{config.base_iri}id/source/{path.stem}"
    rel = project_path(config, path)
    names = set()

    def triples_of(parsed: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
        for quad in parsed:
            if isinstance(quad.graph_name, ox.DefaultGraph):
                raise InputError(
                    f"{rel}: statement outside a named graph ({quad.subject} "
                    f"{quad.predicate} ...): every statement must sit in its source's graph"
                )
            names.add(quad.graph_name.value)
            yield quad.triple

    with _reading(rel):
        parsed = ox.parse(path=str(path), format=ox.RdfFormat.TRIG, base_iri=config.base_iri)
        triples = statements(rel, triples_of(parsed), config.base_iri)
    if names != {expected}:
        found = ", ".join(sorted(f"<{n}>" for n in names)) or "no graph"
        raise InputError(f"{rel}: must hold exactly one graph, <{expected}>; found {found}")
    return URIRef(expected), rel, triples


@contextmanager
def _reading(rel: Path) -> Iterator[None]:
    """Oxigraph's parse errors as :class:`InputError`, naming ``rel`` (and line and column)."""
    try:
        yield
    except SyntaxError as exc:
        why = re.sub(
            r"^Parser error at line \d+ (between columns \d+ and \d+|column \d+): ",
            "",
            str(exc.msg),
        )
        raise InputError(f"{rel}:{exc.lineno}:{exc.offset}: syntax error: {why}") from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"{rel}: {exc}") from exc


def parse_file(
    config: Config, path: Path, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE
) -> tuple[list[Triple], dict[str, str]]:
    """The statements of an RDF file of the project that is not a source (the ontology, the
    shapes, the catalogue's codes) and the prefixes it declares: :func:`parse_rdf` with the
    project's base IRI, naming the file from the project's folder."""
    rel = project_path(config, path)
    if not path.is_file():
        raise InputError(f"{rel}: file not found in {config.root}")
    return parse_rdf(path, rel, fmt, config.base_iri)


def parse_rdf(
    path: Path, shown: Path, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE, base_iri: str | None = None
) -> tuple[list[Triple], dict[str, str]]:
    """The statements of an RDF file and the prefixes it declares, read with Oxigraph's parser
    like the sources, blank nodes allowed; a file that cannot be read is an
    :class:`InputError` naming it as ``shown`` (and the line and column)."""
    out: list[Triple] = []
    with _reading(shown), _quiet_rdflib():
        parser = ox.parse(path=str(path), format=fmt, base_iri=base_iri)
        for quad in parser:
            statement = (from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object))
            _check_literal(shown, *statement)
            out.append(statement)
    return out, dict(parser.prefixes)


def _read_into(config: Config, path: Path, graph: Graph) -> None:
    triples, prefixes = parse_file(config, path)
    for triple in triples:
        graph.add(triple)
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace)


def statements(origin: Path, triples: Iterable[ox.Triple], base_iri: str) -> list[Triple]:
    """Oxigraph's triples as rdflib's, refusing blank nodes, malformed literals and resource
    IRIs that break the grammar of ``iris`` (the message names ``origin``)."""
    out: list[Triple] = []
    checked: set[str] = set()
    typed: dict[ox.Literal, ox.Triple] = {}
    with _quiet_rdflib():  # rdflib logs a traceback while making an ill-typed literal
        for triple in triples:
            s, p, o = triple.subject, triple.predicate, triple.object
            if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
                raise InputError(
                    f"{origin}: blank node in ({s} {p} {o}): give every resource an IRI"
                )
            for term in (s, o):
                if isinstance(term, ox.NamedNode) and term.value not in checked:
                    try:
                        resource_path(base_iri, term.value)
                    except InvalidIri as exc:
                        raise InputError(f"{origin}: {exc}") from None
                    checked.add(term.value)
            statement = (from_ox(s), iri(p.value), from_ox(o))
            _check_literal(origin, *statement)
            datatype = getattr(statement[2], "datatype", None)
            if datatype is not None and datatype != XSD.string and datatype.startswith(_XSD_NS):
                typed.setdefault(o, triple)  # type: ignore[arg-type]
            out.append(statement)
    _check_stored_forms(origin, typed)
    return out


_XSD_NS = str(XSD)


def _check_stored_forms(origin: Path, typed: dict[ox.Literal, ox.Triple]) -> None:
    """Refuse a typed literal that an Oxigraph store (the build's, whose statements make the
    dumps and answer the questions, and the server's) keeps in another form than written: it
    keeps one form of each number, date and time (``"1.50"^^xsd:decimal`` as ``"1.5"``) and
    every integer type as ``xsd:integer`` (``"10"^^xsd:int`` as ``"10"^^xsd:integer``, a
    different literal, which a shape asking for either type then judges wrongly). ``typed``
    holds each distinct literal with the first statement that has it, in the file's order.

    A literal is kept as written if it is among the forms the store keeps of them all: a form
    the store keeps is its one form of that value."""
    if not typed:
        return
    stored = _stored(typed)
    written = next((lit for lit in typed if lit not in stored), None)
    if written is not None:
        triple = typed[written]
        (kept,) = _stored([written])
        raise InputError(
            f"{origin}: {triple.subject} {triple.predicate} has the value {written}, which "
            f"a SPARQL store keeps as {kept}: write it so (a store keeps one form of each "
            "number, date and time, and xsd:integer for every integer type)"
        )


def _check_literal(rel: Path, s: Node, p: Node, o: Node) -> None:
    if isinstance(o, Literal) and (o.ill_typed or not _lexical_ok(o)):
        raise InputError(
            f'{rel}: {s.n3()} {p.n3()} has a malformed value "{o}" for its datatype <{o.datatype}>'
        )


_ZONE = r"(Z|[+-]\d{2}:\d{2})?"
_LEXICAL = {
    XSD.gYear: re.compile(rf"-?\d{{4,}}{_ZONE}"),
    XSD.gYearMonth: re.compile(rf"-?\d{{4,}}-(0[1-9]|1[0-2]){_ZONE}"),
    XSD.date: re.compile(rf"-?\d{{4,}}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]){_ZONE}"),
}


def _lexical_ok(literal: Literal) -> bool:
    """rdflib accepts any text as an xsd:gYear or xsd:gYearMonth; check the date types' forms."""
    pattern = _LEXICAL.get(literal.datatype) if literal.datatype else None
    return pattern is None or pattern.fullmatch(str(literal)) is not None


def _stored(literals: Iterable[ox.Literal]) -> set[ox.Literal]:
    """The forms an Oxigraph store keeps of ``literals``."""
    store = ox.Store()
    node, graph = ox.NamedNode("urn:innoproc:value"), ox.DefaultGraph()
    store.bulk_extend(ox.Quad(node, node, lit, graph) for lit in literals)
    return {quad.object for quad in store}


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback for each ill-typed literal; we report those ourselves."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)
