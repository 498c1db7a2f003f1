#!/usr/bin/env python3
"""Benchmark the SPARQL endpoint against Oxigraph server, measured in the same run.

    python benchmarks/endpoint.py [--sizes project,100000,1000000] [--requests 60]

For each graph (the project's own, and synthetic graphs of about the given number of triples,
written by scripts/synthesize.py), it starts ``innoproc serve``'s endpoint and an Oxigraph
server holding the same dataset (named graphs, and their union as default graph), then times
three queries over HTTP: a lookup by IRI, a join with GROUP BY, and a text filter. It prints the
median and 95th percentile latency of sequential requests and the throughput of 8 concurrent
clients, each with its ratio to Oxigraph server.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/innoproc/"
PREFIXES = """PREFIX ip: <https://w3id.org/innoproc/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def queries(lookup: str) -> dict[str, str]:
    return {
        "lookup by IRI": f"SELECT ?p ?o WHERE {{ <{lookup}> ?p ?o }}",
        "join + GROUP BY": PREFIXES
        + """SELECT ?country (COUNT(DISTINCT ?member) AS ?n) WHERE {
  ?membership org:organization ?initiative ; org:member ?member .
  ?member ip:country ?country .
} GROUP BY ?country ORDER BY DESC(?n) ?country""",
        "text filter": PREFIXES
        + """SELECT (COUNT(*) AS ?n) WHERE {
  ?s skos:prefLabel ?label . FILTER CONTAINS(LCASE(?label), "agency")
}""",
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait(url: str, process: subprocess.Popen[bytes], seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                answer.read()
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server behind {url} did not start") from None
            time.sleep(0.2)


def ask(endpoint: str, query: str) -> float:
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        endpoint,
        data=data,
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as answer:
        answer.read()
    return time.perf_counter() - started


def measure(endpoint: str, query: str, requests: int) -> tuple[float, float, float]:
    for _ in range(3):
        ask(endpoint, query)
    times = sorted(ask(endpoint, query) for _ in range(requests))
    p50 = statistics.median(times) * 1000
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000
    clients, each = 8, max(5, requests // 4)
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(lambda _: ask(endpoint, query), range(clients * each)))
    throughput = clients * each / (time.perf_counter() - started)
    return p50, p95, throughput


def dataset(size: str, work: Path) -> tuple[Path, str]:
    """An N-Quads file of the graph, and an IRI to look up in it."""
    target = work / "dumps" / "innoproc.nq"
    target.parent.mkdir(parents=True, exist_ok=True)
    if size == "project":
        subprocess.run(
            [
                sys.executable,
                "-m",
                "innoproc.cli",
                "--project",
                str(ROOT),
                "build",
                "--out",
                str(work / "site"),
            ],
            check=True,
            capture_output=True,
        )
        shutil.copy(work / "site/dumps/innoproc.nq", target)
        return target, BASE + "id/organisation/pianoo"
    source = work / "synthetic"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/synthesize.py"),
            "--triples",
            size,
            "--seed",
            "1",
            "--out",
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    store = ox.Store()
    for path in sorted(source.glob("*.trig")):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG, base_iri=BASE)
    store.dump(output=str(target), format=ox.RdfFormat.N_QUADS)
    return target, BASE + "id/organisation/syn-100-3"


def start_innoproc(work: Path, port: int) -> subprocess.Popen[bytes]:
    (work / "pyproject.toml").write_text(
        f'[tool.innoproc]\nbase_iri = "{BASE}"\noutput = "."\nquery_timeout = 120\n'
        f"row_limit = 100000\nworkers = 2\n"
    )
    (work / "queries").mkdir(exist_ok=True)
    code = (
        "import sys; from pathlib import Path; from innoproc.config import Config; "
        "from innoproc.serve import serve; "
        "serve(Config.load(Path(sys.argv[1])), '127.0.0.1', int(sys.argv[2]))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, str(work), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start_oxigraph(nquads: Path, work: Path, port: int) -> subprocess.Popen[bytes]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    location = work / "oxigraph"
    union = work / "union.nt"
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    with union.open("wb") as out:
        for quad in store:
            out.write(f"{quad.subject} {quad.predicate} {quad.object} .\n".encode())
    for file in (nquads, union):
        subprocess.run(
            [binary, "load", "--location", str(location), "--file", str(file)],
            check=True,
            capture_output=True,
        )
    return subprocess.Popen(
        [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="project,1000000")
    parser.add_argument("--requests", type=int, default=60)
    arguments = parser.parse_args()
    rows = []
    for size in arguments.sizes.split(","):
        with tempfile.TemporaryDirectory(prefix="innoproc-bench-") as folder:
            work = Path(folder)
            nquads, lookup = dataset(size, work)
            triples = sum(1 for _ in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS))
            ours_port, theirs_port = free_port(), free_port()
            ours = start_innoproc(work, ours_port)
            theirs = start_oxigraph(nquads, work, theirs_port)
            try:
                wait(f"http://127.0.0.1:{ours_port}/sparql?query=ASK%7B%7D", ours)
                wait(f"http://127.0.0.1:{theirs_port}/query?query=ASK%7B%7D", theirs)
                for name, query in queries(lookup).items():
                    mine = measure(
                        f"http://127.0.0.1:{ours_port}/sparql", query, arguments.requests
                    )
                    base = measure(
                        f"http://127.0.0.1:{theirs_port}/query", query, arguments.requests
                    )
                    rows.append((size, triples, name, mine, base))
                    print_row(rows[-1])
            finally:
                for process in (ours, theirs):
                    process.terminate()
                    process.wait(timeout=30)
    print()
    print(
        "| graph | quads | query | p50 ms | p95 ms | req/s (8 clients) | Oxigraph p50 | p95 "
        "| req/s | p50 ratio | p95 ratio | throughput ratio |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print_row(row, markdown=True)
    return 0


def print_row(
    row: tuple[str, int, str, tuple[float, float, float], tuple[float, float, float]],
    markdown: bool = False,
) -> None:
    size, triples, name, (p50, p95, rps), (b50, b95, brps) = row
    cells = [
        size,
        f"{triples:,}",
        name,
        f"{p50:.1f}",
        f"{p95:.1f}",
        f"{rps:.0f}",
        f"{b50:.1f}",
        f"{b95:.1f}",
        f"{brps:.0f}",
        f"{p50 / b50:.2f}x",
        f"{p95 / b95:.2f}x",
        f"{rps / brps:.2f}x",
    ]
    if markdown:
        print("| " + " | ".join(cells) + " |")
    else:
        print("  ".join(cells), flush=True)


if __name__ == "__main__":
    threading.stack_size(0)
    sys.exit(main())
