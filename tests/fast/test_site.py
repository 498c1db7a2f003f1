"""The build's pure parts on the tiny project: paths and links, the gathered index, a
resource's description, the questions' answers, and a whole build of it."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from innoproc.build.dump import describe
from innoproc.build.gather import Index, linkable, page_path
from innoproc.build.load import Corpus, load_project
from innoproc.build.page import relative_url
from innoproc.build.pipeline import build
from innoproc.build.validate import validate
from innoproc.cli import main
from innoproc.config import Config
from innoproc.errors import InputError
from innoproc.query import Query, QueryError, execute, load_queries
from innoproc.rdf import COUNTRY, SKOS, union_store

from .conftest import BASE, PROJECT

ALPHA = URIRef(BASE + "id/initiative/alpha")
BETA = URIRef(BASE + "id/initiative/beta")


@pytest.mark.parametrize(
    ("page", "target", "link"),
    [
        ("en/initiative/alpha.html", "en/index.html", "../index.html"),
        ("en/initiative/alpha.html", "en/initiative/beta.html", "beta.html"),
        ("en/initiative/alpha.html", "id/initiative/alpha.ttl", "../../id/initiative/alpha.ttl"),
        ("index.html", "nl/index.html", "nl/index.html"),
        ("en/index.html", "assets/style.css", "../assets/style.css"),
    ],
)
def test_links_are_relative(page: str, target: str, link: str) -> None:
    assert relative_url(page, target) == link


def test_page_paths(tiny: Corpus) -> None:
    source = [URIRef(BASE + "id/source/note")]
    assert page_path(tiny, ALPHA, source) == "initiative/alpha"
    assert page_path(tiny, URIRef(COUNTRY + "NLD"), source) == "country/NLD"
    assert page_path(tiny, URIRef("https://elsewhere.org/id/x"), source) is None
    assert page_path(tiny, Literal(BASE + "id/initiative/alpha"), source) is None
    with pytest.raises(InputError, match=r"^data/sources/note\.trig: <.*>: the slug"):
        page_path(tiny, URIRef(BASE + "id/initiative/a..b"), source)


def test_only_web_and_mail_addresses_become_links() -> None:
    assert linkable(URIRef("https://example.org/"))
    assert linkable(URIRef("mailto:someone@example.org"))
    assert not linkable(URIRef("javascript:alert(1)"))
    assert not linkable(Literal("https://example.org/"))


def test_the_index_holds_labels_links_and_terms(tiny_index: Index) -> None:
    assert tiny_index.label(ALPHA, "nl") == "Alfa"
    assert tiny_index.label(ALPHA, "de") == "Alfa"  # the configured languages, in order
    assert tiny_index.label(URIRef(BASE + "id/initiative/gamma"), "en") == "gamma"
    assert [s for s, _, _ in tiny_index.resources[BETA].incoming] == [ALPHA]
    assert tiny_index.problems == []
    terms = {t.anchor: t for t in tiny_index.ontology}
    assert sorted(terms) == ["Initiative", "Source", "statedIn"]
    assert terms["Initiative"].is_class and not terms["statedIn"].is_class
    assert terms["Initiative"].shapes == ["Initiative"]


def test_a_description_holds_its_statements_incoming_links_and_labels(
    tiny_index: Index,
) -> None:
    triples = describe(tiny_index, tiny_index.resources[BETA])
    assert triples[0][0] == BETA  # its own statements first
    assert (ALPHA, URIRef("http://www.w3.org/ns/org#subOrganizationOf"), BETA) in triples
    assert (ALPHA, SKOS.prefLabel, Literal("Alpha", lang="en")) in triples
    assert describe(tiny_index, tiny_index.resources[BETA]) == triples


def test_questions_are_read_and_answered(tiny: Corpus) -> None:
    [query] = load_queries(PROJECT / "queries")
    assert query.question == {
        "en": "Which initiatives are there?",
        "nl": "Welke initiatieven zijn er?",
    }
    result = execute(union_store(tiny.statements), query, tiny.config.base_iri)
    assert [row["label"] for row in result.values()] == ["Alpha", "Beta"]
    assert result.render("csv").splitlines()[0] == "initiative,label"


def test_a_graph_answer_refuses_table_formats(tiny: Corpus) -> None:
    query = Query("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t }")
    result = execute(union_store(tiny.statements), query, tiny.config.base_iri)
    assert result.graph and result.render("table").endswith(" .\n")
    for fmt in ("json", "csv", "tsv", "xml"):
        with pytest.raises(QueryError, match=f"--format {fmt} is for SELECT and ASK"):
            result.render(fmt)


def test_a_malformed_query_is_an_input_error(tiny: Corpus) -> None:
    query = Query("SELECT ?x WHERE { ?x", path=Path("queries/broken.rq"))
    with pytest.raises(InputError, match=r"^queries/broken\.rq: "):
        execute(union_store(tiny.statements), query, tiny.config.base_iri)


def test_the_tiny_project_builds_byte_identically(tiny_config: Config, tmp_path: Path) -> None:
    def digest(folder: Path) -> dict[str, str]:
        return {
            str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    first = build(tiny_config, tmp_path / "one")
    assert first.problems == []
    files = digest(first.out)
    for expected in (
        "index.html",
        "en/initiative/alpha.html",
        "id/initiative/alpha.rdf",
        "dumps/tiny.trig",
        "catalog.ttl",
        "catalog.rdf",
        "void.ttl",
        "validation-report.ttl",
    ):
        assert expected in files
    assert "Een kleine graaf om te testen." in (first.out / "nl/index.html").read_text()
    assert digest(build(tiny_config, tmp_path / "two").out) == files


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
def test_shapes_pyshacl_cannot_use_are_an_input_error(tmp_path: Path, engine: str) -> None:
    """Regression: a malformed SPARQL constraint in shapes/ crashed validation with pySHACL's
    traceback (exit 1) instead of naming shapes/ (exit 2); so it is, with either engine."""
    shutil.copytree(PROJECT, tmp_path / "project")
    with (tmp_path / "project/shapes/tiny.ttl").open("a") as shapes:
        shapes.write('\nsx:Resource sh:sparql [ sh:select "SELECT $this WHERE { $this" ] .\n')
    corpus = load_project(Config.load(tmp_path / "project"))
    name = {"turbo": "pyshacl-turbo", "pyshacl": "pySHACL"}[engine]
    with pytest.raises(InputError, match=rf"^shapes/: {name} cannot use the shapes: .*SPARQL"):
        validate(corpus, engine=engine)


@pytest.mark.parametrize(("option", "name"), [("turbo", "pyshacl-turbo"), ("pyshacl", "pySHACL")])
def test_the_command_validates_with_the_engine_asked_for(
    tmp_path: Path, option: str, name: str
) -> None:
    shutil.copytree(PROJECT, tmp_path / "project")
    with (tmp_path / "project/shapes/tiny.ttl").open("a") as shapes:
        shapes.write('\nsx:Resource sh:sparql [ sh:select "SELECT $this WHERE { $this" ] .\n')
    for command in ("validate", "build"):
        arguments = ["--project", str(tmp_path / "project"), command, "--shacl-engine", option]
        done = CliRunner().invoke(main, arguments)
        assert done.exit_code == 2, done.output
        assert f"error: shapes/: {name} cannot use the shapes" in done.output


def test_a_source_page_names_a_few_agreeing_sources_and_counts_the_rest(tmp_path: Path) -> None:
    """A claim that many other sources make too names the first five of them and counts the
    others, linked to the resource's page, which cites every one."""
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    for n in range(1, 8):
        (project / "data" / "sources" / f"s{n}.trig").write_text(
            "@prefix ip: <ontology#> .\n"
            "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
            "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
            f"<id/source/s{n}> {{\n"
            f'  <id/source/s{n}> a ip:Source ; skos:prefLabel "Bron {n}"@nl, "Source {n}"@en .\n'
            '  <id/initiative/beta> dcterms:created "2019-05"^^xsd:gYearMonth .\n'
            "}\n",
            "utf-8",
        )
    site = build(Config.load(project), tmp_path / "site").out
    for lang, more in (("en", "and 2 more sources"), ("nl", "en 2 andere bronnen")):
        html = (site / lang / "source" / "note.html").read_text("utf-8")
        row = next(line for line in html.splitlines() if "2019" in line and 'class="cite"' in line)
        assert row.count('class="cite"') == 5
        assert f'<a href="../initiative/beta.html">{more}</a>' in row
        beta = (site / lang / "initiative" / "beta.html").read_text("utf-8")
        assert all(f"../source/s{n}.html" in beta for n in range(1, 8))
