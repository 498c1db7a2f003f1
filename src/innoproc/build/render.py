"""Stage 4, render the HTML pages, in every configured language, from the gathered index.

Templates are one tree under ``templates/`` with ``base.html`` at its root (see
:mod:`innoproc.interface`); interface strings come from ``templates/ui.toml``, labels from the
graph, what the site says of the dataset from ``catalogue/dataset.toml``. Every link is
relative, so the site works under any path. No page asks the graph a question: each reads the
gathered index.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Container
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import pyoxigraph as ox
from markupsafe import Markup
from rdflib import Literal, URIRef
from rdflib.term import Node

from innoproc import formats
from innoproc.build.browse import Browse, not_found
from innoproc.build.changelog import History
from innoproc.build.charts import Charts
from innoproc.build.citations import Citation
from innoproc.build.depends import note, note_all, recording
from innoproc.build.dump import ANSWERS, answer_formats, write_answers
from innoproc.build.gather import Index, Resource
from innoproc.build.language import Labels, column, variants_in
from innoproc.build.layout import Layout, memberships_by_role, shown_conflicts
from innoproc.build.page import Page, Value
from innoproc.build.search import write_search_index
from innoproc.config import Description
from innoproc.errors import InputError
from innoproc.interface import environment, interface_strings, navigation
from innoproc.iris import inside
from innoproc.query import Query, Result
from innoproc.rdf import CV, DCTERMS, FOAF, ORG, OWL, PROV, choose, from_ox, ip

SCHEMA_TYPES = {
    FOAF.Person: "Person",
    ORG.Organization: "Organization",
    FOAF.Document: "CreativeWork",
    CV.PublicEvent: "Event",
    DCTERMS.Location: "Place",
}


class Renderer:
    """Renders every page of the site from the gathered index, the answers to the questions
    of ``queries/`` and what the project says of the dataset."""

    def __init__(
        self, index: Index, answers: dict[str, tuple[Query, Result]], description: Description
    ) -> None:
        self.index = index
        self.description = description
        self.config = index.config
        self.answers = answers
        self.queries = [query for query, _ in answers.values()]
        ui = interface_strings()
        self.ui: dict[str, dict[str, str]] = {lang: ui[lang] for lang in self.config.languages}
        self.kinds: dict[str, dict[str, str]] = ui["kinds"]
        self.fields: dict[str, dict[str, str]] = ui["fields"]
        names = set.intersection(
            *(set(self.fields.get(lang, {})) for lang in self.config.languages)
        )
        self.layout = Layout.load(self.config.vocab, self.config.base_iri, names)
        self.columns: dict[str, dict[str, str]] = ui["columns"]
        self.labels = Labels(index)
        vocab = self.config.vocab
        self.terms = {s for s in index.labels if isinstance(s, URIRef) and str(s).startswith(vocab)}
        self.env = environment(self.config)
        macros: Any = self.env.get_template("_macros.html").module
        self.citation: Callable[[Page, Citation], Markup] = macros.citation
        self.value_html: Callable[[Value], Markup] = macros.value
        self.links = navigation({r.kind for r in index.resources.values()})
        self.env.globals["navigation"] = self.links
        self.navigation_html: Callable[[Page, Any], Markup] = macros.navigation
        self.navigation_targets = {
            target.format(lang=lang) for _, target in self.links for lang in self.config.languages
        }
        self.navigations: dict[tuple[str, str, str | None], Markup] = {}
        self.history = History()
        """The releases and what each changed (none until the build finds its releases)."""
        self.charts = Charts(index)
        self._pages: list[tuple[str, Callable[[], str]]] | None = None

    def prepare(self) -> None:
        """Compute what pages read across nodes once, and list the pages, before they are
        rendered (and the work is forked): see :meth:`Index.prepare`."""
        self.index.prepare()
        self.charts.prepare()
        self.pages()

    # ------------------------------------------------------------------ pages

    def pages(self) -> list[tuple[str, Callable[[], str]]]:
        """Every page of the site, as its path and the function that renders it: listed once,
        before the work is shared out."""
        if self._pages is None:
            self._pages = self._list_pages()
        return self._pages

    def _list_pages(self) -> list[tuple[str, Callable[[], str]]]:
        default = self.config.default_language
        out: list[tuple[str, Callable[[], str]]] = [
            ("index.html", partial(self.home, Page(self, default, "index.html"), "index.html"))
        ]
        out.append(("404.html", partial(not_found, self, Page(self, default, "404.html"))))
        browse = Browse(self, self.index.by_kind())
        for lang in self.config.languages:
            path = f"{lang}/index.html"
            out.append((path, partial(self.home, Page(self, lang, path), "index.html")))
            out += browse.pages(lang)
            for resource in self.index.resources.values():
                path = f"{lang}/{resource.path}.html"
                out.append((path, partial(self._resource, lang, path, resource)))
            for query in self.queries:
                path = f"{lang}/query/{query.name}.html"
                out.append((path, partial(self.query, Page(self, lang, path), query)))
            path = f"{lang}/ontology.html"
            out.append((path, partial(self.ontology, Page(self, lang, path))))
            for name in ("timeline", "network"):
                path = f"{lang}/{name}.html"
                out.append((path, partial(self.visual, Page(self, lang, path), name)))
        return out

    def _render(self, template: str, page: Page, **context: Any) -> str:
        try:
            return self.env.get_template(template).render(
                page=page,
                t=page.t,
                lang=page.lang,
                site_title=self.description.texts.get(page.lang, {}).get("title")
                or self.config.title,
                config=self.config,
                charts=self.charts,
                **context,
            )
        except jinja2.TemplateSyntaxError as exc:
            raise InputError(f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}") from exc
        except jinja2.TemplateError as exc:
            raise InputError(f"{template}, rendering {page.path}: {exc}") from exc

    def home(self, page: Page, here: str) -> str:
        initiatives = [
            r
            for r in self.index.resources.values()
            if ip(self.config.base_iri).Initiative in r.types
        ]
        counts = sorted(
            (
                (kind, self.kinds[page.lang].get(kind, kind), len(members))
                for kind, members in self.index.by_kind().items()
            ),
            key=lambda row: row[1].casefold(),
        )
        return self._render(
            "home.html",
            page,
            here=here,
            canonical=self.config.base_iri + f"{page.lang}/index.html",
            initiatives=sorted(initiatives, key=lambda r: page.label(r.iri)),
            description=lambda r: self._text(r, DCTERMS.description, page.lang),
            counts=counts,
            dataset=self.description,
            dumps=[(f"{self.description.dump}.{f.extension}", f.label) for f in formats.dumped()],
            queries=self.queries,
        )

    def resource(self, page: Page, resource: Resource) -> str:
        note(resource.iri)
        description = self._text(resource, DCTERMS.description, page.lang)
        layout, languages = self.layout, self.config.languages
        conflicts = shown_conflicts(self.index, resource, page.lang)
        memberships = memberships_by_role(self.index, resource.iri, page.label)
        return self._render(
            "resource.html",
            page,
            here=f"{resource.path}.html",
            canonical=str(resource.iri)
            if str(resource.iri).startswith(self.config.base_iri)
            else self.config.base_iri + page.path,
            resource=resource,
            title=page.label(resource.iri),
            description=description,
            summary=layout.summary(self.index, resource, page.lang),
            groups=layout.grouped(resource, page.lang, languages),
            fields=self.fields[page.lang],
            incoming=[
                (s, p, sources)
                for s, p, sources in resource.incoming
                if getattr(self.index.resources.get(s), "kind", "") != "membership"
            ],
            conflicts=conflicts,
            name_variants=variants_in(self.index.name_variants(resource), page.lang, languages),
            **self._claims(page, resource),
            memberships=memberships,
            formats=[
                (f"id/{resource.path}.{f.extension}", f.label, f.media_type)
                for f in formats.described()
            ],
            jsonld=self._schema_org(page, resource, description),
        )

    def _resource(self, lang: str, path: str, resource: Resource) -> str:
        """A resource's page, on a :class:`Page` made as it is rendered: what a page keeps
        while it renders (its citations, the nodes it shows) goes once it is written."""
        return self.resource(Page(self, lang, path), resource)

    def query(self, page: Page, query: Query) -> str:
        note_all()  # an answer reads the whole graph, and its labels come from every node
        result = self.answers[query.name][1]
        return self._render(
            "query.html",
            page,
            here=f"query/{query.name}.html",
            canonical=self.config.base_iri + page.path,
            query=query,
            question=query.question.get(page.lang) or query.question.get("en") or query.name,
            result=result,
            columns=[column(v, self.columns.get(page.lang, {})) for v in result.variables],
            downloads=[
                (page.url(f"{ANSWERS}/{query.name}.{f.extension}"), f.label, f.media_type)
                for f in answer_formats(result)
            ],
            cell=lambda term: self._cell(page, term),
        )

    def ontology(self, page: Page) -> str:
        terms = self.index.ontology
        return self._render(
            "ontology.html",
            page,
            here="ontology.html",
            canonical=self.config.ontology_iri,
            ontology=URIRef(self.config.ontology_iri),
            classes=[t for t in terms if t.is_class],
            properties=[t for t in terms if not t.is_class],
            definition=lambda t: choose(t.definitions, page.lang, self.config.languages),
        )

    def visual(self, page: Page, name: str) -> str:
        """The whole graph's timeline (``timeline``) or network (``network``)."""
        if name == "timeline":
            initiatives = self.index.by_kind().get("initiative", [])
            chart: Any = self.charts.graph_timeline(page, initiatives)
        else:
            chart = self.charts.graph_network(page)
        return self._render(
            f"{name}.html",
            page,
            here=f"{name}.html",
            canonical=self.config.base_iri + page.path,
            chart=chart,
        )

    # ------------------------------------------------------------------ helpers

    def _claims(self, page: Page, resource: Resource) -> dict[str, Any]:
        """On a source's page, the claims it makes, by resource, and how many are disputed."""
        claims = sorted(
            self.index.claims_of(resource.iri),
            key=lambda pair: (page.label(pair[0].iri).casefold(), str(pair[0].iri)),
        )
        rows = [claim for _, found in claims for claim in found]
        return {
            "copy": ip(self.config.base_iri).Copy in resource.types,
            "originals": [s.value for s in resource.statements if s.predicate == PROV.alternateOf],
            "claims": claims,
            "claim_count": len(rows),
            "disputed_count": sum(1 for claim in rows if claim.disputed),
        }

    def _cell(self, page: Page, term: Any) -> Value | None:
        """A query answer's term, its label in the page's language."""
        if term is None:
            return None
        node = _rdflib(term)
        return page.value(
            self.labels.literal(node, page.lang) if isinstance(node, Literal) else node
        )

    def _text(self, resource: Resource, predicate: URIRef, lang: str) -> Value | None:
        values = [s.value for s in resource.statements if s.predicate == predicate]
        literal = choose(values, lang, self.config.languages)
        if literal is None:
            return None
        return Value(text=str(literal), lang=literal.language if literal.language != lang else None)

    def _schema_org(self, page: Page, resource: Resource, description: Value | None) -> str:
        kind = next((SCHEMA_TYPES[t] for t in resource.types if t in SCHEMA_TYPES), "Thing")
        if ip(self.config.base_iri).Initiative in resource.types:
            kind = "Project"
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": kind,
            "@id": str(resource.iri),
            "name": page.label(resource.iri),
            "inLanguage": page.lang,
        }
        if description is not None:
            data["description"] = description.text
        same = sorted(str(s.value) for s in resource.statements if s.predicate == OWL.sameAs)
        if same:
            data["sameAs"] = same
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _rdflib(term: Any) -> Node:
    """A query answer's term for a page: IRIs and literals as the graph has them, anything
    else (a blank node) as its text."""
    if isinstance(term, ox.NamedNode | ox.Literal):
        return from_ox(term)
    return Literal(str(term))


def write_pages(
    renderer: Renderer,
    out: Path,
    share: int = 0,
    shares: int = 1,
    kept: Container[str] = frozenset(),
) -> dict[str, list[str]]:
    """Write every ``shares``-th page, from the ``share``-th on (all of them by default), but
    those in ``kept`` (an incremental build links them from the previous site), and with the
    first share the style sheet and other assets. Returns what each page written read (see
    :mod:`innoproc.build.depends`)."""
    folders: set[Path] = set()
    read: dict[str, list[str]] = {}
    for path, render in [p for p in renderer.pages() if p[0] not in kept][share::shares]:
        target = inside(out, path)
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        with recording() as nodes:
            text = render()
        read[path] = sorted(nodes)
        target.write_text(text, "utf-8")
    if share == 0:
        write_search_index(renderer.index, renderer.kinds, out)
        write_answers(renderer.answers.values(), out)
        static = resources.files("innoproc").joinpath("static")
        (out / "assets").mkdir(parents=True, exist_ok=True)
        for item in sorted(static.iterdir(), key=lambda i: i.name):
            (out / "assets" / item.name).write_bytes(item.read_bytes())
    return read
