"""Stage 2, validate: check the corpus against ``shapes/`` with the configured SHACL engine.

The data graph is the union of the ontology graph and every source graph, plus one derived
statement per resource and source, ``?resource ip:statedIn ?source``, so that the shapes can
require every entity to be stated by a source. The report comes back twice: as an RDF graph
(to publish) and as findings that name the resource, its label, the property and the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from innoproc.build.load import Corpus
from innoproc.build.parallel import in_parallel
from innoproc.build.shacl import canonical, check
from innoproc.rdf import OWL, RDF, RDFS, SH, SKOS, choose, ip, quads

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


def data_graph(corpus: Corpus) -> Graph:
    """The graph the shapes see: the union of all graphs plus the derived ``ip:statedIn``."""
    union = Graph()
    for prefix, namespace in corpus.dataset.namespaces():
        union.bind(prefix, namespace)
    stated_in = ip(corpus.config.base_iri).statedIn
    sources = set(corpus.source_graphs)
    for s, p, o, name in quads(corpus.dataset):
        union.add((s, p, o))
        if name in sources and isinstance(s, URIRef):
            union.add((s, stated_in, name))
    return union


def validate(
    corpus: Corpus, graph: Graph | None = None, workers: int = 1, engine: str = ""
) -> Report:
    """Validate ``graph`` (default: :func:`data_graph` of the corpus) with the corpus's shapes,
    on ``workers`` cores: each checks every shape on its share of the focus nodes; with
    ``engine`` (default: the configured ``shacl_engine``)."""
    data = graph if graph is not None else data_graph(corpus)
    name = engine or corpus.config.shacl_engine
    focus = _focus_nodes(corpus.shapes, data) if workers > 1 else None
    if focus is None:
        conforms, results = check(data, corpus.shapes, name)
    else:

        def check_share(share: int, shares: int) -> tuple[bool, str]:
            verdict, found = check(data, _share(corpus.shapes, focus, share, shares), name)
            return verdict, found.serialize(format="nt")  # text crosses processes

        conforms, results = _merge(in_parallel(check_share, workers))
    results = canonical(results, (data, corpus.shapes))
    findings = _findings(corpus, data, results)
    return Report(conforms=conforms, findings=sorted(findings), graph=results)


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


def _findings(corpus: Corpus, data: Graph, results: Graph) -> list[Finding]:
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
                label=label(data, focus, corpus.config.languages),
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
