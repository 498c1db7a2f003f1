"""``innoproc link`` against a local Oxigraph server holding a small graph shaped like Wikidata
(rdfs:label, wdt:P31), never the internet."""

from __future__ import annotations

import csv
import json
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import free_port, oxigraph_binary, start_oxigraph
from innoproc.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
wd:Q90001 rdfs:label "PIANOo"@en , "PIANOo"@nl ; wdt:P31 wd:Q327333 .
wd:Q90002 rdfs:label "PIANOo"@en ; wdt:P31 wd:Q5 .
wd:Q90003 rdfs:label "Tommaso Bernardini"@en ; wdt:P31 wd:Q5 .
wd:Q90004 rdfs:label "Something else"@en ; wdt:P31 wd:Q43229 .
"""


@pytest.fixture(scope="module")
def wikidata(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("wikidata")
    (folder / "fixture.ttl").write_text(FIXTURE)
    subprocess.run(
        [
            oxigraph_binary(),
            "load",
            "--location",
            str(folder / "db"),
            "--file",
            str(folder / "fixture.ttl"),
        ],
        check=True,
        capture_output=True,
    )
    process, endpoint = start_oxigraph(folder / "db", read_only=True)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


def invoke(project: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--project", str(project), *args])


def review(project: Path) -> list[dict[str, str]]:
    text = (project / "links/review.tsv").read_text()
    return list(csv.DictReader(text.splitlines(), delimiter="\t"))


def test_candidates_are_scored_reviewed_and_applied(project: Path, wikidata: str) -> None:
    result = invoke(project, "link", "--endpoint", wikidata)
    assert result.exit_code == 0, result.output
    rows = review(project)
    pianoo = [r for r in rows if r["resource"].endswith("/id/organisation/pianoo")]
    assert [(r["candidate"], r["score"]) for r in pianoo] == [
        ("http://www.wikidata.org/entity/Q90001", "1.00"),  # both labels, and an organisation
        ("http://www.wikidata.org/entity/Q90002", "0.60"),  # the label, but a human
    ]
    assert "P31 Q327333" in pianoo[0]["evidence"]
    person = [r for r in rows if r["resource"].endswith("/id/person/tommaso-bernardini")]
    assert [r["score"] for r in person] == ["1.00"]
    assert not [r for r in rows if r["resource"].endswith("/organisation/european-commission")]

    text = (project / "links/review.tsv").read_text()
    text = text.replace(
        "Q90001\tPIANOo\t1.00\tlabel PIANOo; P31 Q327333\t",
        "Q90001\tPIANOo\t1.00\tlabel PIANOo; P31 Q327333\tyes",
    )
    (project / "links/review.tsv").write_text(text)
    applied = invoke(project, "link", "--apply", "--endpoint", wikidata)
    assert applied.exit_code == 0, applied.output
    source = (project / "data/sources/reconciliation-wikidata.trig").read_text()
    assert "<id/organisation/pianoo> owl:sameAs <http://www.wikidata.org/entity/Q90001> ." in source
    assert invoke(project, "validate").exit_code == 0
    query = invoke(
        project,
        "query",
        "--format",
        "csv",
        "--query",
        "SELECT ?g WHERE { GRAPH ?g { <id/organisation/pianoo> "
        "<http://www.w3.org/2002/07/owl#sameAs> ?q } }",
    )
    assert "id/source/reconciliation-wikidata" in query.output


def test_answers_are_cached_so_no_network_is_needed_again(project: Path) -> None:
    asked: list[bytes] = []

    class Empty(BaseHTTPRequestHandler):
        """A SPARQL endpoint that knows nothing, and counts the questions."""

        def do_POST(self) -> None:
            asked.append(self.rfile.read(int(self.headers["Content-Length"])))
            body = json.dumps(
                {"head": {"vars": ["item", "label", "type"]}, "results": {"bindings": []}}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Empty)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    try:
        assert invoke(project, "link", "--endpoint", url).exit_code == 0
        first = len(asked)
        assert first > 10
        assert invoke(project, "link", "--endpoint", url).exit_code == 0
        assert len(asked) == first  # every answer came from links/cache.json
    finally:
        server.shutdown()
        server.server_close()
    assert len(json.loads((project / "links/cache.json").read_text())) == first


def test_an_endpoint_that_is_down_or_answers_garbage_keeps_the_cache(project: Path) -> None:
    (project / "links").mkdir()
    (project / "links/cache.json").write_text("{}")
    dead = f"http://127.0.0.1:{free_port()}/sparql"
    result = invoke(project, "link", "--endpoint", dead)
    assert result.exit_code == 2 and f"{dead}: no usable answer" in result.output

    class Garbage(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(b"<html>not json</html>")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Garbage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        result = invoke(project, "link", "--endpoint", url)
        assert result.exit_code == 2 and "no usable answer" in result.output
    finally:
        server.shutdown()
        server.server_close()
    assert (project / "links/cache.json").read_text() == "{}"


def test_a_second_apply_keeps_the_links_accepted_the_first_time(
    project: Path, wikidata: str
) -> None:
    """Regression: a second ``link --apply`` rewrote the source with only the rows of the new
    review file, which no longer lists the resources linked the first time."""

    def accept(candidate: str) -> None:
        path = project / "links/review.tsv"
        lines = path.read_text().splitlines()
        path.write_text(
            "\n".join(line + "yes" if f"\t{candidate}\t" in line else line for line in lines) + "\n"
        )

    assert invoke(project, "link", "--endpoint", wikidata).exit_code == 0
    accept("http://www.wikidata.org/entity/Q90001")
    assert invoke(project, "link", "--apply", "--endpoint", wikidata).exit_code == 0
    assert invoke(project, "link", "--endpoint", wikidata).exit_code == 0
    assert not [r for r in review(project) if r["resource"].endswith("/organisation/pianoo")]
    accept("http://www.wikidata.org/entity/Q90003")
    assert invoke(project, "link", "--apply", "--endpoint", wikidata).exit_code == 0
    source = (project / "data/sources/reconciliation-wikidata.trig").read_text()
    assert "<id/organisation/pianoo> owl:sameAs <http://www.wikidata.org/entity/Q90001> ." in source
    assert (
        "<id/person/tommaso-bernardini> owl:sameAs <http://www.wikidata.org/entity/Q90003> ."
        in source
    )
