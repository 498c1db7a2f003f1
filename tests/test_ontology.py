"""The ontology describes itself and each of its own terms: labels and definitions in Dutch and
English, and a place under the standard vocabularies."""

from __future__ import annotations

from rdflib import Literal, URIRef

from innoproc.build.load import Corpus
from innoproc.config import Config
from innoproc.rdf import DCTERMS, OWL, RDF, RDFS, SKOS

STANDARD = (
    "http://www.w3.org/ns/org#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/2004/02/skos/core#",
    "http://xmlns.com/foaf/0.1/",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/ns/dcat#",
    "http://www.w3.org/2006/time#",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
)


def _languages(values: object) -> list[str]:
    return sorted(v.language or "" for v in values if isinstance(v, Literal))  # type: ignore[attr-defined]


def test_ontology_metadata(corpus: Corpus, config: Config) -> None:
    graph = corpus.ontology
    ontology = URIRef(config.ontology_iri)
    assert (ontology, RDF.type, OWL.Ontology) in graph
    assert _languages(graph.objects(ontology, DCTERMS.title)) == ["en", "nl"]
    assert _languages(graph.objects(ontology, DCTERMS.description)) == ["en", "nl"]
    assert graph.value(ontology, OWL.versionIRI) == URIRef(config.ontology_iri + "/0.1.0")
    assert str(graph.value(ontology, OWL.versionInfo)) == "0.1.0"
    assert graph.value(ontology, DCTERMS.license) == URIRef(
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    )
    assert graph.value(ontology, DCTERMS.publisher) is not None
    assert graph.value(ontology, DCTERMS.created) is not None
    assert graph.value(ontology, DCTERMS.modified) is not None


def test_every_own_term_is_labelled_defined_and_placed(corpus: Corpus, config: Config) -> None:
    graph = corpus.ontology
    terms = {
        s
        for s in graph.subjects(RDFS.isDefinedBy, URIRef(config.ontology_iri))
        if str(s).startswith(config.vocab)
    }
    assert len(terms) >= 15
    for term in terms:
        assert _languages(graph.objects(term, RDFS.label)) == ["en", "nl"], term
        assert _languages(graph.objects(term, SKOS.prefLabel)) == ["en", "nl"], term
        assert _languages(graph.objects(term, SKOS.definition)) == ["en", "nl"], term
        parents = set(graph.objects(term, RDFS.subClassOf)) | set(
            graph.objects(term, RDFS.subPropertyOf)
        )
        if term == URIRef(config.vocab + "participatingCountryCount"):
            # no standard term counts members: tied to org:hasMembership instead
            assert graph.value(term, RDFS.seeAlso) == URIRef(
                "http://www.w3.org/ns/org#hasMembership"
            )
            continue
        assert any(str(p).startswith(STANDARD) for p in parents), term


def test_used_terms_are_defined(corpus: Corpus, config: Config) -> None:
    """Every ip: term the data uses is declared in the ontology."""
    statements = [(s, p, o) for s, p, o, _ in corpus.statements]
    used = {p for _, p, _ in statements if str(p).startswith(config.vocab)}
    used |= {o for _, p, o in statements if p == RDF.type and str(o).startswith(config.vocab)}
    assert len(used) >= 10
    declared = set(corpus.ontology.subjects(RDFS.isDefinedBy, URIRef(config.ontology_iri)))
    assert used <= declared, used - declared
