"""The SHACL engines stage 2 validates with (``shacl_engine``), and one form for their reports.

``turbo`` is pyshacl-turbo, a SHACL engine in Rust with pySHACL's API; ``pyshacl`` is pySHACL,
the reference. Both validate with SHACL-AF (``advanced``), no inference, and report warnings
and infos. Their reports hold the same results and differ only in form: the labels of blank
nodes (new on every run, and those of the shapes' paths new on every parse of ``shapes/``),
the prefixes bound, and a string's datatype (pyshacl-turbo, reading an Oxigraph store, writes
it). :func:`canonical` gives both one form, so the report's file is the same bytes whichever
engine made it, on one core or several, and from one build to the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from hashlib import sha256

import pyoxigraph as ox
from pyparsing import ParseBaseException
from pyshacl import validate as pyshacl_validate
from pyshacl.errors import ReportableRuntimeError as PyshaclError
from pyshacl_turbo import validate as turbo_validate
from pyshacl_turbo.errors import ReportableRuntimeError as TurboError
from rdflib import XSD, BNode, Graph, Literal
from rdflib.term import Node

from innoproc.errors import InputError

NAMES = {"turbo": "pyshacl-turbo", "pyshacl": "pySHACL"}
"""Each engine of ``SHACL_ENGINES`` (config) by its own name."""

OPTIONS = {
    "inference": "none",
    "advanced": True,
    "allow_warnings": True,
    "allow_infos": True,
}


def check(data: Graph | ox.Store, shapes: Graph, name: str) -> tuple[bool, Graph]:
    """The engine's verdict and report on ``data`` (an Oxigraph store's default graph for
    pyshacl-turbo alone); shapes it cannot use (a malformed SPARQL
    constraint, a path that is no path) are an :class:`InputError` naming ``shapes/``."""
    run: Callable[..., tuple[object, Graph, object]] = (
        turbo_validate if name == "turbo" else pyshacl_validate
    )
    try:
        conforms, results, _ = run(data, shacl_graph=shapes, **OPTIONS)
    except (PyshaclError, TurboError) as exc:
        raise _unusable(name, exc.message) from exc
    except ParseBaseException as exc:  # pySHACL: a SPARQL constraint or target that does not parse
        raise _unusable(name, f"SPARQL {exc}") from exc
    except ValueError as exc:  # pyshacl-turbo: the same, and any shape it cannot compile
        if name != "turbo":
            raise
        raise _unusable(name, str(exc)) from exc
    return bool(conforms), results


def _unusable(name: str, why: str) -> InputError:
    return InputError(f"shapes/: {NAMES[name]} cannot use the shapes: {why}")


def canonical(report: Graph, prefixed: Iterable[Graph]) -> Graph:
    """``report`` with each blank node named by what it holds (a hash of its statements, those
    of the blank nodes it points to included), a string written as rdflib writes the corpus's
    (untyped: pyshacl-turbo, reading an Oxigraph store, gives an ``xsd:string`` its datatype),
    and the prefixes of the ``prefixed`` graphs
    (the data's, then the shapes'). Blank nodes that hold the same are one: the copies of a
    shape's path that the shares of a split validation each bring become one path."""
    out = Graph()
    for graph in prefixed:
        for prefix, namespace in graph.namespaces():
            out.bind(prefix, namespace, override=False)
    names: dict[BNode, BNode] = {}

    def name(node: Node, within: frozenset[BNode] = frozenset()) -> Node:
        if isinstance(node, Literal) and node.datatype == XSD.string:
            return Literal(str(node))  # the same literal (RDF 1.1), in the corpus's form
        if not isinstance(node, BNode):
            return node
        if node in within:  # a cycle, which no report has: named by its place
            return BNode("cycle")
        if node not in names:
            inner = within | {node}
            held = sorted(
                f"{p.n3()} {name(o, inner).n3()}" for p, o in report.predicate_objects(node)
            )
            names[node] = BNode("b" + sha256("\n".join(held).encode("utf-8")).hexdigest()[:32])
        return names[node]

    for s, p, o in report:
        out.add((name(s), p, name(o)))
    return out
