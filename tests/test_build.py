"""``innoproc build`` on the real project: what the site holds, that it is deterministic and
complete, that every link resolves, and that a failed build leaves the previous site alone."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner, Result
from rdflib import RDF, XSD, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from innoproc.build.dump import prefixes
from innoproc.build.gather import Index
from innoproc.build.load import Corpus
from innoproc.cli import main
from innoproc.config import Config

ROOT = Path(__file__).resolve().parent.parent
PAGE = "data/sources/pianoo-page.trig"


def invoke(project: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--project", str(project), *args])


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def add_to_page_graph(project: Path, turtle: str) -> None:
    file = project / PAGE
    text = file.read_text().rstrip().removesuffix("}")
    file.write_text(text + turtle + "\n}\n")


# ---------------------------------------------------------------- what the site holds


def test_site_layout(site: Path, corpus: Corpus) -> None:
    for name in (
        "index.html",
        "nl/index.html",
        "en/index.html",
        "ontology.ttl",
        "shapes.ttl",
        "validation-report.ttl",
        "nl/ontology.html",
        "en/ontology.html",
        "assets/style.css",
        "en/initiative/index.html",
        "en/country/index.html",
    ):
        assert (site / name).is_file(), name
    for ext in ("trig", "nq", "ttl", "nt", "nt.gz", "jsonld"):
        assert (site / f"dumps/innoproc.{ext}").is_file()
    for query in (ROOT / "queries").glob("*.rq"):
        for lang in ("nl", "en"):
            assert (site / f"{lang}/query/{query.stem}.html").is_file()


def test_every_resource_has_its_files(site: Path, corpus: Corpus, config: Config) -> None:
    subjects = {
        s
        for s, _, _, g in corpus.statements
        if g in corpus.source_graphs and str(s).startswith(config.base_iri + "id/")
    }
    assert len(subjects) > 300
    for subject in subjects:
        path = str(subject).removeprefix(config.base_iri + "id/")
        for name in (
            f"id/{path}.ttl",
            f"id/{path}.jsonld",
            f"id/{path}.nt",
            f"nl/{path}.html",
            f"en/{path}.html",
        ):
            assert (site / name).is_file(), name
    assert (site / "nl/country/NLD.html").is_file()


def test_dumps_reparse_to_the_graph(site: Path, corpus: Corpus) -> None:
    expected_quads = {(s, p, o, g) for s, p, o, g in corpus.statements if g is not None}
    expected = {(s, p, o) for s, p, o, _ in expected_quads}
    for ext, fmt in (("trig", "trig"), ("nq", "nquads")):
        dataset = Dataset()
        dataset.parse(site / f"dumps/innoproc.{ext}", format=fmt)
        named = ((s, p, o, getattr(g, "identifier", g)) for s, p, o, g in dataset.quads())
        found = {(s, p, o, g) for s, p, o, g in named if g != DATASET_DEFAULT_GRAPH_ID}
        assert found == expected_quads, ext
    for ext, fmt in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
        assert set(Graph().parse(site / f"dumps/innoproc.{ext}", format=fmt)) == expected, ext
    text = gzip.decompress((site / "dumps/innoproc.nt.gz").read_bytes()).decode()
    assert set(Graph().parse(data=text, format="nt")) == expected


def test_resource_descriptions_reparse_and_hold_in_and_out_links(
    site: Path, corpus: Corpus, config: Config
) -> None:
    union = {(s, p, o) for s, p, o, _ in corpus.statements}
    iri = URIRef(config.base_iri + "id/organisation/pianoo")
    graphs = [
        Graph().parse(site / f"id/organisation/pianoo.{ext}", format=fmt)
        for ext, fmt in (("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt"))
    ]
    assert set(graphs[0]) == set(graphs[1]) == set(graphs[2])
    description = set(graphs[0])
    outgoing = {t for t in union if t[0] == iri}
    incoming = {t for t in union if t[2] == iri}
    assert outgoing <= description and incoming <= description
    assert len(incoming) > 5
    # labels of linked resources come along, and nothing is invented
    partner = URIRef(config.base_iri + "id/membership/innoprocur--pianoo--partner")
    skos_label = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    assert (partner, skos_label, Literal("PIANOo - partner - innoPROCUR", lang="en")) in description
    assert description <= union


def test_a_descriptions_trig_holds_each_statement_in_the_graph_of_each_source(
    site: Path, corpus: Corpus
) -> None:
    """The TriG description keeps where each statement comes from: every statement of the
    description in the graph of each source (or of the ontology) that states it, and nothing
    else; the graphs in order."""
    stated: dict[tuple[Node, Node, Node], set[Node]] = {}
    for s, p, o, g in corpus.statements:
        if g is not None:
            stated.setdefault((s, p, o), set()).add(g)
    known = set(prefixes(corpus).values())
    for path in ("organisation/pianoo", "country/NLD"):
        description = set(Graph().parse(site / f"id/{path}.ttl", format="turtle"))
        dataset = Dataset()
        dataset.parse(site / f"id/{path}.trig", format="trig")
        found = {(s, p, o, g) for s, p, o, g in dataset.quads() if g != DATASET_DEFAULT_GRAPH_ID}
        expected = {(*t, g) for t in description for g in stated.get(t, ())}
        assert found == expected, path
        assert len({g for *_, g in found}) > 1, path
        text = (site / f"id/{path}.trig").read_text("utf-8")
        graphs = [m.group(1) for m in re.finditer(r"^(\S+) \{$", text, re.MULTILINE)]
        assert graphs and graphs == sorted(graphs, key=lambda g: g.strip("<>")), path
        # the prefixes declared are of namespaces the quads' IRIs and datatypes are in (a plain
        # literal's xsd:string, a tagged one's rdf:langString), and those of the graph names
        declared = dict(re.findall(r"^@prefix (\S*): <([^>]*)> \.$", text, re.MULTILINE))
        iris = {str(t) for quad in found for t in quad if isinstance(t, URIRef)}
        iris |= {
            str(lit.datatype or XSD.string) for *_, lit, _ in found if isinstance(lit, Literal)
        }
        iris |= {str(RDF.langString) for *_, lit, _ in found if getattr(lit, "language", None)}
        spaces = {iri[: max(iri.rfind("#"), iri.rfind("/")) + 1] for iri in iris}
        assert declared and set(declared.values()) == spaces & known, path


def test_every_description_reparses(site: Path) -> None:
    for path in sorted((site / "id").rglob("*.nt")):
        nt = set(Graph().parse(path, format="nt"))
        assert set(Graph().parse(path.with_suffix(".ttl"), format="turtle")) == nt, path


# ---------------------------------------------------------------- properties of the build


def test_build_is_deterministic(site: Path, tmp_path: Path) -> None:
    """A second build, in another process with another hash seed, gives the same bytes."""
    again = tmp_path / "again"
    command = [
        sys.executable,
        "-m",
        "innoproc.cli",
        "--project",
        str(ROOT),
        "build",
        "--out",
        str(again),
    ]
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(command, check=True, env=environment, capture_output=True)
    assert digest(again) == digest(site)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []
        self.rels: dict[str, str] = {}
        self.ids: set[str] = set()
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang") or ""
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for name in ("href", "src"):
            if values.get(name):
                self.links.append((tag, name, values[name] or ""))
                self.rels[values[name] or ""] = values.get("rel") or ""


def linked_file(site: Path, page: Path, path: str) -> Path | None:
    """The file a link's ``path`` names from ``page``: from the site's root where it starts
    with "/" (the 404 page, served at any address, links so); None for the SPARQL endpoint,
    a service rather than a file."""
    if path.startswith("/"):
        file = site / unquote(path).lstrip("/")
    else:
        file = (page.parent / unquote(path)).resolve() if path else page
    return None if file == site / "sparql" else file


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text("utf-8"))
    return parser


def test_every_internal_link_resolves_and_no_request_leaves_the_site(site: Path) -> None:
    assert links_resolve(site) > 10000


def links_resolve(site: Path) -> int:
    """Checks every link of every page of ``site``: another host only in a hyperlink or link
    metadata (nothing loaded from elsewhere), every file and fragment inside the site there.
    Returns how many internal links it checked."""
    pages = sorted(site.rglob("*.html"))
    parsed = {page: parse(page) for page in pages}
    checked = 0
    for page, links in parsed.items():
        for tag, attribute, target in links.links:
            parts = urlsplit(target)
            if parts.scheme or target.startswith("//"):
                # only hyperlinks and link metadata may name another host; nothing is loaded
                assert tag in ("a", "link") and attribute == "href", (page, target)
                if tag == "link":
                    assert links.rels[target] in ("canonical", "alternate"), (page, target)
                continue
            file = linked_file(site, page, parts.path)
            if file is None:
                continue
            assert file.is_file(), f"{page.relative_to(site)} links to missing {target}"
            if parts.fragment and file.suffix == ".html":
                assert parts.fragment in parsed[file].ids, f"{page}: #{parts.fragment}"
            checked += 1
    return checked


def test_pages_exist_in_both_languages_with_a_switch(site: Path) -> None:
    for lang, other in (("nl", "en"), ("en", "nl")):
        page = site / lang / "initiative/innoprocur.html"
        links = parse(page)
        assert links.lang == lang
        switch = [
            t
            for tag, _, t in links.links
            if tag == "a" and t.endswith(f"../{other}/initiative/innoprocur.html")
        ]
        assert switch, links.links


def test_resource_page_shows_statements_sources_memberships_and_conflicts(site: Path) -> None:
    html = (site / "en/initiative/mle-innovation-procurement.html").read_text()
    assert "<h1>Mutual Learning Exercise on Innovation Procurement</h1>" in html
    assert "number of participating countries" in html and "Sources disagree" in html
    assert re.search(r"<td>15</td><td><a class=\"cite\" href=\"../source/[a-z-]+.html\">", html)
    assert "Memberships and roles" in html and ">Charles Edquist</a>" in html
    assert 'href="../person/charles-edquist.html"' in html
    assert 'type="text/turtle" href="../../id/initiative/mle-innovation-procurement.ttl"' in html
    assert '<script type="application/ld+json">' in html and '"@type": "Project"' in html
    assert (
        '<link rel="canonical" href="https://w3id.org/innoproc/id/initiative/mle-innovation-procurement">'
        in html
    )
    nl = (site / "nl/initiative/mle-innovation-procurement.html").read_text()
    assert "Bronnen spreken elkaar tegen" in nl and "aantal deelnemende landen" in nl
    assert 'href="../source/lup-mle-record.html"' in html


def test_label_fallback_order(corpus: Corpus) -> None:
    index = Index(
        config=corpus.config,
        resources={},
        labels={},
        label_statements={},
        single_valued=set(),
        sources=[],
        memberships=[],
    )
    node = URIRef("https://example.org/x/thing")
    index.labels[node] = {"en": "English", "": "untagged", "de": "Deutsch"}
    assert index.label(node, "nl") == "English"
    index.labels[node] = {"nl": "Nederlands", "en": "English"}
    assert (index.label(node, "nl"), index.label(node, "en")) == ("Nederlands", "English")
    index.labels[node] = {"": "untagged", "de": "Deutsch"}
    assert index.label(node, "nl") == "untagged"
    index.labels[node] = {}
    assert index.label(node, "en") == "thing"


def test_build_command_and_strict_mode(project: Path) -> None:
    result = invoke(project, "build", "--strict")
    assert result.exit_code == 0, result.output
    assert "(0 problem(s))" in result.output


def test_strict_mode_fails_on_a_dangling_link_and_a_duplicate(project: Path) -> None:
    add_to_page_graph(
        project,
        """
  <id/initiative/innoprocur> dcterms:relation <id/document/nowhere> .
  <id/organisation/pianoo-nl> a org:Organization ;
    skos:prefLabel "PIANOo"@nl , "PIANOo (NL)"@en .""",
    )
    out = project / "site"
    relaxed = invoke(project, "build")
    assert relaxed.exit_code == 0, relaxed.output
    assert "dangling link: <https://w3id.org/innoproc/id/initiative/innoprocur>" in relaxed.output
    before = digest(out)
    strict = invoke(project, "build", "--strict")
    assert strict.exit_code == 1
    assert "dangling link" in strict.output and "Probable duplicate" in strict.output
    assert "Strict mode: 3 problem(s)" in strict.output  # the duplicate, from both sides
    assert digest(out) == before


# ---------------------------------------------------------------- failures keep the old site


@pytest.fixture
def built_project(project: Path) -> tuple[Path, dict[str, str]]:
    assert invoke(project, "build").exit_code == 0
    return project, digest(project / "site")


def test_broken_turtle_keeps_the_previous_site(built_project: tuple[Path, dict[str, str]]) -> None:
    project, before = built_project
    (project / PAGE).write_text(
        (project / PAGE)
        .read_text()
        .replace("ip:Source ;", "ip:Source ;;;", 1)
        .replace('"2017-03"^^xsd:gYearMonth ;', '"2017-03"^^xsd:gYearMonth', 1)
    )
    result = invoke(project, "build")
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {PAGE}:")
    assert digest(project / "site") == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def test_shape_violation_keeps_the_previous_site(
    built_project: tuple[Path, dict[str, str]],
) -> None:
    project, before = built_project
    text = (project / PAGE).read_text()
    (project / PAGE).write_text(text.replace("CountryCount 16 ;", 'CountryCount "16" ;', 1))
    result = invoke(project, "build")
    assert result.exit_code == 1
    assert "Violation: data/sources/pianoo-page.trig" in result.output
    assert "ip:participatingCountryCount" in result.output
    assert "the previous site is untouched" in result.output
    assert digest(project / "site") == before


def test_template_error_keeps_the_previous_site(built_project: tuple[Path, dict[str, str]]) -> None:
    project, before = built_project
    (project / "templates").mkdir()
    (project / "templates/listing.html").write_text(
        '{% extends "base.html" %}{% block main %}{{ no_such_thing }}{% endblock %}'
    )
    text = (project / "pyproject.toml").read_text()
    (project / "pyproject.toml").write_text(
        text.replace("[tool.innoproc]\n", '[tool.innoproc]\ntemplates_dir = "templates"\n')
    )
    result = invoke(project, "build")
    assert result.exit_code == 2
    assert "listing.html, rendering nl/" in result.output and "no_such_thing" in result.output
    assert digest(project / "site") == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


REPORT_SHAPE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix : <urn:x-report-shape:> .
# SHACL 1.0, section 3.6: the properties of a validation report and of its results.
:Report a sh:NodeShape ; sh:targetClass sh:ValidationReport ;
    sh:property [ sh:path sh:conforms ; sh:minCount 1 ; sh:maxCount 1 ] ,
        [ sh:path sh:result ; sh:class sh:ValidationResult ] .
:Result a sh:NodeShape ; sh:targetClass sh:ValidationResult ;
    sh:property [ sh:path sh:focusNode ; sh:minCount 1 ; sh:maxCount 1 ] ,
        [ sh:path sh:resultSeverity ; sh:minCount 1 ; sh:maxCount 1 ; sh:nodeKind sh:IRI ] ,
        [ sh:path sh:sourceConstraintComponent ; sh:minCount 1 ; sh:maxCount 1 ;
          sh:nodeKind sh:IRI ] ,
        [ sh:path sh:sourceShape ; sh:minCount 1 ; sh:maxCount 1 ] ,
        [ sh:path sh:resultPath ; sh:maxCount 1 ] ,
        [ sh:path sh:value ; sh:maxCount 1 ] .
"""


def test_validation_report_with_a_probable_duplicate_conforms_to_shacl(project: Path) -> None:
    """Regression: the duplicate-label check wrote results without sh:sourceShape and
    sh:sourceConstraintComponent; it is a SHACL-SPARQL constraint in shapes/ now."""
    from pyshacl import validate

    add_to_page_graph(
        project,
        """
  <id/organisation/pianoo-nl> a org:Organization ;
    skos:prefLabel "PIANOo"@nl , "PIANOo (NL)"@en .""",
    )
    assert invoke(project, "build").exit_code == 0
    report = Graph().parse(project / "site/validation-report.ttl", format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    duplicates = [
        r
        for r in report.subjects(URIRef(sh + "sourceConstraintComponent"), None)
        if "Probable duplicate" in str(report.value(r, URIRef(sh + "resultMessage")))
    ]
    assert len(duplicates) == 2
    shape = Graph().parse(data=REPORT_SHAPE, format="turtle")
    conforms, _, text = validate(report, shacl_graph=shape, inference="none")
    assert conforms, text


def test_a_rebuild_replaces_the_site_and_the_old_one_goes(
    built_project: tuple[Path, dict[str, str]],
) -> None:
    project, before = built_project
    text = (project / PAGE).read_text()
    (project / PAGE).write_text(text.replace('"innoPROCUR"@nl', '"innoPROCUR (project)"@nl', 1))
    assert invoke(project, "build").exit_code == 0
    after = digest(project / "site")
    changed = {name for name in after if after[name] != before.get(name)}
    assert "nl/initiative/innoprocur.html" in changed
    assert "innoPROCUR (project)" in (project / "site/nl/initiative/innoprocur.html").read_text()
    deadline = time.monotonic() + 60  # the old site is removed by a process of its own
    while [p for p in project.iterdir() if p.name.startswith(".site")]:
        assert time.monotonic() < deadline, "the old site was not removed"
        time.sleep(0.2)


def test_unwritable_output_folder_is_an_error(project: Path) -> None:
    (project / "a-file").write_text("not a folder")
    result = invoke(project, "build", "--out", str(project / "a-file" / "site"))
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {project / 'a-file' / 'site'}: cannot write")


def test_script_and_javascript_iris_are_rendered_harmless(project: Path) -> None:
    add_to_page_graph(
        project,
        """
  <id/initiative/innoprocur> skos:altLabel "<script>alert('x')</script>"@en ;
    <http://www.w3.org/2000/01/rdf-schema#seeAlso> <javascript:alert(1)> .""",
    )
    assert invoke(project, "build").exit_code == 0
    html = (project / "site/en/initiative/innoprocur.html").read_text()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html and "javascript:alert(1)" in html


def test_serve_answers_with_the_built_site(project: Path) -> None:
    assert invoke(project, "build").exit_code == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable,
        "-m",
        "innoproc.cli",
        "--project",
        str(project),
        "serve",
        "--no-build",
        "--port",
        str(port),
    ]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/index.html") as answer:
                    assert answer.status == 200
                    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
                    assert b"<h1>innoproc" in answer.read()
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline and server.poll() is None, "server did not start"
                time.sleep(0.2)
        url = f"http://127.0.0.1:{port}/id/initiative/innoprocur.ttl"
        with urllib.request.urlopen(url) as answer:
            assert answer.headers["Content-Type"] == "text/turtle; charset=utf-8"
            graph = Graph().parse(data=answer.read().decode(), format="turtle")
            assert len(graph) > 20
    finally:
        server.terminate()
        server.wait(timeout=10)
