"""Clients that never hang: ``query --endpoint``, ``load`` and ``link`` against servers on
loopback that misbehave (``misbehaving.py``), each ending within its timeout with exit 2 and one
clean line; and ``load`` into a real Virtuoso through its authenticated Graph Store."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import free_port
from innoproc.cli import main
from innoproc.clients.bounded import (
    Timeout,
    clean,
    excerpt,
    socket_timeout,
    sparql_results,
    within,
)
from innoproc.clients.store import client
from innoproc.config import Config
from innoproc.errors import InputError
from misbehaving import ANSWERS, STALLS, Misbehaving

ROOT = Path(__file__).resolve().parent.parent
QUICK = 2.0
"""The timeout of the cases that should fail at once (and of the stalls but one)."""
SLOW = 7.0
"""The timeout against a header line every 5 s: longer than the gap, so only a deadline on the
whole request ends it, never a socket's timeout."""
MARGIN = 6.0
"""Seconds beyond the timeout a command may take: loading the project, starting Python's
threads, a busy machine."""

PROBLEM = {
    "garbage": "not HTTP",
    "garbage-body": "other than SPARQL JSON results",
    "head-is-a-number": "not SPARQL results (no head.vars list)",
    "array": "not SPARQL results (a JSON array, not an object)",
    "bindings-not-objects": "not SPARQL results (binding 1 is a JSON number",
    "term-not-a-string": "not SPARQL results (binding 1 has no RDF term for x)",
    "iri-not-an-iri": "a term that is not RDF",
    "error-page": "HTTP 500",
    "long-header": "not HTTP: got more than 65536 bytes when reading header line",
    "header-every-5s": f"no complete answer within {SLOW:g} s",
    "body-byte-every-second": f"no complete answer within {QUICK:g} s",
    "silent": f"no complete answer within {QUICK:g} s",
}
CASES = [*ANSWERS, *STALLS]


def timeout_for(behaviour: str) -> float:
    return SLOW if behaviour == "header-every-5s" else QUICK


def run(project: Path, *args: str) -> tuple[Result, float]:
    started = time.monotonic()
    result = CliRunner().invoke(main, ["--project", str(project), *args])
    return result, time.monotonic() - started


def assert_one_clean_line(result: Result, server: Misbehaving, problem: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    line = lines[0]
    assert line.startswith("error: ") and server.url.rsplit("/", 1)[0] in line, line
    assert problem in line, line
    assert "Traceback" not in result.output
    assert all(ch.isprintable() for ch in line), ascii(line)  # nothing raw from the server
    assert "\x1b" not in result.output and "\x00" not in result.output
    assert len(line) < 600, line


def assert_in_time(elapsed: float, behaviour: str) -> None:
    limit = timeout_for(behaviour)
    if behaviour in STALLS and behaviour != "long-header":  # only the deadline ends them
        assert elapsed >= limit - 0.1, elapsed
    assert elapsed < limit + MARGIN, elapsed


@pytest.mark.parametrize("behaviour", CASES)
def test_query_endpoint_ends_on_a_misbehaving_server(behaviour: str) -> None:
    with Misbehaving(behaviour) as server:
        result, elapsed = run(
            ROOT,
            "query",
            "--query",
            "SELECT ?x WHERE { ?x ?p ?o }",
            "--endpoint",
            server.url,
            "--timeout",
            str(timeout_for(behaviour)),
        )
    assert_one_clean_line(result, server, PROBLEM[behaviour])
    assert_in_time(elapsed, behaviour)


@pytest.mark.parametrize("behaviour", CASES)
def test_load_ends_on_a_misbehaving_store(behaviour: str) -> None:
    with Misbehaving(behaviour) as server:
        result, elapsed = run(
            ROOT, "load", "--endpoint", server.url, "--timeout", str(timeout_for(behaviour))
        )
    problem = PROBLEM[behaviour]
    if behaviour in ANSWERS and behaviour not in ("garbage", "error-page"):
        # a 200 to a PUT is a success: the graphs go in, and the count query gets the answer
        assert "but their counts are not checked" in result.output
    else:
        assert "no graph went in" in result.output
    assert_one_clean_line(result, server, problem)
    assert_in_time(elapsed, behaviour)


@pytest.mark.parametrize("behaviour", CASES)
def test_link_ends_on_a_misbehaving_endpoint(project: Path, behaviour: str) -> None:
    (project / "links").mkdir()
    (project / "links/cache.json").write_text("{}")
    with Misbehaving(behaviour) as server:
        result, elapsed = run(
            project,
            "link",
            "--endpoint",
            server.url,
            "--timeout",
            str(timeout_for(behaviour)),
        )
    problem = PROBLEM[behaviour]
    if behaviour == "iri-not-an-iri":  # link reads ?item and ?label, which this answer lacks
        problem = "binding 1 lacks ?item or ?label"
    assert_one_clean_line(result, server, problem)
    assert "no usable answer" in result.output
    assert_in_time(elapsed, behaviour)
    assert (project / "links/cache.json").read_text() == "{}"
    assert not (project / "links/review.tsv").exists()


def test_the_timeout_comes_from_configuration(project: Path) -> None:
    settings = project / "pyproject.toml"
    text = settings.read_text()
    settings.write_text(
        text.replace("[tool.innoproc]\n", "[tool.innoproc]\nclient_timeout = 1.5\n")
    )
    with Misbehaving("silent") as server:
        result, elapsed = run(project, "query", "--query", "ASK {}", "--endpoint", server.url)
    assert_one_clean_line(result, server, "no complete answer within 1.5 s")
    assert 1.4 < elapsed < 1.5 + MARGIN


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_a_timeout_must_be_above_zero(project: Path, value: str) -> None:
    result, _ = run(
        project, "query", "--query", "ASK {}", "--endpoint", "http://x/", "--timeout", value
    )
    assert result.exit_code == 2 and "--timeout" in result.output
    with pytest.raises(InputError, match="client_timeout must be above 0 seconds"):
        Config.from_table(project, {"client_timeout": float(value)})
    with pytest.raises(InputError, match="client_timeout must be a float"):
        Config.from_table(project, {"client_timeout": "60"})


def test_a_failed_load_says_which_graphs_went_in() -> None:
    with Misbehaving("accept-3-then-silent") as server:
        result, elapsed = run(ROOT, "load", "--endpoint", server.url, "--timeout", str(QUICK))
    assert_one_clean_line(result, server, f"no complete answer within {QUICK:g} s")
    went = [request.split(b" ")[1].decode() for request in server.requests[:3]]
    assert all(path.startswith("/store?graph=") for path in went)
    line = result.output.splitlines()[0]
    assert "3 of " in line and "named graphs went in: <https://w3id.org/innoproc/" in line
    assert line.count("<https://w3id.org/innoproc/") == 4  # the one that failed, the three in
    assert elapsed < QUICK + MARGIN


def test_credentials_never_come_from_the_command_line(tmp_path: Path) -> None:
    with Misbehaving("silent") as server:
        result, _ = run(ROOT, "load", "--endpoint", server.url, "--user", "dba")
        assert result.exit_code == 2
        assert "no password; set INNOPROC_STORE_PASSWORD or give --password-file" in result.output
        result, _ = run(ROOT, "load", "--endpoint", server.url, "--password", "dba")
        assert result.exit_code == 2 and "No such option '--password'" in result.output
        secret = tmp_path / "password"
        secret.write_text("")
        result, _ = run(ROOT, "load", "--endpoint", server.url, "--password-file", str(secret))
        assert result.exit_code == 2 and "give the user too" in result.output
    assert server.requests == []


# ---------------------------------------------------------------- the parts, one by one


def test_within_gives_up_at_the_deadline_and_passes_errors_on() -> None:
    started = time.monotonic()
    with pytest.raises(Timeout):
        within(0.3, lambda: time.sleep(5))
    assert time.monotonic() - started < 1
    with pytest.raises(ZeroDivisionError):
        within(1, lambda: 1 / 0)
    assert within(1, lambda: 42) == 42


@pytest.mark.parametrize("deadline", [0.3, 1, 2, 2.5, 60])
def test_a_requests_socket_waits_longer_than_its_deadline(deadline: float) -> None:
    # a silent server trips both: the deadline must be the one noticed, even on a busy
    # machine, where a socket timeout as long as the deadline sometimes came first
    assert socket_timeout(deadline) >= deadline + 1
    made = client("http://127.0.0.1:9/query", "ASK {}", timeout=deadline)
    assert made.timeout is not None and made.timeout >= deadline + 1


def test_clean_escapes_and_cuts() -> None:
    assert clean(b"\x1b[2Jhello\x00\xff\n") == "\\x1b[2Jhello\\x00\\xff\\n"
    assert clean("\u202etxt.exe") == "\\u202etxt.exe"
    assert clean("é" * 300, 10) == "é" * 9 + "…"
    assert excerpt(b"<html><title>Failed</title><p>The graph is not allowed here</p>") == (
        "The graph is not allowed here"
    )


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"head": 1}, "no head.vars list"),
        ([], "a JSON array, not an object"),
        ({"head": {"vars": [1]}}, "head.vars holds something other than names"),
        ({"head": {"vars": []}, "results": {"bindings": {}}}, "no results.bindings list"),
        ({"head": {"vars": []}, "results": {"bindings": [[]]}}, "binding 1 is a JSON array"),
        ({"boolean": "yes"}, "boolean is not true or false"),
        (
            {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "graph"}}]}},
            "binding 1 has no RDF term for x",
        ),
    ],
)
def test_results_of_the_wrong_shape_are_named(document: object, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        sparql_results(document)


# ---------------------------------------------------------------- Virtuoso


VIRTUOSO_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {db}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Virtuoso server of its own (Debian's virtuoso-opensource) on free loopback ports, in a
    temporary database folder, with the default password of a new database (dba/dba)."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.skip("virtuoso-t missing: install virtuoso-opensource (scripts/install-test-tools)")
    folder = tmp_path_factory.mktemp("virtuoso")
    port = free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(db=folder, sql=free_port(), http=port))
    process = subprocess.Popen(
        [binary, "-f", "-c", str(folder / "virtuoso.ini")],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=2):
                break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, "Virtuoso did not start"
            time.sleep(0.5)
    yield base
    process.terminate()
    process.wait(timeout=30)


def load_into(base: str, *options: str, password: str | None = "dba") -> Result:
    env = {"INNOPROC_STORE_PASSWORD": password} if password is not None else {}
    return CliRunner(env=env).invoke(
        main,
        [
            "--project",
            str(ROOT),
            "load",
            "--endpoint",
            f"{base}/sparql",
            "--store",
            f"{base}/sparql-graph-crud-auth",
            *options,
        ],
    )


def test_load_into_virtuoso_with_credentials(virtuoso: str, tmp_path: Path) -> None:
    result = load_into(virtuoso, "--user", "dba", "--no-default-graph")
    assert result.exit_code == 0, result.output
    assert "counts checked" in result.output and "in 89 graphs" in result.output
    secret = tmp_path / "password"
    secret.write_text("dba\n")
    again = load_into(  # the password from a file; loading twice replaces the graphs
        virtuoso,
        "--user",
        "dba",
        "--password-file",
        str(secret),
        "--no-default-graph",
        password=None,
    )
    assert again.exit_code == 0 and again.output == result.output


def test_virtuoso_refusing_the_default_graph_is_reported_as_such(virtuoso: str) -> None:
    result = load_into(virtuoso, "--user", "dba")
    assert result.exit_code == 2
    line = result.output.strip()
    assert "\n" not in line
    assert "the store refused the default graph (HTTP 500: " in line
    assert "not configured to have default graph" in line  # Virtuoso's own words
    assert "load with --no-default-graph; all 89 named graphs went in" in line


def test_a_default_graph_put_cut_off_by_virtuoso_is_reported_with_its_reason(
    virtuoso: str,
) -> None:
    """Virtuoso may answer a refused PUT of the default graph before its body is in and close
    the connection: the client then sees a broken pipe, not the answer. The reason is asked
    again with a GET, which has no body to cut off, and gives the store's own words."""
    from innoproc.clients.bounded import Credentials, Refused, opener
    from innoproc.clients.store import _default_refused

    target = f"{virtuoso}/sparql-graph-crud-auth"
    why = _default_refused(opener(Credentials("dba", "dba"), target), target, 30.0)
    assert isinstance(why, Refused) and why.status == 500
    assert "not configured to have default graph" in why.detail


def test_virtuoso_without_or_with_wrong_credentials(virtuoso: str) -> None:
    result = load_into(virtuoso)
    assert result.exit_code == 2
    assert "the store asks for credentials (HTTP 401)" in result.output
    assert "no graph went in" in result.output
    result = load_into(virtuoso, "--user", "dba", password="wrong")
    assert result.exit_code == 2
    assert "the store refused the credentials of dba (HTTP 401); no graph went in" in result.output
