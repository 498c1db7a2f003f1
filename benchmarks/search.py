#!/usr/bin/env python3
"""The site's search, measured in Debian's Chromium: the index's size, and how long a search
takes against the floor of fetching and parsing the same index.

    .venv/bin/python benchmarks/search.py --site site [--runs 5] [--queries Edquist,Lodz,PIANOo]

Serves a built site over HTTP from this process and, in a fresh page per run:

- **floor**: the search page loaded without a query (to its ``load`` event), and apart,
  ``fetch`` of ``search.json`` and ``JSON.parse`` of it, nothing else;
- **first answer**: the search page opened with ``?q=`` the first query, until its status
  names the results (fetching, parsing and the first search included);
- **each search**: typing each query into the open page, the time the page takes to list the
  results (``performance.now()`` around the ``input`` event's handler).

Prints the index's size (bytes, gzip-compressed bytes, entries) and the medians, with the first
answer's ratio to the floor (its two parts added). Nothing here runs in the test suite; the
tests check what a search finds, not how fast.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import statistics
import threading
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

FLOOR = """async (url) => {
  const t0 = performance.now();
  const data = await (await fetch(url, {cache: "no-store"})).json();
  return [performance.now() - t0, data.entries.length];
}"""

ANSWERED = """new MutationObserver((changes, observer) => {
  const status = document.getElementById("search-status");
  if (status && status.textContent && status.textContent !== status.parentElement.dataset.loading) {
    window.answered = performance.now();
    observer.disconnect();
  }
}).observe(document, {subtree: true, childList: true, characterData: true});"""
"""Records when the search page first shows an answer (its status names the results), in
milliseconds since the navigation started."""

TYPE = """(text) => {
  const input = document.getElementById("site-search");
  const t0 = performance.now();
  input.value = text;
  input.dispatchEvent(new Event("input"));
  return [performance.now() - t0, document.querySelectorAll("#search-results li").length];
}"""


def serve(root: Path) -> http.server.ThreadingHTTPServer:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True, help="a built site")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--queries", default="Edquist,Lodz,PIANOo")
    parser.add_argument("--lang", default="en")
    arguments = parser.parse_args()
    site: Path = arguments.site
    queries = [q for q in arguments.queries.split(",") if q]
    index = (site / "search.json").read_bytes()
    entries = len(json.loads(index)["entries"])
    server = serve(site)
    root = f"http://127.0.0.1:{server.server_port}"
    loaded: list[float] = []
    floor: list[float] = []
    first: list[float] = []
    each: dict[str, list[float]] = {q: [] for q in queries}
    found: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(arguments.runs):
            page = browser.new_page()
            page.goto(f"{root}/{arguments.lang}/search.html")
            loaded.append(
                page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
            )
            floor.append(page.evaluate(FLOOR, f"{root}/search.json")[0])
            page.close()
            page = browser.new_page()
            page.add_init_script(ANSWERED)
            page.goto(f"{root}/{arguments.lang}/search.html?q={queries[0]}")
            first.append(page.wait_for_function("() => window.answered").json_value())
            for query in queries:
                took, count = page.evaluate(TYPE, query)
                each[query].append(took)
                found[query] = count
            page.close()
        browser.close()
    server.shutdown()

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values):.1f} ms"

    print(f"index: {site / 'search.json'}")
    print(
        f"  {len(index):,} bytes, {len(gzip.compress(index, 6)):,} gzip-compressed, "
        f"{entries:,} resources"
    )
    print(f"medians of {arguments.runs} runs in Chromium:")
    print(f"  the search page loaded, without a query: {ms(loaded)}")
    print(f"  fetch and parse the index alone: {ms(floor)}")
    base = statistics.median(loaded) + statistics.median(floor)
    ratio = statistics.median(first) / base
    print(
        f"  first answer (page opened with ?q={queries[0]}): {ms(first)} "
        f"({ratio:.2f}x the page's load plus the index's fetch and parse)"
    )
    for query in queries:
        print(f"  search {query!r}: {ms(each[query])}, {found[query]} listed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
