"""Each constraint in shapes/ gets a broken copy of the real, valid data and must report that
exact violation: the shape, the constraint component and the resource.

Each case validates the broken resource's neighbourhood (its statements, those of every
resource it points to, and the ontology) rather than the whole graph, which keeps a case at a
fraction of a second; the same neighbourhood of the valid data must not report it. Both SHACL
engines check each case, pySHACL (the reference) and pyshacl-turbo: they must find the same.
The last test checks the table below against the shapes themselves, so a constraint added to
shapes/ without a case here fails the suite.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection

from innoproc.build.load import Corpus
from innoproc.build.validate import validate
from innoproc.config import Config
from innoproc.rdf import RDF, RDFS, SH

PREFIXES = """
PREFIX ip: <ontology#>
PREFIX cv: <http://data.europa.eu/m8g/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX skosxl: <http://www.w3.org/2008/05/skos-xl#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX nal: <http://publications.europa.eu/resource/authority/>
"""

INNOPROCUR = "<id/initiative/innoprocur>"
PIANOO = "<id/organisation/pianoo>"
MEMBERSHIP = "<id/membership/innoprocur--pianoo--partner>"
EVENT = "<id/event/mle-country-visit-1>"
DOCUMENT = "<id/document/erac-opinion-innovation-procurement>"
PERIOD = "<id/period/2017-03--2017-03>"
SOURCE = "<id/source/pianoo-page>"
CONCEPT = "<id/approach/sbir>"
SCHEME = "<id/scheme/procurement-approaches>"
FUNDING = "<id/funding/horizon-2020>"
PERSON = "<id/person/charles-edquist>"
PLACE = "<id/place/the-hague>"
COUNTRY = "<http://publications.europa.eu/resource/authority/country/NLD>"
XLABEL = "?xlabel"  # the first skosxl:Label of the data, bound by the WHERE clause below


@dataclass(frozen=True)
class Case:
    shape: str
    component: str
    focus: str
    update: str

    @property
    def id(self) -> str:
        return f"{self.shape}-{self.component}"


def case(shape: str, component: str, focus: str, update: str) -> Case:
    return Case(shape, component, focus, update)


def insert(focus: str, triples: str) -> str:
    return f"INSERT DATA {{ {triples.replace('$this', focus)} }}"


def delete(focus: str, pattern: str, where: str = "") -> str:
    pattern = pattern.replace("$this", focus)
    return f"DELETE {{ {pattern} }} WHERE {{ {pattern} . {where.replace('$this', focus)} }}"


CASES = [
    # every resource
    case("type", "MinCount", INNOPROCUR, delete(INNOPROCUR, "$this a ?t")),
    case(
        "prefLabel",
        "MinCount",
        INNOPROCUR,
        delete(INNOPROCUR, "$this skos:prefLabel ?l", 'FILTER (lang(?l) = "en")'),
    ),
    case("prefLabel", "LanguageIn", INNOPROCUR, insert(INNOPROCUR, '$this skos:prefLabel "x"@de')),
    case(
        "prefLabel",
        "UniqueLang",
        INNOPROCUR,
        insert(INNOPROCUR, '$this skos:prefLabel "innoPROCUR project"@en'),
    ),
    case(
        "description",
        "LanguageIn",
        INNOPROCUR,
        insert(INNOPROCUR, '$this dcterms:description "Ein Projekt."@de'),
    ),
    case(
        "description",
        "UniqueLang",
        INNOPROCUR,
        insert(INNOPROCUR, '$this dcterms:description "Another description."@en'),
    ),
    case("altLabel", "Or", INNOPROCUR, insert(INNOPROCUR, "$this skos:altLabel 42")),
    case(
        "descriptionPair",
        "MinCount",
        INNOPROCUR,
        delete(INNOPROCUR, "$this dcterms:description ?d", 'FILTER (lang(?d) = "nl")'),
    ),
    case("statedIn", "MinCount", INNOPROCUR, delete(INNOPROCUR, "$this ip:statedIn ?s")),
    case(
        "statedIn", "Class", INNOPROCUR, insert(INNOPROCUR, "$this ip:statedIn <id/source/nowhere>")
    ),
    # shared property shapes
    case("name", "Or", PIANOO, insert(PIANOO, "$this foaf:name <https://example.org/name>")),
    case("homepage", "NodeKind", PIANOO, insert(PIANOO, '$this foaf:homepage "www.pianoo.nl"')),
    case("homepage", "Pattern", PIANOO, insert(PIANOO, "$this foaf:homepage <ftp://pianoo.nl/>")),
    case("page", "NodeKind", INNOPROCUR, insert(INNOPROCUR, '$this foaf:page "a page"')),
    case("page", "Pattern", INNOPROCUR, insert(INNOPROCUR, "$this foaf:page <urn:x:page>")),
    case("sameAs", "NodeKind", PIANOO, insert(PIANOO, '$this owl:sameAs "Q1"')),
    case(
        "sameAs",
        "Pattern",
        PIANOO,
        insert(PIANOO, "$this owl:sameAs <https://www.wikidata.org/wiki/Q1>"),
    ),
    case("country", "NodeKind", PIANOO, insert(PIANOO, '$this ip:country "NLD"')),
    case("country", "Pattern", PIANOO, insert(PIANOO, "$this ip:country <id/place/the-hague>")),
    case(
        "country",
        "Class",
        PIANOO,
        insert(
            PIANOO,
            "$this ip:country <http://publications.europa.eu/resource/authority/country/XYZ>",
        ),
    ),
    case("temporal", "Class", EVENT, insert(EVENT, "$this dcterms:temporal <id/period/nowhen>")),
    case(
        "subject",
        "Class",
        INNOPROCUR,
        insert(INNOPROCUR, "$this dcterms:subject <id/approach/none>"),
    ),
    case("title", "Datatype", DOCUMENT, insert(DOCUMENT, '$this dcterms:title "No language"')),
    case("created", "Or", PIANOO, insert(PIANOO, '$this dcterms:created "2005"')),
    case(
        "establishedBy", "Class", INNOPROCUR, insert(INNOPROCUR, f"$this ip:establishedBy {PIANOO}")
    ),
    case("identifier", "Datatype", DOCUMENT, insert(DOCUMENT, "$this dcterms:identifier 42")),
    case("note", "Datatype", DOCUMENT, insert(DOCUMENT, '$this skos:note "untagged"')),
    case("replaces", "Class", PIANOO, insert(PIANOO, f"$this dcterms:replaces {DOCUMENT}")),
    case("xlabel", "Class", PIANOO, insert(PIANOO, f"$this skosxl:altLabel {DOCUMENT}")),
    case("person-title", "Datatype", PERSON, insert(PERSON, '$this foaf:title "prof."@en')),
    case("event-used", "Class", EVENT, insert(EVENT, f"$this prov:used {PIANOO}")),
    case(
        "document-dateAccepted",
        "Or",
        DOCUMENT,
        insert(DOCUMENT, '$this dcterms:dateAccepted "soon"'),
    ),
    case("document-modified", "Or", DOCUMENT, insert(DOCUMENT, '$this dcterms:modified "later"')),
    case(
        "document-generatedBy",
        "Class",
        DOCUMENT,
        insert(DOCUMENT, f"$this prov:wasGeneratedBy {PIANOO}"),
    ),
    case(
        "document-references",
        "Class",
        DOCUMENT,
        insert(DOCUMENT, f"$this dcterms:references {PIANOO}"),
    ),
    case("document-topic", "Class", DOCUMENT, insert(DOCUMENT, f"$this foaf:topic {CONCEPT}")),
    case(
        "document-spatial", "Class", DOCUMENT, insert(DOCUMENT, f"$this dcterms:spatial {PIANOO}")
    ),
    case("concept-related", "Class", CONCEPT, insert(CONCEPT, f"$this skos:related {PIANOO}")),
    case("concept-notation", "Datatype", CONCEPT, insert(CONCEPT, "$this skos:notation 7")),
    case("concept-topOf", "Class", CONCEPT, insert(CONCEPT, f"$this skos:topConceptOf {PIANOO}")),
    # sources
    case(
        "Source",
        "Pattern",
        "<id/sources/Bad_Name>",
        insert("<id/sources/Bad_Name>", "$this a ip:Source"),
    ),
    case("SourceTitle", "Or", SOURCE, delete(SOURCE, "$this dcterms:title ?t")),
    case("source-untitled", "Datatype", SOURCE, insert(SOURCE, '$this ip:untitled "yes"')),
    case("source-title", "Datatype", SOURCE, insert(SOURCE, '$this dcterms:title "Untagged"')),
    case("source-address", "MinCount", SOURCE, delete(SOURCE, "$this prov:wasDerivedFrom ?a")),
    case(
        "source-address",
        "MaxCount",
        SOURCE,
        insert(SOURCE, "$this prov:wasDerivedFrom <https://example.org/other>"),
    ),
    case(
        "source-address",
        "NodeKind",
        SOURCE,
        delete(SOURCE, "$this prov:wasDerivedFrom ?a")
        + " ; "
        + insert(SOURCE, '$this prov:wasDerivedFrom "https://www.pianoo.nl/"'),
    ),
    case(
        "source-address",
        "Pattern",
        SOURCE,
        delete(SOURCE, "$this prov:wasDerivedFrom ?a")
        + " ; "
        + insert(SOURCE, "$this prov:wasDerivedFrom <file:///tmp/page.html>"),
    ),
    case("source-language", "MinCount", SOURCE, delete(SOURCE, "$this dcterms:language ?l")),
    case(
        "source-language",
        "Pattern",
        SOURCE,
        insert(SOURCE, "$this dcterms:language <http://id.loc.gov/vocabulary/iso639-1/nl>"),
    ),
    case("source-retrieved", "MinCount", SOURCE, delete(SOURCE, "$this ip:retrieved ?r")),
    case(
        "source-retrieved",
        "MaxCount",
        SOURCE,
        insert(SOURCE, '$this ip:retrieved "2024"^^xsd:gYear'),
    ),
    case(
        "source-retrieved",
        "Or",
        SOURCE,
        delete(SOURCE, "$this ip:retrieved ?r")
        + " ; "
        + insert(SOURCE, '$this ip:retrieved "2025"'),
    ),
    case("source-publisher", "Class", SOURCE, insert(SOURCE, f"$this dcterms:publisher {PERSON}")),
    case(
        "source-original",
        "NodeKind",
        SOURCE,
        insert(SOURCE, '$this prov:alternateOf "https://example.org/original"'),
    ),
    case(
        "source-original",
        "Pattern",
        SOURCE,
        insert(SOURCE, "$this prov:alternateOf <ftp://example.org/original>"),
    ),
    # initiatives
    case(
        "Initiative",
        "Pattern",
        "<id/initiatives/x>",
        insert("<id/initiatives/x>", "$this a ip:Initiative"),
    ),
    case("initiative-type", "MinCount", INNOPROCUR, delete(INNOPROCUR, "$this dcterms:type ?t")),
    case(
        "initiative-type",
        "MaxCount",
        INNOPROCUR,
        insert(INNOPROCUR, "$this dcterms:type <id/initiative-type/network>"),
    ),
    case(
        "initiative-typeScheme",
        "HasValue",
        INNOPROCUR,
        delete(INNOPROCUR, "$this dcterms:type ?t")
        + " ; "
        + insert(INNOPROCUR, "$this dcterms:type <id/role/partner>"),
    ),
    case(
        "initiative-fundedBy",
        "Class",
        INNOPROCUR,
        insert(INNOPROCUR, f"$this ip:fundedBy {CONCEPT}"),
    ),
    case(
        "initiative-grant",
        "Datatype",
        INNOPROCUR,
        insert(INNOPROCUR, "$this ip:grantAgreementNumber 759596"),
    ),
    case(
        "initiative-grant",
        "Pattern",
        INNOPROCUR,
        insert(INNOPROCUR, '$this ip:grantAgreementNumber "GA-759596"'),
    ),
    case(
        "initiative-cordis",
        "Datatype",
        INNOPROCUR,
        insert(INNOPROCUR, "$this ip:cordisRecordNumber 209098"),
    ),
    case(
        "initiative-cordis",
        "Pattern",
        INNOPROCUR,
        insert(INNOPROCUR, '$this ip:cordisRecordNumber "rcn 209098"'),
    ),
    case(
        "initiative-countryCount",
        "Datatype",
        INNOPROCUR,
        insert(INNOPROCUR, '$this ip:participatingCountryCount "three"'),
    ),
    case(
        "initiative-countryCount",
        "MinInclusive",
        INNOPROCUR,
        insert(INNOPROCUR, "$this ip:participatingCountryCount 0"),
    ),
    case(
        "initiative-promptedBy",
        "Class",
        INNOPROCUR,
        insert(INNOPROCUR, f"$this ip:promptedBy {PIANOO}"),
    ),
    case(
        "initiative-initiatedBy",
        "Class",
        INNOPROCUR,
        insert(INNOPROCUR, f"$this ip:initiatedBy {DOCUMENT}"),
    ),
    # organisations
    case("Organization", "Pattern", "<id/org/x>", insert("<id/org/x>", "$this a org:Organization")),
    case(
        "organization-parent",
        "Class",
        PIANOO,
        insert(PIANOO, f"$this org:subOrganizationOf {DOCUMENT}"),
    ),
    case("organization-unitOf", "Class", PIANOO, insert(PIANOO, f"$this org:unitOf {PERSON}")),
    case("organization-site", "Class", PIANOO, insert(PIANOO, f"$this org:hasSite {DOCUMENT}")),
    # people
    case("Person", "Pattern", "<id/people/x>", insert("<id/people/x>", "$this a foaf:Person")),
    case("person-givenName", "Or", PERSON, insert(PERSON, "$this foaf:givenName <id/x>")),
    case("person-familyName", "Or", PERSON, insert(PERSON, "$this foaf:familyName 7")),
    case("person-birthDate", "Or", PERSON, insert(PERSON, '$this ip:birthDate "1947"')),
    # memberships
    case(
        "Membership",
        "Pattern",
        "<id/membership/pianoo-partner>",
        insert("<id/membership/pianoo-partner>", "$this a org:Membership"),
    ),
    case("membership-member", "MinCount", MEMBERSHIP, delete(MEMBERSHIP, "$this org:member ?m")),
    case(
        "membership-member",
        "MaxCount",
        MEMBERSHIP,
        insert(MEMBERSHIP, "$this org:member <id/organisation/larr>"),
    ),
    case(
        "membership-member",
        "Or",
        MEMBERSHIP,
        delete(MEMBERSHIP, "$this org:member ?m")
        + " ; "
        + insert(MEMBERSHIP, f"$this org:member {DOCUMENT}"),
    ),
    case(
        "membership-organization",
        "MinCount",
        MEMBERSHIP,
        delete(MEMBERSHIP, "$this org:organization ?o"),
    ),
    case(
        "membership-organization",
        "MaxCount",
        MEMBERSHIP,
        insert(MEMBERSHIP, "$this org:organization <id/initiative/urban-agenda-eu>"),
    ),
    case(
        "membership-organization",
        "Class",
        MEMBERSHIP,
        delete(MEMBERSHIP, "$this org:organization ?o")
        + " ; "
        + insert(MEMBERSHIP, f"$this org:organization {DOCUMENT}"),
    ),
    case("membership-role", "MinCount", MEMBERSHIP, delete(MEMBERSHIP, "$this org:role ?r")),
    case(
        "membership-role",
        "MaxCount",
        MEMBERSHIP,
        insert(MEMBERSHIP, "$this org:role <id/role/observer>"),
    ),
    case(
        "membership-role",
        "Class",
        MEMBERSHIP,
        delete(MEMBERSHIP, "$this org:role ?r")
        + " ; "
        + insert(MEMBERSHIP, f"$this org:role {PIANOO}"),
    ),
    case(
        "membership-roleScheme",
        "HasValue",
        MEMBERSHIP,
        delete(MEMBERSHIP, "$this org:role ?r")
        + " ; "
        + insert(MEMBERSHIP, "$this org:role <id/event-type/workshop>"),
    ),
    case(
        "membership-period",
        "Class",
        MEMBERSHIP,
        insert(MEMBERSHIP, f"$this org:memberDuring {DOCUMENT}"),
    ),
    # events
    case("Event", "Pattern", "<id/events/x>", insert("<id/events/x>", "$this a cv:PublicEvent")),
    case("event-type", "MinCount", EVENT, delete(EVENT, "$this dcterms:type ?t")),
    case(
        "event-type",
        "MaxCount",
        EVENT,
        insert(EVENT, "$this dcterms:type <id/event-type/workshop>"),
    ),
    case(
        "event-typeScheme",
        "HasValue",
        EVENT,
        delete(EVENT, "$this dcterms:type ?t")
        + " ; "
        + insert(EVENT, "$this dcterms:type <id/role/chair>"),
    ),
    case("event-place", "Class", EVENT, insert(EVENT, f"$this dcterms:spatial {PIANOO}")),
    case("event-partOf", "Class", EVENT, insert(EVENT, f"$this dcterms:isPartOf {DOCUMENT}")),
    case("event-host", "Or", EVENT, insert(EVENT, f"$this ip:host {DOCUMENT}")),
    case("event-organiser", "Class", EVENT, insert(EVENT, f"$this ip:organiser {DOCUMENT}")),
    case(
        "event-associated",
        "Class",
        EVENT,
        insert(EVENT, f"$this prov:wasAssociatedWith {DOCUMENT}"),
    ),
    # documents
    case("Document", "Pattern", "<id/doc/x>", insert("<id/doc/x>", "$this a foaf:Document")),
    case("document-type", "MinCount", DOCUMENT, delete(DOCUMENT, "$this dcterms:type ?t")),
    case(
        "document-type",
        "MaxCount",
        DOCUMENT,
        insert(DOCUMENT, "$this dcterms:type <id/document-type/report>"),
    ),
    case(
        "document-typeScheme",
        "HasValue",
        DOCUMENT,
        delete(DOCUMENT, "$this dcterms:type ?t")
        + " ; "
        + insert(DOCUMENT, "$this dcterms:type <id/event-type/workshop>"),
    ),
    case(
        "document-language", "NodeKind", DOCUMENT, insert(DOCUMENT, '$this dcterms:language "en"')
    ),
    case(
        "document-language",
        "Pattern",
        DOCUMENT,
        insert(DOCUMENT, "$this dcterms:language <http://lexvo.org/id/iso639-3/eng>"),
    ),
    case("document-format", "NodeKind", DOCUMENT, insert(DOCUMENT, '$this dcterms:format "pdf"')),
    case(
        "document-format",
        "Pattern",
        DOCUMENT,
        insert(
            DOCUMENT,
            "$this dcterms:format <http://www.iana.org/assignments/media-types/application/pdf>",
        ),
    ),
    case("document-date", "Or", DOCUMENT, insert(DOCUMENT, '$this dcterms:date "May 2016"')),
    case(
        "document-issued",
        "Or",
        DOCUMENT,
        insert(DOCUMENT, '$this dcterms:issued "2016-05-30T10:00:00"^^xsd:dateTime'),
    ),
    case(
        "document-creator", "Class", DOCUMENT, insert(DOCUMENT, f"$this dcterms:creator {CONCEPT}")
    ),
    case(
        "document-publisher",
        "Class",
        DOCUMENT,
        insert(DOCUMENT, f"$this dcterms:publisher {CONCEPT}"),
    ),
    case("document-outputOf", "Class", DOCUMENT, insert(DOCUMENT, f"$this ip:outputOf {PIANOO}")),
    case(
        "document-alternative",
        "Datatype",
        DOCUMENT,
        insert(DOCUMENT, '$this dcterms:alternative "untagged"'),
    ),
    # periods, places, countries, labels
    case(
        "Period",
        "Pattern",
        "<id/period/march-2017>",
        insert(
            "<id/period/march-2017>",
            "$this a dcterms:PeriodOfTime , time:Interval ;"
            ' dcat:startDate "2017-03"^^xsd:gYearMonth',
        ),
    ),
    case("Period", "Or", PERIOD, delete(PERIOD, "$this dcat:startDate ?s . $this dcat:endDate ?e")),
    case("period-interval", "HasValue", PERIOD, delete(PERIOD, "$this a time:Interval")),
    case(
        "period-start", "MaxCount", PERIOD, insert(PERIOD, '$this dcat:startDate "2017"^^xsd:gYear')
    ),
    case(
        "period-start",
        "Or",
        PERIOD,
        delete(PERIOD, "$this dcat:startDate ?s")
        + " ; "
        + insert(PERIOD, '$this dcat:startDate "March 2017"'),
    ),
    case("period-end", "MaxCount", PERIOD, insert(PERIOD, '$this dcat:endDate "2017"^^xsd:gYear')),
    case(
        "period-end",
        "Or",
        PERIOD,
        delete(PERIOD, "$this dcat:endDate ?e") + " ; " + insert(PERIOD, "$this dcat:endDate 2017"),
    ),
    case("Place", "Pattern", "<id/places/x>", insert("<id/places/x>", "$this a dcterms:Location")),
    case("country-notation", "MinCount", COUNTRY, delete(COUNTRY, "$this skos:notation ?n")),
    case("country-notation", "MaxCount", COUNTRY, insert(COUNTRY, '$this skos:notation "NL"')),
    case(
        "country-notation",
        "Pattern",
        COUNTRY,
        delete(COUNTRY, "$this skos:notation ?n")
        + " ; "
        + insert(COUNTRY, '$this skos:notation "nld"'),
    ),
    case("country-scheme", "HasValue", COUNTRY, delete(COUNTRY, "$this skos:inScheme ?s")),
    case("country-match", "NodeKind", COUNTRY, insert(COUNTRY, '$this skos:exactMatch "Q55"')),
    case(
        "country-match",
        "Pattern",
        COUNTRY,
        insert(COUNTRY, "$this skos:closeMatch <https://www.wikidata.org/wiki/Q55>"),
    ),
    case("XLabel", "Pattern", "<id/labels/x>", insert("<id/labels/x>", "$this a skosxl:Label")),
    case(
        "ConceptIri",
        "Pattern",
        "<https://w3id.org/innoproc/id/approach/javascript:alert(document.domain)//x>",
        insert(
            "<https://w3id.org/innoproc/id/approach/javascript:alert(document.domain)//x>",
            "$this a skos:Concept",
        ),
    ),
    case(
        "xlabel-form",
        "MinCount",
        XLABEL,
        delete(XLABEL, "$this skosxl:literalForm ?f", "$this a skosxl:Label"),
    ),
    case(
        "xlabel-form",
        "MaxCount",
        XLABEL,
        f'INSERT {{ {XLABEL} skosxl:literalForm "Another"@en }}'
        f" WHERE {{ {XLABEL} a skosxl:Label }}",
    ),
    case(
        "xlabel-form",
        "Datatype",
        XLABEL,
        delete(XLABEL, "$this skosxl:literalForm ?f", "$this a skosxl:Label")
        + f' ; INSERT {{ {XLABEL} skosxl:literalForm "untagged" }}'
        f" WHERE {{ {XLABEL} a skosxl:Label }}",
    ),
    # probable duplicates
    case(
        "Labelled",
        "SPARQL",
        PIANOO,
        insert(
            "<id/organisation/pianoo-nl>", '$this a org:Organization ; skos:prefLabel "PIANOo"@nl'
        ),
    ),
    # concepts
    case("Concept", "Or", CONCEPT, delete(CONCEPT, "$this ip:statedIn ?s")),
    case("concept-scheme", "MinCount", CONCEPT, delete(CONCEPT, "$this skos:inScheme ?s")),
    case(
        "concept-definition",
        "LanguageIn",
        CONCEPT,
        insert(CONCEPT, '$this skos:definition "Eine Art."@de'),
    ),
    case(
        "concept-definition",
        "UniqueLang",
        CONCEPT,
        insert(CONCEPT, '$this skos:definition "Another."@en'),
    ),
    case("concept-broader", "Class", CONCEPT, insert(CONCEPT, f"$this skos:broader {PIANOO}")),
    case(
        "FundingProgramme",
        "Pattern",
        "<id/programme/x>",
        insert("<id/programme/x>", "$this a ip:FundingProgramme"),
    ),
    case("funding-scheme", "HasValue", FUNDING, delete(FUNDING, "$this skos:inScheme ?s")),
    case(
        "ConceptScheme",
        "Pattern",
        "<id/schemes/x>",
        insert("<id/schemes/x>", "$this a skos:ConceptScheme"),
    ),
    case("scheme-top", "MinCount", SCHEME, delete(SCHEME, "$this skos:hasTopConcept ?c")),
    case("scheme-top", "Class", SCHEME, insert(SCHEME, f"$this skos:hasTopConcept {PIANOO}")),
]


def _focus(config: Config, graph: Graph, focus: str) -> URIRef:
    if focus == XLABEL:
        query = "SELECT ?l WHERE { ?l a skosxl:Label } ORDER BY ?l LIMIT 1"
        rows = list(graph.query(PREFIXES + query))
        return URIRef(str(rows[0][0]))  # type: ignore[index]
    return (
        URIRef(config.base_iri + focus.strip("<>"))
        if ":" not in focus.split("/", 1)[0]  # relative, not <scheme:...>
        else URIRef(focus.strip("<>"))
    )


def neighbourhood(source: Graph, focus: URIRef, into: Graph | None = None) -> Graph:
    """``focus``'s statements, the statements of every resource it points to, and the class
    hierarchy: all that the shapes read about ``focus``."""
    out = into if into is not None else Graph()
    for triple in source.triples((None, RDFS.subClassOf, None)):
        out.add(triple)
    for s, p, o in source.triples((focus, None, None)):
        out.add((s, p, o))
        for triple in source.triples((o, None, None)):
            out.add(triple)
    return out


@pytest.mark.parametrize("broken", CASES, ids=lambda c: c.id)
def test_constraint_reports_broken_data(
    broken: Case, config: Config, corpus: Corpus, valid_graph: Graph
) -> None:
    assert_reported(broken, config, corpus, valid_graph)


# Resource IRIs that would name a file outside the site, or a link that is no page, wherever
# they stand in the IRI: each shape with a pattern on our IRIs (shape, class, kind, a valid slug).
IRI_SHAPES = [
    ("Source", "ip:Source", "source", "x"),
    ("Initiative", "ip:Initiative", "initiative", "x"),
    ("Organization", "org:Organization", "organisation", "x"),
    ("Person", "foaf:Person", "person", "x"),
    ("Membership", "org:Membership", "membership", "a--b--c"),
    ("Event", "cv:PublicEvent", "event", "x"),
    ("Document", "foaf:Document", "document", "x"),
    ("Period", "dcterms:PeriodOfTime", "period", "2017--2018"),
    ("Place", "dcterms:Location", "place", "x"),
    ("XLabel", "skosxl:Label", "label", "x"),
    ("FundingProgramme", "ip:FundingProgramme", "funding", "x"),
    ("ConceptScheme", "skos:ConceptScheme", "scheme", "x"),
    ("ConceptIri", "skos:Concept", "approach", "x"),
]
BASE = "https://w3id.org/innoproc/"
ESCAPES = [
    case(shape, "Pattern", iri, insert(iri, f"$this a {cls}"))
    for shape, cls, kind, slug in IRI_SHAPES
    for iri in (
        f"<{BASE}id/{kind}/../../../ontology/id/{kind}/{slug}>",
        f"<{BASE}id/{kind}/%2e%2e/%2e%2e/id/{kind}/{slug}>",
        f"<{BASE}id/{kind}/javascript:alert(document.domain)//x/id/{kind}/{slug}>",
        f"<javascript:alert(document.domain)//{BASE}id/{kind}/{slug}>",
    )
]


@pytest.mark.parametrize("broken", ESCAPES, ids=lambda c: f"{c.shape}-{c.focus}")
def test_regression_hole_3_4_patterns_are_anchored(
    broken: Case, config: Config, corpus: Corpus, valid_graph: Graph
) -> None:
    """Every pattern on our IRIs holds for the whole IRI: ``..`` segments, percent-encoded
    dots and a ``javascript:`` scheme before ``/id/{kind}/{slug}`` are reported."""
    assert_reported(broken, config, corpus, valid_graph)


def broken_at_once(config: Config, valid_graph: Graph) -> Graph:
    """A copy of the valid data with every case's breakage applied."""
    graph = Graph()
    for triple in valid_graph:
        graph.add(triple)
    for broken in CASES:
        focus = _focus(config, graph, broken.focus)
        update = broken.update.replace(XLABEL, f"<{focus}>")
        graph.update(f"BASE <{config.base_iri}>\n" + PREFIXES + update)
    return graph


def assert_reported(broken: Case, config: Config, corpus: Corpus, valid_graph: Graph) -> None:
    focus = _focus(config, valid_graph, broken.focus)
    before = neighbourhood(valid_graph, focus)
    graph = neighbourhood(valid_graph, focus)
    graph.update(
        f"BASE <{config.base_iri}>\n" + PREFIXES + broken.update.replace(XLABEL, f"<{focus}>")
    )
    assert set(graph) != set(before), "the case changed nothing"
    for _, _, o in list(graph.triples((focus, None, None))):  # what the broken data now points to
        for triple in valid_graph.triples((o, None, None)) if o != focus else ():
            graph.add(triple)

    expected = (
        str(focus),
        config.base_iri + "shapes#" + broken.shape,
        broken.component + "ConstraintComponent",
    )
    after_findings = validate(corpus, graph, engine="pyshacl").findings
    assert expected in {(f.focus, f.shape, f.component) for f in after_findings}, after_findings
    assert validate(corpus, graph, engine="turbo").findings == after_findings
    before_findings = validate(corpus, before, engine="pyshacl").findings
    assert expected not in {(f.focus, f.shape, f.component) for f in before_findings}
    assert validate(corpus, before, engine="turbo").findings == before_findings


def test_every_property_of_the_data_has_a_shape(corpus: Corpus, config: Config) -> None:
    paths = set(corpus.shapes.objects(None, SH.path))
    for path in list(paths):
        if isinstance(path, BNode):
            paths |= (
                set(Collection(corpus.shapes, path))
                if (path, RDF.first, None) in (corpus.shapes)
                else set()
            )
            for alternative in corpus.shapes.objects(path, SH.alternativePath):
                paths |= set(Collection(corpus.shapes, alternative))
    used = {p for _, p, _, g in corpus.statements if g in corpus.source_graphs}
    assert used - paths == set()


def test_every_constraint_has_a_case(corpus: Corpus, config: Config) -> None:
    """The (shape, constraint) pairs in shapes/ are exactly the ones tested above."""
    shapes = corpus.shapes
    parameters = {
        SH.minCount: "MinCount",
        SH.maxCount: "MaxCount",
        SH["class"]: "Class",
        SH.datatype: "Datatype",
        SH.nodeKind: "NodeKind",
        SH.pattern: "Pattern",
        SH.languageIn: "LanguageIn",
        SH.uniqueLang: "UniqueLang",
        SH["or"]: "Or",
        SH.hasValue: "HasValue",
        SH.minInclusive: "MinInclusive",
        SH.sparql: "SPARQL",
    }
    declared = set()
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    ):
        if isinstance(shape, BNode):
            continue
        name = str(shape).split("#", 1)[1]
        for predicate, component in parameters.items():
            if (shape, predicate, None) in shapes:
                declared.add((name, component))
    for node in shapes.objects(None, SH["or"]):
        assert isinstance(node, BNode) and list(Collection(shapes, node))
    tested = {(c.shape, c.component) for c in CASES}
    assert declared == tested


def test_validation_split_over_processes_reports_the_same(
    config: Config, corpus: Corpus, valid_graph: Graph
) -> None:
    """Every case's breakage at once in the whole graph: pySHACL on one process and on several,
    each on its share of the focus nodes, finds exactly the same problems, in one report."""
    graph = broken_at_once(config, valid_graph)
    one = validate(corpus, graph, workers=1, engine="pyshacl")
    shapes = {(f.shape, f.component) for f in one.findings}
    assert not one.conforms and len(shapes) >= 60, len(shapes)
    for workers in (2, 3):
        split = validate(corpus, graph, workers=workers, engine="pyshacl")
        assert split.conforms == one.conforms
        assert split.findings == one.findings
        reports = list(split.graph.subjects(RDF.type, SH.ValidationReport))
        assert len(reports) == 1
        assert len(set(split.graph.objects(reports[0], SH.result))) == len(
            set(one.graph.objects(None, SH.result))
        )
