"""The difference between two releases against the floor: parsing both dumps with Oxigraph.

    .venv/bin/python benchmarks/diff.py --triples 100000 --runs 5

Release A is a synthetic graph of the data's shape (``scripts/synthesize.py``) written as a
dump is (N-Quads, sorted); release B differs from it by 1% of its statements: half of them
removed, half replaced by statements with changed values. Each run times, in the same
process and alternating, (1) the floor: Oxigraph parsing both dumps into lists of quads, and
(2) what ``innoproc diff A B --out`` does: parse both, compare, summarise, write the changes.
Prints the medians, wall and CPU time, and their ratios; the project holds the ratio at 2 or
under. On a shared machine the CPU ratio is the steady one (the exit status follows it).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from innoproc.build.diff import compare, nquads, statements

SYNTHESIZE = Path(__file__).resolve().parent.parent / "scripts" / "synthesize.py"


def releases(triples: int, work: Path) -> tuple[Path, Path, int, int]:
    """Two dumps: A, of about ``triples`` statements, and B, 1% of them changed; the numbers of
    statements added and removed from A to B."""
    command = [sys.executable, str(SYNTHESIZE), "--triples", str(triples), "--seed", "1"]
    subprocess.run([*command, "--out", str(work / "data")], check=True, capture_output=True)
    base = "https://w3id.org/innoproc/"
    quads: set[ox.Quad] = set()
    for path in sorted((work / "data").rglob("*.trig")):
        with path.open("rb") as stream:
            quads.update(ox.parse(stream, format=ox.RdfFormat.TRIG, base_iri=base))
    old = sorted(quads, key=str)
    rng = random.Random(1)
    picked = rng.sample(range(len(old)), len(old) // 100)
    removed = {old[i] for i in picked}
    changed = {
        ox.Quad(q.subject, q.predicate, ox.Literal(f"changed {n}"), q.graph_name)
        for n, q in enumerate(sorted(removed, key=str)[::2])
    }
    new = (quads - removed) | changed
    (work / "a.nq").write_bytes(nquads(statements(quads)))
    (work / "b.nq").write_bytes(nquads(statements(new)))
    return work / "a.nq", work / "b.nq", len(new - quads), len(quads - new)


def floor(a: Path, b: Path) -> tuple[float, float]:
    """Wall and CPU seconds to parse both dumps into lists of quads."""
    wall, cpu = time.perf_counter(), time.process_time()
    for path in (a, b):
        with path.open("rb") as stream:
            list(ox.parse(stream, format=ox.RdfFormat.N_QUADS))
    return time.perf_counter() - wall, time.process_time() - cpu


def ours(a: Path, b: Path, out: Path) -> tuple[float, float, str]:
    """Wall and CPU seconds of the difference, and its summary."""
    wall, cpu = time.perf_counter(), time.process_time()
    change = compare(a, b)
    summary = change.summary()
    change.write(out)
    return time.perf_counter() - wall, time.process_time() - cpu, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        a, b, added, removed = releases(args.triples, work)
        statements = sum(1 for _ in a.open("rb"))
        floors: list[tuple[float, float]] = []
        diffs: list[tuple[float, float]] = []
        summary = ""
        for _ in range(args.runs):
            floors.append(floor(a, b))
            *seconds, summary = ours(a, b, work / "changes")
            diffs.append((seconds[0], seconds[1]))
        assert summary.startswith(f"+{added} -{removed} statements"), summary
        print(f"release A: {statements} statements; B: +{added} -{removed}")
        print(f"medians of {args.runs} runs      wall s    CPU s")
        ratios = []
        for which in (0, 1):
            parse = statistics.median(f[which] for f in floors)
            diff = statistics.median(d[which] for d in diffs)
            ratios.append(diff / parse)
            print(f"{'wall' if which == 0 else 'CPU':<5} parse both {parse:8.3f}  diff {diff:8.3f}")
        print(f"ratio diff / parse: wall {ratios[0]:.2f}, CPU {ratios[1]:.2f} (at most 2)")
    return 0 if ratios[1] <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
