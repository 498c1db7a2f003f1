"""Stage 4, the pages that find things: each kind's A-Z listing (a sortable table for the kinds
with fields, see :mod:`innoproc.build.facets`), a page per facet, the search page, the About
page, and the 404 page. Like every page they only read the gathered index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from markupsafe import Markup

from innoproc.build.depends import note_all
from innoproc.build.facets import Field, fields, group, initial, sort_key
from innoproc.build.gather import Resource
from innoproc.build.page import Page, Value
from innoproc.build.search import INDEX, fold

if TYPE_CHECKING:
    from innoproc.build.render import Renderer


@dataclass
class Cell:
    values: list[Value]
    sort: str
    """What the column sorts by (``data-sort``): ISO dates, folded labels."""


@dataclass
class Row:
    resource: Resource
    label: str
    letter: str
    first: bool
    """True for the first row of its letter (the A-Z index's target)."""
    cells: list[Cell]


class Browse:
    """The pages of one language that find things."""

    def __init__(self, renderer: Renderer, kinds: dict[str, list[Resource]]) -> None:
        self.renderer = renderer
        self.index = renderer.index
        self.kinds = kinds
        self.fields = fields(self.index.config.base_iri)

    def pages(self, lang: str) -> list[tuple[str, Callable[[], str]]]:
        out: list[tuple[str, Callable[[], str]]] = []
        for kind, members in self.kinds.items():
            path = f"{lang}/{kind}/index.html"
            out.append(
                (path, partial(self.listing, Page(self.renderer, lang, path), kind, members))
            )
            for field in self.fields.get(kind, ()):
                if field.facet:
                    path = f"{lang}/{kind}/by-{field.name}.html"
                    page = Page(self.renderer, lang, path)
                    out.append((path, partial(self.facet, page, kind, members, field)))
        for name in ("search", "about"):
            path = f"{lang}/{name}.html"
            out.append((path, partial(getattr(self, name), Page(self.renderer, lang, path))))
        return out

    def _render(self, template: str, page: Page, here: str, **context: object) -> str:
        note_all()  # a listing's members were gathered before the page: it reads every node
        canonical = self.index.config.base_iri + page.path
        return self.renderer._render(template, page, here=here, canonical=canonical, **context)

    def kind_name(self, lang: str, kind: str) -> str:
        return self.renderer.kinds[lang].get(kind, kind)

    def facets(self, kind: str) -> list[Field]:
        return [f for f in self.fields.get(kind, ()) if f.facet]

    def listing(self, page: Page, kind: str, members: list[Resource]) -> str:
        shown = [f for f in self.fields.get(kind, ()) if f.shown]
        labelled = sorted(((fold(page.label(r.iri)), page.label(r.iri), r) for r in members),
                          key=lambda row: (row[0], str(row[2].iri)))  # fmt: skip
        rows, letters = [], []
        for _, label, resource in labelled:
            letter = initial(label)
            cells = [self._cell(page, field, resource) for field in shown]
            rows.append(Row(resource, label, letter, letter not in letters, cells))
            if letter not in letters:
                letters.append(letter)
        return self._render(
            "listing.html",
            page,
            f"{kind}/index.html",
            kind=kind,
            kind_name=self.kind_name(page.lang, kind),
            columns=[f.name for f in shown],
            facets=[f.name for f in self.facets(kind)],
            rows=rows,
            letters=letters,
        )

    def _cell(self, page: Page, field: Field, resource: Resource) -> Cell:
        values = field.values(self.index, resource)
        keys = sorted(sort_key(self.index, v, page.lang) for v in values)
        return Cell([page.value(v) for v in values], " ".join(keys))

    def facet(self, page: Page, kind: str, members: list[Resource], field: Field) -> str:
        groups = group(self.index, members, field, page.lang)
        return self._render(
            "facet.html",
            page,
            f"{kind}/by-{field.name}.html",
            kind=kind,
            kind_name=self.kind_name(page.lang, kind),
            field=field.name,
            facets=[f.name for f in self.facets(kind)],
            groups=[
                (
                    page.value(g.value) if g.value is not None else None,
                    sorted(g.members, key=lambda r: (fold(page.label(r.iri)), str(r.iri))),
                )
                for g in groups
            ],
        )

    def search(self, page: Page) -> str:
        kinds = [(k, self.kind_name(page.lang, k), len(m)) for k, m in self.kinds.items()]
        return self._render(
            "search.html",
            page,
            "search.html",
            search_index=page.url(INDEX),
            kinds=sorted(kinds, key=lambda k: fold(k[1])),
        )

    def about(self, page: Page) -> str:
        return self._render(
            "about.html",
            page,
            "about.html",
            dataset=self.renderer.description,
            sources=sorted(self.index.sources, key=lambda s: fold(page.label(s))),
            counts=sum(len(m) for m in self.kinds.values()),
        )


class RootPage:
    """The 404 page: served for any missing path, so it links from the site's root."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.lang, self.path, self.t = page.lang, page.path, page.t

    def url(self, target: str) -> str:
        return "/" + target

    def alternates(self, here: str) -> list[tuple[str, str, str]]:
        return []

    def navigation(self) -> Markup:
        renderer = self.page.renderer
        return renderer.navigation_html(self, renderer.links)  # type: ignore[arg-type]


def not_found(renderer: Renderer, page: Page) -> str:
    """The 404 page, in every language (the default one first)."""
    config = renderer.config
    ordered = sorted(config.languages, key=lambda lang: lang != config.default_language)
    return renderer._render(
        "404.html",
        RootPage(page),  # type: ignore[arg-type]
        here="index.html",
        canonical=config.base_iri + "404.html",
        texts=[(lang, renderer.ui[lang]) for lang in ordered],
    )
