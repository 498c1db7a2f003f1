"""Configuration: every setting checked when it is read, each problem naming the setting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from innoproc.config import Config, Description
from innoproc.errors import InputError

from .conftest import PROJECT


def read(**table: Any) -> Config:
    return Config.from_table(PROJECT, table, source="pyproject.toml")


def test_defaults_are_valid() -> None:
    config = read()
    assert config.problems() == []
    assert config.dcat_ap_shapes == ""  # a clone needs nothing outside the project


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"base_iri": "https://example.org/x"}, "base_iri must be an http(s) IRI"),
        ({"base_iri": "ftp://example.org/"}, "base_iri must be an http(s) IRI"),
        ({"languages": ["nl", "en", "de"]}, "languages: no interface strings for de"),
        ({"languages": []}, "languages must name at least one language"),
        ({"languages": ["en", "en"]}, "languages must not repeat a language"),
        ({"default_language": "fr"}, "default_language must be in languages"),
        ({"release_date": "25-11-2026"}, "release_date must be a date as YYYY-MM-DD"),
        ({"release_date": "2026-02-30"}, "release_date must be a date as YYYY-MM-DD"),
        ({"query_timeout": 0}, "query_timeout must be above 0 seconds"),
        ({"row_limit": 0}, "row_limit must be at least 1"),
        ({"max_body": -1}, "max_body must be at least 1"),
        ({"workers": 0}, "workers must be at least 1"),
        ({"build_workers": -2}, "build_workers must be 0 (one per core) or more"),
        ({"shacl_engine": "rudof"}, "shacl_engine must be one of turbo, pyshacl"),
        ({"row_limit": "many"}, "row_limit must be a int"),
        ({"workers": True}, "workers must be a int"),
        ({"languages": "nl"}, "languages must be a list of strings"),
        ({"base_url": "x"}, "unknown setting 'base_url'"),
        ({"sparql_store": "localhost:7878/query"}, "sparql_store must be an http(s) URL"),
        ({"sparql_store": "ftp://store/query"}, "sparql_store must be an http(s) URL"),
        ({"sparql_store": "http://store/query?x=1"}, "sparql_store must be an http(s) URL"),
        ({"sparql_store": "http://store/q; deny all"}, "sparql_store must be an http(s) URL"),
        ({"sparql_store": 'http://store/"q'}, "sparql_store must be an http(s) URL"),
    ],
)
def test_a_bad_setting_is_named(table: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=r"^pyproject\.toml: ") as failure:
        read(**table)
    assert message in str(failure.value)


@pytest.mark.parametrize(
    "store", ["http://localhost:7878/query", "https://store.example.org/sparql", "http://[::1]"]
)
def test_a_store_url_is_read(store: str) -> None:
    assert read(sparql_store=store).sparql_store == store


def test_a_whole_number_of_seconds_is_a_float() -> None:
    assert read(query_timeout=3).query_timeout == 3.0


def test_description_is_read_for_every_language(tiny_config: Config) -> None:
    described = Description.load(tiny_config)
    assert described.dump == "dumps/tiny"
    assert described.texts["nl"]["intro"] == "Een kleine graaf om te testen."
    assert described.keywords == {"nl": ("test",), "en": ("test",)}
    assert [(ls.slug, ls.uri_space) for ls in described.linksets] == [
        ("example", "https://example.org/note")
    ]


def test_description_without_a_language_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "catalogue").mkdir()
    text = (PROJECT / "catalogue/dataset.toml").read_text()
    (tmp_path / "catalogue/dataset.toml").write_text(text.split("[en]")[0])
    config = Config.from_table(tmp_path, {})
    with pytest.raises(InputError, match=r"catalogue/dataset\.toml: no \[en\] table"):
        Description.load(config)


def test_missing_description_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"catalogue/dataset\.toml: file not found"):
        Description.load(Config.from_table(tmp_path, {}))
