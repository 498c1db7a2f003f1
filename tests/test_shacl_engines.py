"""The two SHACL engines, pySHACL (the reference) and pyshacl-turbo (the build's default), find
the same results, result by result, and the report is the same bytes from either.

On the real data with every shape breakage of test_shapes.py at once, and on small synthetic
graphs (scripts/synthesize.py) with a seeded share of their statements removed and of their
literals stripped of language tag or datatype: broken in ways no case was written for."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from innoproc.build.load import Corpus, load_project
from innoproc.build.validate import Report, data_graph, data_store, validate, write_report
from innoproc.config import Config
from innoproc.rdf import SH, from_ox
from test_incremental import BAD, edit
from test_shapes import broken_at_once
from test_synthesize import ROOT, synthesize

Result = tuple[str, ...]


def results(report: Graph) -> list[Result]:
    """Every result of a canonical report as (focus, path, component, severity, value, shape,
    messages); a path that is a blank node is named by what it holds, as canonical() names it."""

    def one(result: Node, predicate: URIRef) -> str:
        node: Node | None = report.value(result, predicate)
        return node.n3() if node is not None else ""

    fields = (SH.focusNode, SH.resultPath, SH.sourceConstraintComponent, SH.resultSeverity)
    return sorted(
        (
            *(one(result, field) for field in fields),
            one(result, SH.value),
            one(result, SH.sourceShape),
            "\n".join(sorted(str(m) for m in report.objects(result, SH.resultMessage))),
        )
        for result in report.subjects(SH.resultSeverity, None)
    )


def assert_engines_agree(corpus: Corpus, data: Graph, tmp_path: Path) -> list[Result]:
    """Both engines' verdicts and results are equal, result by result, and so are the reports
    made from them (findings, text and file), pySHACL's with one process or two (pyshacl-turbo
    validates on one core); returns the results."""
    reports: dict[tuple[str, int], Report] = {}
    for engine, workers in (("pyshacl", 1), ("pyshacl", 2), ("turbo", 1)):
        reports[engine, workers] = report = validate(corpus, data, workers, engine)
        write_report(report, tmp_path / f"{engine}-{workers}.ttl")
    expected = reports["pyshacl", 1]
    found = results(expected.graph)
    written = (tmp_path / "pyshacl-1.ttl").read_bytes()
    for (engine, workers), report in reports.items():
        assert report.conforms == expected.conforms, (engine, workers)
        assert len(results(report.graph)) == len(found), (engine, workers)
        for mine, reference in zip(results(report.graph), found, strict=True):
            assert mine == reference, (engine, workers)
        assert report.findings == expected.findings, (engine, workers)
        assert report.text() == expected.text(), (engine, workers)
        assert (tmp_path / f"{engine}-{workers}.ttl").read_bytes() == written, (engine, workers)
    return found


def test_engines_agree_on_every_breakage_at_once(
    config: Config, corpus: Corpus, valid_graph: Graph, tmp_path: Path
) -> None:
    found = assert_engines_agree(corpus, broken_at_once(config, valid_graph), tmp_path)
    components = {result[2] for result in found}
    assert len(found) >= 130 and len(components) >= 10, (len(found), components)
    assert {result[3] for result in found} >= {SH.Violation.n3(), SH.Warning.n3()}


@pytest.mark.parametrize("seed", [1, 2])
def test_engines_agree_on_synthetic_graphs(seed: int, tmp_path: Path) -> None:
    project = tmp_path / "project"
    for folder in ("ontology", "shapes", "catalogue"):
        shutil.copytree(ROOT / folder, project / folder)
    (project / "queries").mkdir()
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    assert synthesize(project / "data", 1_500, seed).returncode == 0
    corpus = load_project(Config.load(project))
    data = data_graph(corpus)
    statements = sorted(data, key=lambda t: " ".join(term.n3() for term in t))
    broken = Graph()
    for prefix, namespace in data.namespaces():
        broken.bind(prefix, namespace)
    chance = random.Random(seed)
    for s, p, o in statements:
        if chance.random() < 0.05:
            continue  # removed
        if isinstance(o, Literal) and chance.random() < 0.02:
            o = Literal(str(o))  # its language tag or datatype dropped
        broken.add((s, p, o))
    found = assert_engines_agree(corpus, broken, tmp_path)
    assert len(found) >= 10 and len({result[2] for result in found}) >= 3, found


def test_the_store_turbo_reads_holds_the_graph_pyshacl_reads(corpus: Corpus) -> None:
    """pyshacl-turbo reads the corpus's data from an Oxigraph store made of the corpus's store
    (its union as N-Triples, and the derived ip:statedIn), pySHACL an rdflib graph made of the
    corpus's statements: the two hold the same statements."""
    graph = data_graph(corpus)
    store = data_store(corpus)
    held = {(from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)) for q in store}
    assert len(graph) > 4_000 and held == set(graph)
    assert {q.graph_name for q in store} == {ox.DefaultGraph()}


def test_engines_agree_on_a_project_whose_files_break_the_shapes(tmp_path: Path) -> None:
    """Each engine on the input the build gives it, from the files: a violation, a SPARQL
    constraint's warning, a value two steps away, a class lost (the breakages that
    test_incremental.py makes one at a time, but the type change, which hides the warning)."""
    project = tmp_path / "project"
    for folder in ("ontology", "shapes", "catalogue"):
        shutil.copytree(ROOT / folder, project / folder)
    (project / "queries").mkdir()
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    assert synthesize(project / "data", 7_000, 3).returncode == 0
    for old, new in BAD[:1] + BAD[2:]:
        edit(project / "data" / "syn-00000.trig", old, new)
    corpus = load_project(Config.load(project))
    reference, turbo = (validate(corpus, engine=engine) for engine in ("pyshacl", "turbo"))
    assert not reference.conforms and len(reference.findings) >= 5, reference.text()
    assert {f.severity for f in reference.findings} == {"Violation", "Warning"}
    assert all(f.label and f.files for f in reference.findings), reference.text()
    assert results(turbo.graph) == results(reference.graph)
    assert (turbo.conforms, turbo.findings) == (reference.conforms, reference.findings)
    write_report(reference, tmp_path / "pyshacl.ttl")
    write_report(turbo, tmp_path / "turbo.ttl")
    assert (tmp_path / "turbo.ttl").read_bytes() == (tmp_path / "pyshacl.ttl").read_bytes()
