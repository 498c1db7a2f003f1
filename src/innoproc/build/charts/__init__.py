"""Charts drawn at build time from the gathered index, as inline SVG with a text alternative
and a table behind: timelines (:mod:`.timeline`), the map of participating countries per
source (:mod:`.europe`) and the matrix of who takes part in what (:mod:`.matrix`).

:class:`Charts` reads the index once for what does not depend on a page (the periods' spans,
the events of each initiative, the countries' codes); each page then only picks its rows and
lays them out in its language. Everything is sorted and rounded: the same input draws the
same bytes.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from innoproc.build.charts.dates import Span, extent, span
from innoproc.build.charts.europe import COLOURS, Country, Map, Panel, code_of, make_map
from innoproc.build.charts.matrix import Head, Matrix, make_matrix
from innoproc.build.charts.timeline import Entry, Timeline, layout
from innoproc.build.depends import Tracked, note
from innoproc.build.gather import Index, Resource
from innoproc.rdf import COUNTRY, DCAT, DCTERMS, SKOS, SKOSXL, ip

if TYPE_CHECKING:
    from innoproc.build.page import Page

__all__ = ["Charts", "Map", "Matrix", "Timeline"]

MAX_DESCRIBED = 20
"""How many rows a chart's text alternative names before it refers to the table."""


class Charts:
    def __init__(self, index: Index) -> None:
        self.index = index
        self.vocab = ip(index.config.base_iri)

    # ------------------------------------------------------------------ read once

    @cached_property
    def spans(self) -> dict[Node, Span]:
        """Each period's span, from ``dcat:startDate`` and ``dcat:endDate``."""
        out: dict[Node, Span] = {}
        for resource in self.index.resources.values():
            dates = {s.predicate: s.value for s in resource.statements}
            found = span(dates.get(DCAT.startDate), dates.get(DCAT.endDate))
            if found is not None:
                out[resource.iri] = found
        return Tracked(out)

    @cached_property
    def events(self) -> dict[Node, list[Resource]]:
        """Each initiative's events (``dcterms:isPartOf``), in IRI order."""
        out: dict[Node, list[Resource]] = defaultdict(list)
        for resource in self.index.resources.values():
            if resource.kind == "event":
                for s in resource.statements:
                    if s.predicate == DCTERMS.isPartOf:
                        out[s.value].append(resource)
        return Tracked(out)

    @cached_property
    def codes(self) -> dict[Node, str | None]:
        """Each country's ISO 3166-1 alpha-3 code, from its ``skos:notation``."""
        return Tracked(
            {
                r.iri: code_of([str(s.value) for s in r.statements if s.predicate == SKOS.notation])
                for r in self.index.resources.values()
                if str(r.iri).startswith(COUNTRY)
            }
        )

    @cached_property
    def now(self) -> float | None:
        """Where open-ended rows stop: the release date, if the project gives one."""
        date = self.index.config.release_date
        found = extent(Literal(date, datatype=XSD.date)) if date else None
        return found[1] if found else None

    def prepare(self) -> None:
        """Read the whole graph's periods, events and codes before pages are rendered: once,
        shared by forked workers, and not noted as every page reading every node (each page's
        lookups in them are, see :mod:`innoproc.build.depends`)."""
        _ = self.spans, self.events, self.codes, self.now

    # ------------------------------------------------------------------ per page

    def timeline(self, page: Page, resource: Resource) -> Timeline | None:
        """An initiative's periods and events; anyone else's names over time and the
        memberships that have a period. None with fewer than two rows in time: one period
        alone is in the summary and the tables already."""
        if self.vocab.Initiative in resource.types:
            entries = self._periods(page, resource, "period", page.label(resource.iri), None)
            for event in self.events.get(resource.iri, []):
                note(event.iri)  # its periods are read below
                href = page.page_of(event.path)
                entries += self._periods(page, event, "event", page.label(event.iri), href)
            return layout(entries, self.now) if _rows_in_time(entries) > 1 else None
        entries = []
        for s in resource.statements:
            name = self.index.resources.get(s.value)  # type: ignore[call-overload]
            if s.predicate == SKOSXL.altLabel and name is not None:
                forms = [x.value for x in name.statements if x.predicate == SKOSXL.literalForm]
                text = str(forms[0]) if forms else page.label(name.iri)
                entries += self._periods(page, name, "name", text, page.page_of(name.path))
        for m in self.index.memberships_of(resource.iri):
            if m.member == resource.iri and m.period is not None and m.organization is not None:
                text = page.label(m.organization)
                if m.role is not None:
                    text += f" ({page.label(m.role)})"
                where = self.index.resources.get(m.organization)  # type: ignore[call-overload]
                link = page.page_of(where.path) if where else None
                entries.append(self._entry(page, "membership", text, link, m.period))
        return layout(entries, self.now) if _rows_in_time(entries) > 1 else None

    def graph_timeline(self, page: Page, initiatives: list[Resource]) -> Timeline | None:
        """Every initiative: a bar for each of its periods, a mark for each of its events."""
        entries = []
        for initiative in initiatives:
            marks = []
            for event in self.events.get(initiative.iri, []):
                for s in event.statements:
                    found = self.spans.get(s.value) if s.predicate == DCTERMS.temporal else None
                    if found is not None:
                        marks.append((found.known, page.label(event.iri)))
            text, href = page.label(initiative.iri), page.page_of(initiative.path)
            periods = self._periods(page, initiative, "period", text, href)
            for entry in periods or [Entry("period", text, href, "", None)]:
                entries.append(
                    Entry(entry.kind, text, href, entry.when, entry.span, tuple(sorted(marks)))
                )
        return layout(entries, self.now)

    def map(self, page: Page, resource: Resource) -> Map | None:
        """The countries each source names as members, and the counts each source states."""
        named: dict[URIRef, set[Node]] = defaultdict(set)
        for m in self.index.memberships_of(resource.iri):
            if m.organization == resource.iri and str(m.member).startswith(COUNTRY):
                for source in m.sources:
                    named[source].add(m.member)  # type: ignore[arg-type]
        if not named:
            return None
        stated: dict[URIRef, list[str]] = defaultdict(list)
        for s in resource.statements:
            if s.predicate == self.vocab.participatingCountryCount:
                for source in s.sources:
                    stated[source].append(str(s.value))
        panels: list[Panel] = []
        for source in sorted(set(named) | set(stated), key=str):
            countries = [self._country(page, c) for c in named.get(source, set())]
            panels.append(
                Panel(
                    number=page.cite([source])[0],
                    text=page.label(source),
                    colour=COLOURS[len(panels) % len(COLOURS)],
                    countries=sorted(countries, key=lambda c: (c.text.casefold(), c.code or "")),
                    stated=sorted(stated.get(source, [])),
                )
            )
        return make_map(panels)

    def network(self, page: Page, resource: Resource) -> Matrix | None:
        """Who takes part in this, in which role; else where this takes part, in which role.
        None for a single membership: the memberships table says it."""
        memberships = self.index.memberships_of(resource.iri)
        side = [m for m in memberships if m.organization == resource.iri]
        triples = [
            (self._head(page, m.member), role, role)
            for m in side
            if m.member is not None and m.role is not None
            for role in [self._head(page, m.role)]
        ]
        if not triples:
            triples = [
                (self._head(page, m.organization), role, role)
                for m in memberships
                if m.member == resource.iri and m.organization is not None and m.role is not None
                for role in [self._head(page, m.role)]
            ]
        return make_matrix(triples) if len(triples) > 1 else None

    def graph_network(self, page: Page) -> Matrix | None:
        """Every organisation against every initiative it takes part in, by role."""
        kinds = {iri: r.kind for iri, r in self.index.resources.items()}
        triples = [
            (
                self._head(page, m.member),
                self._head(page, m.organization),
                self._head(page, m.role),
            )
            for m in self.index.memberships
            if m.member is not None and m.organization is not None and m.role is not None
            if kinds.get(m.member) == "organisation"  # type: ignore[call-overload]
            and kinds.get(m.organization) == "initiative"  # type: ignore[call-overload]
        ]
        return make_matrix(triples)

    # ------------------------------------------------------------------ helpers

    def _periods(
        self, page: Page, resource: Resource, kind: str, text: str, href: str | None
    ) -> list[Entry]:
        return [
            self._entry(page, kind, text, href, s.value)
            for s in resource.statements
            if s.predicate == DCTERMS.temporal
        ]

    def _entry(self, page: Page, kind: str, text: str, href: str | None, period: Node) -> Entry:
        return Entry(kind, text, href, page.label(period), self.spans.get(period))

    def _head(self, page: Page, node: Node) -> Head:
        found = self.index.resources.get(node)  # type: ignore[call-overload]
        return Head(page.label(node), page.page_of(found.path) if found else None)

    def _country(self, page: Page, node: Node) -> Country:
        found = self.index.resources.get(node)  # type: ignore[call-overload]
        return Country(
            code=self.codes.get(node),
            text=page.label(node),
            href=page.page_of(found.path) if found else None,
        )

    @staticmethod
    def described(texts: list[str]) -> str:
        """The first :data:`MAX_DESCRIBED` of ``texts``, joined for a text alternative."""
        shown = "; ".join(texts[:MAX_DESCRIBED])
        return shown + ("; …" if len(texts) > MAX_DESCRIBED else "")


def _rows_in_time(entries: list[Entry]) -> int:
    """How many of a timeline's ``entries`` have a time (the others are not drawn)."""
    return sum(1 for e in entries if e.span is not None or e.marks)
