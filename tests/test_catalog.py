"""The DCAT-AP catalogue and the VoID description: they conform to the official DCAT-AP 3.0.1
shapes (full and codelist profiles, a reference kept beside the project: ``conftest.DCAT_AP``),
and every figure in them is the one the files and the graph give."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import VOID

from conftest import DCAT_AP, reference
from innoproc.build.catalogue import codes, dcat_ap_violations
from innoproc.build.load import Corpus
from innoproc.cli import main
from innoproc.config import Config
from innoproc.rdf import DCAT, DCTERMS, RDF, SPDX

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/innoproc/"


@pytest.fixture(scope="module")
def catalogue(site: Path) -> Graph:
    return Graph().parse(site / "catalog.ttl", format="turtle")


def shapes(config: Config) -> Path:
    """The official shapes: the configured folder, else the reference beside the project."""
    path = config.path(config.dcat_ap_shapes) if config.dcat_ap_shapes else DCAT_AP
    return reference(path / "shapes.ttl").parent


def test_catalogue_conforms_to_dcat_ap(catalogue: Graph, config: Config, corpus: Corpus) -> None:
    assert dcat_ap_violations(catalogue, shapes(config), codes(corpus)) == {
        "full": [],
        "codelists": [],
    }


def test_unknown_authority_code_fails_the_dcat_ap_check(
    catalogue: Graph, config: Config, corpus: Corpus
) -> None:
    """Regression: the offline stand-in for the authority tables accepted any code under
    their namespace; the codes now come from catalogue/authority-codes.ttl."""
    broken = Graph()
    for triple in catalogue:
        broken.add(triple)
    distribution = URIRef(BASE + "catalog#dump-ttl")
    made_up = URIRef("http://publications.europa.eu/resource/authority/file-type/NO_SUCH_TYPE")
    broken.remove((distribution, DCTERMS["format"], None))
    broken.add((distribution, DCTERMS["format"], made_up))
    result = dcat_ap_violations(broken, shapes(config), codes(corpus))
    assert any(str(distribution) in m for m in result["full"] + result["codelists"]), result


def test_catalogue_in_json_ld_and_rdf_xml_is_the_same(site: Path, catalogue: Graph) -> None:
    assert set(Graph().parse(site / "catalog.jsonld", format="json-ld")) == set(catalogue)
    assert set(Graph().parse(site / "catalog.rdf", format="xml")) == set(catalogue)


def test_sizes_and_checksums_are_the_files(site: Path, catalogue: Graph) -> None:
    distributions = list(catalogue.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == 7
    checked = 0
    for distribution in distributions:
        url = catalogue.value(distribution, DCAT.downloadURL)
        if url is None:
            continue
        path = site / str(url).removeprefix(BASE)
        assert catalogue.value(distribution, DCAT.byteSize).toPython() == path.stat().st_size  # type: ignore[union-attr]
        checksum = catalogue.value(distribution, SPDX.checksum)
        value = catalogue.value(checksum, SPDX.checksumValue)
        assert str(value) == hashlib.sha256(path.read_bytes()).hexdigest()
        checked += 1
    assert checked == 6
    formats = {str(o).rsplit("/", 1)[-1] for o in catalogue.objects(None, DCTERMS["format"])}
    assert formats == {"RDF_TURTLE", "RDF_N_TRIPLES", "JSON_LD", "RDF_TRIG", "RDF_N_QUADS", "HTML"}
    service = next(catalogue.subjects(RDF.type, DCAT.DataService))
    assert catalogue.value(service, DCAT.endpointURL) == URIRef(BASE + "sparql")


def test_broken_catalogue_is_reported_with_the_shape_message(
    catalogue: Graph, config: Config, corpus: Corpus
) -> None:
    broken = Graph()
    for triple in catalogue:
        broken.add(triple)
    dataset = URIRef(BASE + "catalog#dataset")
    broken.remove((dataset, DCTERMS.title, None))
    broken.remove((dataset, DCTERMS.language, None))
    broken.add((dataset, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/nl")))
    result = dcat_ap_violations(broken, shapes(config), codes(corpus))
    assert any(f"{dataset} {DCTERMS.title}" in m for m in result["full"]), result
    assert any(str(DCTERMS.language) in m for m in result["codelists"]), result


def test_missing_shapes_are_named(tmp_path: Path, catalogue: Graph, corpus: Corpus) -> None:
    with pytest.raises(FileNotFoundError, match=f"DCAT-AP shapes not found: {tmp_path}"):
        dcat_ap_violations(catalogue, tmp_path, codes(corpus))
    project = tmp_path / "project"
    for folder in ("ontology", "data", "shapes", "queries", "catalogue"):
        shutil.copytree(ROOT / folder, project / folder)
    text = (ROOT / "pyproject.toml").read_text()
    (project / "pyproject.toml").write_text(
        text.replace("[tool.innoproc]\n", '[tool.innoproc]\ndcat_ap_shapes = "nowhere"\n')
    )
    result = CliRunner().invoke(main, ["--project", str(project), "build"])
    assert result.exit_code == 0
    assert f"DCAT-AP shapes not found: {project / 'nowhere'}" in result.output
    strict = CliRunner().invoke(main, ["--project", str(project), "build", "--strict"])
    assert strict.exit_code == 1


def test_void_figures_match_the_graph(site: Path, corpus: Corpus) -> None:
    void = Graph().parse(site / "void.ttl", format="turtle")
    dataset = URIRef(BASE + "void#dataset")
    union = {(s, p, o) for s, p, o, g in corpus.statements if g is not None}
    assert void.value(dataset, VOID.triples) == Literal(len(union))
    assert void.value(dataset, VOID.classes) == Literal(
        len({o for _, p, o in union if p == RDF.type})
    )
    for partition in void.objects(dataset, VOID.classPartition):
        kind = void.value(partition, VOID["class"])
        count = len({s for s, p, o in union if p == RDF.type and o == kind})
        assert void.value(partition, VOID.entities) == Literal(count), kind
    for partition in void.objects(dataset, VOID.propertyPartition):
        predicate = void.value(partition, VOID.property)
        assert void.value(partition, VOID.triples) == Literal(
            len({t for t in union if t[1] == predicate})
        )
    graphs = [
        s for s in void.objects(dataset, VOID.subset) if (s, RDF.type, VOID.Linkset) not in void
    ]
    assert len(graphs) == len(corpus.source_graphs)
    wikidata = URIRef(BASE + "void#links-wikidata")
    prefix = "http://www.wikidata.org/entity/"
    expected = len(
        {t for t in union if str(t[2]).startswith(prefix) and not str(t[0]).startswith(prefix)}
    )
    assert expected > 10
    assert void.value(wikidata, VOID.triples) == Literal(expected)
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")


KNOWN = {
    "http://publications.europa.eu/resource/authority/": r"http://publications\.europa\.eu/resource/authority/[a-z-]+(/[A-Z0-9_]+)?",
    "http://www.wikidata.org/entity/": r"http://www\.wikidata\.org/entity/Q[1-9][0-9]*",
    "http://www.w3.org/": r"http://www\.w3\.org/[\w./#-]+",
    "http://purl.org/": r"http://purl\.org/[\w./#-]+",
    "http://xmlns.com/foaf/0.1/": r"http://xmlns\.com/foaf/0\.1/\w+",
    "http://data.europa.eu/m8g/": r"http://data\.europa\.eu/m8g/\w+",
}


def test_every_external_iri_is_well_formed_and_known(corpus: Corpus, config: Config) -> None:
    """IRIs outside the base are vocabulary terms, authority-table entries, Wikidata entities
    (each matching its dataset's pattern), or addresses of web pages (http or https)."""
    import re

    from rdflib import URIRef as Iri

    seen = 0
    for s, p, o, _ in corpus.statements:
        for term in (s, p, o):
            if not isinstance(term, Iri) or str(term).startswith(config.base_iri):
                continue
            text = str(term)
            assert re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", text), text
            for prefix, pattern in KNOWN.items():
                if text.startswith(prefix):
                    assert re.fullmatch(pattern, text), text
                    seen += 1
                    break
            else:
                # a web page: the address a source or document was read at, a homepage, or
                # the original a copied source mirrors
                assert p in (PROV_DERIVED, PROV_ALTERNATE, FOAF_PAGE, FOAF_HOMEPAGE), (s, p, o)
    assert seen > 1000


PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
PROV_ALTERNATE = URIRef("http://www.w3.org/ns/prov#alternateOf")
FOAF_PAGE = URIRef("http://xmlns.com/foaf/0.1/page")
FOAF_HOMEPAGE = URIRef("http://xmlns.com/foaf/0.1/homepage")
