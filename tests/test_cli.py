"""The ``validate`` and ``query`` commands on a copy of the real project, good and broken."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Graph

from innoproc.cli import main
from innoproc.rdf import SH

ROOT = Path(__file__).resolve().parent.parent
PAGE = "data/sources/pianoo-page.trig"


def invoke(project: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--project", str(project), *args])


def edit(project: Path, path: str, old: str, new: str) -> None:
    file = project / path
    text = file.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    file.write_text(text.replace(old, new, 1), "utf-8")


def test_validate_conforms_and_writes_the_report(project: Path) -> None:
    result = invoke(project, "validate")
    assert result.exit_code == 0, result.output
    assert "Conforms: 0 violation(s)" in result.output
    report = Graph().parse(project / "validation-report.ttl")
    assert (None, SH.conforms, None) in report
    assert [c.toPython() for c in report.objects(None, SH.conforms)] == [True]  # type: ignore[attr-defined]


def test_syntax_error_names_file_line_and_column(project: Path) -> None:
    edit(project, PAGE, 'skos:prefLabel "innoPROCUR"@nl', 'skos:prefLabel "innoPROCUR@nl')
    result = invoke(project, "validate")
    assert result.exit_code == 2
    line = next(
        n
        for n, text in enumerate((project / PAGE).read_text().splitlines(), 1)
        if '"innoPROCUR@nl' in text
    )
    assert f"{PAGE}:{line}:" in result.output
    assert "syntax error" in result.output
    assert not (project / "validation-report.ttl").exists()


def test_undeclared_prefix_names_file_and_line(project: Path) -> None:
    edit(
        project,
        PAGE,
        "dcterms:type <id/initiative-type/research-project>",
        "dc:type <id/initiative-type/research-project>",
    )
    result = invoke(project, "validate")
    assert result.exit_code == 2
    line = next(
        n
        for n, text in enumerate((project / PAGE).read_text().splitlines(), 1)
        if "dc:type" in text
    )
    assert f"{PAGE}:{line}:" in result.output
    assert "prefix dc: has not been declared" in result.output


def test_malformed_date_names_file_and_resource(project: Path) -> None:
    edit(project, PAGE, '"2017-03"^^xsd:gYearMonth ;', '"2017-13"^^xsd:gYearMonth ;')
    result = invoke(project, "validate")
    assert result.exit_code == 2
    assert PAGE in result.output
    assert "<https://w3id.org/innoproc/id/period/2017-03--2017-03>" in result.output
    assert '"2017-13"' in result.output and "malformed" in result.output


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ('"16"^^xsd:int', '"16"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ('"16.0"^^xsd:decimal', '"16"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
    ],
)
def test_a_value_a_store_would_rewrite_names_file_resource_and_form(
    project: Path, written: str, kept: str
) -> None:
    """Regression: a store keeps "16"^^xsd:int as "16"^^xsd:integer (and a decimal in one
    form), so the dumps, the questions and pyshacl-turbo (which reads a store) saw another
    literal than the file and pySHACL: the xsd:int count passed the shapes with one engine and
    failed them with the other. Such a value is refused, naming the form to write."""
    count = "ip:participatingCountryCount"
    edit(project, PAGE, f"{count} 16 ;", f"{count} {written} ;")
    for command in ("validate", "build"):
        result = invoke(project, command)
        assert result.exit_code == 2, result.output
        assert PAGE in result.output and "participatingCountryCount" in result.output
        assert f"which a SPARQL store keeps as {kept}" in result.output, result.output


def test_wrong_datatype_is_a_violation_naming_file_and_resource(project: Path) -> None:
    edit(project, PAGE, 'dcat:endDate "2017-03"^^xsd:gYearMonth', 'dcat:endDate "2017-03"')
    (project / "validation-report.ttl").write_text("previous report\n")
    result = invoke(project, "validate")
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "dcat:endDate" in x)
    assert line.startswith(f"Violation: {PAGE}: maart 2017") or line.startswith(
        f"Violation: {PAGE}: March 2017"
    )
    assert "https://w3id.org/innoproc/id/period/2017-03--2017-03" in line
    assert (project / "validation-report.ttl").read_text() == "previous report\n"


def test_statement_outside_a_source_graph_is_refused(project: Path) -> None:
    file = project / PAGE
    file.write_text(file.read_text() + '\n<id/initiative/innoprocur> <ontology#x> "loose" .\n')
    result = invoke(project, "validate")
    assert result.exit_code == 2
    assert f"{PAGE}: statement outside a named graph" in result.output


def test_a_file_holds_the_graph_of_its_own_name(project: Path) -> None:
    (project / PAGE).rename(project / "data/sources/pianoo.trig")
    result = invoke(project, "validate")
    assert result.exit_code == 2
    assert "data/sources/pianoo.trig: must hold exactly one graph" in result.output
    assert "<https://w3id.org/innoproc/id/source/pianoo>" in result.output


def test_blank_nodes_are_refused(project: Path) -> None:
    edit(project, PAGE, "dcterms:references", "dcterms:isReferencedBy [] ;\n    dcterms:references")
    result = invoke(project, "validate")
    assert result.exit_code == 2
    assert f"{PAGE}: blank node" in result.output


def test_probable_duplicate_is_reported(project: Path) -> None:
    file = project / PAGE
    text = file.read_text().rstrip().removesuffix("}")
    file.write_text(
        text + "  <id/organisation/pianoo-nl> a <http://www.w3.org/ns/org#Organization> ;\n"
        '    skos:prefLabel "PIANOo"@nl , "PIANOo (NL)"@en .\n}\n'
    )
    result = invoke(project, "validate")
    assert result.exit_code == 0, result.output
    assert (
        "Warning: data/sources/pianoo-page.trig: PIANOo (NL) "
        "<https://w3id.org/innoproc/id/organisation/pianoo-nl> skos:prefLabel: "
        "Probable duplicate of https://w3id.org/innoproc/id/organisation/pianoo"
    ) in result.output
    assert "1 warning(s)" in result.output or "2 warning(s)" in result.output


def test_unknown_setting_is_an_error(project: Path) -> None:
    edit(project, "pyproject.toml", "[tool.innoproc]\n", '[tool.innoproc]\nbase_url = "x"\n')
    result = invoke(project, "validate")
    assert result.exit_code == 2
    assert "unknown setting 'base_url'" in result.output


def test_base_iri_is_configuration(project: Path) -> None:
    edit(
        project,
        "pyproject.toml",
        'base_iri = "https://w3id.org/innoproc/"',
        'base_iri = "http://example.org/kg/"',
    )
    assert invoke(project, "validate").exit_code == 0
    result = invoke(project, "query", "queries/pianoo-participation.rq", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["organisation"] for r in rows} == {
        "http://example.org/kg/id/initiative/innoprocur",
        "http://example.org/kg/id/initiative/mle-innovation-procurement",
        "http://example.org/kg/id/initiative/partnership-public-procurement",
        "http://example.org/kg/id/initiative/p2i-network",
        "http://example.org/kg/id/initiative/pianoo-innovation-procurement-programme",
        "http://example.org/kg/id/organisation/procurement-of-innovation-platform",
    }


def test_query_formats(project: Path) -> None:
    query = str(project / "queries/innoprocur-partners.rq")
    table = invoke(project, "query", query)
    assert table.exit_code == 0
    assert table.output.splitlines()[0].split(" | ")[0].strip() == "organisation"
    assert "(4 rows)" in table.output

    rows = list(
        csv.DictReader(io.StringIO(invoke(project, "query", query, "--format", "csv").output))
    )
    assert [(r["name"], r["countryName"], r["role"]) for r in rows] == [
        ("Friuli Innovazione", "Italy", "coordinator"),
        ("Friuli Innovazione", "Italy", "partner"),
        ("Lodz Regional Development Agency", "Poland", "partner"),
        ("PIANOo", "Netherlands", "partner"),
    ]

    document = json.loads(invoke(project, "query", query, "--format", "json").output)
    assert document["head"]["vars"] == ["organisation", "name", "country", "countryName", "role"]
    first = document["results"]["bindings"][0]
    assert first["organisation"] == {
        "type": "uri",
        "value": "https://w3id.org/innoproc/id/organisation/friuli-innovazione",
    }
    assert first["name"] == {"type": "literal", "value": "Friuli Innovazione", "xml:lang": "en"}

    tsv = invoke(project, "query", query, "--format", "tsv").output.splitlines()
    assert tsv[0] == "?organisation\t?name\t?country\t?countryName\t?role"
    assert tsv[1].split("\t")[1] == '"Friuli Innovazione"@en'


def test_query_text_and_ask(project: Path) -> None:
    ask = 'ASK { <id/initiative/innoprocur> <ontology#grantAgreementNumber> "759596" }'
    result = invoke(project, "query", "--query", ask)
    assert (result.exit_code, result.output) == (0, "true\n")


def test_malformed_query_is_an_error_with_the_parser_message(project: Path) -> None:
    result = invoke(project, "query", "--query", "SELECT ?x WHERE { ?x ?y }")
    assert result.exit_code == 2
    assert result.output.startswith("error: ")


def test_query_json_or_csv_on_a_construct_is_an_error(project: Path) -> None:
    """Regression: ``query --format json`` (or csv, tsv) on a CONSTRUCT printed nothing and
    exited 0."""
    construct = "CONSTRUCT { ?s a ?o } WHERE { ?s a ?o } LIMIT 2"
    for fmt in ("json", "csv", "tsv"):
        result = invoke(project, "query", "--format", fmt, "--query", construct)
        assert result.exit_code == 2, result.output
        assert f"--format {fmt} is for SELECT and ASK answers" in result.output
    table = invoke(project, "query", "--query", construct)
    assert table.exit_code == 0 and table.output.count(" .\n") == 2


def test_a_language_without_interface_strings_is_an_error(project: Path) -> None:
    """Regression: ``languages = [..., "de"]`` crashed the build with a KeyError."""
    edit(project, "pyproject.toml", 'languages = ["nl", "en"]', 'languages = ["nl", "en", "de"]')
    result = invoke(project, "build")
    assert result.exit_code == 2
    assert "languages: no interface strings for de" in result.output


def test_a_malformed_query_in_queries_fails_the_build_with_exit_2(project: Path) -> None:
    """Regression: a malformed ``.rq`` in queries/ crashed ``build`` with a traceback, exit 1."""
    (project / "queries/broken.rq").write_text("# Question: Broken?\nSELECT ?x WHERE { ?x\n")
    result = invoke(project, "build")
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and "broken.rq" in result.output
    assert not (project / "site").exists()
