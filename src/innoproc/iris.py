"""One grammar for the dataset's own resource IRIs, and the one way a file's path is made from
an IRI.

Every IRI under ``{base}id/`` is ``{base}id/{kind}/{slug}``: the kind is lower-case words
joined by single hyphens (``organisation``, ``mle-topic``), the slug lower-case letters, digits
and hyphens (``pianoo``, ``innoprocur--pianoo--partner``, ``--2011``) with at least one letter
or digit, at most :data:`MAX_SLUG` characters. Anything else (``..``, ``%2e``, ``:``, ``/``,
upper case, non-ASCII letters that normalise alike) is refused before a path or a link is made
from it, so no IRI can name a file outside the site or a link that is not a page. The shapes
in ``shapes/`` check the same grammar on the data; this module is the engine's own check.

Countries are the EU Publications Office's IRIs; their pages live under ``country/{CODE}``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from innoproc.errors import InputError
from innoproc.rdf import COUNTRY

MAX_SLUG = 120
KIND = re.compile(r"[a-z]+(?:-[a-z]+)*")
SLUG = re.compile(r"[a-z0-9-]*[a-z0-9][a-z0-9-]*")
COUNTRY_CODE = re.compile(r"[A-Z]{3}")
RESERVED_KINDS = {
    "country": "the EU countries' pages live there",
    "query": "the query pages live there",
}
RESERVED_SLUGS = {"index": "each kind's listing page is index.html"}


class InvalidIri(ValueError):
    """An IRI under ``{base}id/`` that is not ``{base}id/{kind}/{slug}``; the message says
    why."""


def resource_path(base_iri: str, iri: str) -> str | None:
    """``{kind}/{slug}``, the place in the site of a resource that gets pages and files; None
    for an IRI that does not (outside ``{base}id/`` and not a country). Raises
    :class:`InvalidIri` for an IRI under ``{base}id/`` that breaks the grammar."""
    own = base_iri + "id/"
    if iri.startswith(own):
        kind, slash, slug = iri[len(own) :].partition("/")
        if not slash:
            raise InvalidIri(f"<{iri}> is not {own}{{kind}}/{{slug}}")
        check(kind, slug, iri)
        return f"{kind}/{slug}"
    if iri.startswith(COUNTRY):
        code = iri[len(COUNTRY) :]
        if COUNTRY_CODE.fullmatch(code):
            return f"country/{code}"
    return None


def check(kind: str, slug: str, iri: str) -> None:
    """Raise :class:`InvalidIri` unless ``kind`` and ``slug`` follow the grammar."""
    if not KIND.fullmatch(kind):
        raise InvalidIri(f"<{iri}>: the kind {kind!r} is not lower-case words joined by hyphens")
    if kind in RESERVED_KINDS:
        raise InvalidIri(f"<{iri}>: the kind {kind!r} is reserved ({RESERVED_KINDS[kind]})")
    if len(slug) > MAX_SLUG:
        raise InvalidIri(f"<{iri}>: the slug is longer than {MAX_SLUG} characters")
    if not SLUG.fullmatch(slug):
        raise InvalidIri(
            f"<{iri}>: the slug {slug!r} may hold only lower-case letters, digits and hyphens"
        )
    if slug in RESERVED_SLUGS:
        raise InvalidIri(f"<{iri}>: the slug {slug!r} is reserved ({RESERVED_SLUGS[slug]})")


def inside(root: Path, relative: str) -> Path:
    """``root / relative``, made sure to stay inside ``root``: the last guard before a file is
    written (``relative`` comes from checked slugs). The check is on the normalised path, with
    no look at the disk, so it costs nothing per file."""
    target = os.path.normpath(os.path.join(root, relative))
    if os.path.isabs(relative) or not target.startswith(os.path.join(root, "")):
        raise InputError(f"{relative}: this path would leave the output folder {root}")
    return Path(target)
