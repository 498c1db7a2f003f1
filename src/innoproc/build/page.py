"""One page as it is rendered: its language, its place in the site, the sources it cites and
the values it shows, each rendered once per page (see :class:`Page`); and the relative links
between pages, which keep the site working under any path."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from markupsafe import Markup
from rdflib import Literal, URIRef
from rdflib.term import Node

from innoproc.build.citations import Citation, describe
from innoproc.build.gather import linkable

if TYPE_CHECKING:
    from innoproc.build.render import Renderer


def relative_url(page: str, target: str) -> str:
    """The relative link from the file ``page`` to the file ``target``, both paths from the
    site's root: ``relative_url("en/initiative/a.html", "en/index.html") == "../index.html"``."""
    here = page.split("/")[:-1]
    there = target.split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    return "../" * (len(here) - common) + "/".join(there[common:])


@dataclass
class Value:
    """A value as a page shows it."""

    text: str
    href: str | None = None
    lang: str | None = None
    external: bool = False


@dataclass
class Page:
    """One page being rendered: its language, its place in the site, and the sources it cites."""

    renderer: Renderer
    lang: str
    path: str
    """The page's file, relative to the site root: ``en/initiative/innoprocur.html``."""
    cited: list[URIRef] = field(default_factory=list)
    anchors: dict[URIRef, Markup] = field(default_factory=dict)
    """Each cited source's citation as rendered on this page (its number does not change)."""
    shown: dict[Node, Markup] = field(default_factory=dict)
    """Each node as rendered on this page, by :meth:`html`."""
    shown_as: dict[tuple[URIRef, Node], Markup] = field(default_factory=dict)
    """Each value of a property as rendered on this page, by :meth:`html_of`."""

    @property
    def t(self) -> dict[str, str]:
        return self.renderer.ui[self.lang]

    def url(self, target: str) -> str:
        """A relative link from this page to ``target`` (a file's path from the site root)."""
        return relative_url(self.path, target)

    def page_of(self, path: str, lang: str | None = None) -> str:
        return self.url(f"{lang or self.lang}/{path}.html")

    def label(self, node: Node) -> str:
        return self.renderer.index.label(node, self.lang)

    def value(self, node: Node) -> Value:
        index = self.renderer.index
        if isinstance(node, Literal):
            lang = node.language if node.language and node.language != self.lang else None
            return Value(text=str(node), lang=lang)
        resource = index.resources.get(node)  # type: ignore[call-overload]
        if resource is not None:
            return Value(text=self.label(node), href=self.page_of(resource.path))
        if node in self.renderer.terms:
            return Value(
                text=self.label(node),
                href=self.url(f"{self.lang}/ontology.html") + "#" + str(node).rsplit("#", 1)[-1],
            )
        text = self.label(node) if node in index.labels else str(node)
        if text == str(node):
            text = self.renderer.layout.register(text) or text
        if linkable(node):
            return Value(text=text, href=str(node), external=True)
        return Value(text=text)

    def cite(self, sources: Iterable[URIRef]) -> list[int]:
        """Numbers of ``sources`` in this page's list of sources, adding the new ones."""
        numbers = []
        for source in sources:
            if source not in self.cited:
                self.cited.append(source)
            numbers.append(self.cited.index(source) + 1)
        return numbers

    def citations(self, sources: Iterable[URIRef]) -> list[Citation]:
        """Each of ``sources`` as its number on this page, its page, title and publisher."""
        out = []
        cited = list(sources)
        for source, number in zip(cited, self.cite(cited), strict=True):
            resource = self.renderer.index.resources.get(source)
            title, title_lang, publisher, copy = describe(self.renderer.index, source, self.lang)
            href = self.page_of(resource.path) if resource is not None else None
            out.append(Citation(number, href, title, title_lang, publisher, copy))
        return out

    def html(self, node: Node) -> Markup:
        """``node`` as this page shows it (the ``value`` macro of :meth:`value`), rendered
        once per page: a property or a resource named in many rows costs one rendering."""
        found = self.shown.get(node)
        if found is None:
            found = self.shown[node] = self.renderer.value_html(self.value(node))
        return found

    def html_of(self, predicate: URIRef, node: Node) -> Markup:
        """``node`` as this page shows it as a value of ``predicate``: as :meth:`html` but that
        an identifier in a register links to the register (:meth:`Layout.link`); rendered once
        per page."""
        found = self.shown_as.get((predicate, node))
        if found is None:
            href = self.renderer.layout.link(predicate, node)
            if href is None:
                found = self.html(node)
            else:
                shown = Value(text=str(node), href=href, external=True)
                found = self.renderer.value_html(shown)
            self.shown_as[(predicate, node)] = found
        return found

    def cite_markup(self, sources: Iterable[URIRef]) -> Markup:
        """The citations of ``sources``, each source's rendered once on this page by the
        ``citation`` macro and reused: a source's page cites the same few sources thousands
        of times."""
        out = []
        for source in sources:
            anchor = self.anchors.get(source)
            if anchor is None:
                (citation,) = self.citations([source])
                anchor = self.anchors[source] = self.renderer.citation(self, citation)
            out.append(anchor)
        return Markup("").join(out)

    def navigation(self) -> Markup:
        """The top navigation's links on this page: rendered once for each language and
        folder (links are relative) and for each page that is one of them (it is marked as
        the current page)."""
        renderer = self.renderer
        current = self.path if self.path in renderer.navigation_targets else None
        key = (self.lang, self.path.rpartition("/")[0], current)
        found = renderer.navigations.get(key)
        if found is None:
            found = renderer.navigations[key] = renderer.navigation_html(self, renderer.links)
        return found

    def alternates(self, path: str) -> list[tuple[str, str, str]]:
        """(language, its name, link) for this page in every other language."""
        return [
            (lang, self.renderer.ui[lang]["language_name"], self.url(f"{lang}/{path}"))
            for lang in self.renderer.config.languages
            if lang != self.lang
        ]
