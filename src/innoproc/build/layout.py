"""The layout of a resource page: its summary box, per class, and its statements in groups by
meaning, as ``templates/layout.toml`` configures them (read and checked here, once), and the
one language a page shows its literals in.

Everything is looked up in the gathered index: no page asks the graph a question.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

from rdflib import Literal, URIRef
from rdflib.term import Node

from innoproc.build.claims import Conflict
from innoproc.build.gather import Index, Resource
from innoproc.build.language import one_language
from innoproc.errors import InputError
from innoproc.rdf import DCTERMS, term_key

FILE = "templates/layout.toml"
CURIE = re.compile(r"^([a-z][a-z0-9]*):([A-Za-z_][A-Za-z0-9_.-]*)$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
IDENTIFIER = re.compile(r"^[A-Za-z0-9._-]+$")
OTHER = "other"


@dataclass(frozen=True)
class Step:
    """One step of a summary row's path: ``out`` or ``in`` along ``term``, the members holding
    the role ``term`` (``role``), or the count of members (``members``)."""

    kind: str
    term: URIRef | None = None


@dataclass
class Row:
    """A row of the summary box as a page shows it."""

    name: str
    values: list[tuple[Node, list[URIRef]]]
    """Each value with the sources that state it."""
    predicate: URIRef | None
    conflict: Conflict | None = None
    anchor: str = ""
    """The id of the conflict's detail on the page."""


@dataclass
class Layout:
    summaries: list[tuple[URIRef, list[tuple[str, tuple[Step, ...]]]]]
    groups: list[tuple[str, list[URIRef]]]
    links: dict[URIRef, str]
    registers: list[tuple[str, str]]

    @classmethod
    def load(cls, vocab: str, base_iri: str, names: Iterable[str]) -> Layout:
        """Read ``templates/layout.toml``; ``names`` are the row and group names that
        ``ui.toml`` names in every language."""
        text = resources.files("innoproc").joinpath(FILE).read_text("utf-8")
        return cls.parse(text, vocab, base_iri, names)

    @classmethod
    def parse(cls, text: str, vocab: str, base_iri: str, names: Iterable[str]) -> Layout:
        """The layout that ``text`` describes; a wrong entry is an error naming its key."""
        try:
            table = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{FILE}: {exc}") from exc
        known = set(names)
        prefixes = {str(k): str(v) for k, v in table.get("prefixes", {}).items()}
        prefixes["ip"] = vocab

        def curie(key: str, value: object) -> URIRef:
            match = CURIE.match(value) if isinstance(value, str) else None
            if match is None or match.group(1) not in prefixes:
                raise InputError(f"{FILE}: {key}: {value!r} is not a CURIE with a known prefix")
            return URIRef(prefixes[match.group(1)] + match.group(2))

        def step(key: str, text: str) -> Step:
            if text == "members":
                return Step("members")
            if text.startswith("role:"):
                slug = text.removeprefix("role:")
                if not SLUG.match(slug):
                    raise InputError(f"{FILE}: {key}: {text!r} names no role slug")
                return Step("role", URIRef(f"{base_iri}id/role/{slug}"))
            if text.startswith("^"):
                return Step("in", curie(key, text[1:]))
            return Step("out", curie(key, text))

        def name(key: str, value: str) -> str:
            if value not in known:
                raise InputError(f"{FILE}: {key}: ui.toml has no [fields.*] string {value!r}")
            return value

        summaries = []
        for cls_, rows in table.get("summary", {}).items():
            where = f"summary.{cls_!r}"
            if not isinstance(rows, dict):
                raise InputError(f"{FILE}: {where} must be a table of name = path")
            path: list[tuple[str, tuple[Step, ...]]] = []
            for row, value in rows.items():
                if not isinstance(value, str) or not value:
                    raise InputError(f"{FILE}: {where}.{row}: a path must be a string")
                steps = tuple(step(f"{where}.{row}", s) for s in value.split("/"))
                path.append((name(f"{where}.{row}", row), steps))
            summaries.append((curie(where, cls_), path))
        groups = []
        for group, terms in table.get("groups", {}).items():
            if not isinstance(terms, list):
                raise InputError(f"{FILE}: groups.{group} must be a list of CURIEs")
            groups.append(
                (name(f"groups.{group}", group), [curie(f"groups.{group}", t) for t in terms])
            )
        groups.append((name("groups", OTHER), []))
        links = {}
        for term, template in table.get("links", {}).items():
            if not isinstance(template, str) or not template.startswith("https://"):
                raise InputError(f"{FILE}: links.{term}: must be an https:// template with {{}}")
            if template.count("{}") != 1:
                raise InputError(f"{FILE}: links.{term}: must hold {{}} once")
            links[curie(f"links.{term}", term)] = template
        registers = sorted(
            ((str(k), str(v)) for k, v in table.get("registers", {}).items()),
            key=lambda kv: -len(kv[0]),
        )
        return cls(summaries=summaries, groups=groups, links=links, registers=registers)

    # ------------------------------------------------------------------ per page

    def link(self, predicate: URIRef, value: Node) -> str | None:
        """The register's address of an identifier ``value`` of ``predicate``, if configured."""
        template = self.links.get(predicate)
        if template is None or not isinstance(value, Literal):
            return None
        text = str(value)
        return template.replace("{}", text) if IDENTIFIER.match(text) else None

    def register(self, iri: str) -> str | None:
        """``Wikidata Q42`` for an unlabelled IRI in a configured register (``PDF`` for one
        whose register has no name)."""
        for prefix, name in self.registers:
            if iri.startswith(prefix) and len(iri) > len(prefix):
                return f"{name} {iri[len(prefix) :].strip('/')}".strip()
        return None

    def summary(self, index: Index, resource: Resource, lang: str) -> list[Row]:
        """The summary rows of ``resource`` with a value, in the configured order."""
        rows_of = next((rows for cls_, rows in self.summaries if cls_ in resource.types), None)
        if rows_of is None:
            return []
        conflicts = shown_conflicts(index, resource, lang)
        out = []
        for name, steps in rows_of:
            values = follow(index, resource.iri, steps)
            values = one_language(values, lang, index.config.languages)
            if not values:
                continue
            predicate = steps[0].term if len(steps) == 1 and steps[0].kind == "out" else None
            row = Row(name=name, values=values, predicate=predicate)
            for number, conflict in enumerate(conflicts, 1):
                if predicate is not None and conflict.predicate == predicate:
                    row.conflict, row.anchor = conflict, f"conflict-{number}"
                    break
            out.append(row)
        return out

    def grouped(
        self, resource: Resource, lang: str, languages: Sequence[str]
    ) -> list[tuple[str, list[tuple[URIRef, list[tuple[Node, list[URIRef]]]]]]]:
        """The statements of ``resource`` in one language, in groups by meaning: each group's
        properties in order, each with its values and their sources."""
        order: dict[URIRef, tuple[int, int]] = {}
        for g, (_, terms) in enumerate(self.groups):
            for position, term in enumerate(terms):
                order.setdefault(term, (g, position))
        by_predicate: dict[URIRef, list[tuple[Node, list[URIRef]]]] = {}
        for s in resource.statements:
            by_predicate.setdefault(s.predicate, []).append((s.value, s.sources))
        buckets: list[list[tuple[URIRef, list[tuple[Node, list[URIRef]]]]]] = [
            [] for _ in self.groups
        ]
        last = (len(self.groups) - 1, 0)
        for predicate in sorted(by_predicate, key=lambda p: (order.get(p, last), str(p))):
            values = one_language(by_predicate[predicate], lang, languages)
            buckets[order.get(predicate, last)[0]].append((predicate, values))
        return [(name, rows) for (name, _), rows in zip(self.groups, buckets, strict=True) if rows]


def follow(index: Index, start: URIRef, steps: Sequence[Step]) -> list[tuple[Node, list[URIRef]]]:
    """The values at the end of a summary path from ``start``, each once, with its sources."""
    frontier: list[tuple[Node, list[URIRef]]] = [(start, [])]
    for step in steps:
        found: dict[Node, set[URIRef]] = {}
        for node, _ in frontier:
            for value, sources in _step(index, node, step):
                found.setdefault(value, set()).update(sources)
        frontier = [(v, sorted(found[v])) for v in sorted(found, key=term_key)]
    return frontier


def _step(index: Index, node: Node, step: Step) -> Iterable[tuple[Node, Iterable[URIRef]]]:
    resource = index.resources.get(node)  # type: ignore[call-overload]
    if step.kind == "out" and resource is not None:
        return [(s.value, s.sources) for s in resource.statements if s.predicate == step.term]
    if step.kind == "in" and resource is not None:
        return [(subject, sources) for subject, p, sources in resource.incoming if p == step.term]
    led = [m for m in index.memberships_of(node) if m.organization == node and m.member]
    if step.kind == "role":
        return [(m.member, m.sources) for m in led if m.role == step.term]  # type: ignore[misc]
    if step.kind == "members" and led:
        members = {m.member for m in led}
        return [(Literal(len(members)), {s for m in led for s in m.sources})]
    return []


def shown_conflicts(index: Index, resource: Resource, lang: str) -> list[Conflict]:
    """The disagreements of ``resource`` in the language its page shows for each property."""
    languages = index.config.languages
    shown = []
    for conflict in index.conflicts(resource):
        first = conflict.claims[0][0]
        if isinstance(first, Literal) and first.language:
            present = [
                (s.value, None) for s in resource.statements if s.predicate == conflict.predicate
            ]
            if not any(v == first for v, _ in one_language(present, lang, languages)):
                continue
        shown.append(conflict)
    return shown


def period_of(index: Index, node: Node | None) -> Node | None:
    """The period an initiative or organisation is stated to run in, for its memberships."""
    resource = index.resources.get(node) if node is not None else None  # type: ignore[call-overload]
    if resource is None:
        return None
    return next((s.value for s in resource.statements if s.predicate == DCTERMS.temporal), None)


@dataclass
class RoleTable:
    """The memberships of a resource in one role, on one side: its ``members`` in the role, or
    what it is a member of (``member_of``)."""

    role: Node | None
    side: str
    rows: list[tuple[Node | None, Node | None, bool, list[URIRef]]]
    """(the other party, the period, whether the period is the initiative's, sources)."""

    @property
    def inherited(self) -> bool:
        """Whether a row's period is that of the initiative or organisation (not its own)."""
        return any(row[2] for row in self.rows)


def memberships_by_role(
    index: Index, node: URIRef, label: Callable[[Node], str]
) -> list[RoleTable]:
    """The memberships of ``node`` as one table per role and side, each with its period: the
    membership's own, else the period of the initiative or organisation it is in."""
    tables: dict[tuple[str, Node | None], RoleTable] = {}
    for m in index.memberships_of(node):
        side = "members" if m.organization == node else "member_of"
        other = m.member if side == "members" else m.organization
        period, inherited = m.period, False
        if period is None:
            period = period_of(index, m.organization)
            inherited = period is not None
        table = tables.setdefault((side, m.role), RoleTable(m.role, side, []))
        table.rows.append((other, period, inherited, m.sources))
    for table in tables.values():
        table.rows.sort(
            key=lambda r: (label(r[0]).casefold() if r[0] is not None else "", str(r[0]))
        )
    return [
        tables[key]
        for key in sorted(
            tables,
            key=lambda k: (k[0], label(k[1]).casefold() if k[1] is not None else "", str(k[1])),
        )
    ]
