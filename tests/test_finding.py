"""Finding things on the built site, in headless Chromium against ``innoproc serve``: the search
from every page (and the A-Z listings without JavaScript), the listings' facets and sortable
columns, the navigation, the 404 page, the About page, and the downloads (each question's
answer as CSV and JSON, each resource's description with its sources in TriG)."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

import test_html
from innoproc.build.search import fold
from innoproc.query import load_queries

base_url = test_html.base_url  # the fixtures: the built site served, and Chromium
browser = test_html.browser

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = (1366, 390)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert [url for url in requests if not url.startswith("http://127.0.0.1:")] == []
    assert errors == []


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def get(url: str, accept: str = "*/*") -> tuple[int, dict[str, str], bytes]:
    """The answer to GET ``url`` (redirects not followed): status, headers, body."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.build_opener(NoRedirects).open(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.parametrize(
    ("lang", "query", "target", "heading"),
    [
        ("en", "Edquist", "en/person/charles-edquist.html", "Charles Edquist"),
        ("nl", "Lodz", "nl/organisation/larr.html", "Regionaal Ontwikkelingsagentschap Łódź"),
        ("en", "lódz", "en/organisation/larr.html", "Lodz Regional Development Agency"),
        ("nl", "PIANOo", "nl/organisation/pianoo.html", "PIANOo"),
    ],
)
def test_a_search_from_the_home_page_reaches_the_page(
    base_url: str,
    page: Page,
    lang: str,
    query: str,
    target: str,
    heading: str,
) -> None:
    page.goto(f"{base_url}{lang}/index.html")
    page.get_by_role("search").get_by_role("searchbox").fill(query)
    page.get_by_role("search").get_by_role("searchbox").press("Enter")
    page.wait_for_url("**/search.html?q=*")
    results = page.locator("#search-results a")
    results.first.wait_for()
    results.first.click()
    assert page.url == base_url + target
    assert page.locator("h1").inner_text() == heading


def test_the_search_index_folds_names_as_the_page_does(
    site: Path, page: Page, base_url: str
) -> None:
    """The index's names are folded by the build, the query by the script: both must agree."""
    index = json.loads((site / "search.json").read_text("utf-8"))
    larr = next(e for e in index["entries"] if e[0] == "organisation/larr")
    assert "regionaal ontwikkelingsagentschap lodz" in larr[-1].split("|")
    page.goto(base_url + "en/search.html?q=" + urllib.parse.quote("ŁÓDŹ  region"))
    page.locator("#search-results a").first.wait_for()
    names = page.locator("#search-results a").all_inner_texts()
    assert "Report on a Łódź region economic mission to Belarus (2017)" in names
    assert fold("ŁÓDŹ  region") == "lodz region"


def test_without_javascript_the_listings_reach_every_resource(
    browser: Browser,
    base_url: str,
    site: Path,
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "en/index.html")
    page.get_by_role("search").get_by_role("searchbox").fill("Edquist")
    page.get_by_role("search").get_by_role("button").click()
    assert not page.locator("#search-results").is_visible()
    page.get_by_role("link", name="People").last.click()
    assert page.url.endswith("/en/person/index.html")
    page.get_by_role("link", name="E", exact=True).click()
    page.get_by_role("link", name="Charles Edquist").click()
    assert page.url.endswith("/en/person/charles-edquist.html")
    listed = {
        p.relative_to(site / "en").with_suffix("").as_posix()
        for p in (site / "en").glob("*/*.html")
        if p.parent.name != "query" and p.name != "index.html" and not p.name.startswith("by-")
    }
    linked = set()
    for listing in (site / "en").glob("*/index.html"):
        text = listing.read_text("utf-8")
        kind = listing.parent.name
        linked |= {
            f"{kind}/{p.stem}" for p in listing.parent.glob("*.html") if f'"{p.name}"' in text
        }
    assert listed - linked == set()
    context.close()


def test_facets_group_without_javascript_and_columns_sort_dates_as_dates(
    base_url: str,
    page: Page,
) -> None:
    page.goto(base_url + "en/organisation/index.html")
    page.get_by_role("link", name="country", exact=True).click()
    assert page.url.endswith("/en/organisation/by-country.html")
    poland = page.get_by_role("heading", name="Poland")
    assert poland.is_visible()
    section = page.locator("section", has=poland)
    assert section.get_by_role("link", name="Lodz Regional Development Agency").is_visible()

    page.goto(base_url + "en/event/index.html")
    dates = page.locator("table.sortable tbody tr td:nth-child(2)")
    page.get_by_role("button", name="Date").click()
    keys = [k for k in dates.evaluate_all("cells => cells.map(c => c.dataset.sort)") if k]
    assert keys == sorted(keys) and len(keys) > 5
    assert page.get_by_role("columnheader", name="Date").get_attribute("aria-sort") == "ascending"
    page.get_by_role("button", name="Date").click()
    keys = [k for k in dates.evaluate_all("cells => cells.map(c => c.dataset.sort)") if k]
    assert keys == sorted(keys, reverse=True)
    # dates in words, sorted as the ISO dates they are: not as the words
    texts = [t for t in dates.all_inner_texts() if t]
    assert texts != sorted(texts, reverse=True)


def test_the_navigation_reaches_every_kind_the_sparql_page_and_the_downloads(
    base_url: str,
    page: Page,
    site: Path,
) -> None:
    page.goto(base_url + "nl/about.html")
    nav = page.get_by_role("navigation", name="Bladeren")
    assert nav.get_by_role("link", name="Over").get_attribute("aria-current") == "page"
    nav.get_by_role("link", name="A-Z").click()
    kinds = {p.parent.name for p in (site / "nl").glob("*/index.html")}
    hrefs = page.locator("#by-kind + ul a").evaluate_all("links => links.map(a => a.href)")
    assert {h.removeprefix(base_url + "nl/").removesuffix("/index.html") for h in hrefs} == kinds
    page.goto(base_url + "nl/index.html")
    page.get_by_role("navigation", name="Bladeren").get_by_role("link", name="SPARQL").click()
    assert page.locator("h1").inner_text() == "SPARQL"
    page.goto(base_url + "nl/organisation/index.html")
    page.get_by_role("navigation", name="Bladeren").get_by_role("link", name="Downloads").click()
    assert page.url.endswith("/nl/index.html#downloads")
    for lang in ("en", "nl"):
        status, _, _ = get(f"{base_url}{lang}")
        assert status in (200, 301, 302, 307, 308)
    page.goto(base_url + "en")
    assert page.url == base_url + "en/"


def test_a_missing_page_is_a_real_404_page_in_both_languages(base_url: str, page: Page) -> None:
    status, headers, body = get(base_url + "en/organisation/nothing-here.html", "text/html")
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    assert "Page not found" in body.decode() and "Pagina niet gevonden" in body.decode()
    answer = page.goto(base_url + "nl/a/b/c/missing")
    assert answer is not None and answer.status == 404
    assert page.locator("h1").inner_text() == "Pagina niet gevonden"  # the default language
    assert page.locator("[lang=en] h2").inner_text() == "Page not found"
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"  # the style sheet
    page.locator("[lang=en]").get_by_role("link", name="Search").click()
    assert page.url == base_url + "en/search.html"


def test_each_query_page_offers_its_answer_as_csv_and_json(
    base_url: str,
    page: Page,
) -> None:
    queries = [q for q in load_queries(ROOT / "queries") if "SELECT" in q.text.upper()]
    assert len(queries) > 10
    for query in queries:
        page.goto(f"{base_url}en/query/{query.name}.html")
        links = page.locator("p.formats a")
        if links.count() == 0:
            continue
        csv_href = page.get_by_role("link", name="CSV", exact=True).get_attribute("href")
        json_href = page.get_by_role("link", name="SPARQL JSON").get_attribute("href")
        assert csv_href and json_href
        status, headers, data = get(urllib.parse.urljoin(page.url, csv_href))
        assert status == 200 and headers["content-type"] == "text/csv; charset=utf-8"
        assert data.endswith(b"\r\n")
        stored = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        asked = urllib.parse.urlencode({"query": query.text})
        status, _, live = get(f"{base_url}sparql?{asked}", "text/csv")
        assert status == 200
        answer = list(csv.reader(io.StringIO(live.decode("utf-8"), newline="")))
        assert stored[0] == answer[0], query.name  # the header row
        assert sorted(stored[1:]) == sorted(answer[1:]), query.name
        assert len(stored) - 1 == page.locator("table tbody tr").count()
        status, headers, data = get(urllib.parse.urljoin(page.url, json_href))
        assert status == 200
        assert headers["content-type"] == "application/sparql-results+json"
        document = json.loads(data)
        assert document["head"]["vars"] == stored[0]
        assert len(document["results"]["bindings"]) == len(stored) - 1


def test_each_resource_offers_its_description_with_the_sources_kept(
    base_url: str,
    site: Path,
) -> None:
    status, headers, _ = get(base_url + "id/organisation/larr", "application/trig")
    assert status == 303 and headers["location"].endswith("/id/organisation/larr.trig")
    status, headers, data = get(base_url + "id/organisation/larr.trig")
    assert status == 200 and headers["content-type"] == "application/trig"
    quads = list(ox.parse(data, format=ox.RdfFormat.TRIG))
    graphs = {q.graph_name.value for q in quads}
    assert "https://w3id.org/innoproc/id/source/pianoo-page" in graphs
    assert "https://w3id.org/innoproc/id/source/friulinnovazione-innoprocur" in graphs
    turtle = {
        q.triple
        for q in ox.parse(
            (site / "id/organisation/larr.ttl").read_bytes(), format=ox.RdfFormat.TURTLE
        )
    }
    assert {q.triple for q in quads} == turtle
    html = (site / "en/organisation/larr.html").read_text("utf-8")
    assert 'href="../../id/organisation/larr.trig"' in html


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "path",
    [
        "{lang}/search.html?q=innovation",
        "{lang}/organisation/index.html",
        "{lang}/person/index.html",
        "{lang}/document/by-year.html",
        "{lang}/initiative/by-funding.html",
        "{lang}/about.html",
        "{lang}/query/mle-events.html",
        "{lang}/nothing-here.html",
    ],
)
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_pages_that_find_things_are_accessible(
    base_url: str,
    page: Page,
    path: str,
    width: int,
    lang: str,
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base_url + path.format(lang=lang))
    if "search" in path:
        page.locator("#search-results a").first.wait_for()
    rules = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    result = Axe().run(page, options=rules)
    assert result.response["violations"] == [], result.generate_report()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the page scrolls sideways"
