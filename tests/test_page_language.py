"""One language per page, on the built site: a literal in the other language appears only
where the page's language has none, marked with its ``lang``; interface text and the site's
title follow the page's language."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from rdflib import Literal

from innoproc.build.gather import gather
from innoproc.build.load import Corpus


class Marked(HTMLParser):
    """The text of every element inside ``<main>`` that carries a ``lang`` attribute, outside
    citations: a citation's tooltip gives its source's title, another resource's literal."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str | None] = []
        self.in_main = False
        self.cite = 0
        self.found: list[tuple[str, str]] = []
        self.text: dict[int, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.in_main = True
        if tag in ("br", "img", "input", "meta", "link", "hr", "wbr"):
            return
        values = dict(attrs)
        if "cite" in (values.get("class") or "").split() or self.cite:
            self.cite += 1
        lang = values.get("lang") if self.in_main and not self.cite else None
        self.stack.append(lang)
        if lang:
            self.text[len(self.stack)] = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_main = False
        if not self.stack:
            return
        if self.cite:
            self.cite -= 1
        depth = len(self.stack)
        lang = self.stack.pop()
        if lang:
            self.found.append((lang, "".join(self.text.pop(depth)).strip()))

    def handle_data(self, data: str) -> None:
        for parts in self.text.values():
            parts.append(data)


def test_a_page_shows_the_other_language_only_where_its_own_has_none(
    site: Path, corpus: Corpus
) -> None:
    index = gather(corpus)
    checked = 0
    for resource in index.resources.values():
        by_predicate: dict[object, dict[str, set[str]]] = {}
        for s in resource.statements:
            if isinstance(s.value, Literal) and s.value.language:
                by_predicate.setdefault(s.predicate, {}).setdefault(s.value.language, set()).add(
                    str(s.value)
                )
        for lang, other in (("en", "nl"), ("nl", "en")):
            # the other language's literals of properties that the page's language also has
            hidden = {
                text
                for texts in by_predicate.values()
                if lang in texts and other in texts
                for text in texts[other] - texts[lang]
            } - {  # the same text may stand where the page's language has none
                text
                for texts in by_predicate.values()
                if lang not in texts
                for text in texts.get(other, ())
            }
            parser = Marked()
            parser.feed((site / lang / f"{resource.path}.html").read_text("utf-8"))
            shown = {text for tag, text in parser.found if tag == other}
            assert shown & hidden == set(), f"{lang}/{resource.path}.html"
            checked += len(hidden)
    assert checked > 500


def test_the_english_page_of_pianoo_holds_no_dutch_where_english_exists(site: Path) -> None:
    parser = Marked()
    parser.feed((site / "en/organisation/pianoo.html").read_text("utf-8"))
    dutch = [text for tag, text in parser.found if tag == "nl"]
    # only names that have no English counterpart of their property remain, each marked
    assert all(text for text in dutch)
    assert "PIANOo bestond in 2020 vijftien jaar." not in dutch
    english = (site / "en/organisation/pianoo.html").read_text("utf-8")
    assert "PIANOo bestond in 2020 vijftien jaar." not in english
    assert "PIANOo turned fifteen in 2020." in english


def test_interface_and_title_follow_the_page_language(site: Path) -> None:
    dutch = (site / "nl/initiative/innoprocur.html").read_text("utf-8")
    english = (site / "en/initiative/innoprocur.html").read_text("utf-8")
    assert "Europees innovatiegericht inkopen" in dutch and "European innovation" not in dutch
    assert "In het kort" in dutch and "At a glance" in english
    query = (site / "nl/query/mle-events.html").read_text("utf-8")
    assert '<th scope="col">Bijeenkomst</th>' in query and ">event<" not in query
    assert "Startbijeenkomst van de MLE" in query


def test_codes_and_register_identifiers_read_as_labels_and_links(site: Path) -> None:
    report = (site / "nl/document/innoprocur-periodic-report-1.html").read_text("utf-8")
    assert 'authority/language/ENG">Engels</a>' in report
    project = (site / "en/initiative/innoprocur.html").read_text("utf-8")
    assert 'href="https://cordis.europa.eu/project/id/759596">759596</a>' in project
    assert 'href="https://cordis.europa.eu/project/rcn/209098">209098</a>' in project
    commission = (site / "en/organisation/european-commission.html").read_text("utf-8")
    assert 'href="http://www.wikidata.org/entity/Q8880">Wikidata Q8880</a>' in commission
    for page in sorted((site / "en").rglob("*.html")):
        text = page.read_text("utf-8")  # as a link's text; the page's own IRI stays, in <code>
        assert '">http://publications.europa.eu/resource/authority/' not in text, page
