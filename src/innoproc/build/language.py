"""One language per page: which of a resource's literals a page shows, how a query answer's
labels and column headers read in the page's language.

A page in one language shows literals in that language; another language only where it has
none, and the page marks it with ``lang``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rdflib import Literal
from rdflib.term import Node

from innoproc.build.claims import Variants
from innoproc.build.gather import Index


def one_language(
    values: Sequence[tuple[Node, Any]], lang: str, languages: Sequence[str]
) -> list[tuple[Node, Any]]:
    """The values a page in ``lang`` shows: every IRI and untagged literal, and the tagged
    literals of one language only: ``lang`` if any is in it, else the first of ``languages``
    that has one, else the first other language in order."""
    tags = sorted({v.language for v, _ in values if isinstance(v, Literal) and v.language})
    if not tags:
        return list(values)
    chosen = next((t for t in (lang, *languages) if t in tags), tags[0])
    return [
        (v, x)
        for v, x in values
        if not (isinstance(v, Literal) and v.language and v.language != chosen)
    ]


def variants_in(groups: Sequence[Variants], lang: str, languages: Sequence[str]) -> list[Variants]:
    """The name variants a page in ``lang`` lists: the spellings in its language (and untagged
    ones), another language's only where a name has none in it; a name left with one form has
    no variants to show."""
    shown = (Variants(g.predicate, one_language(g.names, lang, languages)) for g in groups)
    return [g for g in shown if len(g.names) > 1]


class Labels:
    """A query answer's labels in the page's language: a tagged literal that is the label of
    exactly one node, in another language, reads as that node's label in the page's."""

    def __init__(self, index: Index) -> None:
        self.index = index
        owners: dict[tuple[str, str], set[Node]] = {}
        for node, labels in index.labels.items():
            for language, text in labels.items():
                if language:
                    owners.setdefault((text, language), set()).add(node)
        self.owner = {key: nodes.pop() for key, nodes in owners.items() if len(nodes) == 1}

    def literal(self, literal: Literal, lang: str) -> Literal:
        if not literal.language or literal.language == lang:
            return literal
        node = self.owner.get((str(literal), literal.language))
        if node is None or lang not in self.index.labels.get(node, {}):
            return literal
        return Literal(self.index.labels[node][lang], lang=lang)


def column(variable: str, names: dict[str, str]) -> str:
    """A query answer's column header: the variable's name in the page's language from
    ``ui.toml``'s ``[columns.*]``, else the variable with its words apart (``initiativeName``:
    ``initiative name``)."""
    if variable in names:
        return names[variable]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", variable).replace("_", " ")
    return words[:1].upper() + words[1:].lower()
