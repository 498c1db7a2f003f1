"""Where sources disagree, and where they only name a thing differently.

Each source gives at most one value of a single-valued property per resource (and per
language). Two sources that give different values disagree, except:

- two values of a *name* property (``ip:NameProperty``: ``foaf:name``, ``dcterms:title`` ...)
  are name variants, spellings and languages of one name, listed apart and never as a conflict;
- two dates of which the coarser contains the finer (``"2005"^^xsd:gYear`` and
  ``"2005-10-07"^^xsd:date``) agree: the one source is only less precise.

A number of participating countries is a count: besides the numbers sources state, a source
that names member countries but states no number counts at least as many as it names, so its
list disagrees with a stated number smaller than the list, never with a larger one.

``queries/conflicting-claims.rq`` asks the same question in SPARQL; a test holds the two to the
same answer on the project.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from rdflib import Literal, URIRef
from rdflib.term import Node

from innoproc.rdf import DCTERMS, ORG, RDF, XSD, term_key

KINDS = ("count", "date", "role", "type", "value")
"""The kinds of disagreement, in the order a page lists them."""

DATES = frozenset({XSD.date, XSD.dateTime, XSD.gYearMonth, XSD.gYear})

Claim = tuple[Node, list[URIRef]]
"""A value with the sources that give it."""

Pair = tuple[Node, URIRef, Node, URIRef]
"""Two claims that disagree, each as a value and one source that gives it."""


@dataclass
class Conflict:
    """A single-valued property to which sources give values that disagree."""

    predicate: URIRef
    kind: str
    """One of :data:`KINDS`: a ``count``, ``date``, ``role``, ``type`` or another ``value``."""
    claims: list[Claim]
    """Each value that disagrees with another, with the sources that give it."""
    pairs: list[Pair]
    """Every value against every other it disagrees with, one source each: as the query's rows."""
    listed: list[URIRef] = field(default_factory=list)
    """The sources whose count is the number of members they name, not a number they state."""


@dataclass
class Variants:
    """The different names sources give a resource with one name property."""

    predicate: URIRef
    names: list[Claim]


def dated(node: Node) -> bool:
    return isinstance(node, Literal) and node.datatype in DATES


def contains(coarse: Node, fine: Node) -> bool:
    """Whether the date ``coarse`` is a coarser date that contains ``fine``: a year its months
    and days, a month its days, a day its times."""
    if not (dated(coarse) and dated(fine)):
        return False
    outer, inner = str(coarse), str(fine)
    return inner.startswith(outer) and inner[len(outer) : len(outer) + 1] in ("-", "T")


def kind_of(predicate: URIRef, first: Node, second: Node, count: URIRef) -> str:
    if predicate == count:
        return "count"
    if dated(first) and dated(second):
        return "date"
    if predicate == ORG.role:
        return "role"
    if predicate in (RDF.type, DCTERMS.type):
        return "type"
    return "value"


def _disagree(first: Claim, second: Claim, listed: Collection[URIRef], kind: str) -> bool:
    (a, a_sources), (b, b_sources) = first, second
    a_listed, b_listed = bool(set(a_sources) & set(listed)), bool(set(b_sources) & set(listed))
    if kind == "count" and (a_listed or b_listed):
        if a_listed and b_listed:
            return False  # two lists: each names at least so many, neither says how many
        stated, named = (b, a) if a_listed else (a, b)
        return int(str(named)) > int(str(stated))
    return not (contains(a, b) or contains(b, a))


def compare(
    statements: Iterable[tuple[URIRef, Node, list[URIRef]]],
    single_valued: Collection[URIRef],
    names: Collection[URIRef],
    sources: Collection[URIRef],
    count: URIRef,
    named_counts: Mapping[URIRef, int] | None = None,
) -> tuple[list[Conflict], list[Variants]]:
    """The conflicts and name variants among one resource's ``statements`` (predicate, value,
    sources), counting only the claims of ``sources`` (the named graphs that are sources).
    ``named_counts`` gives, for each source that names members, how many it names; it stands
    for a ``count`` claim where that source states no number."""
    groups: dict[tuple[URIRef, str], list[Claim]] = defaultdict(list)
    variants: dict[URIRef, list[Claim]] = defaultdict(list)
    for predicate, value, given in statements:
        cited = [s for s in given if s in sources]
        if not cited or predicate not in single_valued:
            continue
        if predicate in names:
            variants[predicate].append((value, cited))
            continue
        language = value.language if isinstance(value, Literal) else None
        groups[(predicate, language or "")].append((value, cited))
    listed: list[URIRef] = []
    if named_counts:
        stating = {s for _, cited in groups.get((count, ""), []) for s in cited}
        for source, number in sorted(named_counts.items()):
            if source not in stating and source in sources:
                groups[(count, "")].append((Literal(number), [source]))
                listed.append(source)

    conflicts = []
    for (predicate, _), claims in groups.items():
        pairs: list[Pair] = []
        kept: list[Claim] = []
        for first, second in combinations(claims, 2):
            kind = kind_of(predicate, first[0], second[0], count)
            if not _disagree(first, second, listed, kind):
                continue
            kept += [c for c in (first, second) if c not in kept]
            for one in first[1]:
                for other in second[1]:
                    if one not in second[1] and other not in first[1]:
                        pairs.append(_ordered((first[0], one, second[0], other)))
        if pairs:
            kinds = {kind_of(predicate, a[0], b[0], count) for a, b in combinations(kept, 2)}
            conflicts.append(
                Conflict(
                    predicate=predicate,
                    kind=min(kinds, key=KINDS.index),
                    claims=sorted(kept, key=_claim_key),
                    pairs=sorted(pairs, key=lambda p: tuple(term_key(t) for t in p)),
                    listed=sorted(s for s in listed if any(s in c[1] for c in kept)),
                )
            )
    conflicts.sort(key=lambda c: (KINDS.index(c.kind), term_key(c.predicate)))
    return conflicts, [
        Variants(predicate, sorted(claims, key=_claim_key))
        for predicate, claims in sorted(variants.items(), key=lambda kv: term_key(kv[0]))
        if len(claims) > 1
    ]


def _ordered(pair: Pair) -> Pair:
    """A pair with the source first whose IRI sorts first, as the query writes it."""
    a, one, b, other = pair
    return pair if str(one) < str(other) else (b, other, a, one)


def _claim_key(claim: Claim) -> tuple[tuple[str, ...], ...]:
    value, sources = claim
    return (term_key(value), *(term_key(s) for s in sources))


@dataclass(slots=True)
class SourceClaim:
    """One statement a source makes, and how the other sources stand to it. A graph of a
    million statements has a million of these, so each is small: it shares the statement's
    list of graphs rather than copying the others out of it."""

    predicate: URIRef
    value: Node
    stated_by: list[URIRef]
    """Every graph that states it, the claim's own source at :attr:`place`."""
    place: int
    disputed: Sequence[Claim] = ()
    """The values other sources give that disagree with it, with those sources (a list; an
    empty tuple when there are none, shared by every claim without any)."""
    variants: Sequence[Claim] = ()
    """For a name, the other names other sources give (a list; an empty tuple when none)."""

    @property
    def agreed(self) -> list[URIRef]:
        """The other sources that state the same."""
        return self.stated_by[: self.place] + self.stated_by[self.place + 1 :]


def source_claims(
    statements: Iterable[tuple[URIRef, Node, list[URIRef]]],
    conflicts: Iterable[Conflict],
    variants: Iterable[Variants],
    sources: Collection[URIRef],
) -> dict[URIRef, list[SourceClaim]]:
    """The claims each of ``sources`` makes among one resource's ``statements`` (predicate,
    value, and the graphs that state it, each once), in the statements' order, each with the
    sources that agree, the values that disagree (from ``conflicts``) and the other names
    (``variants``).

    One pass over the statements serves every source: the sources that agree with a claim
    are the statement's other graphs, known by the claim's place among them."""
    against: dict[tuple[URIRef, URIRef, Node], list[Claim]] = defaultdict(list)
    for conflict in conflicts:
        for a, one, b, other in conflict.pairs:
            if one == other:
                continue
            for source, mine, theirs, source_of in ((one, a, b, other), (other, b, a, one)):
                found = against[(source, conflict.predicate, mine)]
                entry = next((c for c in found if c[0] == theirs), None)
                if entry is None:
                    found.append((theirs, [source_of]))
                elif source_of not in entry[1]:
                    entry[1].append(source_of)
    names = {v.predicate: v.names for v in variants}
    out: dict[URIRef, list[SourceClaim]] = defaultdict(list)
    for predicate, value, stated_by in statements:
        named = names.get(predicate, [])
        for place, source in enumerate(stated_by):
            if source not in sources:
                continue
            claim = SourceClaim(predicate, value, stated_by, place)
            disputed = against.get((source, predicate, value)) if against else None
            if disputed:
                claim.disputed = sorted(((v, sorted(s)) for v, s in disputed), key=_claim_key)
            others = [(v, s) for v, s in named if v != value and source not in s]
            if others:
                claim.variants = others
            out[source].append(claim)
    return dict(out)
