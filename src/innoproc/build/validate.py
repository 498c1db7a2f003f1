"""Stage 2, validate: check the corpus against ``shapes/`` with the configured SHACL engine.

The data graph is the union of the ontology graph and every source graph, plus one derived
statement per resource and source, ``?resource ip:statedIn ?source``, so that the shapes can
require every entity to be stated by a source. The report comes back twice: as an RDF graph
(to publish) and as findings that name the resource, its label, the property and the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from innoproc.build import reach
from innoproc.build.load import Corpus
from innoproc.build.parallel import in_parallel
from innoproc.build.shacl import canonical, check
from innoproc.rdf import OWL, RDF, RDFS, SH, SKOS, Triple, choose, from_ox, ip, to_ox

SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}


@dataclass(frozen=True, order=True)
class Finding:
    """One validation result, in the words a person needs to fix it."""

    severity: str
    """``Violation``, ``Warning`` or ``Info``."""
    files: tuple[str, ...]
    focus: str
    label: str
    path: str
    message: str
    value: str
    shape: str
    component: str

    def text(self) -> str:
        where = ", ".join(self.files) or "(no file)"
        subject = f"{self.label} <{self.focus}>" if self.label else f"<{self.focus}>"
        path = f" {self.path}:" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.severity}: {where}: {subject}{path} {self.message}{value}"


@dataclass
class Report:
    conforms: bool
    """True when there is no violation (warnings may remain)."""
    findings: list[Finding]
    graph: Graph
    """The SHACL validation report as RDF."""
    again: bool = False
    """Made from the previous build's report, checking only what the data's changes reach
    (:func:`validate_again`)."""

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]

    def text(self) -> str:
        lines = [f.text() for f in self.findings]
        lines.append(
            f"{'Conforms' if self.conforms else 'Does not conform'}: "
            f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s)."
        )
        return "\n".join(lines)


def _prefixed(corpus: Corpus) -> Graph:
    """An empty graph with the prefixes of the data graph."""
    union = Graph()
    for prefix, namespace in corpus.ontology.namespaces():
        union.bind(prefix, namespace)
    return union


def data_graph(corpus: Corpus) -> Graph:
    """The graph the shapes see: the union of all graphs plus the derived ``ip:statedIn``."""
    union = _prefixed(corpus)
    for triple in _stated_in(corpus):
        union.add(triple)
    for s, p, o, _ in corpus.statements:
        union.add((s, p, o))
    return union


def _stated_in(corpus: Corpus) -> set[Triple]:
    """The derived statements ``?resource ip:statedIn ?source``: one for every resource (an
    IRI) each source states something of."""
    stated_in = ip(corpus.config.base_iri).statedIn
    sources = set(corpus.source_graphs)
    return {
        (s, stated_in, name)
        for s, _, _, name in corpus.statements
        if name in sources and isinstance(s, URIRef)
    }


def data_store(corpus: Corpus, graph: Graph | None = None) -> ox.Store:
    """:func:`data_graph`'s statements (or ``graph``'s) as the default graph of an Oxigraph
    store, which pyshacl-turbo reads in Rust: the union comes from the corpus's store as
    canonical N-Triples, parsed again, with no rdflib term made (at a million triples, 5 s
    where :func:`data_graph` takes 14 s). A store keeps a typed literal in its one form of the
    value; loading refuses any other (:mod:`innoproc.build.load`), so the literals are those
    of the files. (rdflib, and so pySHACL, writes a few in another form of the same value: a
    double's "1" as "1.0", a UTC time's "Z" as "+00:00".)"""
    store = ox.Store()
    default = ox.DefaultGraph()
    if graph is None:
        union = corpus.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=default) or b""
        store.bulk_extend(ox.parse(union, format=ox.RdfFormat.N_TRIPLES))  # blank nodes kept
    triples = _stated_in(corpus) if graph is None else graph
    store.bulk_extend(
        ox.Quad(to_ox(s), to_ox(p), to_ox(o), default)  # type: ignore[arg-type]
        for s, p, o in triples
    )
    return store


def validate(
    corpus: Corpus, graph: Graph | None = None, workers: int = 1, engine: str = ""
) -> Report:
    """Validate ``graph`` (default: :func:`data_graph` of the corpus) with the corpus's shapes
    and ``engine`` (default: the configured ``shacl_engine``).

    pyshacl-turbo validates on one core, an Oxigraph store of the graph (:func:`data_store`);
    pySHACL the rdflib graph, on ``workers`` cores, each checking every shape on its share of
    the focus nodes. Dealing the focus nodes out costs pyshacl-turbo more than it saves (each
    share reads the whole graph): at a million triples it validates in 22 s on one core and
    26 s on two."""
    name = engine or corpus.config.shacl_engine
    data: Graph | ox.Store
    if name == "turbo":
        data = data_store(corpus, graph)
        conforms, results = check(data, corpus.shapes, name)
    else:
        data = graph if graph is not None else data_graph(corpus)
        focus = _focus_nodes(corpus.shapes, data) if workers > 1 else None
        if focus is None:
            conforms, results = check(data, corpus.shapes, name)
        else:

            def check_share(share: int, shares: int) -> tuple[bool, str]:
                verdict, found = check(data, _share(corpus.shapes, focus, share, shares), name)
                return verdict, found.serialize(format="nt")  # text crosses processes

            conforms, results = _merge(in_parallel(check_share, workers))
    # data_graph()'s prefixes are the corpus's
    results = canonical(results, (graph if graph is not None else _prefixed(corpus), corpus.shapes))
    labels = graph if graph is not None else _labels(corpus, results)
    return Report(
        conforms=conforms, findings=sorted(_findings(corpus, labels, results)), graph=results
    )


def _labels(corpus: Corpus, results: Graph) -> Graph:
    """The labels (``skos:prefLabel``) of the results' focus nodes, from the corpus's store."""
    labels = Graph()
    for node in set(results.objects(None, SH.focusNode)):
        for _, p, o, _ in corpus.quads(node):
            if p == SKOS.prefLabel:
                labels.add((node, p, o))
    return labels


TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def _focus_nodes(shapes: Graph, data: Graph) -> dict[Node, list[Node]] | None:
    """The focus nodes of every shape with declared targets, as SHACL defines them; None when
    a shape is also a class (its targets are implicit): then one process validates it all."""
    classes = (RDFS.Class, OWL.Class)
    if any(
        (s, RDF.type, c) in shapes for s in shapes.subjects(RDF.type, SH.NodeShape) for c in classes
    ):
        return None
    out: dict[Node, list[Node]] = {}
    for shape in sorted({s for t in TARGETS for s in shapes.subjects(t, None)}, key=str):
        found: set[Node] = set()
        for kind in shapes.objects(shape, SH.targetClass):
            for cls in data.transitive_subjects(RDFS.subClassOf, kind):
                found.update(data.subjects(RDF.type, cls))
        found.update(shapes.objects(shape, SH.targetNode))
        for predicate in shapes.objects(shape, SH.targetSubjectsOf):
            found.update(data.subjects(predicate, None))
        for predicate in shapes.objects(shape, SH.targetObjectsOf):
            found.update(data.objects(None, predicate))
        out[shape] = sorted(found, key=str)
    return out


def _share(shapes: Graph, focus: dict[Node, list[Node]], share: int, shares: int) -> Graph:
    """The shapes, each targeting only its ``share``-th part of its focus nodes; the shapes
    with SPARQL-defined targets are dealt out whole."""
    out = Graph()
    for triple in shapes:
        if triple[1] not in TARGETS:
            out.add(triple)
    for shape, nodes in focus.items():
        for node in nodes[share::shares]:
            out.add((shape, SH.targetNode, node))
    advanced = sorted(set(shapes.subjects(SH.target, None)), key=str)
    for n, shape in enumerate(advanced):
        if n % shares != share:
            out.remove((shape, SH.target, None))
    return out


def _merge(shares: list[tuple[bool, str]]) -> tuple[bool, Graph]:
    """One report from the shares' reports: every result, under one sh:ValidationReport."""
    results = Graph()
    for _, text in shares:
        results.parse(data=text, format="nt")
    conforms = all(verdict for verdict, _ in shares)
    for node in set(results.subjects(RDF.type, SH.ValidationReport)):
        results.remove((node, None, None))
    report = BNode()
    results.add((report, RDF.type, SH.ValidationReport))
    results.add((report, SH.conforms, Literal(conforms)))
    for result in sorted(results.subjects(RDF.type, SH.ValidationResult), key=str):
        results.add((report, SH.result, result))
    return conforms, results


def _findings(corpus: Corpus, labels: Graph, results: Graph) -> list[Finding]:
    out = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        severity = results.value(result, SH.resultSeverity)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        precise = isinstance(path, URIRef) and value is not None
        files = (
            tuple(
                str(f)
                for f in corpus.files_of(
                    focus, path if precise else None, value if precise else None
                )
            )
            if focus is not None
            else ()
        )
        out.append(
            Finding(
                severity=_local(severity),
                files=files,
                focus=str(focus),
                label=label(labels, focus, corpus.config.languages),
                path=_path_text(results, path),
                message=messages[0] if messages else "",
                value=_value_text(value),
                shape=str(results.value(result, SH.sourceShape) or ""),
                component=_local(results.value(result, SH.sourceConstraintComponent)),
            )
        )
    return out


def label(graph: Graph, node: Node | None, languages: tuple[str, ...] = ("en",)) -> str:
    """A label for messages: the prefLabel chosen for an English reader (:func:`choose`)."""
    if node is None:
        return ""
    found = choose(graph.objects(node, SKOS.prefLabel), "en", languages)
    return str(found) if found is not None else ""


def _local(node: Node | None) -> str:
    if node is None:
        return ""
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _path_text(results: Graph, path: Node | None) -> str:
    if path is None:
        return ""
    if isinstance(path, BNode):
        items = list(results.items(path))
        if items:
            return "/".join(results.namespace_manager.normalizeUri(str(i)) for i in items)
        return "(path)"
    return results.namespace_manager.normalizeUri(str(path))


def _value_text(value: Node | None) -> str:
    if value is None:
        return ""
    return value.n3() if isinstance(value, Literal) else str(value)


def write_report(report: Report, path: Path) -> None:
    """Write the report as Turtle, replacing ``path`` only once the new file is complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(report.graph.serialize(format="turtle"), encoding="utf-8")
    partial.replace(path)


# ------------------------------------------------------------------ validating again


AGAIN_AT_MOST = 2000
"""Beyond this many focus nodes to check again, looking each one's statements up costs more
than validating the whole graph (a source's file deleted, a vocabulary replaced)."""


class _Union:
    """Lookups in :func:`data_graph`'s graph without making it: the union of the corpus's
    graphs (the default graph of its store) and the derived ``ip:statedIn``; with ``extra``,
    also those statements (the ones a change removed: a walk followed then must be followed
    back now)."""

    def __init__(self, corpus: Corpus, extra: Iterable[Triple] = ()) -> None:
        self.corpus, self.store = corpus, corpus.store
        self.stated_in = ip(corpus.config.base_iri).statedIn
        self.sources = set(corpus.source_graphs)
        self.forward: dict[tuple[Node, Node], set[Node]] = {}
        self.backward: dict[tuple[Node, Node], set[Node]] = {}
        for s, p, o in extra:
            self.forward.setdefault((s, p), set()).add(o)
            self.backward.setdefault((p, o), set()).add(s)

    def _match(
        self, s: Node | None, p: Node | None, o: Node | None, graph: Node | None = None
    ) -> Iterator[ox.Quad]:
        """The statements of the union (or of the named ``graph``) that match."""
        if isinstance(s, Literal):
            return iter(())
        subject, predicate, value = (None if t is None else to_ox(t) for t in (s, p, o))
        name = ox.DefaultGraph() if graph is None else to_ox(graph)
        found = self.store.quads_for_pattern(subject, predicate, value, name)  # type: ignore[arg-type]
        return iter(found)

    def _subjects_of(self, source: Node) -> set[Node]:
        return {
            from_ox(q.subject)
            for q in self._match(None, None, None, source)
            if isinstance(q.subject, ox.NamedNode)
        }

    def objects(self, s: Node, p: Node) -> set[Node]:
        found: set[Node]
        if p == self.stated_in:
            found = (
                {g for _, _, _, g in self.corpus.quads(s) if g in self.sources}
                if isinstance(s, URIRef)
                else set()
            )
        else:
            found = {from_ox(q.object) for q in self._match(s, p, None)}
        return found | self.forward.get((s, p), set())

    def subjects(self, p: Node, o: Node) -> set[Node]:
        if p == self.stated_in:
            found = self._subjects_of(o) if o in self.sources else set()
        else:
            found = {from_ox(q.subject) for q in self._match(None, p, o)}
        return found | self.backward.get((p, o), set())

    def with_predicate(self, p: Node) -> Iterator[Triple]:
        if p == self.stated_in:
            for source in sorted(self.sources):
                for s in self._subjects_of(source):
                    yield s, p, source
        else:
            for q in self._match(None, p, None):
                yield from_ox(q.subject), p, from_ox(q.object)


def changed_statements(corpus: Corpus, lines: Iterable[bytes]) -> set[Triple]:
    """The statements of :func:`data_graph`'s graph that N-Quads ``lines`` (added to or removed
    from the sources' graphs) may add or remove, the derived ``ip:statedIn`` included."""
    stated_in = ip(corpus.config.base_iri).statedIn
    sources = set(corpus.source_graphs)
    out: set[Triple] = set()
    for quad in ox.parse(b"".join(lines), format=ox.RdfFormat.N_QUADS):
        s, p, o = from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)
        out.add((s, p, o))
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode) and isinstance(s, URIRef):
            name = URIRef(graph.value)
            if name in sources or name not in corpus.graph_files:  # a deleted source's too
                out.add((s, stated_in, name))
    return out


def validate_again(
    corpus: Corpus, previous: bytes, changed: set[Triple], engine: str = ""
) -> Report | None:
    """The report :func:`validate` gives, from the ``previous`` build's report (its graph as
    N-Triples) and the statements of the data graph that ``changed`` since: the shapes that
    use SPARQL are checked again only if a predicate they read changed; the other shapes
    only on the focus nodes from which one of their walks reaches a changed statement
    (:mod:`innoproc.build.reach`), and against only the statements those walks read. The
    shapes and the ontology must be those of the previous build. None when that cannot be
    bounded: then the whole graph must be validated."""
    shapes = corpus.shapes
    try:
        reaches = reach.reaches(shapes)
    except reach.Unbounded:
        return None
    if any(p == RDFS.subClassOf for _, p, _ in changed):
        return None  # the class hierarchy decides every focus node of sh:targetClass
    sparql = {root: r for root, r in reaches.items() if r.sparql}
    walked = {root: r for root, r in reaches.items() if not r.sparql}
    predicates = {p for _, p, _ in changed}
    again = {root for root, r in sparql.items() if not predicates.isdisjoint(r.predicates or ())}

    before = _Union(corpus, changed)
    candidates = {n for s, _, o in changed for n in (s, o)}
    ending: dict[Node, set[reach.Walk]] = {}
    for r in walked.values():
        for walk in r.walks:
            ending.setdefault(walk[-1][0], set()).add(walk)
    for s, p, o in changed:
        for walk in ending.get(p, ()):
            nodes = {s if walk[-1][1] else o}
            for step, forward in reversed(walk[:-1]):
                nodes = {
                    m
                    for n in nodes
                    for m in (before.subjects(step, n) if forward else before.objects(n, step))
                }
            candidates |= nodes

    if len(candidates) > AGAIN_AT_MOST:
        return None
    now = _Union(corpus)
    hierarchy = Graph()
    for s, p, o in now.with_predicate(RDFS.subClassOf):
        hierarchy.add((s, p, o))
    focus = {
        root: sorted((n for n in candidates if _targets(shapes, root, n, now, hierarchy)), key=str)
        for root in walked
    }

    data = _prefixed(corpus)
    data += hierarchy
    for root, targeted in focus.items():
        for node in targeted:
            for triple in _walked(node, walked[root].walks, now):
                data.add(triple)
    for root in again:
        for p in sorted(sparql[root].predicates or (), key=str):
            for triple in now.with_predicate(p):
                data.add(triple)

    run = Graph()
    for s, p, o in shapes:
        if p not in reach.TARGETS or s in again:
            run.add((s, p, o))
    for root, targeted in focus.items():
        for node in targeted:
            run.add((root, SH.targetNode, node))
    fresh = Graph()
    if again or any(focus.values()):
        _, fresh = check(data, run, engine or corpus.config.shacl_engine)

    old = Graph()
    old.parse(data=previous, format="nt")
    owner = {shape: root for root, r in sparql.items() for shape in r.shapes}
    shaped = {shape for r in walked.values() for shape in r.shapes}
    # a blank node shape is named in the report by what the report holds of it (nothing), so
    # it tells no shape from another: it is a walked root's if no SPARQL root has one
    anonymous = not any(isinstance(shape, BNode) for shape in owner)
    results = Graph()
    for result in _top(old):
        shape = old.value(result, SH.sourceShape)
        if shape in owner:
            if owner[shape] in again:
                continue
        elif shape in shaped or (isinstance(shape, BNode) and anonymous):
            if old.value(result, SH.focusNode) in candidates:
                continue
        else:
            return None  # a result no root can give: the shapes are not the previous ones
        for triple in _held(old, result):
            results.add(triple)
    for node in set(fresh.subjects(RDF.type, SH.ValidationReport)):
        fresh.remove((node, None, None))
    results += fresh
    report = BNode()
    listed = sorted(_top(results), key=str)
    # the engines allow warnings and infos (OPTIONS): any other severity fails
    conforms = all(results.value(r, SH.resultSeverity) in (SH.Warning, SH.Info) for r in listed)
    results.add((report, RDF.type, SH.ValidationReport))
    results.add((report, SH.conforms, Literal(conforms)))
    for result in listed:
        results.add((report, SH.result, result))
    results = canonical(results, (_prefixed(corpus), shapes))
    findings = _findings(corpus, _labels(corpus, results), results)
    return Report(conforms=conforms, findings=sorted(findings), graph=results, again=True)


def _targets(shapes: Graph, root: Node, node: Node, data: _Union, hierarchy: Graph) -> bool:
    """Whether ``node`` is a focus node of ``root``'s declared targets in ``data``."""
    if node in set(shapes.objects(root, SH.targetNode)):
        return True
    types = data.objects(node, RDF.type)
    for kind in shapes.objects(root, SH.targetClass):
        if not types.isdisjoint(hierarchy.transitive_subjects(RDFS.subClassOf, kind)):
            return True
    if any(data.objects(node, p) for p in shapes.objects(root, SH.targetSubjectsOf)):
        return True
    return any(data.subjects(p, node) for p in shapes.objects(root, SH.targetObjectsOf))


def _walked(focus: Node, walks: Iterable[reach.Walk], data: _Union) -> Iterator[Triple]:
    """The statements ``walks`` read from ``focus``."""
    ends: dict[reach.Walk, set[Node]] = {(): {focus}}
    for walk in sorted(walks, key=len):
        step, forward = walk[-1]
        found: set[Node] = set()
        for node in ends.get(walk[:-1], set()):
            if forward:
                for o in data.objects(node, step):
                    found.add(o)
                    yield node, step, o
            else:
                for s in data.subjects(step, node):
                    found.add(s)
                    yield s, step, node
        ends[walk] = found


def _top(results: Graph) -> set[Node]:
    """The results of a report that are not the details (``sh:detail``) of another."""
    details = set(results.objects(None, SH.detail))
    return {r for r in results.subjects(RDF.type, SH.ValidationResult) if r not in details}


def _held(graph: Graph, node: Node) -> Iterator[Triple]:
    """The statements of ``node`` and of the blank nodes it leads to."""
    pending, seen = [node], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        for p, o in graph.predicate_objects(current):
            yield current, p, o
            if isinstance(o, BNode):
                pending.append(o)
