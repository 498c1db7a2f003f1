"""What a shape reads: the statements that can decide its results on one focus node.

An incremental build (:mod:`innoproc.build.incremental`) validates again only what a change of
the data can affect (:func:`innoproc.build.validate.validate_again`). That is sound only if,
for every shape with targets (a *root*), the statements its results depend on are known from
the shapes alone. This module reads them off the shapes graph, as SHACL defines each
constraint:

- a root without SPARQL reads along **walks**: sequences of steps (a predicate, followed
  forward or, for ``sh:inversePath``, backward) from its focus node. A property shape's path
  is such a sequence (``sh:alternativePath`` gives one per alternative); the shapes a value
  must conform to (``sh:node``, ``sh:property``, ``sh:and``, ``sh:or``, ``sh:xone``,
  ``sh:not``, ``sh:qualifiedValueShape``) read on from the value; ``sh:class`` reads the
  value's ``rdf:type`` (and the class hierarchy, which a change of the data must leave alone);
  ``sh:equals``, ``sh:disjoint``, ``sh:lessThan`` and ``sh:lessThanOrEquals`` read one more
  predicate beside the path. Every other core constraint looks at the values themselves.
  A changed statement can then change the results only of the focus nodes from which some
  walk reaches it: those found by walking the walks backwards from it.
- a root with SPARQL (a ``sh:SPARQLTarget``, a ``sh:sparql`` constraint) whose queries name
  every predicate they match (no variable predicate, no negated property set, no ``GRAPH``
  or ``SERVICE``) reads **predicates**: its results cannot change unless a statement with one
  of them changes; then it is checked again whole.
- anything else (a path of any length, ``sh:closed``, a recursive shape, constraint
  components or rules of one's own, a query that cannot be read) is **unbounded**: the whole
  graph is validated again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from innoproc.rdf import OWL, RDF, RDFS, SH

Step = tuple[URIRef, bool]
"""One step of a walk: a predicate, and whether it is followed forward (subject to object)."""

Walk = tuple[Step, ...]

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)

# What a shape may say that reads nothing beyond the value nodes (or nothing at all).
_VALUE_ONLY = {
    SH[name]
    for name in [
        "datatype",
        "nodeKind",
        "pattern",
        "flags",
        "minLength",
        "maxLength",
        "languageIn",
        "in",
        "hasValue",
        "minInclusive",
        "maxInclusive",
        "minExclusive",
        "maxExclusive",
        "minCount",
        "maxCount",
        "uniqueLang",
        "message",
        "severity",
        "name",
        "description",
        "order",
        "group",
        "defaultValue",
        "deactivated",
        "qualifiedMinCount",
        "qualifiedMaxCount",
        "targetClass",
        "targetNode",
        "targetSubjectsOf",
        "targetObjectsOf",
        "target",
        "path",
    ]
}
_NESTED_LISTS = (SH["and"], SH["or"], SH.xone)
_NESTED = (SH.node, SH["not"], SH.property, SH.qualifiedValueShape)
_BESIDE = (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)
_EXTENSIONS = (
    SH.parameter,
    SH.validator,
    SH.nodeValidator,
    SH.propertyValidator,
    SH.rule,
    SH.ConstraintComponent,
    SH.SPARQLTargetType,
    SH.JSConstraint,
    SH.JSTarget,
    SH.JSTargetType,
    SH.entailment,
)


class Unbounded(Exception):
    """The shapes read more than this module can bound."""


@dataclass
class Reach:
    """What one root shape reads."""

    walks: set[Walk] = field(default_factory=set)
    """Every walk from the focus node, each read step by step (prefixes included)."""
    predicates: set[URIRef] | None = None
    """With SPARQL: every predicate its queries and walks read (then walks are not used)."""
    shapes: set[Node] = field(default_factory=set)
    """The shapes whose results it can report (``sh:sourceShape``)."""

    @property
    def sparql(self) -> bool:
        return self.predicates is not None


def roots(shapes: Graph) -> list[Node]:
    """The shapes with targets, in a stable order."""
    return sorted({s for t in TARGETS for s in shapes.subjects(t, None)}, key=str)


def reaches(shapes: Graph) -> dict[Node, Reach]:
    """What each root reads; :class:`Unbounded` if some shape cannot be bounded, or if two
    roots of which one uses SPARQL share a shape (a result could not be told apart)."""
    if any((None, p, None) in shapes for p in _EXTENSIONS) or any(
        (None, RDF.type, c) in shapes for c in _EXTENSIONS
    ):
        raise Unbounded("constraint components, rules or JavaScript of one's own")
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
            raise Unbounded(f"{shape} is a class: its targets are implicit")
    out: dict[Node, Reach] = {}
    for root in roots(shapes):
        reach = Reach()
        _shape(shapes, root, (), reach, ())
        for target in shapes.objects(root, SH.target):
            reach.predicates = reach.predicates or set()
            reach.predicates |= _query_predicates(shapes, target)
        if reach.predicates is not None:
            reach.predicates |= {step[0] for walk in reach.walks for step in walk}
            reach.predicates |= {RDF.type, RDFS.subClassOf}
        out[root] = reach
    for root, reach in out.items():
        if reach.sparql:
            for other, theirs in out.items():
                if other != root and not reach.shapes.isdisjoint(theirs.shapes):
                    raise Unbounded(f"{root} shares shapes with {other}")
    return out


def _shape(shapes: Graph, shape: Node, at: Walk, reach: Reach, within: tuple[Node, ...]) -> None:
    """Add what ``shape`` reads on the node at the end of ``at`` to ``reach``."""
    if shape in within:
        raise Unbounded(f"{shape} is recursive")
    within = (*within, shape)
    reach.shapes.add(shape)
    path = shapes.value(shape, SH.path)
    values = [at] if path is None else [at + w for w in _path(shapes, path)]
    for walk in values:
        for n in range(1, len(walk) + 1):
            reach.walks.add(walk[:n])
    for p, o in shapes.predicate_objects(shape):
        if not str(p).startswith(str(SH)) or p in _VALUE_ONLY:
            continue
        if p == SH.closed:
            if o != Literal(False):
                raise Unbounded(f"{shape} is closed")
        elif p == SH.ignoredProperties:
            continue
        elif p == SH.qualifiedValueShapesDisjoint:
            if o != Literal(False):
                raise Unbounded(f"{shape}: disjoint qualified value shapes")
        elif p == SH["class"]:
            for walk in values:
                reach.walks.add((*walk, (RDF.type, True)))
        elif p in _BESIDE:
            if not isinstance(o, URIRef):
                raise Unbounded(f"{shape}: {p} names no predicate")
            reach.walks.add((*at, (o, True)))
        elif p in _NESTED:
            inner = at if p == SH.property else None
            for walk in values if inner is None else [inner]:
                _shape(shapes, o, walk, reach, within)
        elif p in _NESTED_LISTS:
            for member in Collection(shapes, o):
                for walk in values:
                    _shape(shapes, member, walk, reach, within)
        elif p == SH.sparql:
            reach.predicates = reach.predicates or set()
            reach.predicates |= _query_predicates(shapes, o)
        else:
            raise Unbounded(f"{shape}: {p} is not bounded")


def _path(shapes: Graph, path: Node) -> list[Walk]:
    """The walks a SHACL path stands for."""
    if isinstance(path, URIRef):
        return [((path, True),)]
    if not isinstance(path, BNode):
        raise Unbounded(f"{path} is no path")
    if (path, RDF.first, None) in shapes:
        walks: list[Walk] = [()]
        for part in Collection(shapes, path):
            walks = [w + tail for w in walks for tail in _path(shapes, part)]
        return walks
    inverse = shapes.value(path, SH.inversePath)
    if isinstance(inverse, URIRef):
        return [((inverse, False),)]
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return [w for part in Collection(shapes, alternatives) for w in _path(shapes, part)]
    raise Unbounded(f"a path of {sorted(map(str, shapes.predicates(path)))} has no bound length")


def _query_predicates(shapes: Graph, node: Node) -> set[URIRef]:
    """The predicates a SPARQL target or constraint matches; :class:`Unbounded` if it may
    match any."""
    query = shapes.value(node, SH.select) or shapes.value(node, SH.ask)
    if query is None:
        raise Unbounded(f"{node}: a SPARQL target or constraint without a query")
    prefixes = {}
    for declared in shapes.objects(node, SH.prefixes):
        for declaration in shapes.objects(declared, SH.declare):
            prefixes[str(shapes.value(declaration, SH.prefix))] = str(
                shapes.value(declaration, SH.namespace)
            )
    try:
        parsed = prepareQuery(str(query), initNs=prefixes)
    except Exception as exc:  # rdflib's parser raises many kinds
        raise Unbounded(f"{node}: the query cannot be read ({exc})") from exc
    out: set[URIRef] = set()
    for part in _parts(parsed.algebra):
        if part.name in ("Graph", "ServiceGraphPattern", "GraphGraphPattern"):
            raise Unbounded(f"{node}: the query reads named graphs or a service")
        if part.name == "BGP":  # the algebra's triple patterns
            for triple in part.triples:
                out |= _query_path(triple[1])
        elif part.name == "TriplesBlock":  # as parsed, inside EXISTS: subject, then pairs
            for pattern in part.triples:
                for predicate in list(pattern)[1::3]:
                    out |= _query_path(predicate)
    return out


def _query_path(predicate: object) -> set[URIRef]:
    """The predicates a triple pattern's predicate matches: an IRI, or a path of IRIs (as
    the algebra has it, or as parsed)."""
    if isinstance(predicate, URIRef):
        return {predicate}
    if isinstance(predicate, (SequencePath, AlternativePath)):
        return {p for a in predicate.args for p in _query_path(a)}
    if isinstance(predicate, InvPath):
        return _query_path(predicate.arg)
    if isinstance(predicate, MulPath):
        return _query_path(predicate.path)
    if isinstance(predicate, CompValue) and predicate.name in _PARSED_PATHS:
        return {
            p
            for value in dict.values(predicate)
            for item in (value if isinstance(value, list) else [value])
            if isinstance(item, (URIRef, CompValue))
            for p in _query_path(item)
        }
    raise Unbounded(f"a query matches a predicate it does not name ({predicate!r})")


_PARSED_PATHS = ("PathAlternative", "PathSequence", "PathElt", "PathEltOrInverse")


def _parts(node: object) -> Iterator[CompValue]:
    """Every part of a query's algebra."""
    if isinstance(node, CompValue):
        yield node
        for value in dict.values(node):
            yield from _parts(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _parts(item)
