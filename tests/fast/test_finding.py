"""The search index and the facets, on the tiny project."""

from __future__ import annotations

import pytest

from innoproc.build.facets import initial
from innoproc.build.gather import Index
from innoproc.build.search import fold, search_index


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Łódź", "lodz"),
        ("  PIANOo (NL) ", "pianoo nl"),
        ("Ørsted\u2013Ærø", "orsted aero"),
        ("Straße", "strasse"),
        ("İstanbul", "istanbul"),
        ("São Paulo", "sao paulo"),
    ],
)
def test_fold_drops_case_diacritics_and_punctuation(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_initial_letters() -> None:
    assert [initial(t) for t in ("Łódź", "ärzte", "2017 visit", "")] == ["L", "A", "#", "#"]


def test_the_search_index_holds_every_resource_once(tiny_index: Index) -> None:
    data = search_index(tiny_index, {"en": {}, "nl": {}})
    assert data["languages"] == list(tiny_index.config.languages)
    entries = data["entries"]
    assert isinstance(entries, list)
    assert sorted(e[0] for e in entries) == sorted(r.path for r in tiny_index.resources.values())
    for entry in entries:
        assert len(entry) == 3 + len(tiny_index.config.languages)
        names = entry[-1].split("|")
        assert names and all(name and name == fold(name) for name in names), entry
    assert search_index(tiny_index, {"en": {}, "nl": {}}) == data
