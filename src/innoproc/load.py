"""Stage 1: read ``ontology/``, ``data/`` and ``shapes/`` into one dataset.

The ontology (and the model's vocabularies) go into the graph named by the ontology IRI. Each
file in ``data/`` holds exactly one named graph, ``{base}id/source/{file stem}``: the claims of
one source. Relative IRIs resolve against the configured base IRI. Anything that cannot be
used raises :class:`InputError` naming the file, and the line and column or the resource.
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
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from innoproc.config import Config, Description
from innoproc.errors import InputError
from innoproc.iris import InvalidIri, resource_path
from innoproc.vocab import XSD


@dataclass
class Corpus:
    """Everything the later stages read: the dataset, the shapes and where each graph came from."""

    config: Config
    dataset: Dataset
    shapes: Graph
    description: Description
    """What the site and the catalogue say about the dataset."""
    graph_files: dict[URIRef, Path] = field(default_factory=dict)
    """Each named graph and the file it was read from (paths relative to the project)."""

    @property
    def ontology(self) -> Graph:
        return self.dataset.graph(URIRef(self.config.ontology_iri))

    @cached_property
    def source_graphs(self) -> list[URIRef]:
        """The named graphs read from ``data/``, one per source, sorted (once loading is done)."""
        ontology = URIRef(self.config.ontology_iri)
        return sorted(name for name in self.graph_files if name != ontology)

    def files_of(
        self, node: Node, predicate: Node | None = None, value: Node | None = None
    ) -> list[Path]:
        """The files in which ``node`` is the subject of a statement (with ``predicate`` and
        ``value``, when given and some file states exactly that)."""
        found = {
            self.graph_files[name]
            for _, p, o, name in quads(self.dataset, node)
            if name is not None
            and name in self.graph_files
            and (predicate is None or p == predicate)
            and (value is None or o == value)
        }
        if not found and (predicate is not None or value is not None):
            return self.files_of(node)
        return sorted(found)


DEFAULT_GRAPH = URIRef("urn:x-rdflib:default")


def quads(
    dataset: Dataset, subject: Node | None = None
) -> Iterator[tuple[Node, Node, Node, URIRef | None]]:
    """The statements of ``dataset`` (about ``subject``, if given) with the name of their
    graph, or None for the default graph."""
    for s, p, o, g in dataset.quads((subject, None, None, None)):
        name = getattr(g, "identifier", g)
        yield s, p, o, (None if name is None or name == DEFAULT_GRAPH else URIRef(str(name)))


Triple = tuple[Node, Node, Node]
Source = tuple[URIRef, Path, list[Triple]]
"""One source's graph: its name, where it was read from, and its statements."""


def load(config: Config, sources: Iterable[Source] | None = None) -> Corpus:
    """Read the project into a :class:`Corpus`: the ontology and the shapes from their
    folders, the sources' graphs from ``data/`` or, when given, from ``sources``."""
    dataset = Dataset()
    corpus = Corpus(
        config=config, dataset=dataset, shapes=Graph(), description=Description.load(config)
    )
    ontology = dataset.graph(URIRef(config.ontology_iri))
    for path in _files(config, config.ontology_dir, ".ttl"):
        _parse(config, path, "turtle", ontology)
        corpus.graph_files[URIRef(config.ontology_iri)] = Path(config.ontology_dir)
    for name, origin, triples in sources if sources is not None else read_data(config):
        if name in corpus.graph_files:
            raise InputError(f"{origin}: graph <{name}> is also in {corpus.graph_files[name]}")
        corpus.graph_files[name] = origin
        target = dataset.graph(name)
        for triple in triples:
            target.add(triple)
    for path in _files(config, config.shapes_dir, ".ttl"):
        _parse(config, path, "turtle", corpus.shapes)
    for prefix, namespace in corpus.shapes.namespaces():
        dataset.bind(prefix, namespace, override=False)
    return corpus


def read_data(config: Config) -> Iterator[Source]:
    """The graphs of ``data/``, one file at a time."""
    for path in _files(config, config.data_dir, ".trig"):
        yield _read_source(config, path)


def _files(config: Config, folder: str, suffix: str) -> list[Path]:
    root = config.path(folder)
    if not root.is_dir():
        raise InputError(f"{folder}/: folder not found in {config.root}")
    return sorted(p for p in root.rglob(f"*{suffix}") if p.is_file())


def _rel(config: Config, path: Path) -> Path:
    try:
        return path.resolve().relative_to(config.root)
    except ValueError:
        return path


def _read_source(config: Config, path: Path) -> Source:
    """Parse one data file (with Oxigraph's parser, the fast one); it must hold exactly
    ``<id/source/{stem}>`` and nothing else."""
    expected = f"{config.base_iri}id/source/{path.stem}"
    rel = _rel(config, path)
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


def parse_file(config: Config, path: Path, fmt: ox.RdfFormat) -> list[Triple]:
    """The statements of an RDF file that is not a source (the ontology, the shapes, the
    catalogue's codes), read with Oxigraph's parser like the sources; blank nodes allowed."""
    rel = _rel(config, path)
    if not path.is_file():
        raise InputError(f"{rel}: file not found in {config.root}")
    out: list[Triple] = []
    with _reading(rel), _quiet_rdflib():
        for quad in ox.parse(path=str(path), format=fmt, base_iri=config.base_iri):
            statement = (from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object))
            _check_literal(rel, *statement)
            out.append(statement)
    return out


def statements(origin: Path, triples: Iterable[ox.Triple], base_iri: str) -> list[Triple]:
    """Oxigraph's triples as rdflib's, refusing blank nodes, malformed literals and resource
    IRIs that break the grammar of ``iris`` (the message names ``origin``)."""
    out: list[Triple] = []
    checked: set[str] = set()
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
            statement = (from_ox(s), _iri(p.value), from_ox(o))
            _check_literal(origin, *statement)
            out.append(statement)
    return out


_IRIS: dict[str, URIRef] = {}
_STRING = str(XSD.string)


def _iri(value: str) -> URIRef:
    """One :class:`URIRef` per IRI, however often the data names it."""
    iri = _IRIS.get(value)
    if iri is None:
        iri = _IRIS[value] = URIRef(value)
    return iri


def from_ox(term: ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple) -> Node:
    """An Oxigraph term as rdflib's (plain strings untyped, as rdflib has them)."""
    if isinstance(term, ox.NamedNode):
        return _iri(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _STRING:
            return Literal(term.value)  # rdflib's form of a plain string
        return Literal(term.value, datatype=_iri(term.datatype.value))
    raise TypeError(f"unsupported term {term}")


def _check_literal(rel: Path, s: Node, p: Node, o: Node) -> None:
    if isinstance(o, Literal) and (o.ill_typed or not _lexical_ok(o)):
        raise InputError(
            f'{rel}: {s.n3()} {p.n3()} has a malformed value "{o}" for its datatype <{o.datatype}>'
        )


def _parse(config: Config, path: Path, fmt: str, into: Graph) -> None:
    rel = _rel(config, path)
    try:
        with _quiet_rdflib():
            into.parse(path, format=fmt, publicID=config.base_iri)
    except BadSyntax as exc:
        raise InputError(_syntax_message(rel, exc)) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{rel}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except Exception as exc:  # rdflib raises many kinds; each still names the file
        raise InputError(f"{rel}: {exc}") from exc
    for s, p, o in into:
        _check_literal(rel, s, p, o)


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


def _syntax_message(rel: Path, exc: BadSyntax) -> str:
    text: bytes | str = getattr(exc, "_str", b"")
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    offset = int(getattr(exc, "_i", 0))
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    why = getattr(exc, "_why", str(exc))
    return f"{rel}:{line}:{column}: syntax error: {why}"


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
