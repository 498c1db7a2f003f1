"""The releases as pages: per release a changelog grouped by resource (new resources, removed
resources, changed values with the old and the new side by side, each with its source), a
list of the releases, and the history a resource page shows (``_history.html``).

Everything here is computed once from the releases' differences (:mod:`.release`), before the
pages are written; a page only reads it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from innoproc.build.diff import Diff
from innoproc.build.page import Page
from innoproc.build.release import Release, Releases
from innoproc.iris import inside
from innoproc.rdf import DCTERMS, FOAF, SKOS, choose, from_ox

if TYPE_CHECKING:
    from innoproc.build.render import Renderer

LABELS = (SKOS.prefLabel, FOAF.name, DCTERMS.title)


@dataclass
class Row:
    """One property of a resource in one source, as a release changed it."""

    predicate: Node
    source: Node | None
    old: list[Node] = field(default_factory=list)
    new: list[Node] = field(default_factory=list)


@dataclass
class Entry:
    """What one release changed of one resource."""

    iri: URIRef
    status: str
    """``new``, ``removed`` or ``changed``."""
    rows: list[Row]
    labels: list[Literal]
    """The labels the statements added or removed give it (for a resource no longer there)."""


@dataclass
class Change:
    """One release and what it changed, resource by resource (new, removed, changed)."""

    release: Release
    previous: str
    entries: dict[URIRef, Entry]
    added: int
    removed: int

    def of(self, status: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.status == status]


class History:
    """The releases, and what each changed; empty for a site without releases."""

    def __init__(self, releases: Releases | None = None) -> None:
        self.releases: list[Release] = list(releases.found) if releases else []
        self.cited = releases.cited() if releases else ""
        """The IRI a citation of the configured version names (:meth:`Releases.cited`)."""
        self.changes: list[Change] = []
        for before, item in zip(self.releases, self.releases[1:], strict=False):
            assert releases is not None
            diff = releases.diffs[item.version]
            entries = _entries(diff)
            self.changes.append(
                Change(item, before.version, entries, len(diff.added), len(diff.removed))
            )
        self._by_iri: dict[URIRef, list[tuple[Change, Entry]]] = defaultdict(list)
        for change in reversed(self.changes):
            for iri, entry in change.entries.items():
                self._by_iri[iri].append((change, entry))

    def of(self, iri: Node) -> list[tuple[Change, Entry]]:
        """What each release changed of the resource ``iri``, the latest first."""
        return self._by_iri.get(iri, [])  # type: ignore[call-overload, no-any-return]

    def change(self, version: str) -> Change | None:
        return next((c for c in self.changes if c.release.version == version), None)


def _entries(diff: Diff) -> dict[URIRef, Entry]:
    new, gone, _ = diff.resources()
    rows: dict[URIRef, dict[tuple[str, str], Row]] = defaultdict(dict)
    labels: dict[URIRef, list[Literal]] = defaultdict(list)
    for quads, side in ((diff.removed, "old"), (diff.added, "new")):
        for quad in sorted(quads, key=str):
            if not isinstance(quad.subject, ox.NamedNode):
                continue
            subject = URIRef(quad.subject.value)
            graph = quad.graph_name
            source = from_ox(graph) if isinstance(graph, ox.NamedNode) else None
            key = (quad.predicate.value, str(graph))
            row = rows[subject].setdefault(key, Row(from_ox(quad.predicate), source))
            value = from_ox(quad.object)
            getattr(row, side).append(value)
            if from_ox(quad.predicate) in LABELS and isinstance(value, Literal):
                labels[subject].append(value)
    status = {URIRef(i): "new" for i in new} | {URIRef(i): "removed" for i in gone}
    return {
        iri: Entry(iri, status.get(iri, "changed"), list(found.values()), labels[iri])
        for iri, found in sorted(rows.items())
    }


def label(page: Page, entry: Entry) -> str:
    """The resource's label on ``page``: the site's, else the one its changed statements give,
    else its IRI."""
    if entry.iri in page.renderer.index.resources:
        return page.label(entry.iri)
    chosen = choose(entry.labels, page.lang, page.renderer.config.languages)
    return str(chosen) if chosen is not None else str(entry.iri)


def write_changelog(renderer: Renderer, out: Path) -> None:
    """The list of the renderer's releases and each release's changelog, in every language."""
    history = renderer.history
    if not history.releases:
        return
    for lang in renderer.config.languages:
        path = f"{lang}/releases/index.html"
        pages = [(path, "releases.html", {"here": "releases/index.html", "history": history})]
        for change in history.changes:
            version = change.release.version
            here = f"releases/{version}.html"
            context = {"here": here, "change": change, "label": label}
            pages.append((f"{lang}/{here}", "changelog.html", context))
        for file, template, context in pages:
            page = Page(renderer, lang, file)
            target = inside(out, file)
            target.parent.mkdir(parents=True, exist_ok=True)
            canonical = renderer.config.base_iri + file
            html = renderer._render(template, page, canonical=canonical, **context)
            target.write_text(html, "utf-8")
