"""The columns and facets of the listings of a kind: organisations by country and role, events
by year, documents by type and year, initiatives by type and funding.

A field is what a listing shows of a resource (its values, read from the gathered index by
following properties); a facet is a field the listing is also grouped by, on a page of its own
(``{kind}/by-{facet}.html``), so that facets need no JavaScript.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.term import Node

from innoproc.build.gather import Index, Resource
from innoproc.build.search import fold
from innoproc.rdf import DCAT, DCTERMS, ip

Values = Callable[[Index, Resource], list[Node]]


@dataclass(frozen=True)
class Field:
    name: str
    """Its key in ``ui.toml`` (the column's heading) and, for a facet, in its page's name."""
    values: Values
    facet: bool = True
    """True when the listing is also grouped by it."""
    shown: bool = True
    """True when the listing's table has a column for it."""


def follow(*path: URIRef) -> Values:
    """The values reached from a resource along ``path``, one property after the other."""

    def values(index: Index, resource: Resource) -> list[Node]:
        nodes: list[Node] = [resource.iri]
        for predicate in path:
            found: list[Node] = []
            for node in nodes:
                at = index.resources.get(node)  # type: ignore[call-overload]
                if at is not None:
                    found += [s.value for s in at.statements if s.predicate == predicate]
            nodes = found
        return list(dict.fromkeys(nodes))

    return values


def year(values: Values) -> Values:
    """The years (``xsd:gYear`` literals) of the dates that ``values`` gives."""

    def years(index: Index, resource: Resource) -> list[Node]:
        found = [str(v)[:4] for v in values(index, resource) if isinstance(v, Literal)]
        return [Literal(y) for y in sorted(set(found)) if y.isdigit()]

    return years


def roles(index: Index, resource: Resource) -> list[Node]:
    """The roles a resource has in its memberships."""
    found = [m.role for m in index.memberships_of(resource.iri) if m.member == resource.iri]
    return list(dict.fromkeys(r for r in found if r is not None))


def fields(base_iri: str) -> dict[str, tuple[Field, ...]]:
    """The fields of each kind that has any."""
    vocab = ip(base_iri)
    event_date = follow(DCTERMS.temporal)
    return {
        "organisation": (Field("country", follow(vocab.country)), Field("role", roles)),
        "event": (
            Field("date", event_date, facet=False),
            Field("year", year(follow(DCTERMS.temporal, DCAT.startDate)), shown=False),
        ),
        "document": (
            Field("type", follow(DCTERMS.type)),
            Field("date", follow(DCTERMS.date), facet=False),
            Field("year", year(follow(DCTERMS.date)), shown=False),
        ),
        "initiative": (
            Field("type", follow(DCTERMS.type)),
            Field("funding", follow(vocab.fundedBy)),
        ),
    }


def sort_key(index: Index, node: Node, lang: str) -> str:
    """How a value sorts: a period by its start date, a literal by its text (dates are ISO
    8601, so they sort as dates), anything else by its folded label."""
    period = index.resources.get(node)  # type: ignore[call-overload]
    if period is not None:
        starts = [s.value for s in period.statements if s.predicate == DCAT.startDate]
        if starts:
            return str(min(starts, key=str))
    if isinstance(node, Literal):
        return str(node)
    return fold(index.label(node, lang))


@dataclass
class Group:
    value: Node | None
    """The facet's value, or None for the resources that have none."""
    members: list[Resource]


def group(index: Index, members: list[Resource], field: Field, lang: str) -> list[Group]:
    """``members`` grouped by the values of ``field`` (a resource with several is in each of
    their groups), the groups sorted by value, and last those that have none."""
    groups: dict[Node, list[Resource]] = defaultdict(list)
    none = []
    for resource in members:
        values = field.values(index, resource)
        for value in values:
            groups[value].append(resource)
        if not values:
            none.append(resource)
    ordered = sorted(groups, key=lambda v: (sort_key(index, v, lang), str(v)))
    out = [Group(value, groups[value]) for value in ordered]
    return out + ([Group(None, none)] if none else [])


def initial(label: str) -> str:
    """The letter a label is listed under in an A-Z listing: its first letter, folded, or
    ``#`` when it starts with anything else."""
    folded = fold(label)
    first = folded[:1].upper()
    return first if "A" <= first <= "Z" else "#"
