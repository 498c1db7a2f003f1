"""Every statement of the PIANOo page is in the graph: each sentence of the page maps to an
ASK query that must hold. The page is a reference kept beside the project
(``conftest.PIANOO_PAGE``), so a sentence added to it without a mapping here fails the suite.

``SRC`` stands for the page's own graph: what the page states is stated there, with the page as
its source; a few links point into another source's graph, as noted.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from conftest import PIANOO_PAGE, reference
from innoproc.build.load import Corpus
from innoproc.query import Query, execute

PREFIXES = """
PREFIX ip: <ontology#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX country: <http://publications.europa.eu/resource/authority/country/>
PREFIX filetype: <http://publications.europa.eu/resource/authority/file-type/>
PREFIX lang: <http://publications.europa.eu/resource/authority/language/>
"""
SRC = "<id/source/pianoo-page>"
MLE = "<id/initiative/mle-innovation-procurement>"
INNOPROCUR = "<id/initiative/innoprocur>"
AGENDA = "<id/initiative/urban-agenda-eu>"
PARTNERSHIP = "<id/initiative/partnership-public-procurement>"


def member(organisation: str, member: str, role: str) -> str:
    return (
        f"?m{hash((organisation, member, role)) & 0xFFFF} org:organization {organisation} ;"
        f" org:member {member} ; org:role <id/role/{role}> ."
    )


NAVIGATION = {"Toon pagina in menu"}  # the site's menu control, not a statement

STATEMENTS = {
    "Internationale activiteiten Innovatiegericht Inkopen": f"""
        GRAPH {SRC} {{ <id/document/pianoo-page> dcterms:title
            "Internationale activiteiten Innovatiegericht Inkopen"@nl ;
            dcterms:publisher <id/organisation/pianoo> ; dcterms:language lang:NLD ;
            foaf:page ?address . }}
        {SRC} prov:wasDerivedFrom ?address .""",
    "Op deze pagina zijn meerdere lopende Europese leernetwerken en projecten rondom het "
    "onderwerp innovatiegericht inkopen te vinden.": f"""
        GRAPH {SRC} {{ <id/document/pianoo-page> foaf:topic {MLE} , {INNOPROCUR} , {AGENDA} ,
            {PARTNERSHIP} . }}""",
    "Aan enkele neemt PIANOo incidenteel deel.": f"""
        GRAPH {SRC} {{ {member(MLE, "<id/organisation/pianoo>", "participant")}
            {member(INNOPROCUR, "<id/organisation/pianoo>", "partner")} }}""",
    "Mutual Learning Exercise on Innovation Procurement": f"""
        GRAPH {SRC} {{ {MLE} a ip:Initiative ;
            skos:prefLabel "Mutual Learning Exercise on Innovation Procurement"@en ;
            dcterms:type <id/initiative-type/mutual-learning-exercise> . }}""",
    "Zestien Europese landen delen in de Mutual Learing Exercise (MLE) on Innovation "
    "Procurement hun kennis over innovatiegericht inkopen.": f"""
        GRAPH {SRC} {{ {MLE} ip:participatingCountryCount 16 ;
            foaf:name "Mutual Learing Exercise (MLE) on Innovation Procurement"@en ;
            skos:altLabel "MLE on Innovation Procurement"@en , "MLE" . }}""",
    "Ze doen dat onder voorzitterschap van prof. Enquist.": f"""
        GRAPH {SRC} {{ {member(MLE, "?chair", "chair")}
            ?chair foaf:familyName "Enquist" ; foaf:title "prof." . }}""",
    "Deze MLE is geïnitieerd door de Europese Commissie naar aanleiding van het visiedocument "
    "van het European Research Area and Innovation Committee (ERAC) over innovatiegericht "
    "inkopen.": f"""
        GRAPH {SRC} {{ {MLE} ip:initiatedBy <id/organisation/european-commission> ;
            ip:promptedBy ?opinion .
            ?opinion dcterms:creator <id/organisation/erac> ;
            dcterms:type <id/document-type/opinion> .
            <id/organisation/erac> skos:altLabel "ERAC" . }}""",
    "Vanuit Nederland neemt het ministerie van Economische Zaken en Klimaat samen met PIANOo "
    "deel aan dit initiatief.": f"""
        GRAPH {SRC} {{ {member(MLE, "<id/organisation/ezk>", "participant")}
            {member(MLE, "<id/organisation/pianoo>", "participant")}
            {member(MLE, "country:NLD", "participant")}
            <id/organisation/ezk> foaf:name "ministerie van Economische Zaken en Klimaat"@nl ;
                ip:country country:NLD . }}""",
    "In maart 2017 was Nederland gastland van het eerste landenbezoek.": f"""
        GRAPH {SRC} {{ ?visit dcterms:isPartOf {MLE} ; ip:host country:NLD ;
            dcterms:type <id/event-type/country-visit> ; dcterms:temporal ?when .
            ?when dcat:startDate "2017-03"^^xsd:gYearMonth . }}""",
    "Onderwerpen van de MLE zijn het strategisch raamwerk voor innovatiegericht inkopen "
    "inclusief definities, doelen, indicatoren en instrumenten.": f"""
        GRAPH {SRC} {{ {MLE} dcterms:subject <id/mle-topic/strategic-framework> .
            <id/mle-topic/strategic-framework> skos:definition ?definition .
            FILTER (lang(?definition) = "nl" && CONTAINS(?definition, "indicatoren")) }}""",
    "Ook komen de rollen en verantwoordelijkheden van alle betrokkenen bij publieke "
    "inkooptrajecten van beleid tot uitvoering aan bod.": f"""
        GRAPH {SRC} {{ {MLE} dcterms:subject <id/mle-topic/roles-and-responsibilities> . }}""",
    "ERAC Visiedocument (pdf) op data.consilium.europe.eu": f"""
        GRAPH {SRC} {{ <id/document/pianoo-page> dcterms:references ?opinion .
            ?opinion dcterms:alternative "ERAC Visiedocument"@nl ; dcterms:format filetype:PDF ;
            dcterms:publisher <id/organisation/council-eu> ; skos:note ?note .
            FILTER CONTAINS(?note, "data.consilium.europe.eu") }}""",
    # the link goes to the RIO page on the exercise, itself a source of the graph
    "MLE on Innovation Procurement op rio.jrc.ec.europa.eu": f"""
        GRAPH {SRC} {{ {MLE} skos:altLabel "MLE on Innovation Procurement"@en ;
            foaf:page ?address . }}
        GRAPH ?rio {{ {MLE} foaf:name "MLE on Innovation Procurement"@en ; foaf:page ?address . }}
        ?rio prov:wasDerivedFrom ?address .
        FILTER STRSTARTS(STR(?address), "https://rio.jrc.ec.europa.eu/")""",
    "Onderzoek: Strategisch raamwerk innovatiegericht inkopen (Engels)": f"""
        GRAPH {SRC} {{ <id/document/pianoo-page> dcterms:references ?study .
            ?study dcterms:title "Onderzoek: Strategisch raamwerk innovatiegericht inkopen"@nl ;
            dcterms:language lang:ENG ; dcterms:type <id/document-type/study> . }}""",
    "innoPROCUR": f"""
        GRAPH {SRC} {{ {INNOPROCUR} a ip:Initiative ; skos:prefLabel "innoPROCUR"@nl . }}""",
    "innoPROCUR is een Horizon 2020 samenwerkingsproject van Friuli Innovazione Research and "
    "Technology Transfer Centre uit Italie, Lodz Regional Development Agency uit Polen en "
    "PIANOo.": f"""
        GRAPH {SRC} {{ {INNOPROCUR} ip:fundedBy <id/funding/horizon-2020> ;
            dcterms:type <id/initiative-type/research-project> .
            {member(INNOPROCUR, "<id/organisation/friuli-innovazione>", "partner")}
            {member(INNOPROCUR, "<id/organisation/larr>", "partner")}
            {member(INNOPROCUR, "<id/organisation/pianoo>", "partner")}
            <id/organisation/friuli-innovazione> ip:country country:ITA ;
                foaf:name "Friuli Innovazione Research and Technology Transfer Centre"@en .
            <id/organisation/larr> ip:country country:POL ;
                foaf:name "Lodz Regional Development Agency"@en . }}""",
    "In dit project onderzoeken de deelnemers welke instrumenten het innovatieve MKB "
    "stimuleren en ondersteunen deel te nemen aan Europese aanbestedingstrajecten.": f"""
        GRAPH {SRC} {{ {INNOPROCUR} dcterms:description ?nl , ?en .
            FILTER (lang(?nl) = "nl" && CONTAINS(?nl, "mkb") && CONTAINS(?nl, "aanbestedingen"))
            FILTER (lang(?en) = "en" && CONTAINS(?en, "SMEs")) }}""",
    "Het project is met name gericht op precommerciele inkooptrajecten, zoals SBIR, en "
    "reguliere inkooptrajecten waar overheden zoeken naar een innovatieve oplossing voor hun "
    "vraagstuk.": f"""
        GRAPH {SRC} {{ {INNOPROCUR} dcterms:subject <id/approach/pre-commercial-procurement> ,
                <id/approach/sbir> , <id/approach/regular-procurement-of-innovation> .
            <id/approach/sbir> skos:broader <id/approach/pre-commercial-procurement> . }}""",
    "Met peer-learning workshops worden goede en slechte voorbeelden gewisseld om zo te komen "
    "tot een praktische handreiking 'Design Options Paper'.": f"""
        GRAPH {SRC} {{ <id/document/design-options-paper> ip:outputOf {INNOPROCUR} ;
            dcterms:title "Design Options Paper"@en ; dcterms:type <id/document-type/guide> .
            {INNOPROCUR} dcterms:description ?d . FILTER CONTAINS(?d, "peer-learning") }}""",
    "Deze handreiking moet overheden en business support centres ondersteunen in hun "
    "werkzaamheden.": f"""
        GRAPH {SRC} {{ <id/document/design-options-paper> dcterms:description ?d .
            FILTER (lang(?d) = "nl" && CONTAINS(?d, "business support centres")) }}""",
    # the link goes to Friuli Innovazione's project page, itself a source of the graph
    "innoPROCUR op friulinnovazione.it": f"""
        GRAPH ?friuli {{ {INNOPROCUR} foaf:page ?page . }}
        FILTER CONTAINS(STR(?page), "friulinnovazione.it")""",
    "Europese Agenda Stad": f"""
        GRAPH {SRC} {{ {AGENDA} foaf:name "Europese Agenda Stad"@nl ;
            dcterms:type <id/initiative-type/policy-agenda> . }}""",
    "De Europese Agenda Stad is tijdens het Nederlands voorzitterschap van de EU vastgesteld "
    "in het Pact of Amsterdam.": f"""
        GRAPH {SRC} {{ {AGENDA} ip:establishedBy <id/document/pact-of-amsterdam> .
            <id/document/pact-of-amsterdam> dcterms:title "Pact of Amsterdam"@en ;
            dcterms:description ?d . FILTER CONTAINS(?d, "voorzitterschap") }}""",
    "In dit Pact staan formele afspraken over de invloed die EU-steden kunnen uitoefenen op 12 "
    "maatschappelijk relevante onderwerpen.": f"""
        GRAPH {SRC} {{ <id/document/pact-of-amsterdam> dcterms:description ?d .
            FILTER CONTAINS(?d, "twaalf") }}
        {{ SELECT (COUNT(?theme) AS ?themes) WHERE {{
            <id/scheme/urban-agenda-themes> skos:hasTopConcept ?theme }} }}
        FILTER (?themes = 12)""",
    "Op elk van die onderwerpen wordt een partnerschap opgericht.": f"""
        GRAPH {SRC} {{ {PARTNERSHIP} org:subOrganizationOf {AGENDA} ;
            ip:establishedBy <id/document/pact-of-amsterdam> ;
            dcterms:type <id/initiative-type/thematic-partnership> ;
            dcterms:subject <id/urban-theme/innovative-responsible-public-procurement> . }}""",
    "De Europese Unie ziet dat steden steeds belangrijker worden bij het aanpakken van "
    "maatschappelijke problemen en bij het versnellen van bijvoorbeeld de energietransitie en "
    "het zorgvuldig omgaan met grondstoffen.": f"""
        GRAPH {SRC} {{ {AGENDA} dcterms:description ?nl , ?en .
            FILTER (lang(?nl) = "nl" && CONTAINS(?nl, "energietransitie"))
            FILTER (lang(?en) = "en" && CONTAINS(?en, "energy transition")) }}""",
    "Europese Partnerschap Innovatiegericht en Maatschappelijk Verantwoord Inkopen": f"""
        GRAPH {SRC} {{ {PARTNERSHIP} foaf:name ?name . }}
        FILTER (STR(?name) = CONCAT("Europese Partnerschap Innovatiegericht en ",
            "Maatschappelijk Verantwoord Inkopen") && lang(?name) = "nl")""",
}


def page_sentences() -> list[str]:
    """The page's text, one sentence or heading a line, white space folded."""
    text = reference(PIANOO_PAGE).read_text("utf-8")
    out = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            out += re.split(r"(?<=[.!?])(?<!prof\.)\s+(?=[A-Z])", line)
    return out


def test_every_sentence_of_the_page_is_mapped() -> None:
    assert set(page_sentences()) == set(STATEMENTS) | NAVIGATION


@pytest.mark.parametrize("sentence", list(STATEMENTS), ids=lambda s: s[:50])
def test_page_statement_is_in_the_graph(sentence: str, corpus: Corpus, store: ox.Store) -> None:
    result = execute(
        store, Query(PREFIXES + f"ASK {{ {STATEMENTS[sentence]} }}"), corpus.config.base_iri
    )
    assert result.boolean is True, sentence
