"""Shared fixtures and helpers: the real project loaded and built once, copies of it to break,
free loopback ports, a real Oxigraph server, and the reference files kept outside the project.

The reference files (the official DCAT-AP shapes, the page the data was read from) are not the
project's to copy in: a test that needs one skips without it, naming where to put it. In CI
(``CI`` set), where they are present, a skipped test fails instead."""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph

from innoproc.build.load import Corpus, load_project
from innoproc.build.pipeline import build
from innoproc.build.validate import data_graph
from innoproc.config import Config
from innoproc.rdf import union_store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DCAT_AP = SHARED / "reference" / "dcat-ap"
"""The official DCAT-AP 3.0.1 SHACL shapes (``shapes.ttl``, ``range.ttl`` ...)."""
PIANOO_PAGE = SHARED / "sources" / "pianoo-internationale-activiteiten.txt"
"""The text of PIANOo's page that ``data/sources/pianoo-page.trig`` models."""


def reference(path: Path) -> Path:
    """``path``, a reference file or folder kept beside the project; skips the test without it."""
    if not path.exists():
        pytest.skip(f"reference file missing: put it at {path.resolve()}")
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """In CI every test runs: a skip is a failure there."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if os.environ.get("CI") and report.skipped:
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run: {reason}"


@pytest.fixture(scope="session")
def config() -> Config:
    return Config.load(ROOT)


@pytest.fixture(scope="session")
def corpus(config: Config) -> Corpus:
    return load_project(config)


@pytest.fixture(scope="session")
def valid_graph(corpus: Corpus) -> Graph:
    return data_graph(corpus)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, config: Config) -> Path:
    """The real project, built once."""
    out = tmp_path_factory.mktemp("built") / "site"
    build(config, out)
    return out


@pytest.fixture(scope="session")
def store(corpus: Corpus) -> ox.Store:
    return union_store(corpus.statements)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's content folders and settings, to change and build."""
    for folder in ("ontology", "data", "shapes", "queries", "catalogue"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def oxigraph_binary() -> str:
    """The Oxigraph server installed with the test extra, beside this interpreter."""
    beside = Path(sys.executable).parent / "oxigraph"
    binary = str(beside) if beside.is_file() else shutil.which("oxigraph")
    assert binary, "the oxigraph package (test extra) provides the server"
    return binary


def start_oxigraph(location: Path, read_only: bool = False) -> tuple[subprocess.Popen[bytes], str]:
    """An Oxigraph server on a free loopback port, answering; returns it and its query URL."""
    port = free_port()
    command = "serve-read-only" if read_only else "serve"
    process = subprocess.Popen(
        [oxigraph_binary(), command, "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{endpoint}?query=ASK%7B%7D", timeout=2):
                return process, endpoint
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, "oxigraph did not start"
            time.sleep(0.2)


class Address(str):
    """A running server's address, which also holds its application (``app.state.site``)."""

    app: Any

    def __new__(cls, address: str, app: Any) -> Address:
        made = super().__new__(cls, address)
        made.app = app
        return made


@contextmanager
def serving(site: Path, config: Config, workers: int = 1, **settings: object) -> Iterator[Address]:
    """``innoproc serve``'s server (the same application and uvicorn settings) for the built
    ``site`` on a free loopback port, in a thread; yields its address (no trailing slash)."""
    import uvicorn

    from innoproc.serve import make_app
    from innoproc.serve.server import settings as server_settings

    served = dataclasses.replace(config, output=str(site), **settings)  # type: ignore[arg-type]
    app = make_app(served, workers)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", **server_settings(served)))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield Address(f"http://127.0.0.1:{listener.getsockname()[1]}", app)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()
