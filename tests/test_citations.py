"""Citations that explain themselves and disagreements that mean something, on the built
project in headless Chromium: a citation's source (title, publisher, copy or not) on hover and
on keyboard focus without sideways scroll at 390 px, the conflicts a page lists, and a source's
page with every claim it makes, grouped by resource, agreeing or disagreeing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from conftest import serving
from innoproc.config import Config
from test_html import browser  # noqa: F401  (the module's browser fixture)

MLE = "en/initiative/mle-innovation-procurement.html"
LUP_TITLE = "Mutual Learning Exercise : MLE on Innovation-related Procurement"


@pytest.fixture(scope="module")
def base_url(site: Path, config: Config) -> Iterator[str]:
    with serving(site, config) as address:
        yield address + "/"


@pytest.fixture(params=[390, 1280], ids=lambda w: f"{w}px")
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport={"width": request.param, "height": 800})
    yield context.new_page()
    context.close()


def scroll_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def inside_viewport(page: Page, selector: str) -> None:
    """Every element ``selector`` finds ends within the viewport: no sideways scroll of its own."""
    rights = page.locator(selector).evaluate_all(
        "nodes => nodes.map(node => node.getBoundingClientRect().right)"
    )
    assert rights and max(rights) <= page.viewport_size["width"], rights  # type: ignore[index]


def tip_inside_viewport(page: Page, tip: Locator) -> None:
    box = tip.bounding_box()
    assert box is not None and box["width"] > 100
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]  # type: ignore[index]


def test_a_citation_shows_its_source_on_hover_and_on_focus(base_url: str, page: Page) -> None:
    page.goto(base_url + MLE)
    conflict = page.locator("section[aria-labelledby=conflicts] table.conflict").first
    row = conflict.locator("tr", has_text="15")
    cite = row.locator("a.cite").first
    tip = cite.locator(".tip")
    width = scroll_width(page)
    assert tip.bounding_box()["width"] <= 1  # type: ignore[index]  # hidden until asked for
    # the link's accessible name carries the source's title and publisher, for screen readers
    expect(cite).to_have_accessible_name(re.compile(rf"^\[\d+\] {re.escape(LUP_TITLE)}"))
    expect(cite).to_have_accessible_name(re.compile("publisher: Lund University$"))

    cite.hover()
    expect(tip).to_be_visible()
    assert tip.locator(".tip-title").inner_text() == LUP_TITLE
    assert tip.locator(".tip-publisher").inner_text() == "; publisher: Lund University"
    tip_inside_viewport(page, tip)
    assert scroll_width(page) == width  # the tip adds no sideways scroll

    page.mouse.move(0, 0)
    assert tip.bounding_box()["width"] <= 1  # type: ignore[index]
    page.locator("h1").click()  # then the keyboard from there
    for _ in range(200):
        page.keyboard.press("Tab")
        if cite.evaluate("node => node === document.activeElement"):
            break
    else:
        pytest.fail("the citation is not reached with the keyboard")
    expect(tip).to_be_visible()
    assert LUP_TITLE in tip.inner_text() and "Lund University" in tip.inner_text()
    tip_inside_viewport(page, tip)
    assert scroll_width(page) == width

    page.keyboard.press("Enter")
    page.wait_for_url("**/en/source/lup-mle-record.html")
    assert page.locator("h1").inner_text() != ""


def test_a_copy_is_marked_in_its_citation_and_on_its_page(base_url: str, page: Page) -> None:
    page.goto(base_url + "en/document/pact-of-amsterdam.html")
    scribd = page.locator("a.cite[href$='source/scribd-pact-of-amsterdam.html']").first
    official = page.locator("a.cite[href$='source/ec-regio-pact-of-amsterdam.html']").first
    scribd.hover()
    copy = "a copy or mirror, not the publisher's own page"
    assert copy in scribd.locator(".tip").inner_text()
    official.hover()
    assert copy not in official.locator(".tip").inner_text()
    assert "European Commission" in official.locator(".tip").inner_text()
    scribd.click()
    note = page.locator("p.copy")
    assert note.inner_text().startswith("This source is a copy or mirror")
    assert note.get_by_role("link").get_attribute("href") == (
        "https://ec.europa.eu/regional_policy/en/information/publications/decisions/2016/"
        "pact-of-amsterdam-establishing-the-urban-agenda-for-the-eu"
    )
    inside_viewport(page, "p.copy, table.claims")


def test_the_page_lists_real_disagreements_and_name_variants_apart(site: Path) -> None:
    html = (site / MLE).read_text("utf-8")
    conflicts = html[html.index('id="conflicts"') : html.index('id="name-variants"')]
    assert conflicts.count('<table class="conflict"') == 1  # the count alone: no names
    assert "number of participating countries" in conflicts
    assert "The sources give different numbers; at most one is right." in conflicts
    assert re.search(r"<td>15</td><td>.*source/lup-mle-record.html.*source/topsight", conflicts)
    assert re.search(
        r"<td>16</td><td><a class=\"cite\" href=\"../source/pianoo-page.html\"", conflicts
    )
    variants = html[html.index('id="name-variants"') :]
    assert "<td>Mutual Learing Exercise (MLE) on Innovation Procurement</td>" in variants
    pianoo = (site / "en/organisation/pianoo.html").read_text("utf-8")
    assert 'id="conflicts"' not in pianoo  # 2005 and 2005-10-07 agree
    pact = (site / "en/document/pact-of-amsterdam.html").read_text("utf-8")
    assert "neither falls within the other" in pact  # 29 and 30 May 2016 do not


def test_a_source_page_lists_its_claims_by_resource(base_url: str, page: Page) -> None:
    page.goto(base_url + "en/source/pianoo-page.html")
    section = page.locator("section[aria-labelledby=claims]")
    summary = section.locator("p").first.inner_text()
    found = re.search(
        r"(\d+) claims about (\d+) subjects; other sources disagree with (\d+)", summary
    )
    assert found is not None, summary
    claims, subjects, disputed = (int(n) for n in found.groups())
    tables = section.locator("table.claims")
    assert tables.count() == subjects > 20
    assert section.locator("tbody tr").count() == claims
    # the MLE's table: its count disputed by the Lund record, its name a variant of others
    mle = tables.filter(has=page.locator("caption", has_text="Mutual Learning Exercise"))
    count = mle.locator("tr", has_text="number of participating countries")
    assert count.get_attribute("class") == "disputed"
    assert re.search(r"Disagreeing: 15 \[\d+\]", count.locator("td").nth(2).inner_text())
    assert disputed == section.locator("tbody tr.disputed").count() >= 1
    name = mle.locator("tr", has_text="name as the source gives it")
    assert "Mutual Learing Exercise (MLE) on Innovation Procurement" in name.inner_text()
    assert "Other name: MLE on Innovation-related Procurement" in name.inner_text()
    agreed = section.locator("td p", has_text="Also stated by")
    assert agreed.count() > 0
    inside_viewport(page, "table.claims")
