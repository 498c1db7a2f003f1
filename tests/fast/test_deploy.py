"""The rules written for nginx and Apache, read in order as those servers read them (here with
Python's regular expressions, which read these as PCRE does): they choose what the server's
negotiator chooses, for thousands of headers; and they are written alike every time."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from innoproc.build.deploy import Rule, accept_rules, language_rules, write_deploy
from innoproc.config import Config
from innoproc.formats import fixed_documents, resource_documents
from innoproc.serve.negotiation import language, negotiate

RANGES = ["text/*", "application/*", "*/*", "image/png", "application/json", "TEXT/Turtle"]
QUALITIES = [None, "1", "1.0", "0.9", "0.5", "0.1", "0.05", "0", "0.000", "2", "abc"]
"""One quality of each decimal the rules tell apart, and malformed ones."""
TAGS = ["nl", "en", "en-GB", "nl-BE", "en_US", "de", "fr-CA", "*", "EN"]


def chosen(rules: list[Rule], header: str) -> str | None:
    return next((r.choice for r in rules if re.search(r.pattern, header, re.IGNORECASE)), None)


def headers(values: list[str], count: int, seed: int) -> list[str]:
    """``count`` headers of one to four elements of ``values``, each at a quality or none."""
    draw = random.Random(seed)
    made = []
    for _ in range(count):
        parts = []
        for value in draw.sample(values, draw.randint(1, 4)):
            q = draw.choice(QUALITIES)
            parts.append(value if q is None else f"{value}{draw.choice([';', ' ; '])}q={q}")
        made.append(draw.choice([",", ", "]).join(parts))
    return made


@pytest.mark.parametrize(
    "offers",
    [
        [m for m, _ in resource_documents()],
        *([m for m, _ in d] for d in fixed_documents().values()),
    ],
)
def test_accept_rules_choose_what_the_server_chooses(offers: list[str]) -> None:
    rules = accept_rules(offers)
    for header in ["", " ", *headers(offers + RANGES, 1000, seed=len(offers))]:
        assert chosen(rules, header) == negotiate(header, offers), header


@pytest.mark.parametrize("languages", [("nl", "en"), ("en", "nl"), ("en-GB", "nl")])
def test_language_rules_choose_what_the_server_chooses(languages: tuple[str, ...]) -> None:
    rules = language_rules(languages)
    for header in headers(TAGS, 1000, seed=1):
        expected = language(header, languages, languages[0])
        assert (chosen(rules, header) or languages[0]) == expected, header


def test_rules_are_written_alike_every_time(tiny_config: Config, tmp_path: Path) -> None:
    first = [p.read_bytes() for p in write_deploy(tiny_config, tmp_path / "a")]
    second = [p.read_bytes() for p in write_deploy(tiny_config, tmp_path / "b")]
    assert first == second
    assert b"location = /sparql" not in first[0] and b"[P,L]" not in first[1]
