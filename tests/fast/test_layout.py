"""The layout of resource pages: templates/layout.toml read and checked, the summary rows and
groups it gives, and the one language a page shows its literals in."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from innoproc.build.gather import Index
from innoproc.build.language import Labels, column, one_language
from innoproc.build.layout import Layout
from innoproc.errors import InputError
from innoproc.interface import interface_strings

from .conftest import BASE

ALPHA = URIRef(BASE + "id/initiative/alpha")
BETA = URIRef(BASE + "id/initiative/beta")
VOCAB = BASE + "ontology#"
NAMES = {"period", "part_of", "other", "identity"}
GOOD = """
[prefixes]
dcterms = "http://purl.org/dc/terms/"
org = "http://www.w3.org/ns/org#"
[summary."ip:Initiative"]
part_of = "org:subOrganizationOf"
period = "dcterms:created"
[groups]
identity = ["dcterms:description"]
"""


def layout(text: str = GOOD) -> Layout:
    return Layout.parse(text, VOCAB, BASE, NAMES)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[summary."ip:Initiative"]\nperiod = "nope:created"', "summary.'ip:Initiative'.period"),
        ('[summary."ip:Initiative"]\nwhen = "dcterms:created"', "summary.'ip:Initiative'.when"),
        ('[summary."ip:Initiative"]\nperiod = "role:Not A Slug"', "summary.'ip:Initiative'.period"),
        ('[summary."ip:Initiative"]\nperiod = 3', "summary.'ip:Initiative'.period"),
        ('[groups]\nidentity = ["dcterms:title", "title"]', "groups.identity"),
        ('[groups]\nnowhere = ["dcterms:title"]', "groups.nowhere"),
        ('[links]\n"dcterms:identifier" = "https://example.org/"', "links.dcterms:identifier"),
        ('[links]\n"dcterms:identifier" = "javascript:{}"', "links.dcterms:identifier"),
    ],
)
def test_a_wrong_entry_is_an_error_naming_its_key(text: str, named: str) -> None:
    header = '[prefixes]\ndcterms = "http://purl.org/dc/terms/"\n'
    with pytest.raises(InputError, match=r"layout\.toml") as caught:
        layout(header + text)
    assert named in str(caught.value)


def test_every_row_and_group_of_the_packaged_layout_is_named_in_every_language() -> None:
    fields = interface_strings()["fields"]
    names = set.intersection(*(set(table) for table in fields.values()))
    packaged = Layout.load(VOCAB, BASE, names)
    assert packaged.summaries and packaged.groups[-1][0] == "other"
    with pytest.raises(InputError, match="no \\[fields"):
        Layout.load(VOCAB, BASE, names - {"funder"})


def test_the_summary_follows_the_configured_rows_in_order(tiny_index: Index) -> None:
    rows = layout().summary(tiny_index, tiny_index.resources[ALPHA], "en")
    assert [(r.name, [str(v) for v, _ in r.values]) for r in rows] == [
        ("part_of", [str(BETA)]),
        ("period", ["2020"]),
    ]
    assert all(sources for r in rows for _, sources in r.values)


def test_statements_are_grouped_by_meaning_in_one_language(tiny_index: Index) -> None:
    groups = layout().grouped(tiny_index.resources[ALPHA], "nl", ("nl", "en"))
    assert [name for name, _ in groups] == ["identity", "other"]
    identity = groups[0][1]
    assert [[str(v) for v, _ in values] for _, values in identity] == [["Het eerste initiatief."]]
    shown = [v for _, rows in groups for _, values in rows for v, _ in values]
    assert not any(isinstance(v, Literal) and v.language == "en" for v in shown)


def test_another_language_only_where_the_page_has_none() -> None:
    nl, en, it = Literal("Alfa", lang="nl"), Literal("Alpha", lang="en"), Literal("Alfa", lang="it")
    plain = Literal("ALPHA")
    both = [(nl, 1), (en, 2), (plain, 3), (it, 4)]
    assert one_language(both, "en", ("nl", "en")) == [(en, 2), (plain, 3)]
    assert one_language([(en, 2), (it, 4)], "nl", ("nl", "en")) == [(en, 2)]
    assert one_language([(it, 4), (plain, 3)], "nl", ("nl", "en")) == [(it, 4), (plain, 3)]
    assert one_language([(ALPHA, 0)], "nl", ("nl", "en")) == [(ALPHA, 0)]


def test_query_answers_read_in_the_page_language(tiny_index: Index) -> None:
    labels = Labels(tiny_index)
    assert labels.literal(Literal("Alpha", lang="en"), "nl") == Literal("Alfa", lang="nl")
    assert labels.literal(Literal("Unknown", lang="en"), "nl") == Literal("Unknown", lang="en")
    assert labels.literal(Literal("Alpha"), "nl") == Literal("Alpha")
    assert column("event", {"event": "Bijeenkomst"}) == "Bijeenkomst"
    assert column("initiativeName", {}) == "Initiative name"


def test_identifiers_link_to_their_register() -> None:
    packaged = Layout.load(
        VOCAB, BASE, set.intersection(*map(set, interface_strings()["fields"].values()))
    )
    grant = URIRef(VOCAB + "grantAgreementNumber")
    assert packaged.link(grant, Literal("759596")) == "https://cordis.europa.eu/project/id/759596"
    assert packaged.link(grant, Literal("75 9596/../x")) is None
    assert packaged.register("http://www.wikidata.org/entity/Q42") == "Wikidata Q42"
    assert packaged.register("https://example.org/Q42") is None
