"""Attacks on ``innoproc serve`` and ``innoproc build``: each case is a way in that was found
open, kept as a regression test. After each attack the server must still answer normally."""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import pytest
from click.testing import CliRunner

from conftest import Address, serving
from innoproc.cli import main
from innoproc.config import Config
from innoproc.serve.lookup import recognise
from test_server import get


@pytest.fixture(scope="module")
def server(site: Path, config: Config) -> Iterator[str]:
    with serving(
        site,
        config,
        workers=2,
        query_timeout=3.0,
        row_limit=1000,
        max_body=20_000,
        idle_timeout=2.0,
    ) as address:
        yield address


class Trap:
    """A SPARQL endpoint on loopback that counts the requests it gets: a SERVICE call that
    reaches it shows the server fetched a URL chosen by the client."""

    def __init__(self) -> None:
        self.hits = 0
        trap = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                trap.hits += 1
                body = json.dumps(
                    {
                        "head": {"vars": ["s", "p", "o"]},
                        "results": {
                            "bindings": [
                                {
                                    "s": {"type": "uri", "value": "urn:trap"},
                                    "p": {"type": "uri", "value": "urn:trap"},
                                    "o": {"type": "literal", "value": "fetched"},
                                }
                            ]
                        },
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/x"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def trap() -> Iterator[Trap]:
    endpoint = Trap()
    yield endpoint
    endpoint.close()


def ask(server: str, text: str, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    return get(f"{server}/sparql?{urllib.parse.urlencode({'query': text})}", accept)


def still_answers(server: str) -> None:
    code, _, body = ask(server, "ASK { ?s ?p ?o }", "application/sparql-results+json")
    assert code == 200 and json.loads(body)["boolean"] is True


# ---------------------------------------------------------------- hole 1: SERVICE


def service_queries(url: str) -> list[str]:
    """SERVICE in the forms the grammar allows: hidden behind comments that look like a
    string, lower case, SILENT, a prefixed name, a variable, nested in groups, in OPTIONAL,
    UNION, MINUS, a subquery, FILTER EXISTS, and in a CONSTRUCT and an ASK."""
    base, _, local = url.rpartition("/")
    return [
        f"SELECT * WHERE {{\n# '''\nSERVICE <{url}> {{ ?s ?p ?o }}\n# '''\n}}",
        f'SELECT * WHERE {{\n# """\nSERVICE <{url}> {{ ?s ?p ?o }}\n# """\n}}',
        f"select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX t: <{base}/> SELECT * WHERE {{ SERVICE t:{local} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ {{ {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} LIMIT 1",
        f"SELECT * WHERE {{ {{ ?a ?b ?c }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} LIMIT 1",
        f"SELECT * WHERE {{ ?a ?b ?c MINUS {{ SERVICE <{url}> {{ ?a ?b ?c }} }} }} LIMIT 1",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ]


def test_hole_1_service_is_refused_whatever_its_spelling(server: str, trap: Trap) -> None:
    for text in service_queries(trap.url):
        code, _, body = ask(server, text)
        assert code == 403, (text, code, body)
        assert b"SERVICE" in body
    assert trap.hits == 0
    still_answers(server)


def test_hole_1_honest_queries_that_say_service_are_answered(server: str) -> None:
    for text in (
        "SELECT ?service WHERE { ?service ?p ?o } LIMIT 1",
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o } LIMIT 1",
        'SELECT * WHERE { BIND("SERVICE" AS ?word) }',
        "SELECT * WHERE { ?s ?p ?o } LIMIT 1 # SERVICE <http://example.org/>",
        "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o } LIMIT 1",
    ):
        code, _, body = ask(server, text, "application/sparql-results+json")
        assert code == 200, (text, code, body)
        assert "results" in json.loads(body)


def test_hole_1_lookups_the_server_answers_itself_call_no_service(server: str, trap: Trap) -> None:
    """The server process, which answers lookups itself, can reach the network: a SERVICE
    dressed as a lookup (behind a comment, escaped) is no lookup to its parser and is refused;
    a lookup that only names a service's IRI or says SERVICE in a prefix is answered, and
    nothing is fetched."""
    resource = "https://w3id.org/innoproc/id/organisation/pianoo"
    for text, status in (
        (f"SELECT * WHERE {{ <{resource}> ?p ?o # }}\nSERVICE <{trap.url}> {{ ?s ?p ?o }} }}", 403),
        (
            f"SELECT * WHERE {{ <{resource}> ?p ?o . \\u0053ERVICE <{trap.url}> {{ ?s ?p ?o }} }}",
            403,
        ),
        (f"SELECT * WHERE {{ <{resource}> ?p ?o }} # }} SERVICE <{trap.url}>", 200),
    ):
        assert recognise(text) is None
        assert ask(server, text)[0] == status, text
    for text in (
        f"SELECT * WHERE {{ <{trap.url}> ?p ?o }}",
        f"PREFIX SERVICE: <{trap.url}> SELECT * WHERE {{ SERVICE:x ?p ?o }}",
        f"SELECT * WHERE {{ ?s ?p <{trap.url}> }}",
    ):
        code, _, body = ask(server, text, "application/sparql-results+json")
        assert code == 200 and json.loads(body)["results"]["bindings"] == [], text
    assert trap.hits == 0
    still_answers(server)


def test_hole_1_a_worker_cannot_reach_the_network(trap: Trap, site: Path, config: Config) -> None:
    """The second line: the query engine itself, handed a SERVICE query directly, fetches
    nothing (the workers run without a network)."""
    from innoproc.serve.protocol import Request
    from innoproc.serve.workers import Pool

    pool = Pool(site / "dumps/innoproc.nq", config.base_iri, size=1, timeout=10)
    try:
        text = f"SELECT * WHERE {{ SERVICE <{trap.url}> {{ ?s ?p ?o }} }}"
        answer = pool.run(Request(text))
    finally:
        pool.close()
    assert trap.hits == 0
    assert answer.status != 200


# ---------------------------------------------------------------- hole 2: dead workers


def worker_pids(address: Address) -> set[int]:
    """The processes of the server's query workers, as its pool knows them."""
    return {w.process.pid for w in address.app.state.site.pool.workers}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_hole_2_killed_workers_are_replaced_and_their_request_gets_a_5xx(
    site: Path, config: Config
) -> None:
    with serving(site, config, workers=2, query_timeout=20.0) as address:
        workers = worker_pids(address)
        assert len(workers) == 2
        still_answers(address)
        # a worker killed while it runs a query: that request gets a 5xx at once, not after
        # the time limit, and the worker is replaced
        endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        outcome: dict[str, object] = {}

        def slow() -> None:
            started = time.monotonic()
            outcome["answer"] = ask(address, endless)
            outcome["seconds"] = time.monotonic() - started

        idle = {pid: cpu_seconds(pid) for pid in workers}
        thread = threading.Thread(target=slow)
        thread.start()
        wait_until(lambda: any(cpu_seconds(pid) - idle[pid] > 0.5 for pid in workers), what="busy")
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        thread.join(timeout=30)
        status, _, body = cast(tuple[int, dict[str, str], bytes], outcome["answer"])
        assert 500 <= status < 600 and b"worker" in body, (status, body)
        assert outcome["seconds"] < 10  # type: ignore[operator]
        # every worker dead at once, twice over: SPARQL keeps answering
        for _ in range(2):
            wait_until(lambda: ask(address, "ASK { ?s ?p ?o }")[0] == 200, what="answers")
            wait_until(lambda: len(worker_pids(address)) == 2, what="two")  # both successors
            current = worker_pids(address)
            assert not current & workers
            workers = current
            for pid in workers:
                os.kill(pid, signal.SIGKILL)
        wait_until(lambda: ask(address, "ASK {}")[0] == 200, what="last")


def wait_until(condition: Callable[[], bool], seconds: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.2)


# ---------------------------------------------------------------- holes 3 and 4: IRIs as paths

TRAVERSAL = "https://w3id.org/innoproc/id/approach/../../../ontology/innoproc"
SCRIPT = "https://w3id.org/innoproc/id/approach/javascript:alert(document.domain)//x"


def add_concept(file: Path, iri: str) -> None:
    """Give ``file`` (a data file, one graph) a well-formed approach concept at ``iri``."""
    text = file.read_text("utf-8").rstrip()
    assert text.endswith("}")
    concept = f"""
  <{iri}> a <http://www.w3.org/2004/02/skos/core#Concept> ;
    <http://www.w3.org/2004/02/skos/core#inScheme> <id/scheme/procurement-approaches> ;
    <http://www.w3.org/2004/02/skos/core#prefLabel> "Aanpak"@nl , "Approach"@en .
}}
"""
    file.write_text(text[:-1] + concept, "utf-8")


def snapshot(folder: Path, leave_out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and leave_out not in p.parents
    }


@pytest.mark.parametrize("iri", [TRAVERSAL, SCRIPT], ids=["traversal", "javascript"])
@pytest.mark.parametrize("shapes", ["with shapes", "without shapes"])
def test_hole_3_4_a_bad_resource_iri_stops_the_build_and_writes_nothing(
    project: Path, iri: str, shapes: str
) -> None:
    """The engine refuses the IRI itself, before any path or link is made from it, naming
    the file and the IRI; it does so with the shapes emptied too (its own check, not only
    SHACL's). Nothing outside the output folder changes, and no site is written."""
    data = project / "data/sources/pianoo-page.trig"
    add_concept(data, iri)
    if shapes == "without shapes":
        (project / "shapes/innoproc-shapes.ttl").write_text("", "utf-8")
    out = project / "site"
    before = snapshot(project, out)
    result = CliRunner().invoke(main, ["--project", str(project), "build", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "data/sources/pianoo-page.trig" in result.output and iri in result.output
    assert "lower-case letters, digits and hyphens" in result.output
    assert snapshot(project, out) == before
    assert not out.exists()


def test_hole_3_4_the_engine_checks_iris_from_the_ontology_too(project: Path) -> None:
    """IRIs that do not come through the data files' reader (the ontology's own files) meet
    the same check before a page is made for them."""
    vocabularies = project / "ontology/vocabularies.ttl"
    vocabularies.write_text(
        vocabularies.read_text("utf-8")
        + f"\n<{SCRIPT}> a <http://www.w3.org/2004/02/skos/core#Concept> .\n",
        "utf-8",
    )
    (project / "shapes/innoproc-shapes.ttl").write_text("", "utf-8")
    out = project / "site"
    result = CliRunner().invoke(main, ["--project", str(project), "build", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "ontology" in result.output and SCRIPT in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("iri", "reason"),
    [
        ("id/organisation/index", "reserved"),
        ("id/query/pianoo", "reserved"),
        ("id/country/nld", "reserved"),
        ("id/organisation/PIANOo", "lower-case letters"),
        ("id/organisation/pian%C3%B6o", "lower-case letters"),
        ("id/organisation/piano\u0308o", "lower-case letters"),
        ("id/organisation/a/b", "lower-case letters"),
        ("id/organisation/---", "lower-case letters"),
        ("id/organisation/" + "a" * 121, "longer than 120"),
        ("id/Organisation/pianoo", "kind"),
        ("id/organisation", "is not"),
    ],
)
def test_resource_iri_grammar_refuses(iri: str, reason: str) -> None:
    from innoproc.iris import InvalidIri, resource_path

    with pytest.raises(InvalidIri, match=reason):
        resource_path("https://w3id.org/innoproc/", "https://w3id.org/innoproc/" + iri)


def test_resource_iri_grammar_accepts_the_forms_in_use() -> None:
    from innoproc.iris import resource_path

    base = "https://w3id.org/innoproc/"
    for slug, path in [
        ("id/organisation/pianoo", "organisation/pianoo"),
        ("id/membership/innoprocur--pianoo--partner", "membership/innoprocur--pianoo--partner"),
        ("id/period/--2011", "period/--2011"),
        ("id/period/2024--", "period/2024--"),
        ("id/mle-topic/strategic-framework", "mle-topic/strategic-framework"),
    ]:
        assert resource_path(base, base + slug) == path
    country = "http://publications.europa.eu/resource/authority/country/NLD"
    assert resource_path(base, country) == "country/NLD"
    assert resource_path(base, "http://example.org/x") is None
    assert resource_path(base, base + "ontology#Initiative") is None


def test_paths_are_made_inside_the_output_folder(tmp_path: Path) -> None:
    from innoproc.errors import InputError
    from innoproc.iris import inside

    assert (
        inside(tmp_path, "en/organisation/pianoo.html") == tmp_path / "en/organisation/pianoo.html"
    )
    for bad in ("../x", "id/../../x", "/etc/passwd", "en/../../x.html"):
        with pytest.raises(InputError, match="leave the output folder"):
            inside(tmp_path, bad)


def test_a_query_file_name_must_be_a_slug(project: Path) -> None:
    (project / "queries/javascript:alert(1).rq").write_text("ASK {}", "utf-8")
    result = CliRunner().invoke(
        main, ["--project", str(project), "build", "--out", str(project / "site")]
    )
    assert result.exit_code == 2 and "a query's file name must be a slug" in result.output


# ---------------------------------------------------------------- the HTTP layer


def raw(address: str, data: bytes, pause: float = 0.0, wait: float = 10.0) -> tuple[bytes, float]:
    """Send ``data`` on a connection of its own (in lines, ``pause`` seconds apart, when
    given) and read until the server closes it or ``wait`` seconds pass; returns what came
    back and the seconds until the server closed (``wait`` if it did not)."""
    host, port = address.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=wait) as connection:
        try:
            for line in data.splitlines(keepends=True) if pause else [data]:
                connection.sendall(line)
                time.sleep(pause)
        except OSError:  # the server closed while we were still sending
            pass
        chunks: list[bytes] = []
        while time.monotonic() - started < wait:
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                break
            except OSError:
                chunk = b""
            if not chunk:
                return b"".join(chunks), time.monotonic() - started
            chunks.append(chunk)
    return b"".join(chunks), wait


def status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/1.1 ") else 0


@pytest.mark.parametrize(
    "length", ["-1", "abc", "1e3", "6, 7", "104857600", "99999999999999999999"]
)
def test_a_content_length_that_lies_gets_4xx_at_once(server: str, length: str) -> None:
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\nASK {{}}"
    ).encode()
    reply, seconds = raw(server, head)
    assert status(reply) in (400, 413), reply[:200]
    assert seconds < 5
    still_answers(server)


def test_a_chunked_body_over_the_limit_gets_413(server: str) -> None:
    chunk = b"#" * 8192
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(4)) + b"0\r\n\r\n"
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    reply, _ = raw(server, head + body)
    assert status(reply) == 413, reply[:200]
    still_answers(server)


def test_a_huge_header_line_is_refused(server: str) -> None:
    head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n"
    reply, seconds = raw(server, head)
    assert status(reply) == 431, reply[:200]
    assert seconds < 5
    still_answers(server)


def test_an_idle_connection_is_closed(server: str) -> None:
    reply, seconds = raw(server, b"", wait=15)
    assert reply == b"" and seconds < 6  # idle_timeout is 2 s here
    still_answers(server)


def test_a_request_head_sent_slowly_is_cut_off(server: str) -> None:
    slow = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 12
    reply, seconds = raw(server, slow, pause=0.5, wait=15)
    assert status(reply) == 0 and seconds < 6
    still_answers(server)


def test_a_connection_kept_alive_then_idle_is_closed(server: str) -> None:
    reply, seconds = raw(server, b"GET /en/index.html HTTP/1.1\r\nHost: x\r\n\r\n", wait=15)
    assert status(reply) == 200 and seconds < 6


def test_every_answer_carries_the_security_headers(server: str) -> None:
    for path, html in (("/en/index.html", True), ("/id/organisation/pianoo.ttl", False)):
        code, headers, _ = get(server + path)
        assert code == 200
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "Server" not in headers
        if html:
            assert "default-src 'self'" in headers["Content-Security-Policy"]
        else:
            assert "default-src 'none'" in headers["Content-Security-Policy"]
    code, headers, _ = get(server + "/no/such/page")
    assert code == 404 and headers["X-Content-Type-Options"] == "nosniff"


def test_the_host_header_is_never_copied_into_a_body(server: str) -> None:
    evil = b'evil"><script>alert(1)</script>'
    for path, accept in (("/sparql", "text/turtle"), ("/sparql", "text/html"), ("/nowhere", "*/*")):
        head = b"GET %s HTTP/1.1\r\nHost: %s\r\nAccept: %s\r\nConnection: close\r\n\r\n" % (
            path.encode(),
            evil,
            accept.encode(),
        )
        reply, _ = raw(server, head)
        assert status(reply) in (200, 400, 404) and b"<script>" not in reply, reply[:300]


def test_a_query_past_the_memory_limit_takes_down_only_its_worker(
    site: Path, config: Config
) -> None:
    """A short query that needs gigabytes (a sort of every pair of statements) meets the
    worker's memory limit: its request gets a 5xx, the worker is replaced, and the endpoint
    keeps answering."""
    greedy = "SELECT ?a ?c ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
    with serving(site, config, workers=1, query_timeout=60.0, worker_memory=600) as address:
        started = time.monotonic()
        code, _, body = ask(address, greedy)
        assert 500 <= code < 600 and b"worker" in body, (code, body)
        assert time.monotonic() - started < 60
        wait_until(lambda: ask(address, "ASK {}")[0] == 200, what="replaced")
        still_answers(address)
