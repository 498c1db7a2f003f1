"""Stage 1: read ``ontology/``, ``data/`` and ``shapes/`` into one dataset.

The ontology (and the model's vocabularies) go into the graph named by the ontology IRI. Each
file in ``data/`` holds exactly one named graph, ``{base}id/source/{file stem}``: the claims of
one source. Relative IRIs resolve against the configured base IRI. Anything that cannot be
used raises :class:`InputError` naming the file, and the line and column or the resource.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from innoproc.config import Config
from innoproc.errors import InputError
from innoproc.vocab import XSD


@dataclass
class Corpus:
    """Everything the later stages read: the dataset, the shapes and where each graph came from."""

    config: Config
    dataset: Dataset
    shapes: Graph
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


def load(config: Config) -> Corpus:
    """Read the whole project into a :class:`Corpus`."""
    dataset = Dataset()
    corpus = Corpus(config=config, dataset=dataset, shapes=Graph())
    ontology = dataset.graph(URIRef(config.ontology_iri))
    for path in _files(config, config.ontology_dir, ".ttl"):
        _parse(config, path, "turtle", ontology)
        corpus.graph_files[URIRef(config.ontology_iri)] = Path(config.ontology_dir)
    for path in _files(config, config.data_dir, ".trig"):
        name, graph = _read_source(config, path)
        if name in corpus.graph_files:
            raise InputError(
                f"{_rel(config, path)}: graph <{name}> is also in {corpus.graph_files[name]}"
            )
        corpus.graph_files[name] = _rel(config, path)
        target = dataset.graph(name)
        for triple in graph:
            target.add(triple)
    for path in _files(config, config.shapes_dir, ".ttl"):
        _parse(config, path, "turtle", corpus.shapes)
    for prefix, namespace in corpus.shapes.namespaces():
        dataset.bind(prefix, namespace, override=False)
    return corpus


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


def _read_source(config: Config, path: Path) -> tuple[URIRef, list[tuple[Node, Node, Node]]]:
    """Parse one data file (with Oxigraph's parser, the fast one); it must hold exactly
    ``<id/source/{stem}>`` and nothing else."""
    expected = f"{config.base_iri}id/source/{path.stem}"
    rel = _rel(config, path)
    triples: list[tuple[Node, Node, Node]] = []
    names = set()
    try:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TRIG, base_iri=config.base_iri):
            s, p, o, g = quad.subject, quad.predicate, quad.object, quad.graph_name
            if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
                raise InputError(f"{rel}: blank node in ({s} {p} {o}): give every resource an IRI")
            if isinstance(g, ox.DefaultGraph):
                raise InputError(
                    f"{rel}: statement outside a named graph ({s} {p} ...): "
                    "every statement must sit in its source's graph"
                )
            names.add(g.value)
            triples.append((_iri(s.value), _iri(p.value), _term(o)))
    except SyntaxError as exc:
        why = re.sub(
            r"^Parser error at line \d+ (between columns \d+ and \d+|column \d+): ",
            "",
            str(exc.msg),
        )
        raise InputError(f"{rel}:{exc.lineno}:{exc.offset}: syntax error: {why}") from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"{rel}: {exc}") from exc
    if names != {expected}:
        found = ", ".join(sorted(f"<{n}>" for n in names)) or "no graph"
        raise InputError(f"{rel}: must hold exactly one graph, <{expected}>; found {found}")
    with _quiet_rdflib():
        for s, p, o in triples:
            _check_literal(rel, s, p, o)
    return URIRef(expected), triples


_IRIS: dict[str, URIRef] = {}
_STRING = str(XSD.string)


def _iri(value: str) -> URIRef:
    """One :class:`URIRef` per IRI, however often the data names it."""
    iri = _IRIS.get(value)
    if iri is None:
        iri = _IRIS[value] = URIRef(value)
    return iri


def _term(term: ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple) -> Node:
    if isinstance(term, ox.NamedNode):
        return _iri(term.value)
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
