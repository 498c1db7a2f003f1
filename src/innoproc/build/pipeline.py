"""The whole pipeline: the stages of :mod:`innoproc.build` in order, then the site swapped in.

The new site is written into a fresh folder beside the output folder and swapped in only once
it is complete, so a failed build leaves the previous site as it was.
"""

from __future__ import annotations

import gc
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from innoproc import formats
from innoproc.build import cite
from innoproc.build.catalogue import catalogue, codes, dcat_ap_violations
from innoproc.build.changelog import History, write_changelog
from innoproc.build.depends import note, recording
from innoproc.build.deploy import write_deploy
from innoproc.build.dump import prefixes, write_description, write_dumps, write_graph
from innoproc.build.gather import gather
from innoproc.build.incremental import Cache, fingerprint
from innoproc.build.load import load_project
from innoproc.build.parallel import in_parallel
from innoproc.build.release import Releases
from innoproc.build.render import Renderer, write_pages
from innoproc.build.validate import (
    changed_statements,
    validate,
    validate_again,
    write_report,
)
from innoproc.build.void import void
from innoproc.clients.store import read_store
from innoproc.config import Config
from innoproc.errors import InputError
from innoproc.query import execute, load_queries


class BuildFailed(Exception):
    """The data does not conform, or strict mode found problems: the message lists them."""


@dataclass
class Built:
    out: Path
    files: int
    problems: list[str] = field(default_factory=list)
    """Missing labels, dangling links and shape warnings (strict mode fails on any)."""
    reused: int = 0
    """The pages and descriptions taken unchanged from the previous site."""
    validated_again: bool = False
    """Validated from the previous site's report, only what the data's changes reach."""


STAGES = ("load", "validate", "index", "pages", "resources", "dumps", "catalogue", "deploy")
"""The steps of a build, in order, as ``--timings`` names them: stage 1 (``load``), 2
(``validate``), 3 (``index``: gather, and answer the questions), 4 (``pages``, ``resources`` and
``dumps``), 5 (``catalogue``) and 6 (``deploy``: the rules for nginx and Apache, and the new
site swapped in). ``build`` reports the end of each to its ``done`` callback."""


def build(
    config: Config,
    out: Path | None = None,
    strict: bool = False,
    done: Callable[[str], None] = lambda stage: None,
    endpoint: str | None = None,
    release: bool = False,
    incremental: bool = True,
) -> Built:
    """Build the site into ``out`` (default: the configured output folder), from the files
    of ``data/`` or, given an ``endpoint``, from the sources' graphs in that SPARQL store.
    ``done`` is told the end of each stage (:data:`STAGES`), and of each graph read from a
    store (``"graph <iri>"``). With ``release``, the site is also the release of the configured
    version (:mod:`innoproc.build.release`); every build keeps the earlier releases it finds.
    With ``incremental``, pages and files that the data's changes since the previous build
    cannot reach are taken from the previous site (:mod:`innoproc.build.incremental`); the
    site is the same bytes either way.

    What a build gathers (the corpus, the index) lives until the build ends: it is frozen out
    of the garbage collector's reach as it is made, and let go here. A full collection walks
    every object, and the collector runs one whenever enough new objects have outlived the
    young generations: a build of 100k triples made 31 of them, over up to 1.8 million
    objects, 11 s in all. Frozen, they are walked by no collection, in this process or in the
    forked ones that share their memory."""
    try:
        return _build(config, out, strict, done, endpoint, release, incremental)
    finally:
        gc.unfreeze()


def _build(
    config: Config,
    out: Path | None,
    strict: bool,
    done: Callable[[str], None],
    endpoint: str | None,
    release: bool,
    incremental: bool,
) -> Built:
    target = (out or config.path(config.output)).resolve()
    # a release's pages and a store's graphs are not what the cache describes: such a build
    # neither reuses nor records; a clean one (not ``incremental``) records for the next
    from_files = not release and endpoint is None
    cache = Cache(config, target, enabled=incremental and from_files)
    sources = read_store(config, endpoint, lambda g: done(f"graph <{g}>")) if endpoint else None
    corpus = load_project(config, sources)
    gc.freeze()
    done("load")
    workers = config.processes
    report = None
    previous, lines = cache.report(), cache.changes(corpus)
    if previous is not None and lines is not None:
        report = validate_again(corpus, previous, changed_statements(corpus, lines))
    if report is None:
        report = validate(corpus, workers=workers)
    done("validate")
    if not report.conforms:
        raise BuildFailed(report.text())
    index = gather(corpus)
    gc.freeze()
    problems = index.problems + [f.text() for f in report.warnings]
    if strict and problems:
        raise BuildFailed(
            "\n".join(problems) + f"\nStrict mode: {len(problems)} problem(s), nothing written."
        )
    store = corpus.store
    queries = load_queries(config.path(config.queries_dir))
    answers = {q.name: (q, execute(store, q, config.base_iri)) for q in queries}
    renderer = Renderer(index, answers, corpus.description)
    releases = Releases.find(corpus, target, release)
    renderer.history = History(releases)
    renderer.prepare()
    namespaces = prefixes(corpus)
    cache.compare(corpus, fingerprint(index, renderer.terms, namespaces, releases))
    gc.freeze()
    done("index")

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    except OSError as exc:
        raise InputError(f"{target}: cannot write the site there ({exc.strerror})") from exc
    try:
        described = {f"id/{r.path}": r for r in index.resources.values()}
        kept = cache.kept([path for path, _ in renderer.pages()] + list(described))
        cache.link(kept, fresh)
        read: dict[str, list[str]] = {}
        for written in in_parallel(partial(write_pages, renderer, fresh, kept=kept), workers):
            read.update(written)
        write_changelog(renderer, fresh)
        done("pages")
        to_describe = [(unit, r) for unit, r in described.items() if unit not in kept]

        def describe_share(share: int, shares: int) -> dict[str, list[str]]:
            out = {}
            for unit, resource in to_describe[share::shares]:
                with recording() as nodes:
                    note(resource.iri)
                    write_description(index, resource, fresh, namespaces)
                out[unit] = sorted(nodes)
            return out

        for written in in_parallel(describe_share, workers):
            read.update(written)
        done("resources")
        write_dumps(corpus, fresh)
        releases.write(fresh)
        cite.write(
            config,
            corpus.description,
            fresh,
            config.version,
            config.release_date,
            releases.cited(),
        )
        done("dumps")
        # Every RDF file is written by Oxigraph's serialisers but these three, which hold blank
        # nodes (the shapes' property lists, the report's results): Oxigraph writes a blank
        # node by its label, new on every parse (the shapes come out with 222 labels that
        # differ from build to build), while rdflib's Turtle writer nests them, the same bytes
        # every time.
        (fresh / "ontology.ttl").write_text(corpus.ontology.serialize(format="turtle"), "utf-8")
        (fresh / "shapes.ttl").write_text(corpus.shapes.serialize(format="turtle"), "utf-8")
        write_report(report, fresh / "validation-report.ttl")
        catalogued = catalogue(corpus, fresh)
        releases.describe(catalogued, fresh)
        failures: dict[str, list[str]] = {}
        if config.dcat_ap_shapes:
            try:
                shapes = config.path(config.dcat_ap_shapes)
                found = dcat_ap_violations(catalogued, shapes, codes(corpus))
                failures = {k: v for k, v in found.items() if v}
            except FileNotFoundError as exc:
                problems.append(f"{exc}; the catalogue was not checked against DCAT-AP")
        if failures:
            listed = "\n".join(f"{profile}: {m}" for profile, ms in failures.items() for m in ms)
            raise BuildFailed(f"The catalogue does not conform to DCAT-AP:\n{listed}")
        if strict and problems:
            raise BuildFailed(
                "\n".join(problems) + f"\nStrict mode: {len(problems)} problem(s), nothing written."
            )
        turtle, jsonld = formats.by_name("turtle"), formats.by_name("jsonld")
        rdfxml = formats.by_name("rdfxml")
        assert turtle is not None and jsonld is not None and rdfxml is not None
        for fmt in (turtle, jsonld, rdfxml):
            write_graph(catalogued, fresh / f"catalog.{fmt.extension}", fmt)
        write_graph(void(corpus), fresh / "void.ttl", turtle)
        releases.finish(fresh)
        done("catalogue")
        deployed = write_deploy(config, fresh)
        # mkdtemp made the new site's folder private: it takes the mode of the folders made in
        # it (the umask's), so that a web server reads the site's root as it reads the rest.
        fresh.chmod(stat.S_IMODE(deployed[0].parent.stat().st_mode))
        cache.forget()
        _swap(fresh, target)
        if from_files:
            cache.record(corpus, read, kept, report.graph)
        done("deploy")
    except OSError as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        raise InputError(f"{target}: cannot write the site ({exc})") from exc
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    # the folders' listings tell files from folders without a look at each file
    count = sum(len(names) for _, _, names in os.walk(target))
    return Built(
        out=target,
        files=count,
        problems=problems,
        reused=len(kept),
        validated_again=report.again,
    )


def _swap(fresh: Path, target: Path) -> None:
    """Put ``fresh`` where ``target`` is, moving the old site aside first. The old site is
    removed by a process of its own, so that the build need not wait for its files to go."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        old.rmdir()
        target.rename(old)
    fresh.rename(target)
    if old is not None:
        subprocess.Popen(
            [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], True)", old],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
