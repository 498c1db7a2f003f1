"""Shared fixtures: the real project, loaded once."""

from __future__ import annotations

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
