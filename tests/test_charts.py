"""The timeline, the map and the network on the built site, in headless Chromium: each an SVG
with a text alternative and a table behind it, naming the resources the graph says it should
(asked of the graph here with SPARQL, not taken from the charts' code); axe-core and the Nu
Html Checker on those pages at a desktop's and a phone's width."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from conftest import serving
from innoproc.build.load import Corpus
from innoproc.config import Config
from innoproc.rdf import union_store
from test_html import VNU, browser  # noqa: F401  (the module's browser fixture)

PAGES = [
    "{lang}/initiative/mle-innovation-procurement.html",
    "{lang}/organisation/ezk.html",
    "{lang}/timeline.html",
    "{lang}/network.html",
]
WIDTHS = (1366, 390)
PREFIXES = """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX skosxl: <http://www.w3.org/2008/05/skos-xl#>
PREFIX ip: <https://w3id.org/innoproc/ontology#>
"""
MLE = "<https://w3id.org/innoproc/id/initiative/mle-innovation-procurement>"
MAP = "section[aria-labelledby=map]"


@pytest.fixture(scope="module")
def store(corpus: Corpus) -> ox.Store:
    return union_store(corpus.statements)


def ask(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    """The rows of a SELECT on the union of the sources, as text."""
    result = store.query(PREFIXES + query)
    assert isinstance(result, ox.QuerySolutions)
    return sorted(tuple(term.value for term in row) for row in result)


@pytest.fixture(scope="module")
def base_url(site: Path, config: Config) -> Iterator[str]:
    with serving(site, config) as address:
        yield address + "/"


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    yield context.new_page()
    context.close()


def alternative(page: Page, svg: str) -> tuple[str, str]:
    """The title and description an SVG is labelled by (``aria-labelledby``)."""
    chart = page.locator(svg)
    assert chart.get_attribute("role") == "img"
    ids = (chart.get_attribute("aria-labelledby") or "").split()
    assert len(ids) == 2
    title, desc = ((page.locator(f"#{i}").text_content() or "").strip() for i in ids)
    assert title and desc
    assert page.get_by_role("img", name=title).count() >= 1  # the browser's accessible name
    return title, desc


def fits(page: Page, selector: str) -> None:
    """Every chart matching ``selector`` lies within the viewport's width."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    for chart in page.locator(selector).all():
        box = chart.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1


def test_an_initiative_shows_its_events_on_a_timeline(
    base_url: str, page: Page, store: ox.Store
) -> None:
    events = ask(
        store,
        f"""SELECT ?label WHERE {{ ?event dcterms:isPartOf {MLE} ; dcterms:temporal ?period ;
            skos:prefLabel ?label FILTER(lang(?label) = "en") }}""",
    )
    assert len(events) >= 4
    page.goto(base_url + "en/initiative/mle-innovation-procurement.html")
    svg = "section[aria-labelledby=timeline] svg[role=img]"
    title, desc = alternative(page, svg)
    assert "Mutual Learning Exercise" in title
    page.locator("section[aria-labelledby=timeline] summary").click()
    table = page.locator("section[aria-labelledby=timeline] table")
    for (label,) in events:
        assert label in desc
        assert table.get_by_role("link", name=label, exact=True).count() >= 1
    bars = page.locator(f"{svg} g.event rect").count()
    assert bars == len(events)  # one bar per period of each event
    fits(page, svg)


def test_the_map_shows_what_each_source_names_and_counts(
    base_url: str, page: Page, store: ox.Store
) -> None:
    named = ask(
        store,
        f"""SELECT ?source ?title ?country WHERE {{
            GRAPH ?g {{ ?m org:organization {MLE} ; org:member ?c }}
            FILTER(STRSTARTS(STR(?c), "http://publications.europa.eu/resource/authority/country/"))
            ?g skos:prefLabel ?title FILTER(lang(?title) = "en")
            ?c skos:prefLabel ?country FILTER(lang(?country) = "en")
            BIND(STR(?g) AS ?source) }}""",
    )
    counts = ask(
        store,
        f"""SELECT ?title ?n WHERE {{ GRAPH ?g {{ {MLE} ip:participatingCountryCount ?n }}
                ?g skos:prefLabel ?title FILTER(lang(?title) = "en") }}""",
    )
    by_source: dict[str, set[str]] = {}
    for _, title, country in named:
        by_source.setdefault(title, set()).add(country)
    assert sorted(len(c) for c in by_source.values()) == [1, 15]
    assert sorted(n for _, n in counts) == ["15", "15", "16"]  # two sources say 15, one 16

    page.goto(base_url + "en/initiative/mle-innovation-procurement.html")
    panels = page.locator("section[aria-labelledby=map] figure.map")
    assert panels.count() == len(by_source)
    for i in range(panels.count()):
        panel = panels.nth(i)
        title, desc = alternative(page, f"{MAP} figure.map >> nth={i} >> svg")
        source = next(s for s in by_source if s in title)
        countries = by_source[source]
        assert all(country in desc for country in countries)
        assert panel.locator("svg g path").count() == len(countries)
        caption = panel.locator("figcaption").inner_text()
        assert f": {len(countries)}" in caption
        for title, n in counts:
            if title == source:
                assert n in caption
    stated = page.locator("section[aria-labelledby=map] ul.stated").inner_text()
    for title, n in counts:
        if title not in by_source:
            assert f"{title}: " in stated and n in stated
    page.locator("section[aria-labelledby=map] summary").click()
    table = page.locator("section[aria-labelledby=map] table")
    every = {c for cs in by_source.values() for c in cs}
    assert table.locator("tbody tr").count() == len(every)
    fits(page, "section[aria-labelledby=map] svg[role=img]")


def test_an_organisation_shows_its_names_over_time(
    base_url: str, page: Page, store: ox.Store
) -> None:
    names = ask(
        store,
        """SELECT ?form ?period WHERE {
            <https://w3id.org/innoproc/id/organisation/ezk> skosxl:altLabel ?label .
            ?label skosxl:literalForm ?form ; dcterms:temporal ?period }""",
    )
    assert len(names) >= 5
    page.goto(base_url + "nl/organisation/ezk.html")
    svg = "section[aria-labelledby=timeline] svg[role=img]"
    _, desc = alternative(page, svg)
    assert page.locator(f"{svg} g.name rect").count() == len(names)
    page.locator("section[aria-labelledby=timeline] summary").click()
    table = page.locator("section[aria-labelledby=timeline] table")
    for form, _ in names:
        assert form in desc
        assert table.get_by_role("link", name=form, exact=True).count() >= 1
    open_ended = page.locator(f"{svg} g.name rect.open").count()
    assert open_ended == sum(1 for _, period in names if period.endswith("--"))
    fits(page, svg)


def test_the_whole_graph_has_a_timeline_and_a_network(
    base_url: str, page: Page, store: ox.Store
) -> None:
    initiatives = ask(
        store,
        """SELECT DISTINCT ?label WHERE { ?i a ip:Initiative ; dcterms:temporal ?period ;
            skos:prefLabel ?label FILTER(lang(?label) = "en") }""",
    )
    page.goto(base_url + "en/index.html")
    page.get_by_role("link", name="Timeline of the initiatives").click()
    assert page.url.endswith("/en/timeline.html")
    _, desc = alternative(page, "svg[role=img]")
    page.get_by_text("As a table").click()
    table = page.locator("table")
    for (label,) in initiatives:
        assert table.get_by_role("link", name=label, exact=True).count() >= 1
    assert re.search(r"\d{4}", desc)
    fits(page, "svg[role=img]")

    links = ask(
        store,
        """SELECT DISTINCT ?member ?initiative WHERE { ?m org:member ?o ; org:organization ?i .
            ?i a ip:Initiative . ?o skos:prefLabel ?member FILTER(lang(?member) = "en")
            ?i skos:prefLabel ?initiative FILTER(lang(?initiative) = "en")
            FILTER(STRSTARTS(STR(?o), "https://w3id.org/innoproc/id/organisation/")) }""",
    )
    page.goto(base_url + "en/network.html")
    _, desc = alternative(page, "svg[role=img]")
    page.get_by_text("As a table").click()
    rows = page.locator("table tbody tr")
    members = {member for member, _ in links}
    assert rows.count() == len(members) <= 80
    for member, initiative in links:
        row = page.locator("table tbody tr").filter(
            has=page.get_by_role("rowheader", name=member, exact=True)
        )
        assert initiative in row.inner_text()
    fits(page, "svg[role=img]")


@pytest.mark.parametrize(
    "path", sorted({p.format(lang=lang) for p in PAGES for lang in ("nl", "en")})
)
def test_chart_pages_are_accessible(base_url: str, page: Page, path: str) -> None:
    page.goto(base_url + path)
    assert page.locator("svg[role=img]").count() >= 1
    rules = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    result = Axe().run(page, options=rules)
    assert result.response["violations"] == [], result.generate_report()


def test_chart_pages_are_valid_html(site: Path) -> None:
    assert VNU.is_file(), "run scripts/install-test-tools first"
    files = [str(site / p.format(lang=lang)) for p in PAGES for lang in ("nl", "en")]
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(done.stderr)["messages"]
    assert [m for m in messages if m.get("type") == "error"] == []
