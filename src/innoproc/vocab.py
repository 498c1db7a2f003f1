"""Namespaces used by the engine. The project's own namespace depends on the base IRI."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

CV = Namespace("http://data.europa.eu/m8g/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SKOSXL = Namespace("http://www.w3.org/2008/05/skos-xl#")


def ip(base_iri: str) -> Namespace:
    """The project's own terms: ``{base}ontology#``."""
    return Namespace(base_iri + "ontology#")


__all__ = [
    "CV",
    "DCAT",
    "DCTERMS",
    "FOAF",
    "ORG",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SH",
    "SKOS",
    "SKOSXL",
    "TIME",
    "XSD",
    "ip",
]
