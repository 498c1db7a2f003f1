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
from rdflib import URIRef

from conftest import serving
from innoproc.build.gather import Index, gather
from innoproc.build.load import Corpus
from innoproc.config import Config
from innoproc.rdf import DCTERMS

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
def index(corpus: Corpus) -> Index:
    return gather(corpus)


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
    "{lang}/initiative/innoprocur.html",
    "{lang}/period/2017--2018.html",
    "{lang}/funding/horizon-2020.html",
    "{lang}/role/chair.html",
    "{lang}/membership/innoprocur--larr--partner.html",
    "{lang}/approach/pre-commercial-procurement.html",
    "{lang}/place/brussels.html",
]
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize(
    "path", sorted({p.format(lang=lang) for p in PAGES for lang in ("nl", "en")})
)
def test_pages_are_accessible(base_url: str, page: Page, path: str, width: str) -> None:
    page.set_viewport_size({"width": WIDTHS[width][0], "height": WIDTHS[width][1]})
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


SUMMARIES = [
    "initiative/mle-innovation-procurement",
    "initiative/innoprocur",
    "initiative/urban-agenda-eu",
    "initiative/partnership-public-procurement",
    "organisation/pianoo",
]


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("path", SUMMARIES)
def test_the_summary_box_is_in_the_first_screen(
    base_url: str, page: Page, index: Index, path: str, width: str
) -> None:
    """What it is, when and who (the period and the funder, where the data has them) show
    without scrolling, on a desktop and on a phone."""
    _, height = WIDTHS[width]
    page.set_viewport_size({"width": WIDTHS[width][0], "height": WIDTHS[width][1]})
    page.goto(base_url + f"en/{path}.html")
    box = page.locator("section.summary").bounding_box()
    assert box is not None and box["y"] < height / 2
    resource = index.resources[URIRef(index.config.base_iri + "id/" + path)]
    stated = {s.predicate for s in resource.statements}
    funded = URIRef(index.config.vocab + "fundedBy")
    expected = [
        name for p, name in ((DCTERMS.temporal, "Period"), (funded, "Funding")) if p in stated
    ]
    assert expected or path.endswith(("urban-agenda-eu", "pianoo"))
    rows = page.locator("section.summary dl > div")
    names = rows.locator("dt").all_inner_texts()
    for name in expected:
        assert name in names
        row = rows.nth(names.index(name)).locator("dd").bounding_box()
        assert row is not None and row["y"] + row["height"] <= height, f"{name} below the fold"
    assert len(names) >= 2


def test_no_page_scrolls_sideways_on_a_phone(base_url: str, page: Page, site: Path) -> None:
    """One page of every kind, in both languages, fits 390 px: long values and IRIs wrap and
    wide tables scroll inside their own box."""
    page.set_viewport_size({"width": 390, "height": 844})
    paths = ["index.html"]
    for lang in ("nl", "en"):
        paths += [f"{lang}/index.html", f"{lang}/ontology.html"]
        for folder in sorted(p for p in (site / lang).iterdir() if p.is_dir()):
            pages = sorted(f for f in folder.glob("*.html") if f.name != "index.html")
            paths += [f"{lang}/{folder.name}/index.html"] + [
                str(f.relative_to(site)) for f in pages[:1]
            ]
    wide = []
    for path in paths:
        page.goto(base_url + path)
        if page.evaluate("document.documentElement.scrollWidth") > 390:
            wide.append(path)
    assert wide == []
    assert len(paths) > 40


def test_focus_is_visible_and_the_skip_link_leads_to_the_content(base_url: str, page: Page) -> None:
    page.goto(base_url + "en/initiative/mle-innovation-procurement.html")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("e => e === document.activeElement")
    style = skip.evaluate(
        "e => { const s = getComputedStyle(e);"
        " return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
    )
    assert style[0] == "solid" and float(style[1].removesuffix("px")) >= 3
    red, green, blue = (int(c) for c in style[2].removeprefix("rgb(").removesuffix(")").split(","))
    assert _contrast((red, green, blue), (255, 255, 255)) >= 3
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    small = page.evaluate(
        """() => [...document.querySelectorAll('a.cite, nav a')]
            .map(a => a.getBoundingClientRect())
            .filter(r => r.width < 24 || r.height < 24).length"""
    )
    assert small == 0


def _contrast(one: tuple[int, int, int], two: tuple[int, int, int]) -> float:
    def luminance(rgb: tuple[int, int, int]) -> float:
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
