#!/usr/bin/env python3
"""Benchmark the SPARQL endpoint against Oxigraph server, measured in the same run.

    python benchmarks/endpoint.py [--sizes project,100000,1000000] [--requests 60]
        [--lookups 1000] [--workers-only]

For each graph (the project's own, and synthetic graphs of about the given number of triples,
written by scripts/synthesize.py), it starts ``innoproc serve``'s endpoint and an Oxigraph
server holding the same dataset (named graphs, and their union as default graph), then times
three queries over HTTP: a lookup by IRI, a join with GROUP BY, and a text filter. It prints the
median and 95th percentile latency of sequential requests (sent to the two servers in turn)
and the throughput of 8 concurrent clients, each with its ratio to Oxigraph server.

Each lookup asks for another resource of the graph (its subjects under ``id/``, in an order
drawn from a fixed seed), so that no server answers a text it has seen before; both servers
are asked the same texts in the same order. ``--lookups`` times that many lookups (more than
``--requests``, for a steadier median on a busy machine); ``--workers-only`` also starts the
endpoint with ``server_lookups = false`` and times its lookups in the same turns (the row
"lookup by IRI, workers"), so the hop to a worker is measured against the same Oxigraph.
"""

from __future__ import annotations

import argparse
import itertools
import random
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
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/innoproc/"
PREFIXES = """PREFIX ip: <https://w3id.org/innoproc/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def lookups(resources: list[str]) -> Callable[[], Iterator[str]]:
    """Lookup queries, one per resource, in an order drawn from a fixed seed: each call starts
    the same sequence again."""
    order = sorted(resources)
    random.Random(1).shuffle(order)

    def texts() -> Iterator[str]:
        return (f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}" for iri in itertools.cycle(order))

    return texts


def fixed(text: str) -> Callable[[], Iterator[str]]:
    return lambda: itertools.repeat(text)


def queries(resources: list[str]) -> dict[str, Callable[[], Iterator[str]]]:
    return {
        "lookup by IRI": lookups(resources),
        "join + GROUP BY": fixed(
            PREFIXES
            + """SELECT ?country (COUNT(DISTINCT ?member) AS ?n) WHERE {
  ?membership org:organization ?initiative ; org:member ?member .
  ?member ip:country ?country .
} GROUP BY ?country ORDER BY DESC(?n) ?country"""
        ),
        "text filter": fixed(
            PREFIXES
            + """SELECT (COUNT(*) AS ?n) WHERE {
  ?s skos:prefLabel ?label . FILTER CONTAINS(LCASE(?label), "agency")
}"""
        ),
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


Figures = tuple[float, float, float]
"""p50 and p95 latency (ms), throughput (requests/s)."""


def measure(
    endpoints: list[str], texts: Callable[[], Iterator[str]], requests: int
) -> list[Figures]:
    """For each endpoint, the p50 and p95 latency (ms) of sequential requests and the
    throughput (requests/s) of 8 concurrent clients. The sequential requests go to the
    endpoints in turn, the same text to each, so that a machine's changing load weighs on
    them alike."""
    sequences = [texts() for _ in endpoints]
    for _ in range(3):
        for endpoint, sequence in zip(endpoints, sequences, strict=True):
            ask(endpoint, next(sequence))
    times: list[list[float]] = [[] for _ in endpoints]
    for _ in range(requests):
        for endpoint, sequence, taken in zip(endpoints, sequences, times, strict=True):
            taken.append(ask(endpoint, next(sequence)))
    figures = []
    for endpoint, sequence, taken in zip(endpoints, sequences, times, strict=True):
        taken.sort()
        p50 = statistics.median(taken) * 1000
        p95 = taken[min(len(taken) - 1, round(0.95 * (len(taken) - 1)))] * 1000
        clients, each = 8, max(5, requests // 4)
        batch = list(itertools.islice(sequence, clients * each))
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(lambda text: ask(endpoint, text), batch))  # noqa: B023
        figures.append((p50, p95, clients * each / (time.perf_counter() - started)))
    return figures


def dataset(size: str, work: Path) -> Path:
    """An N-Quads file of the graph."""
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
        return target
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
    return target


def resources(nquads: Path) -> list[str]:
    """The graph's subjects under ``id/``: the resources to look up."""
    subjects = (q.subject for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS))
    return sorted(
        {
            s.value
            for s in subjects
            if isinstance(s, ox.NamedNode) and s.value.startswith(BASE + "id/")
        }
    )


def start_innoproc(work: Path, port: int, server_lookups: bool = True) -> subprocess.Popen[bytes]:
    (work / "pyproject.toml").write_text(
        f'[tool.innoproc]\nbase_iri = "{BASE}"\noutput = "."\nquery_timeout = 120\n'
        f"row_limit = 100000\nworkers = 2\nserver_lookups = {str(server_lookups).lower()}\n"
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
    parser.add_argument(
        "--lookups", type=int, default=0, help="lookups timed (default: --requests)"
    )
    parser.add_argument("--workers-only", action="store_true", help="also time lookups on workers")
    arguments = parser.parse_args()
    rows = []
    for size in arguments.sizes.split(","):
        with tempfile.TemporaryDirectory(prefix="innoproc-bench-") as folder:
            work = Path(folder)
            nquads = dataset(size, work)
            triples = sum(1 for _ in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS))
            drawn = resources(nquads)
            print(f"{size}: {triples:,} quads, {len(drawn):,} resources to look up", flush=True)
            ours_port, theirs_port = free_port(), free_port()
            ours = start_innoproc(work, ours_port)
            theirs = start_oxigraph(nquads, work, theirs_port)
            started = [ours, theirs]
            endpoints = [
                f"http://127.0.0.1:{ours_port}/sparql",
                f"http://127.0.0.1:{theirs_port}/query",
            ]
            if arguments.workers_only:
                alone, alone_port = work / "workers-only", free_port()
                (alone / "dumps").mkdir(parents=True)
                (alone / "dumps" / nquads.name).hardlink_to(nquads)
                (alone / "queries").mkdir()
                started.append(start_innoproc(alone, alone_port, server_lookups=False))
                endpoints.append(f"http://127.0.0.1:{alone_port}/sparql")
            try:
                for process, endpoint in zip(started, endpoints, strict=True):
                    wait(f"{endpoint}?query=ASK%7B%7D", process)
                for name, texts in queries(drawn).items():
                    lookup = name == "lookup by IRI"
                    figures = measure(
                        endpoints if lookup else endpoints[:2],
                        texts,
                        (arguments.lookups or arguments.requests) if lookup else arguments.requests,
                    )
                    rows.append((size, triples, name, figures[0], figures[1]))
                    print_row(rows[-1])
                    if len(figures) == 3:
                        rows.append((size, triples, f"{name}, workers", figures[2], figures[1]))
                        print_row(rows[-1])
            finally:
                for process in started:
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
    row: tuple[str, int, str, Figures, Figures],
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
