"""What the graph quotes from its sources stays as audited: every source's title is the one the
document itself bears (or none, said with ``ip:untitled``), and every name or title the data
quotes from a source (``foaf:name``, ``foaf:familyName``, ``dcterms:title``,
``dcterms:alternative``) is stated in that source's graph exactly as recorded.

``quoted_text.json`` holds the audited values, each checked by a person against the document at
the source's address. Both directions are held: a recorded value missing from the data fails
(a correction came undone), and a quoted value in the data that is not recorded fails (a new
quotation has not been checked). A new source or a changed quotation therefore means checking
it against the document and recording it here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from innoproc.build.load import Corpus
from innoproc.config import Config
from innoproc.rdf import DCTERMS, FOAF, SKOS

RECORDED = json.loads((Path(__file__).parent / "quoted_text.json").read_text("utf-8"))
QUOTING = {
    "foaf:name": FOAF.name,
    "foaf:familyName": FOAF.familyName,
    "dcterms:title": DCTERMS.title,
    "dcterms:alternative": DCTERMS.alternative,
}
UNTITLED = "ontology#untitled"


def _slug(config: Config, graph: URIRef) -> str:
    return str(graph).removeprefix(config.base_iri + "id/source/")


def _quoted(corpus: Corpus, config: Config) -> set[tuple[str, str, str, str, str | None]]:
    """(source, resource, property, value, language) for every quotation in the source graphs,
    the sources' own titles left out (they are held by the other test)."""
    names = {v: k for k, v in QUOTING.items()}
    found = set()
    graphs = set(corpus.source_graphs)
    for s, p, o, g in corpus.statements:
        if g not in graphs or not isinstance(p, URIRef) or p not in names:
            continue
        if s == g or not isinstance(o, Literal):
            continue
        found.add(
            (_slug(config, g), str(s).replace(config.base_iri, ""), names[p], str(o), o.language)
        )
    return found


def test_every_source_has_a_recorded_title(corpus: Corpus, config: Config) -> None:
    assert {_slug(config, g) for g in corpus.source_graphs} == set(RECORDED["titles"])


@pytest.mark.parametrize("slug", sorted(RECORDED["titles"]))
def test_source_title_is_the_documents_own(slug: str, corpus: Corpus, config: Config) -> None:
    source = URIRef(config.base_iri + "id/source/" + slug)
    graph = corpus.graph(source)
    titles = [
        (str(t), t.language if isinstance(t, Literal) else None)
        for t in graph.objects(source, DCTERMS.title)
    ]
    untitled = graph.value(source, URIRef(config.base_iri + UNTITLED))
    recorded = RECORDED["titles"][slug]
    if recorded is None:
        assert titles == [], f"{slug}: recorded as untitled, but the data gives {titles}"
        assert isinstance(untitled, Literal) and untitled.toPython() is True, slug
    else:
        assert titles == [(recorded["title"], recorded["lang"])], slug
        assert untitled is None, f"{slug}: has a title and says it is untitled"


def test_recorded_quotations_are_in_their_sources_graphs(corpus: Corpus, config: Config) -> None:
    recorded = {tuple(q) for q in RECORDED["quoted"]}
    missing = recorded - _quoted(corpus, config)
    assert not missing, f"recorded quotations no longer in the data: {sorted(missing)}"


def test_every_quotation_in_the_data_is_recorded(corpus: Corpus, config: Config) -> None:
    recorded = {tuple(q) for q in RECORDED["quoted"]}
    unchecked = _quoted(corpus, config) - recorded
    assert not unchecked, f"quotations not yet checked and recorded: {sorted(unchecked)}"


def test_the_pages_own_spellings_are_kept(corpus: Corpus, config: Config) -> None:
    """The corrections of the audit, by name: the PIANOo page's spelling of the MLE and of its
    chair stay in the page's graph, while the corrected forms stay the preferred labels."""
    recorded = {tuple(q) for q in RECORDED["quoted"]}
    page = "pianoo-page"
    mle = "id/initiative/mle-innovation-procurement"
    name = "Mutual Learing Exercise (MLE) on Innovation Procurement"
    assert (page, mle, "foaf:name", name, "en") in recorded
    assert (page, "id/person/charles-edquist", "foaf:familyName", "Enquist", None) in recorded
    graph = corpus.graph(URIRef(config.base_iri + "id/source/" + page))
    pref = {str(o) for o in graph.objects(URIRef(config.base_iri + mle), SKOS.prefLabel)}
    assert "Mutual Learning Exercise on Innovation Procurement" in pref
