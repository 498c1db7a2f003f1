"""Stage 4, write the search index: every resource's labels, alternative labels and names, in
every language, folded for matching, as one JSON file (``search.json``) that the search page's
script (``assets/search.js``) reads. No server and no network: the static site searches itself.

Folding lowers the case, drops diacritics and the letters that Unicode does not decompose (``ł``,
``ø`` ...), and turns every run of other characters into one space, so that "Lodz" finds "Łódź".
``assets/search.js`` folds the query the same way.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from rdflib import Literal

from innoproc.build.gather import Index, Resource
from innoproc.rdf import DCTERMS, FOAF, RDFS, SKOS, SKOSXL

INDEX = "search.json"
"""The index's path in the site."""

NAMED_BY = (
    SKOS.prefLabel,
    SKOS.altLabel,
    SKOS.hiddenLabel,
    RDFS.label,
    FOAF.name,
    DCTERMS.title,
    DCTERMS.alternative,
    SKOSXL.literalForm,
)
"""The properties whose literals a search matches."""

LETTERS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "\u0131": "i",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)
"""Letters without a Unicode decomposition, as the Latin letters they are read as (lower case:
folding lowers the case first). ``assets/search.js`` has the same table."""

KIND_ORDER = ("initiative", "organisation", "person", "event", "document", "country", "place")
"""The kinds whose resources come first among equally good matches; the others follow, and
memberships and periods (whose labels repeat the names of others) last."""
LAST = ("membership", "period", "label")


def fold(text: str) -> str:
    """``text`` as a search compares it: ``fold(" Łódź-Region ") == "lodz region"``."""
    lowered = text.casefold().translate(LETTERS)
    bare = "".join(
        c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c)
    )
    return re.sub(r"[\W_]+", " ", bare).strip()


def names(resource: Resource) -> list[str]:
    """Every distinct folded name a resource is known by, in the order of its statements."""
    out: dict[str, None] = {}
    for statement in resource.statements:
        if statement.predicate in NAMED_BY and isinstance(statement.value, Literal):
            out.setdefault(fold(str(statement.value)), None)
    return [name for name in out if name]


def rank(kind: str) -> int:
    if kind in KIND_ORDER:
        return KIND_ORDER.index(kind)
    return len(KIND_ORDER) + (1 + LAST.index(kind) if kind in LAST else 0)


def search_index(index: Index, kinds: dict[str, dict[str, str]]) -> dict[str, object]:
    """The index: the languages, each kind's name in each, and one entry per resource:
    ``[path, kind, label in each language ..., folded names joined by "|"]``, the kinds in
    :data:`KIND_ORDER`, each sorted by its path."""
    languages = list(index.config.languages)
    entries = []
    ordered = sorted(index.resources.values(), key=lambda r: (rank(r.kind), r.path))
    for resource in ordered:
        labels = [index.label(resource.iri, lang) for lang in languages]
        found = names(resource) or [fold(label) for label in labels]
        entries.append([resource.path, resource.kind, *labels, "|".join(found)])
    used = sorted({r.kind for r in ordered}, key=lambda k: (rank(k), k))
    return {
        "languages": languages,
        "kinds": {k: [kinds.get(lang, {}).get(k, k) for lang in languages] for k in used},
        "entries": entries,
    }


def write_search_index(index: Index, kinds: dict[str, dict[str, str]], out: Path) -> None:
    data = json.dumps(search_index(index, kinds), ensure_ascii=False, separators=(",", ":"))
    (out / INDEX).write_text(data + "\n", "utf-8")
