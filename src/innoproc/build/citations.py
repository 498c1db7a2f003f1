"""What a citation ``[n]`` tells a reader about its source: the document's own title (or our
label of it where it has none), its publisher, and whether it is a copy or mirror of a document
published elsewhere rather than the publisher's own page. Read from the index, never the graph.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.term import Node

from innoproc.build.gather import Index
from innoproc.rdf import DCTERMS, ip


@dataclass(frozen=True)
class Citation:
    number: int
    href: str | None
    """The source's page, relative to the citing page; None for a source without one."""
    title: str
    title_lang: str | None
    """The title's language where it differs from the page's."""
    publisher: str | None
    copy: bool
    """A copy or mirror (``ip:Copy``): not the publisher's own page."""


def describe(index: Index, source: URIRef, lang: str) -> tuple[str, str | None, str | None, bool]:
    """The title, its language (if not ``lang``), the publisher's label and whether the source
    is a copy, in the page's language ``lang``."""
    resource = index.resources.get(source)
    if resource is None:
        return index.label(source, lang), None, None, False
    titles = [
        s.value
        for s in resource.statements
        if s.predicate == DCTERMS.title and isinstance(s.value, Literal)
    ]
    title = next((t for t in titles if t.language == lang), titles[0] if titles else None)
    publishers = [s.value for s in resource.statements if s.predicate == DCTERMS.publisher]
    copy = ip(index.config.base_iri).Copy in resource.types
    if title is None:
        return index.label(source, lang), None, _publisher(index, publishers, lang), copy
    language = title.language if title.language and title.language != lang else None
    return str(title), language, _publisher(index, publishers, lang), copy


def _publisher(index: Index, publishers: list[Node], lang: str) -> str | None:
    if not publishers:
        return None
    return ", ".join(index.label(p, lang) for p in publishers)
