#!/usr/bin/env python3
"""Benchmark ``innoproc build`` stage by stage against two baselines measured in the same run.

    python benchmarks/build.py [--sizes 10000,100000,1000000] [--runs 3] [--endpoint 1000000]
    python benchmarks/build.py --shacl-only --sizes 0,100000 --runs 3
    python benchmarks/build.py --dumps-only --sizes 100000,1000000 --runs 3

For each size, scripts/synthesize.py writes a synthetic graph and each measurement runs in a
fresh process, ``--runs`` times; the tables give medians. Measured:

- **ours**: ``innoproc build`` (pages, resource files, dumps, catalogue and all), per stage:
  wall time, CPU time (this process and its worker processes) and memory (see below);
- **hand**: the pipeline one would write by hand: rdflib parses the files, pySHACL validates
  the whole graph with shapes/, rdflib writes Turtle and JSON-LD (no HTML, no pages);
- **floor**: pyoxigraph parses the same files into a store and writes Turtle and N-Triples,
  then as many files as the build writes per page and per resource, of the same sizes, in the
  same folders;
- **shacl**: stage 2 alone (validate, as the build runs it: pySHACL on all cores, reading an
  rdflib graph, pyshacl-turbo on one, reading an Oxigraph store, each input made within the
  time) with each SHACL engine, pyshacl-turbo (the build's default) and pySHACL (the
  reference), in the same run; each engine's report is checked to be the same bytes;
- **dumps**: with ``--dumps-only``, stage 4's dumps alone (``write_dumps`` on the loaded
  corpus), against the floor's dumps, runs interleaved; its peak is the growth of the resident
  memory while it runs (on Linux);
- **rebuild**: the build again after one data file changed (one run);
- **endpoint**: with ``--endpoint SIZE``, the build from an Oxigraph server loaded with
  ``innoproc load`` (one run).

Memory, for every measurement alike: **peak MB** is the largest sum, sampled during the stage
(every 50 ms, or less often so that sampling takes at most 2% of a core: see :class:`Meter`;
about every half second at 10,000 triples), of the proportional set sizes (Pss,
``/proc/<pid>/smaps_rollup``) of the measured process and of every process below it. Pss splits
each shared page among the processes that map it, so the pages the forked workers share with
the build's process count once: the sum is what was resident at once. **upper bound MB**, the
figure used before, adds the process's largest resident set so far and its largest finished
worker's (``ru_maxrss``), counting the shared pages twice. The memory target's denominator, the
pyoxigraph store, is the floor's peak MB during its load.

Every figure comes with its ratio to the baseline it is compared with; the last table checks
the targets. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/innoproc/"
PAGE_SUFFIXES = (".html", ".ttl", ".jsonld", ".nt")


# ------------------------------------------------------------------ measuring, in a child


def read_proc(path: str) -> bytes:
    """The first 4 kB of a file of ``/proc`` (enough for ``stat`` and ``smaps_rollup``), read
    without Python's file objects, which cost three times as much here."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.read(fd, 4096)
    finally:
        os.close(fd)


def descendants(root: int) -> list[int]:
    """``root`` and every live process below it, found from each process's parent in
    ``/proc/<pid>/stat``: the kernel's own lists of children (``/proc/<pid>/task/*/children``)
    exist only with CONFIG_PROC_CHILDREN, which not every kernel has (this machine's has not).
    A process that ends while the listing is read is left out."""
    below: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = read_proc(f"/proc/{entry.name}/stat")
        except OSError:  # ended since /proc was listed
            continue
        # the command's name, in parentheses, may hold anything: state and parent follow the
        # last ")"
        parent = int(stat[stat.rindex(b")") + 1 :].split()[1])
        below.setdefault(parent, []).append(int(entry.name))
    found, waiting = [], [root]
    while waiting:
        pid = waiting.pop()
        found.append(pid)
        waiting.extend(below.get(pid, ()))
    return found


def pss_kb(pid: int) -> int:
    """The proportional set size of a process: its private pages, plus each page it shares
    divided by the number of processes that map it. Summed over processes, shared pages are
    counted once. 0 for a process that has ended (or is a zombie, which holds no memory)."""
    try:
        rollup = read_proc(f"/proc/{pid}/smaps_rollup")
    except OSError:  # ended since it was listed
        return 0
    for line in rollup.splitlines():
        if line.startswith(b"Pss:"):
            return int(line.split()[1])
    return 0


class Meter:
    """Wall time, CPU time (with finished worker processes) and memory, per stage.

    Memory is measured twice. ``peak``: a thread samples the proportional set size (Pss) of
    this process and of every live descendant (the forked page writers and validators), sums
    it and keeps the largest sum seen during each stage (sampled at each stage's end too).
    Forked workers share this process's pages until they write to them: Pss splits a shared
    page among its sharers, so the sum is what the build really holds at once. Pages shared
    with processes outside the build (libraries other programs map too) count only in part;
    a peak shorter than the sampling interval can be missed. ``bound``: the old figure, the
    largest resident set this process has had so far plus the largest a finished worker has
    had (``ru_maxrss``), which counts shared pages once per process: an upper bound.

    The sampler reads the memory every ``INTERVAL`` seconds, or less often when a reading
    costs much CPU, so that it spends at most a ``1 / COST_SHARE`` share of one core: to
    read a process's Pss the kernel walks its page tables, 20 to 30 ms per resident GB here,
    and the processes are found by reading every ``/proc/<pid>/stat``. Its CPU time, counted
    in the build's, is ``sampling``: at 10,000 triples, 2 to 3% of the build's, where sampling
    every 50 ms whatever it costs took 11%.
    """

    INTERVAL = 0.05
    COST_SHARE = 50

    def __init__(self, sample: bool = True) -> None:
        self.stages: dict[str, dict[str, float]] = {}
        self.started = self.last = time.perf_counter()
        self.cpu = self._cpu()
        self.lock = threading.Lock()
        self.stage_peak = self.highest = 0.0
        self.samples, self.sampling = 0, 0.0
        self.halt = threading.Event()
        self.sampler: threading.Thread | None = None
        if sample:
            self.sample()
            self.sampler = threading.Thread(target=self._sample_on, name="pss", daemon=True)
            self.sampler.start()

    @staticmethod
    def _cpu() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    @staticmethod
    def bound_mb() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return (own + workers) / 1024

    def sample(self) -> float:
        """The build's Pss now (MB), noted towards the stage's peak."""
        mb = sum(pss_kb(pid) for pid in descendants(os.getpid())) / 1024
        with self.lock:
            self.stage_peak = max(self.stage_peak, mb)
            self.samples += 1
        return mb

    def _sample_on(self) -> None:
        wait = self.INTERVAL
        while not self.halt.wait(wait):
            began = time.thread_time()
            self.sample()
            cost = time.thread_time() - began
            self.sampling += cost
            wait = max(self.INTERVAL, self.COST_SHARE * cost)

    def _end_stage(self) -> float:
        """The stage's Pss peak (0 without the sampler); the next stage starts from now."""
        if self.sampler is None:
            return 0.0
        now = self.sample()
        with self.lock:
            peak, self.stage_peak = self.stage_peak, now
            self.highest = max(self.highest, peak)
        return peak

    def __call__(self, stage: str) -> None:
        if stage.startswith("graph "):
            return
        now, cpu = time.perf_counter(), self._cpu()
        self.stages[stage] = {
            "wall": now - self.last,
            "cpu": cpu - self.cpu,
            "peak": self._end_stage(),
            "bound": self.bound_mb(),
        }
        self.last, self.cpu = now, cpu

    def total(self) -> dict[str, Any]:
        wall = time.perf_counter() - self.started
        self.halt.set()
        if self.sampler is not None:
            self.sampler.join()
        cpu = sum(s["cpu"] for s in self.stages.values())
        self.stages["total"] = {
            "wall": wall,
            "cpu": cpu,
            "peak": max(self.highest, self._end_stage()),
            "bound": self.bound_mb(),
            "samples": self.samples,
            "sampling": self.sampling,
        }
        return self.stages


def child_ours(project: str, out: str, endpoint: str = "", again: str = "") -> dict[str, Any]:
    """One build: clean (it reuses nothing, whatever an earlier run left), or with ``again``
    an incremental one after the clean build of the same ``out``."""
    from innoproc.build.pipeline import build
    from innoproc.config import Config

    meter = Meter()
    config = Config.load(Path(project))
    build(config, Path(out), done=meter, endpoint=endpoint or None, incremental=bool(again))
    return meter.total()


def child_hand(project: str, out: str) -> dict[str, Any]:
    from pyshacl import validate
    from rdflib import Dataset, Graph

    meter = Meter()
    dataset = Dataset()
    for path in sorted(Path(project, "data").glob("*.trig")):
        dataset.parse(path, format="trig", publicID=BASE)
    for path in sorted(Path(project, "ontology").glob("*.ttl")):
        dataset.graph(BASE + "ontology").parse(path, format="turtle", publicID=BASE)
    shapes = Graph()
    for path in sorted(Path(project, "shapes").glob("*.ttl")):
        shapes.parse(path, format="turtle", publicID=BASE)
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    meter("load")
    validate(union, shacl_graph=shapes, inference="none", advanced=True)
    meter("validate")
    Path(out).mkdir(parents=True, exist_ok=True)
    union.serialize(Path(out, "dump.ttl"), format="turtle")
    union.serialize(Path(out, "dump.jsonld"), format="json-ld")
    meter("dumps")
    return meter.total()


def child_shacl(project: str, out: str, engine: str) -> dict[str, Any]:
    """Stage 2 as the build runs it, each engine reading the input made for it within the
    time (pySHACL an rdflib graph, pyshacl-turbo an Oxigraph store), from a corpus loaded,
    with its own store made, before the clock starts (the build makes that store anyway)."""
    from innoproc.build.load import load_project
    from innoproc.build.validate import validate, write_report
    from innoproc.config import Config

    config = Config.load(Path(project))
    corpus = load_project(config)
    assert len(corpus.store) > 0
    meter = Meter()
    report = validate(corpus, workers=config.processes, engine=engine)
    meter("validate")
    write_report(report, Path(out))
    stages = meter.total()
    stages["report"] = {"results": len(report.findings), "bytes": Path(out).stat().st_size}
    return stages


def child_dumps(project: str, out: str) -> dict[str, Any]:
    """``write_dumps`` alone, on a corpus loaded before the clock starts, with its Oxigraph
    store made, as the build's index stage leaves it (for the questions of ``queries/``)."""
    from innoproc.build.dump import write_dumps
    from innoproc.build.load import load_project
    from innoproc.config import Config

    corpus = load_project(Config.load(Path(project)))
    assert corpus.statements and len(corpus.store)
    before = memory_mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the peak so far becomes the resident size
    meter = Meter(sample=False)  # the peak is VmHWM's, below: a sampler would only add CPU
    write_dumps(corpus, Path(out))
    meter("dumps")
    meter.stages["dumps"]["peak"] = memory_mb("VmHWM") - before
    return meter.total()


def memory_mb(field: str) -> float:
    """A field of this process's ``/proc/self/status`` (``VmRSS``, ``VmHWM``), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def child_floor(project: str, out: str, sizes: str) -> dict[str, Any]:
    import pyoxigraph as ox

    meter = Meter()
    store = ox.Store()
    for path in sorted(Path(project, "data").glob("*.trig")):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG, base_iri=BASE)
    meter("load")
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    ox.serialize(store, str(target / "dump.nq"), format=ox.RdfFormat.N_QUADS)
    triples = (q.triple for q in store.quads_for_pattern(None, None, None, None))
    ox.serialize(triples, str(target / "dump.ttl"), format=ox.RdfFormat.TURTLE)
    meter("dumps")
    listing = json.loads(Path(sizes).read_text())
    folders: set[Path] = set()
    for name, size in listing:
        path = target / "pages" / name
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        path.write_bytes(b"x" * size)
    meter("pages")
    return meter.total()


# ------------------------------------------------------------------ orchestrating


def settle(work: Path) -> None:
    """Wait until a replaced site is removed and the file system has written everything."""
    while any(p.name.startswith(".site-old-") for p in work.iterdir()):
        time.sleep(0.5)
    os.sync()


def run_child(kind: str, *arguments: str) -> dict[str, Any]:
    settle(Path(arguments[1]).parent)
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, *arguments],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def make_project(size: int, work: Path) -> Path:
    project = work / f"p{size}"
    if not (project / "data").is_dir():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "scripts/synthesize.py"),
                "--triples",
                str(size),
                "--seed",
                "1",
                "--out",
                str(project / "data"),
            ],
            check=True,
            capture_output=True,
        )
    for name in ("ontology", "shapes", "queries", "catalogue"):
        if not (project / name).exists():
            shutil.copytree(ROOT / name, project / name)
    shapes = (ROOT / "../shared/reference/dcat-ap").resolve()
    (project / "pyproject.toml").write_text(
        f'[tool.innoproc]\nbase_iri = "{BASE}"\ndcat_ap_shapes = "{shapes}"\n'
    )
    return project


def page_sizes(site: Path, into: Path) -> int:
    """The pages and resource files of a built site, as (path, bytes); returns their count."""
    files = [
        (str(p.relative_to(site)), p.stat().st_size)
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.suffix in PAGE_SUFFIXES and p.parts[-2] != "dumps"
    ]
    into.write_text(json.dumps(files))
    return len(files)


def triples_in(project: Path) -> int:
    import pyoxigraph as ox

    return sum(
        1
        for path in sorted((project / "data").rglob("*.trig"))
        for _ in ox.parse(path=str(path), format=ox.RdfFormat.TRIG, base_iri=BASE)
    )


def median(runs: list[dict[str, Any]], stage: str, key: str) -> float:
    return float(statistics.median(run[stage][key] for run in runs if stage in run))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def endpoint_run(project: Path, work: Path) -> dict[str, Any]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    server = subprocess.Popen(
        [binary, "serve", "--location", str(work / "oxigraph"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{endpoint}?query=ASK%7B%7D", timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "innoproc.cli",
                "--project",
                str(project),
                "load",
                "--endpoint",
                endpoint,
            ],
            check=True,
            capture_output=True,
        )
        return run_child("ours", str(project), str(work / "site-endpoint"), endpoint)
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work / "oxigraph", ignore_errors=True)


def change_one_file(project: Path) -> None:
    """Change one label in one data file, as an editor would: the title of the first source,
    which every page citing it shows. (The first file by name is that source's review, which
    does not hold the title: the edit must be checked to change something.)"""
    old, new = '"Synthetic source 0"@en', '"Synthetic source zero"@en'
    for path in sorted((project / "data").glob("syn-0*.trig")):
        text = path.read_text("utf-8")
        if old in text:
            path.write_text(text.replace(old, new, 1), "utf-8")
            return
    raise SystemExit(f"no data file of {project} holds {old}: the rebuild would change nothing")


def measure_shacl(
    project: Path,
    work: Path,
    n: int,
    engines: list[str],
    into: dict[str, list[dict[str, Any]]],
    result: dict[str, Any],
) -> None:
    """Stage 2 alone with each engine, in turn; notes whether their reports are the same."""
    for engine in engines:
        written = work / f"shacl-{engine}-{n}.ttl"
        into[engine].append(run_child("shacl", str(project), str(written), engine))
    same = {(work / f"shacl-{engine}-{n}.ttl").read_bytes() for engine in engines}
    result["same_report"] = result.get("same_report", True) and len(same) <= 1


def measure_dumps(size: int, runs: int, work: Path) -> dict[str, Any]:
    """The dumps alone and the floor's, ``runs`` times each, interleaved."""
    project = make_project(size, work)
    result: dict[str, Any] = {"size": size, "triples": triples_in(project)}
    sizes = work / "no-pages.json"
    sizes.write_text("[]")
    result["dumps"], result["floor"] = [], []
    for n in range(runs):
        result["dumps"].append(run_child("dumps", str(project), str(work / f"site-dumps-{n}")))
        result["floor"].append(
            run_child("floor", str(project), str(work / f"floor-{n}"), str(sizes))
        )
    for folder in work.iterdir():
        if folder.name.startswith(("site-dumps-", "floor-")):
            shutil.rmtree(folder, ignore_errors=True)
    return result


def measure_size(
    size: int, runs: int, work: Path, with_endpoint: bool, engines: list[str], build: bool = True
) -> dict[str, Any]:
    """Size 0 is the project's own data (with ``build`` False only). Every run writes into
    folders of its own, removed only once the size is done: on a disk
    that discards freed blocks, removing many files slows down the next run's writes."""
    project = make_project(size, work) if size else ROOT
    result: dict[str, Any] = {"size": size, "triples": triples_in(project)}
    ours, hand, floor = [], [], []
    shacl: dict[str, list[dict[str, Any]]] = {engine: [] for engine in engines}
    for n in range(runs):
        if not build:
            measure_shacl(project, work, n, engines, shacl, result)
            continue
        site = work / f"site-{n}"
        ours.append(run_child("ours", str(project), str(site)))
        result["files"] = sum(1 for p in site.rglob("*") if p.is_file())
        result["pages"] = page_sizes(site, work / "sizes.json")
        hand.append(run_child("hand", str(project), str(work / f"hand-{n}")))
        sizes = str(work / "sizes.json")
        floor.append(run_child("floor", str(project), str(work / f"floor-{n}"), sizes))
        measure_shacl(project, work, n, engines, shacl, result)
        print(f"  {size}: run {n + 1} of {runs} done", file=sys.stderr, flush=True)
    result["shacl"] = shacl
    if not build:
        return result
    result["ours"], result["hand"], result["floor"] = ours, hand, floor
    change_one_file(project)
    result["rebuild"] = run_child("ours", str(project), str(work / "site-0"), "", "again")
    shutil.rmtree(project / "data")  # the changed file must not survive into another run
    if with_endpoint:
        make_project(size, work)
        result["endpoint"] = endpoint_run(project, work)
    for folder in work.iterdir():
        if folder.name.startswith(("site", "hand", "floor", ".site", "shacl-")):
            shutil.rmtree(folder, ignore_errors=True)
    os.sync()
    return result


# ------------------------------------------------------------------ reporting

STAGES = (
    "load",
    "validate",
    "index",
    "pages",
    "resources",
    "dumps",
    "catalogue",
    "deploy",
    "total",
)
FLOOR_OF = {"load": "load", "dumps": "dumps", "pages+resources": "pages"}


def report(results: list[dict[str, Any]]) -> str:
    lines = []
    for r in results:
        if "dumps" in r:
            dumps, floor = r["dumps"], r["floor"]
            wall, base = median(dumps, "dumps", "wall"), median(floor, "dumps", "wall")
            lines += [
                "",
                f"### {r['triples']:,} triples: the dumps alone, median of {len(dumps)} runs",
                "",
                "| dumps wall s | CPU s | peak growth MB | floor wall s | ratio to floor |",
                "|---|---|---|---|---|",
                f"| {wall:.2f} | {median(dumps, 'dumps', 'cpu'):.2f} "
                f"| {median(dumps, 'dumps', 'peak'):.0f} | {base:.2f} | {wall / base:.2f}x |",
            ]
            continue
        if "ours" not in r:
            lines += ["", f"### {r['triples']:,} triples: stage 2 alone", *shacl_table(r)]
            continue
        ours, hand, floor = r["ours"], r["hand"], r["floor"]
        lines += [
            "",
            f"### {r['triples']:,} triples ({r['files']:,} files, {r['pages']:,} pages and "
            f"resource files), median of {len(ours)} runs",
            "",
            "| stage | wall s | CPU s | peak MB | upper bound MB | floor wall s | ratio to floor |",
            "|---|---|---|---|---|---|---|",
        ]
        for stage in STAGES:
            wall = median(ours, stage, "wall")
            cells = [stage, f"{wall:.2f}", f"{median(ours, stage, 'cpu'):.2f}"]
            cells += [f"{median(ours, stage, key):.0f}" for key in ("peak", "bound")]
            floor_stage = FLOOR_OF.get(stage)
            if floor_stage:
                base = median(floor, floor_stage, "wall")
                cells += [f"{base:.2f}", f"{wall / base:.2f}x"]
            else:
                cells += ["", ""]
            lines.append("| " + " | ".join(cells) + " |")
        pages = median(ours, "pages", "wall") + median(ours, "resources", "wall")
        base = median(floor, "pages", "wall")
        lines.append(f"| pages+resources | {pages:.2f} | | | | {base:.2f} | {pages / base:.2f}x |")
        lines += [
            "",
            "| baseline | load s | validate s | dumps s | total s | CPU s | peak MB "
            "| upper bound MB |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for name, runs in (("hand (rdflib + pySHACL)", hand), ("floor (pyoxigraph)", floor)):
            cells = [name]
            for stage in ("load", "validate", "dumps", "total"):
                cells.append(f"{median(runs, stage, 'wall'):.2f}" if stage in runs[0] else "")
            cells.append(f"{median(runs, 'total', 'cpu'):.2f}")
            cells += [f"{median(runs, 'total', key):.0f}" for key in ("peak", "bound")]
            lines.append("| " + " | ".join(cells) + " |")
        lines += shacl_table(r)
        total = median(ours, "total", "wall")
        samples = median(ours, "total", "samples")
        sampling = median(ours, "total", "sampling")
        lines += [
            "",
            "- peak MB: the largest sum of the proportional set sizes (Pss) of the build's "
            "process and its workers, sampled during the stage; upper bound MB: the process's "
            "largest resident set so far plus its largest worker's (ru_maxrss), which counts "
            "the pages forked workers share with it twice",
            f"- memory sampled {samples:.0f} times in the build (every {total / samples:.2f} s), "
            f"at {sampling:.2f} s of CPU ({sampling / median(ours, 'total', 'cpu'):.1%} of the "
            "build's)",
            f"- whole build / hand pipeline: {total / median(hand, 'total', 'wall'):.2f}x "
            "(target at most 0.5x at 1M)",
            f"- peak memory / pyoxigraph store (the floor's peak in load, Pss too): "
            f"{median(ours, 'total', 'peak') / median(floor, 'load', 'peak'):.2f}x "
            "(target at most 3x)",
            f"- rebuild after one changed data file / full build: "
            f"{r['rebuild']['total']['wall'] / total:.2f}x (target at most 0.1x)",
        ]
        if "endpoint" in r:
            e = r["endpoint"]["total"]
            lines.append(
                f"- build from an Oxigraph server: {e['wall']:.1f} s wall, "
                f"{e['peak']:.0f} MB peak (upper bound {e['bound']:.0f} MB), "
                f"{e['wall'] / total:.2f}x the file build"
            )
    results = sorted((r for r in results if "ours" in r), key=lambda r: int(r["triples"]))
    if len(results) > 1:
        lines += ["", "| from | to | size ratio | build time ratio | per-triple ratio |"]
        lines.append("|---|---|---|---|---|")
        for a, b in itertools.pairwise(results):
            size = b["triples"] / a["triples"]
            wall = median(b["ours"], "total", "wall") / median(a["ours"], "total", "wall")
            lines.append(
                f"| {a['triples']:,} | {b['triples']:,} | {size:.1f}x | {wall:.1f}x "
                f"| {wall / size:.2f}x |"
            )
    return "\n".join(lines)


def shacl_table(r: dict[str, Any]) -> list[str]:
    """Stage 2 alone with each SHACL engine, and its ratio to pySHACL."""
    engines = r.get("shacl", {})
    if not engines:
        return []
    lines = [
        "",
        "| SHACL engine | validate wall s | CPU s | peak MB | upper bound MB | results "
        "| ratio to pySHACL |",
        "|---|---|---|---|---|---|---|",
    ]
    reference = median(engines["pyshacl"], "validate", "wall") if "pyshacl" in engines else 0
    for engine, runs in engines.items():
        wall = median(runs, "validate", "wall")
        cells = [engine, f"{wall:.2f}", f"{median(runs, 'validate', 'cpu'):.2f}"]
        cells += [f"{median(runs, 'validate', key):.0f}" for key in ("peak", "bound")]
        cells.append(str(runs[0]["report"]["results"]))
        cells.append(f"{wall / reference:.2f}x" if reference else "")
        lines.append("| " + " | ".join(cells) + " |")
    same = "the same bytes" if r["same_report"] else "DIFFERENT (a bug)"
    lines += ["", f"- the engines' reports (validation-report.ttl): {same}"]
    return lines


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kinds: dict[str, Callable[..., dict[str, Any]]] = {
            "ours": child_ours,
            "hand": child_hand,
            "floor": child_floor,
            "shacl": child_shacl,
            "dumps": child_dumps,
        }
        print(json.dumps(kinds[sys.argv[2]](*sys.argv[3:])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--endpoint", type=int, default=0, help="size to build from a store")
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    parser.add_argument("--work", type=Path, help="keep the synthetic graphs here")
    parser.add_argument(
        "--shacl-engines",
        default="turbo,pyshacl",
        help="SHACL engines to time stage 2 with, side by side ('' for none)",
    )
    parser.add_argument(
        "--shacl-only",
        action="store_true",
        help="time stage 2 alone, with each engine (size 0: the project's own data)",
    )
    parser.add_argument(
        "--dumps-only",
        action="store_true",
        help="time the dumps alone (write_dumps on the loaded corpus) against the floor's",
    )
    arguments = parser.parse_args()
    work = arguments.work or Path(tempfile.mkdtemp(prefix="innoproc-build-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    sizes = [int(s) for s in arguments.sizes.split(",")]
    if 0 in sizes and not arguments.shacl_only:
        parser.error("size 0 (the project's own data) is for --shacl-only")
    if arguments.dumps_only and arguments.shacl_only:
        parser.error("--dumps-only and --shacl-only time different stages: one at a time")
    for size in sizes:
        engines = [e for e in arguments.shacl_engines.split(",") if e]
        if arguments.dumps_only:
            results.append(measure_dumps(size, arguments.runs, work))
        else:
            results.append(
                measure_size(
                    size,
                    arguments.runs,
                    work,
                    size == arguments.endpoint,
                    engines,
                    not arguments.shacl_only,
                )
            )
        print(report(results[-1:]), flush=True)
        if arguments.json:
            arguments.json.write_text(json.dumps(results, indent=1))
    print(report(results))
    if not arguments.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
