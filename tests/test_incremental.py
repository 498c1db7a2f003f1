"""Incremental builds: after a data file is changed, added or deleted, the site built from the
previous one is the same, file by file and byte for byte, as a clean build of the same project;
the pages no change reaches are the previous site's own files. ``build --watch`` builds again on
every save and keeps the last good site when a build fails.

The project is a synthetic one (scripts/synthesize.py) with the real ontology, shapes, queries
and catalogue: several sources, organisations, memberships, periods, disagreeing counts.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from innoproc.build.incremental import cache_folder, statements_of
from innoproc.build.load import Corpus, load_project
from innoproc.build.pipeline import Built, build
from innoproc.build.validate import Report, changed_statements, validate, validate_again
from innoproc.config import Config
from innoproc.errors import InputError
from test_synthesize import ROOT, synthesize


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic project, written once; each test works on a copy."""
    project = tmp_path_factory.mktemp("synthetic") / "project"
    for folder in ("ontology", "shapes", "queries", "catalogue"):
        shutil.copytree(ROOT / folder, project / folder)
    (project / "pyproject.toml").write_text(
        '[tool.innoproc]\nbase_iri = "https://w3id.org/innoproc/"\n', "utf-8"
    )
    assert synthesize(project / "data", 7_000, 3).returncode == 0
    return project


@pytest.fixture
def project(synthetic: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(synthetic, copy)
    return copy


def files(site: Path) -> dict[str, Path]:
    return {str(p.relative_to(site)): p for p in sorted(site.rglob("*")) if p.is_file()}


def assert_same_as_clean(project: Path, site: Path, name: str) -> None:
    """``site`` holds the same files, with the same bytes, as a clean build of ``project``."""
    clean = build(Config.load(project), project.parent / f"clean-{name}", incremental=False)
    assert clean.reused == 0
    ours, theirs = files(site), files(clean.out)
    assert sorted(ours) == sorted(theirs)
    differing = [f for f in ours if ours[f].read_bytes() != theirs[f].read_bytes()]
    assert differing == []


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def rebuild(project: Path, site: Path) -> Built:
    return build(Config.load(project), site)


def test_changed_added_and_deleted_sources_give_the_clean_build(project: Path) -> None:
    site = project.parent / "site"
    first = rebuild(project, site)
    assert first.reused == 0  # nothing to reuse yet
    pages = first.files
    far = site / "en/initiative/syn-21.html"  # stated in another file than the one changed
    near = site / "en/organisation/syn-0-0.html"
    far_inode, near_inode = far.stat().st_ino, near.stat().st_ino

    # changed: an organisation's name (shown on its memberships' and initiative's pages), the
    # source's title (cited on every page it supports), a count another source disputes
    data = project / "data"
    edit(data / "syn-00000.trig", '"Platform Programme 0-0"@en', '"Council Zero"@en')
    edit(data / "syn-00000.trig", '"Synthetic source 0"@en', '"Synthetic source zero"@en')
    edit(data / "syn-00000.trig", "ip:participatingCountryCount ", "ip:participatingCountryCount 1")
    changed = rebuild(project, site)
    assert 0 < changed.reused < pages
    assert far.stat().st_ino == far_inode  # the previous site's own file
    assert near.stat().st_ino != near_inode
    assert "Council Zero" in near.read_text("utf-8")
    assert_same_as_clean(project, site, "changed")

    # added: a second source making the same claims as one of the first
    source = (data / "syn-00001.trig").read_text("utf-8")
    (data / "syn-copy.trig").write_text(
        source.replace("id/source/syn-00001", "id/source/syn-copy"), "utf-8"
    )
    added = rebuild(project, site)
    assert added.reused > 0
    assert (site / "en/source/syn-copy.html").is_file()
    assert_same_as_clean(project, site, "added")

    # deleted: the review that disputes the counts of some initiatives
    (data / "syn-00001-review.trig").unlink()
    deleted = rebuild(project, site)
    assert deleted.reused > 0
    assert not (site / "en/source/syn-00001-review.html").exists()
    assert_same_as_clean(project, site, "deleted")

    # nothing changed: everything that can be reused is
    again = rebuild(project, site)
    assert again.reused >= deleted.reused
    assert_same_as_clean(project, site, "again")


ORG_00 = '"Platform Programme 0-0"@nl , "Platform Programme 0-0"@en'
ORG_01 = '"Programme Innovation 0-1"@nl , "Programme Innovation 0-1"@en'
BAD = [  # each (old, new) in syn-00000.trig
    # a violation: a homepage that is no http(s) IRI
    ("<https://example.org/org/0/0>", "<ftp://example.org/org/0/0>"),
    # a type change: an organisation becomes a person (another shape, other constraints)
    ("<id/organisation/syn-0-0> a org:Organization", "<id/organisation/syn-0-0> a foaf:Person"),
    # a warning of the SPARQL constraint: two organisations with one label
    (ORG_01, ORG_00),
    # a value two steps away: the country an organisation names is no country
    ("ip:country country:SWE", "ip:country country:XXX"),
    # a period loses its class: the memberships naming it are checked again
    ("a dcterms:PeriodOfTime , time:Interval", "a time:Interval"),
]


def lines_of(corpus: Corpus) -> dict[str, set[bytes]]:
    return {name: set(text.splitlines(True)) for name, text in statements_of(corpus).items()}


def again_then_clean(before: Corpus, previous: Report, after: Corpus) -> Report:
    """The report made from ``previous`` for the change from ``before`` to ``after``, checked
    to be the clean validation's: the same bytes and the same findings."""
    old, new = lines_of(before), lines_of(after)
    lines = set().union(*(old.get(f, set()) ^ new.get(f, set()) for f in set(old) | set(new)))
    report = validate_again(
        after,
        previous.graph.serialize(format="nt", encoding="utf-8"),
        changed_statements(after, lines),
    )
    clean = validate(after)
    assert report is not None and report.again
    assert report.graph.serialize(format="turtle") == clean.graph.serialize(format="turtle")
    assert (report.conforms, report.findings) == (clean.conforms, clean.findings)
    return report


def test_validating_again_gives_the_clean_report_as_violations_come_and_go(project: Path) -> None:
    data = project / "data" / "syn-00000.trig"
    good = data.read_text("utf-8")
    corpus = load_project(Config.load(project))
    previous = validate(corpus)
    assert previous.conforms and not previous.findings
    for old, new in BAD:  # one at a time, then undone
        edit(data, old, new)
        changed = load_project(Config.load(project))
        report = again_then_clean(corpus, previous, changed)
        if "Period" not in old:
            assert report.findings, new  # the change shows, and then goes
        data.write_text(good, "utf-8")
        assert again_then_clean(changed, report, corpus).findings == []
    for old, new in BAD:  # all at once, then undone
        edit(data, old, new)
    bad = load_project(Config.load(project))
    report = again_then_clean(corpus, previous, bad)
    assert not report.conforms
    assert report.violations
    data.write_text(good, "utf-8")
    assert again_then_clean(bad, report, corpus).conforms


JOINED = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix org: <http://www.w3.org/ns/org#> .
<https://w3id.org/innoproc/shapes#Joined> a sh:NodeShape ;
    sh:targetClass <https://w3id.org/innoproc/ontology#Initiative> ;
    sh:property [ sh:path [ sh:inversePath org:organization ] ;
        sh:node [ sh:property [ sh:path org:memberDuring ;
            sh:class <http://purl.org/dc/terms/PeriodOfTime> ] ] ] .
"""


def test_validating_again_walks_inverse_paths_and_nested_shapes_back(project: Path) -> None:
    """A period two steps from the initiatives whose members it dates (backwards through
    org:organization, then org:memberDuring) loses its class: the initiatives are checked
    again (their results hold the memberships' as details), and are fine again once the
    class is back."""

    def loaded() -> Corpus:
        corpus = load_project(Config.load(project))
        corpus.shapes.parse(data=JOINED, format="turtle")
        return corpus

    period = "<id/period/2010-01-01--2010-01-21> a "
    files = [project / "data" / name for name in ("syn-00000.trig", "syn-00001.trig")]
    good = [path.read_text("utf-8") for path in files]
    corpus = loaded()
    previous = validate(corpus)
    for path in files:
        edit(path, period + "dcterms:PeriodOfTime , time:Interval", period + "time:Interval")
    changed = loaded()
    report = again_then_clean(corpus, previous, changed)
    # the engine reports each membership's failure as the detail of its initiative's
    initiatives = {f"https://w3id.org/innoproc/id/initiative/syn-{n}" for n in (0, 15)}
    assert {f.focus for f in report.findings if f.component == "NodeConstraintComponent"} == (
        initiatives
    )
    for path, text in zip(files, good, strict=True):
        path.write_text(text, "utf-8")
    assert again_then_clean(changed, report, corpus).findings == previous.findings


def test_a_rebuild_validates_again_only_what_changed_and_reports_as_a_clean_build(
    project: Path,
) -> None:
    site = project.parent / "site"
    rebuild(project, site)
    data = project / "data" / "syn-00000.trig"
    edit(data, ORG_01, ORG_00)  # two warnings: the build goes on
    warned = rebuild(project, site)
    assert warned.validated_again
    assert "Probable duplicate" in (site / "validation-report.ttl").read_text("utf-8")
    assert_same_as_clean(project, site, "warned")
    edit(data, ORG_00, ORG_01)
    edit(data, '"Synthetic source 0"@en', '"Synthetic source zero"@en')
    assert rebuild(project, site).validated_again
    assert "Probable duplicate" not in (site / "validation-report.ttl").read_text("utf-8")
    assert_same_as_clean(project, site, "unwarned")


def test_shapes_that_read_without_bound_validate_the_whole_graph(project: Path) -> None:
    site = project.parent / "site"
    shapes = sorted((project / "shapes").glob("*.ttl"))[0]
    shapes.write_text(
        shapes.read_text("utf-8")
        + "\nsx:Reached a sh:NodeShape ; sh:targetClass org:Organization ;\n"
        + "    sh:property [ sh:path [ sh:zeroOrMorePath org:subOrganizationOf ] ;"
        + " sh:nodeKind sh:IRI ] .\n",
        "utf-8",
    )
    rebuild(project, site)
    edit(project / "data" / "syn-00000.trig", '"Platform Programme 0-0"@en', '"Council"@en')
    again = rebuild(project, site)
    assert again.reused > 0 and not again.validated_again
    assert_same_as_clean(project, site, "unbounded")


def test_a_failed_rebuild_keeps_the_site_and_the_next_one_is_still_exact(project: Path) -> None:
    site = project.parent / "site"
    rebuild(project, site)
    before = {name: path.read_bytes() for name, path in files(site).items()}
    data = project / "data" / "syn-00000.trig"
    good = data.read_text("utf-8")
    data.write_text(good.replace("a org:Organization ;", "a org:Organization ,", 1), "utf-8")
    with pytest.raises(InputError, match=r"syn-00000\.trig"):
        rebuild(project, site)
    assert {name: path.read_bytes() for name, path in files(site).items()} == before
    data.write_text(good.replace('"Platform Programme 0-0"@en', '"Council Zero"@en'), "utf-8")
    assert rebuild(project, site).reused > 0
    assert_same_as_clean(project, site, "after-failure")


def test_a_page_changed_by_hand_is_written_again(project: Path) -> None:
    site = project.parent / "site"
    rebuild(project, site)
    page = site / "en/initiative/syn-21.html"
    page.write_text("changed by hand", "utf-8")
    rebuild(project, site)
    assert page.read_text("utf-8") != "changed by hand"
    assert_same_as_clean(project, site, "by-hand")


def test_a_change_outside_data_is_a_clean_build(project: Path) -> None:
    site = project.parent / "site"
    rebuild(project, site)
    assert (cache_folder(site) / "site.pickle").is_file()
    shapes = sorted((project / "shapes").glob("*.ttl"))[0]
    shapes.write_text(shapes.read_text("utf-8") + "\n# a comment\n", "utf-8")
    assert rebuild(project, site).reused == 0
    edit(project / "pyproject.toml", "[tool.innoproc]\n", '[tool.innoproc]\ntitle = "Other"\n')
    assert rebuild(project, site).reused == 0
    assert_same_as_clean(project, site, "outside-data")


def wait_for(stream: list[str], text: str, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 300
    while sum(text in line for line in stream) < count:
        assert process.poll() is None, "".join(stream)
        assert time.monotonic() < deadline, "".join(stream)
        time.sleep(0.2)


def test_watch_builds_on_save_and_keeps_the_last_good_site(project: Path) -> None:
    site = project.parent / "site"
    command = ["innoproc.cli", "--project", str(project), "build", "--watch", "--out", str(site)]
    process = subprocess.Popen(
        [sys.executable, "-m", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        wait_for(lines, "Watching for changes", 1, process)
        data = project / "data" / "syn-00000.trig"
        good = data.read_text("utf-8")
        page = site / "en/organisation/syn-0-0.html"
        data.write_text(good.replace('"Platform Programme 0-0"@en', '"Council Saved"@en', 1))
        wait_for(lines, "Watching for changes", 2, process)
        assert "reused" in "".join(lines)
        assert "Council Saved" in page.read_text("utf-8")

        data.write_text(good.replace("a org:Organization ;", "a org:Organization ,", 1))
        wait_for(lines, "Watching for changes", 3, process)
        assert any(line.startswith("error: ") and "syn-00000.trig" in line for line in lines)
        assert "Council Saved" in page.read_text("utf-8")  # the last good site stays

        data.write_text(good)
        wait_for(lines, "Watching for changes", 4, process)
        assert "Platform Programme 0-0" in page.read_text("utf-8")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
        reader.join(timeout=10)
    assert process.returncode == 0, "".join(lines)
    assert_same_as_clean(project, site, "watched")
