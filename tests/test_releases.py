"""Releases: two releases of a small project whose data differs by an added source, a removed
statement and a changed value. The differences hold exactly those statements, in the right
graphs; the changelog and the resource pages name them in both languages; the catalogue
describes both versions and conforms to DCAT-AP; ``innoproc diff`` prints the same counts; the
citation files validate against their schemas."""

from __future__ import annotations

import filecmp
import hashlib
import json
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from conftest import DCAT_AP, ROOT, reference, serving
from innoproc.build.catalogue import codes, dcat_ap_violations
from innoproc.build.load import load_project
from innoproc.cli import main
from innoproc.config import Config

TINY = ROOT / "tests" / "fast" / "project"
BASE = "https://example.org/tiny/"
DCAT = "http://www.w3.org/ns/dcat#"
NOTE, MEMO = f"<{BASE}id/source/note>", f"<{BASE}id/source/memo>"
ALPHA, GAMMA = f"<{BASE}id/initiative/alpha>", f"<{BASE}id/initiative/gamma>"
YEAR = "<http://www.w3.org/2001/XMLSchema#gYear>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
CREATED, DESCRIPTION = (
    "<http://purl.org/dc/terms/created>",
    "<http://purl.org/dc/terms/description>",
)

MEMO_TRIG = """@prefix ip: <ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

<id/source/memo> {
  <id/source/memo> a ip:Source ;
    skos:prefLabel "Memo"@nl , "Memo"@en ;
    prov:wasDerivedFrom <https://example.org/memo> .
  <id/initiative/gamma> a ip:Initiative ;
    skos:prefLabel "Gamma"@nl , "Gamma"@en .
}
"""

ADDED = {
    f'{ALPHA} {CREATED} "2021"^^{YEAR} {NOTE} .',
    f"{MEMO} {TYPE} <{BASE}ontology#Source> {MEMO} .",
    f'{MEMO} {LABEL} "Memo"@nl {MEMO} .',
    f'{MEMO} {LABEL} "Memo"@en {MEMO} .',
    f"{MEMO} <http://www.w3.org/ns/prov#wasDerivedFrom> <https://example.org/memo> {MEMO} .",
    f"{GAMMA} {TYPE} <{BASE}ontology#Initiative> {MEMO} .",
    f'{GAMMA} {LABEL} "Gamma"@nl {MEMO} .',
    f'{GAMMA} {LABEL} "Gamma"@en {MEMO} .',
}
REMOVED = {
    f'{ALPHA} {CREATED} "2020"^^{YEAR} {NOTE} .',
    f'{ALPHA} {DESCRIPTION} "The first initiative."@en {NOTE} .',
}


def set_release(project: Path, version: str, date: str) -> None:
    """Configure the release: the project's pyproject.toml holds [tool.innoproc] alone."""
    pyproject = project / "pyproject.toml"
    text = re.sub(r"(?m)^(release_date|version) = .*\n", "", pyproject.read_text())
    pyproject.write_text(text + f'release_date = "{date}"\nversion = "{version}"\n')


def release(project: Path, out: Path) -> None:
    result = CliRunner().invoke(
        main, ["--project", str(project), "build", "--release", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(the project, the site of release 1.0 alone, the site of 1.0 and 1.1)."""
    tmp = tmp_path_factory.mktemp("releases")
    project = tmp / "project"
    shutil.copytree(TINY, project)
    set_release(project, "1.0", "2026-01-31")
    site = tmp / "site"
    release(project, site)
    first = tmp / "first"
    shutil.copytree(site, first)
    set_release(project, "1.1", "2026-02-28")
    note = project / "data" / "sources" / "note.trig"
    text = note.read_text()
    text = text.replace('"2020"^^xsd:gYear', '"2021"^^xsd:gYear')  # a changed value
    text = text.replace(' , "The first initiative."@en', "")  # a removed statement
    note.write_text(text)
    (project / "data" / "sources" / "memo.trig").write_text(MEMO_TRIG)  # an added source
    release(project, site)
    return project, first, site


def lines(path: Path) -> set[str]:
    return set(path.read_text("utf-8").splitlines())


def test_the_changes_hold_exactly_the_statements_added_and_removed(
    releases: tuple[Path, Path, Path],
) -> None:
    _, _, site = releases
    changes = site / "releases" / "1.1" / "changes"
    assert lines(changes / "added.nq") == ADDED
    assert lines(changes / "removed.nq") == REMOVED
    assert not (site / "releases" / "1.0" / "changes").exists()  # the first has no predecessor


def test_the_earlier_release_is_kept_byte_for_byte(releases: tuple[Path, Path, Path]) -> None:
    _, first, site = releases
    old, kept = first / "releases" / "1.0", site / "releases" / "1.0"
    names = sorted(p.name for p in old.iterdir())
    assert "tiny.nq" in names and "catalog.ttl" in names and "validation-report.ttl" in names
    _, mismatch, errors = filecmp.cmpfiles(old, kept, names, shallow=False)
    assert (mismatch, errors) == ([], [])
    # The current dumps are the latest release's.
    assert filecmp.cmp(site / "dumps" / "tiny.nq", site / "releases" / "1.1" / "tiny.nq", False)


def test_a_release_from_a_folder_of_releases_is_the_same_site(
    releases: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """The earlier releases come as well from the configured folder as from the earlier site,
    and the release is deterministic: the same input gives the same files."""
    project, first, site = releases
    copy = tmp_path / "project"
    shutil.copytree(project, copy)
    shutil.copytree(first / "releases", copy / "old-releases")
    pyproject = copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'releases_dir = "old-releases"\n')
    again = tmp_path / "site"
    release(copy, again)
    names = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(again)) for p in again.rglob("*") if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(site, again, names, shallow=False)
    assert (mismatch, errors) == ([], [])


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ("Changes in version 1.1", "New (2)", "Removed (0)", "Changed (1)", "Alpha")),
        (
            "nl",
            ("Wijzigingen in versie 1.1", "Nieuw (2)", "Verwijderd (0)", "Gewijzigd (1)", "Alfa"),
        ),
    ],
)
def test_the_changelog_names_the_changes_in_both_languages(
    releases: tuple[Path, Path, Path], lang: str, words: tuple[str, ...]
) -> None:
    _, _, site = releases
    html = (site / lang / "releases" / "1.1.html").read_text("utf-8")
    text = text_of(html)
    for word in words:
        assert word in text
    assert "+8" in text and "\u22122" in text
    changed = html.split('id="changed"')[1]
    assert re.search(
        r"<del>2020</del></td><td><ins>2021</ins></td><td><a href=\"../source/note", changed
    )
    assert "The first initiative.</" in changed.split("<del>", 2)[2]
    new = html.split('id="new"')[1].split('id="removed"')[0]
    assert 'href="../initiative/gamma.html"' in new and 'href="../source/memo.html"' in new
    listing = text_of((site / lang / "releases" / "index.html").read_text("utf-8"))
    assert "1.1 2026-02-28 +8 \u22122" in listing and "1.0 2026-01-31" in listing


@pytest.mark.parametrize(
    ("lang", "heading", "status"),
    [("en", "History", "changed"), ("nl", "Geschiedenis", "gewijzigd")],
)
def test_the_resource_page_shows_its_history(
    releases: tuple[Path, Path, Path], lang: str, heading: str, status: str
) -> None:
    _, _, site = releases
    html = (site / lang / "initiative" / "alpha.html").read_text("utf-8")
    history = html.split('<section class="history"')[1].split("</section>")[0]
    assert f">{heading}</h2>" in history
    assert '<a href="../releases/1.1.html">' in history and f"): {status}</h3>" in history
    assert "<del>2020</del></td><td><ins>2021</ins>" in history
    unchanged = (site / lang / "initiative" / "beta.html").read_text("utf-8")
    assert 'class="history"' not in unchanged
    gamma = (site / lang / "initiative" / "gamma.html").read_text("utf-8")
    assert "<ins>Gamma</ins>" in gamma.split('<section class="history"')[1]


def test_the_catalogue_describes_both_versions_and_conforms_to_dcat_ap(
    releases: tuple[Path, Path, Path],
) -> None:
    project, _, site = releases
    catalogue = Graph().parse(site / "catalog.ttl", format="turtle")
    dataset = URIRef(BASE + "catalog#dataset")
    one, two = URIRef(BASE + "catalog#release-1.0"), URIRef(BASE + "catalog#release-1.1")
    assert set(catalogue.objects(dataset, URIRef(DCAT + "hasVersion"))) == {one, two}
    assert catalogue.value(dataset, URIRef(DCAT + "hasCurrentVersion")) == two
    assert catalogue.value(two, URIRef(DCAT + "previousVersion")) == one
    assert catalogue.value(one, URIRef(DCAT + "previousVersion")) is None
    assert catalogue.value(two, URIRef(DCAT + "version")) == Literal("1.1")
    assert catalogue.value(dataset, URIRef(DCAT + "version")) == Literal("1.1")
    urls = {str(u) for u in catalogue.objects(None, URIRef(DCAT + "downloadURL"))}
    assert {BASE + "releases/1.0/tiny.nq", BASE + "releases/1.1/tiny.trig"} <= urls
    spdx = "http://spdx.org/rdf/terms#"
    checksum = catalogue.value(URIRef(BASE + "catalog#release-1.0-nq"), URIRef(spdx + "checksum"))
    digest = hashlib.sha256((site / "releases/1.0/tiny.nq").read_bytes()).hexdigest()
    assert str(catalogue.value(checksum, URIRef(spdx + "checksumValue"))) == digest
    # The release keeps the catalogue as it was: 1.0's knows only itself.
    own = Graph().parse(site / "releases" / "1.0" / "catalog.ttl", format="turtle")
    assert set(own.objects(dataset, URIRef(DCAT + "hasVersion"))) == {one}
    shapes = reference(DCAT_AP / "shapes.ttl").parent
    corpus = load_project(Config.load(project))
    assert dcat_ap_violations(catalogue, shapes, codes(corpus)) == {"full": [], "codelists": []}


def test_innoproc_diff_prints_the_same_counts(releases: tuple[Path, Path, Path]) -> None:
    project, _, site = releases
    runner = CliRunner()
    result = runner.invoke(main, ["diff", str(site / "releases/1.0"), str(site / "releases/1.1")])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"+{len(ADDED)} -{len(REMOVED)} statements in 2 graph(s)\n"
        "resources: 2 new, 0 removed, 1 changed\n"
        f"  +7 -0 <{BASE}id/source/memo>\n"
        f"  +1 -2 <{BASE}id/source/note>\n"
    )
    # Against the working data (the project as it is now: release 1.1), nothing changed.
    result = runner.invoke(main, ["--project", str(project), "diff", str(site / "releases/1.1")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("+0 -0 statements in 0 graph(s)\n")
    # TriG against N-Quads, files given directly.
    result = runner.invoke(
        main, ["diff", str(site / "releases/1.0/tiny.trig"), str(site / "releases/1.1/tiny.nq")]
    )
    assert result.output.startswith(f"+{len(ADDED)} -{len(REMOVED)} statements in 2 graph(s)\n")


def test_innoproc_diff_names_the_file_it_cannot_read(
    releases: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, _, site = releases
    broken = tmp_path / "broken.nq"
    broken.write_text("<a> <b> .\n")
    result = CliRunner().invoke(main, ["diff", str(broken), str(site / "releases/1.1")])
    assert result.exit_code == 2
    assert str(broken) in result.output
    result = CliRunner().invoke(main, ["diff", str(site / "catalog.ttl"), str(broken)])
    assert result.exit_code == 2 and "catalog.ttl: not a dump of quads" in result.output


def test_a_release_needs_a_version_and_an_earlier_release_its_metadata(
    releases: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    project, first, _ = releases
    copy = tmp_path / "project"
    shutil.copytree(project, copy)
    pyproject = copy / "pyproject.toml"
    pyproject.write_text(re.sub(r"(?m)^version = .*\n", "", pyproject.read_text()))
    args = ["--project", str(copy), "build", "--release", "--out", str(tmp_path / "site")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "a release needs version and release_date" in result.output
    shutil.copytree(first / "releases", copy / "old")
    (copy / "old" / "1.0" / "datacite.json").unlink()
    set_release(copy, "1.1", "2026-02-28")
    pyproject.write_text(pyproject.read_text() + 'releases_dir = "old"\n')
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert str(copy / "old" / "1.0" / "datacite.json") + ": not found" in result.output


def test_the_datacite_metadata_validates_against_the_datacite_schema(
    releases: tuple[Path, Path, Path],
) -> None:
    schema45 = pytest.importorskip("datacite.schema45", reason="the test extra installs datacite")
    _, _, site = releases
    for path in (site / "datacite.json", *sorted(site.glob("releases/*/datacite.json"))):
        record = json.loads(path.read_text("utf-8"))
        schema45.validator.validate(record)
    assert record["version"] == "1.1" and record["dates"] == [
        {"date": "2026-02-28", "dateType": "Issued"}
    ]
    del record["titles"]
    assert not schema45.validator.is_valid(record)


def test_the_citation_files_name_the_release(releases: tuple[Path, Path, Path]) -> None:
    _, _, site = releases
    bib = (site / "releases" / "1.0" / "citation.bib").read_text("utf-8")
    assert bib.startswith("@misc{tiny_1_0,\n") and "  version = {1.0},\n" in bib
    assert f"  url = {{{BASE}catalog#release-1.0}},\n" in bib and bib.count("{") == bib.count("}")
    ris = (site / "citation.ris").read_bytes().decode("utf-8").split("\r\n")
    assert ris[0] == "TY  - DATA" and ris[-2] == "ER  - " and "ET  - 1.1" in ris
    assert "DA  - 2026/02/28" in ris and f"UR  - {BASE}catalog#release-1.1" in ris


def test_citation_cff_validates_and_names_the_configured_release(config: Config) -> None:
    cffconvert = shutil.which("cffconvert", path=str(Path(sys.executable).parent))
    if cffconvert is None:
        pytest.skip("cffconvert missing: the test extra installs it")
    done = subprocess.run(
        [cffconvert, "--validate", "-i", str(ROOT / "CITATION.cff")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    text = (ROOT / "CITATION.cff").read_text("utf-8")
    assert f'version: "{config.version}"' in text
    assert f"date-released: {config.release_date}" in text
    assert f"catalog#release-{config.version}" in text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_home_and_resource_pages_say_how_to_cite(site: Path, config: Config, lang: str) -> None:
    words = {"nl": ("Zo citeert u deze gegevens", "Versie"), "en": ("How to cite", "Version")}
    heading, version = words[lang]
    for page in (site / lang / "index.html", site / lang / "initiative" / "innoprocur.html"):
        html = page.read_text("utf-8")
        block = html.split('<section class="how-to-cite"')[1].split("</section>")[0]
        assert f">{heading}</h2>" in block
        assert f"<dt>{version}</dt><dd>{config.version}</dd>" in block
        assert f'<time datetime="{config.release_date}">' in block
        assert "citation.bib" in block and "citation.ris" in block
    resource = (site / lang / "initiative" / "innoprocur.html").read_text("utf-8")
    assert (
        f"<code>{config.base_iri}id/initiative/innoprocur</code>"
        in resource.split('class="how-to-cite"')[1]
    )
    assert (site / "citation.bib").is_file()


def test_the_release_pages_are_valid_html_and_their_links_resolve(
    releases: tuple[Path, Path, Path],
) -> None:
    from test_build import links_resolve
    from test_html import VNU

    _, _, site = releases
    assert links_resolve(site) > 500
    if not VNU.is_file():
        pytest.skip(f"the Nu Html Checker is missing: run scripts/install-test-tools ({VNU})")
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--skip-non-html", str(site)],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(done.stderr)["messages"]
    assert [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"] == []


def test_a_released_version_never_changes(
    releases: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    project, _, site = releases
    copy = tmp_path / "project"
    shutil.copytree(project, copy)
    shutil.copytree(site / "releases", copy / "old")
    pyproject = copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'releases_dir = "old"\n')
    out = tmp_path / "site"
    release(copy, out)  # the same data again: the same release
    assert filecmp.cmp(out / "releases/1.1/tiny.nq", site / "releases/1.1/tiny.nq", False)
    note = copy / "data" / "sources" / "note.trig"
    note.write_text(note.read_text().replace('"2021"^^xsd:gYear', '"2022"^^xsd:gYear'))
    args = ["--project", str(copy), "build", "--release", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert f"{copy / 'old' / '1.1'}: release 1.1 exists with other data" in result.output


def test_the_server_serves_the_releases_and_the_citations(
    releases: tuple[Path, Path, Path],
) -> None:
    project, _, site = releases
    expected = {
        "/citation.bib": "application/x-bibtex; charset=utf-8",
        "/releases/1.0/citation.ris": "application/x-research-info-systems; charset=utf-8",
        "/releases/1.1/datacite.json": "application/json",
        "/releases/1.1/changes/added.nq": "application/n-quads",
        "/en/releases/1.1.html": "text/html",
    }
    with serving(site, Config.load(project)) as address:
        for path, media in expected.items():
            with urllib.request.urlopen(address + path, timeout=30) as answer:
                assert answer.headers["content-type"].startswith(media), path
                assert answer.read() == (site / path.lstrip("/")).read_bytes()


def test_the_release_pages_are_accessible(releases: tuple[Path, Path, Path]) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from test_html import CHROMIUM, CHROMIUM_ARGS

    project, _, site = releases
    rules = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    paths = [
        f"/{lang}/{p}"
        for lang in ("nl", "en")
        for p in ("releases/1.1.html", "releases/index.html", "initiative/alpha.html", "index.html")
    ]
    with serving(site, Config.load(project)) as address, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            for path in paths:
                page.goto(address + path)
                result = Axe().run(page, options=rules)
                assert result.response["violations"] == [], (path, result.generate_report())
        finally:
            browser.close()
