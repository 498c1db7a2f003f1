"""Content and language negotiation, with werkzeug's parsers of ``Accept`` and
``Accept-Language`` (q-values, wildcards, and a language's region falling back to the
language)."""

from __future__ import annotations

from collections.abc import Sequence

from werkzeug.datastructures import LanguageAccept, MIMEAccept
from werkzeug.http import parse_accept_header


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the ``Accept`` header likes best (by quality, then by how specific the range
    that matched it is; ties go to the earlier offer); with no header, the first offer; None
    when the header accepts none of them."""
    if not offers:
        return None
    if not accept or not accept.strip():
        return offers[0]
    best: str | None = parse_accept_header(accept, MIMEAccept).best_match(offers)
    return best


def language(accept_language: str | None, languages: Sequence[str], default: str) -> str:
    """The language of ``languages`` that ``Accept-Language`` likes best, else ``default``."""
    if not accept_language:
        return default
    chosen: str | None = parse_accept_header(accept_language, LanguageAccept).best_match(
        languages, default=default
    )
    return chosen or default
