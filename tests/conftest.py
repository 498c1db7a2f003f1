"""Shared fixtures and helpers: the real project loaded and built once, copies of it to break,
free loopback ports, and a real Oxigraph server."""

from __future__ import annotations

import dataclasses
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

import pyoxigraph as ox
import pytest
from rdflib import Graph

from innoproc.build import build
from innoproc.config import Config
from innoproc.load import Corpus, load
from innoproc.query import store_of
from innoproc.validate import data_graph

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def config() -> Config:
    return Config.load(ROOT)


@pytest.fixture(scope="session")
def corpus(config: Config) -> Corpus:
    return load(config)


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
    return store_of(corpus.dataset)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's content folders and settings, to change and build."""
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shapes = (ROOT / "../shared/reference/dcat-ap").resolve()
    settings = (ROOT / "pyproject.toml").read_text()
    settings = settings.replace(
        "[tool.innoproc]\n", f'[tool.innoproc]\ndcat_ap_shapes = "{shapes}"\n'
    )
    (tmp_path / "pyproject.toml").write_text(settings)
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


@contextmanager
def serving(site: Path, config: Config, workers: int = 1, **settings: object) -> Iterator[str]:
    """``innoproc serve``'s server for the built ``site`` on a free loopback port, in a thread;
    yields its address (no trailing slash)."""
    from innoproc.serve import make_server

    httpd = make_server(
        dataclasses.replace(config, output=str(site), **settings),  # type: ignore[arg-type]
        "127.0.0.1",
        0,
        workers,
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
