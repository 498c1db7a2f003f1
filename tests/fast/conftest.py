"""The fast tier: the pure parts of the engine, on a project of a few dozen triples
(``tests/fast/project``). ``pytest tests/fast`` (or ``pytest -m fast``) runs it in seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

from innoproc.build.gather import Index, gather
from innoproc.build.load import Corpus, load_project
from innoproc.config import Config

PROJECT = Path(__file__).resolve().parent / "project"
BASE = "https://example.org/tiny/"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.fast)


@pytest.fixture(scope="session")
def tiny_config() -> Config:
    return Config.load(PROJECT)


@pytest.fixture(scope="session")
def tiny(tiny_config: Config) -> Corpus:
    return load_project(tiny_config)


@pytest.fixture(scope="session")
def tiny_index(tiny: Corpus) -> Index:
    return gather(tiny)
