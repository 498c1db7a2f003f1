"""The built pages in real tools: the W3C Nu Html Checker, axe-core in headless Chromium, and a
reader's journey through the site with Playwright. ``scripts/install-test-tools`` installs
Chromium, Java and the checker."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from conftest import serving
from innoproc.config import Config

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_every_page_is_valid_html(site: Path) -> None:
    assert VNU.is_file(), "run scripts/install-test-tools first"
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--skip-non-html", str(site)],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(done.stderr)["messages"]
    errors = [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert errors == []
    assert len(list(site.rglob("*.html"))) > 900


@pytest.fixture(scope="module")
def base_url(site: Path, config: Config) -> Iterator[str]:
    with serving(site, config) as address:
        yield address + "/"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).is_file(), "run scripts/install-test-tools first"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    yield page
    outside = [url for url in requests if not url.startswith("http://127.0.0.1:")]
    context.close()
    assert outside == [], "a page asked for something outside the site"


PAGES = [
    "index.html",
    "{lang}/index.html",
    "{lang}/initiative/index.html",
    "{lang}/initiative/mle-innovation-procurement.html",
    "{lang}/organisation/pianoo.html",
    "{lang}/person/charles-edquist.html",
    "{lang}/event/mle-country-visit-1.html",
    "{lang}/document/pact-of-amsterdam.html",
    "{lang}/country/NLD.html",
    "{lang}/source/pianoo-page.html",
    "{lang}/query/mle-events.html",
    "{lang}/ontology.html",
]


@pytest.mark.parametrize(
    "path", sorted({p.format(lang=lang) for p in PAGES for lang in ("nl", "en")})
)
def test_pages_are_accessible(base_url: str, page: Page, path: str) -> None:
    page.goto(base_url + path)
    rules = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    result = Axe().run(page, options=rules)
    assert result.response["violations"] == [], result.generate_report()


def test_a_reader_finds_an_organisation_through_a_membership(base_url: str, page: Page) -> None:
    page.goto(base_url + "en/index.html")
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("#initiatives + ul").get_by_role("link", name="innoPROCUR", exact=True).click()
    assert page.locator("h1").inner_text() == "innoPROCUR"
    assert page.url.endswith("/en/initiative/innoprocur.html")

    page.get_by_role("navigation").get_by_role("link", name="Nederlands").click()
    assert page.url.endswith("/nl/initiative/innoprocur.html")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", name="Lidmaatschappen en rollen").is_visible()

    memberships = page.locator("section[aria-labelledby=memberships] table")
    dutch_name = "Regionaal Ontwikkelingsagentschap Łódź"  # the Dutch page, the Dutch label
    memberships.get_by_role("link", name=dutch_name).first.click()
    assert page.url.endswith("/nl/organisation/larr.html")
    assert page.locator("h1").inner_text() == dutch_name
    assert page.get_by_role("link", name="Polen").first.is_visible()


def test_pages_work_without_javascript(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "nl/index.html")
    page.get_by_role("link", name="Ontologie").first.click()
    assert page.url.endswith("/nl/ontology.html")
    assert page.locator("h1").inner_text() == "innoproc-ontologie"
    context.close()
