"""Stage 3, gather: gather the whole graph once into an index that every page reads.

One pass over the dataset computes each resource's statements (with the sources that make
them), its incoming links, its labels in every language, the memberships, the disagreements
and the counts. Rendering then only looks things up: no page asks the graph a question.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from rdflib import Literal, URIRef
from rdflib.term import Node

from innoproc.build.claims import Conflict, SourceClaim, Variants, compare, source_claims
from innoproc.build.depends import Tracked, TrackedList, in_graph, note
from innoproc.build.load import Corpus, parse_file
from innoproc.config import Config
from innoproc.errors import InputError
from innoproc.iris import InvalidIri, resource_path
from innoproc.rdf import COUNTRY, DCTERMS, FOAF, ORG, OWL, RDF, RDFS, SH, SKOS, ip, term_key

LINKABLE = re.compile(r"^(https?|mailto):", re.IGNORECASE)


@dataclass
class Statement:
    """One (property, value) of a resource, with the sources that state it."""

    predicate: URIRef
    value: Node
    sources: list[URIRef]


@dataclass
class Resource:
    iri: URIRef
    path: str
    """Where its files live in the site, without extension: ``initiative/innoprocur``."""
    kind: str
    """The first segment of ``path``: ``initiative``, ``organisation``, ``country`` ..."""
    types: list[URIRef] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    incoming: list[tuple[URIRef, URIRef, list[URIRef]]] = field(default_factory=list)
    """(subject, predicate, sources) of the statements that point here."""


@dataclass
class Membership:
    iri: URIRef
    member: Node | None
    organization: Node | None
    role: Node | None
    period: Node | None
    sources: list[URIRef]


@dataclass
class OntologyTerm:
    """One of the project's own terms, as the ontology page documents it."""

    iri: URIRef
    is_class: bool
    definitions: list[Literal]
    parents: list[Node]
    """What it is a subclass or subproperty of."""
    domain: list[Node]
    range: list[Node]
    shapes: list[str]
    """The names of the shapes that target it as a class or check it as a path."""

    @property
    def anchor(self) -> str:
        return str(self.iri).rsplit("#", 1)[-1]


@dataclass
class Index:
    """Everything the pages and files need, computed once."""

    config: Config
    resources: dict[URIRef, Resource]
    labels: dict[Node, dict[str, str]]
    """Each node's labels by language; ``""`` is the untagged one."""
    label_statements: dict[Node, list[tuple[URIRef, Literal]]]
    """Each node's ``skos:prefLabel`` and ``rdfs:label`` statements, as the data has them."""
    single_valued: set[URIRef]
    sources: list[URIRef]
    memberships: list[Membership]
    ontology: list[OntologyTerm] = field(default_factory=list)
    """The project's own terms, sorted."""
    problems: list[str] = field(default_factory=list)
    """Missing labels and dangling links, for strict mode."""
    name_properties: set[URIRef] = field(default_factory=set)
    """The single-valued properties whose values are names or titles (``ip:NameProperty``):
    two values are name variants, not a disagreement."""
    label_sources: dict[tuple[Node, URIRef, Literal], list[URIRef]] = field(default_factory=dict)
    """The sources of each of :attr:`label_statements` (``(node, predicate, label)``)."""

    def __post_init__(self) -> None:
        # Every table a page reads notes what it is asked (see :mod:`innoproc.build.depends`).
        self.resources = Tracked(self.resources)
        self.labels = Tracked(self.labels)
        self.label_statements = Tracked(self.label_statements)
        self.label_sources = Tracked(self.label_sources)
        self.memberships = TrackedList(self.memberships)
        self.sources = TrackedList(self.sources)

    def prepare(self) -> None:
        """Compute what is read across nodes (disagreements, claims, memberships by node)
        before pages are rendered, so that no page seems to read every node by computing it,
        and forked workers share it."""
        _ = self._compared, self._claims_by_source, self._memberships_by_node

    def label(self, node: Node, language: str) -> str:
        """The label in ``language``, else in the other configured languages in their order,
        else the untagged one, else the IRI's last segment."""
        found = self.labels.get(node, {})  # notes the node
        for lang in (language, *self.config.languages, ""):
            if lang in found:
                return found[lang]
        if isinstance(node, Literal):
            return str(node)
        text = str(node)
        return re.split(r"[/#]", text.rstrip("/#"))[-1] or text

    def by_kind(self) -> dict[str, list[Resource]]:
        out: dict[str, list[Resource]] = defaultdict(list)
        for resource in self.resources.values():
            out[resource.kind].append(resource)
        for kind in out:
            out[kind].sort(key=lambda r: (self.label(r.iri, self.config.default_language), r.iri))
        return dict(sorted(out.items()))

    def conflicts(self, resource: Resource) -> list[Conflict]:
        """Single-valued properties to which sources give values that disagree (per language),
        counts and dates first; see :mod:`innoproc.build.claims`."""
        self._note_compared(resource.iri)
        return self._compared.get(resource.iri, ([], []))[0]

    def name_variants(self, resource: Resource) -> list[Variants]:
        """The different names or titles sources give the resource, property by property."""
        self._note_compared(resource.iri)
        return self._compared.get(resource.iri, ([], []))[1]

    def _note_compared(self, iri: Node) -> None:
        """A resource's disagreements come from its statements and from the countries its
        memberships name."""
        note(iri)
        for membership in self._memberships_by_node.get(iri, []):
            note(membership.iri)

    def claims_of(self, source: URIRef) -> list[tuple[Resource, list[SourceClaim]]]:
        """Every claim ``source`` makes, grouped by the resource it is about (the source's own
        description left out), each with where other sources agree or disagree."""
        note(source)
        note(in_graph(source))  # a statement added to the graph adds a claim
        found = self._claims_by_source.get(source, [])
        for resource, _ in found:
            self._note_compared(resource.iri)
        return found

    @cached_property
    def _claims_by_source(self) -> dict[URIRef, list[tuple[Resource, list[SourceClaim]]]]:
        out: dict[URIRef, list[tuple[Resource, list[SourceClaim]]]] = defaultdict(list)
        sources = set(self.sources)
        for iri, resource in self.resources.items():
            statements = ((s.predicate, s.value, s.sources) for s in resource.statements)
            conflicts, variants = self._compared.get(iri, ([], []))
            found = source_claims(statements, conflicts, variants, sources)
            for source in sorted(found):
                if source != iri:
                    out[source].append((resource, found[source]))
        return dict(out)

    @cached_property
    def _compared(self) -> dict[URIRef, tuple[list[Conflict], list[Variants]]]:
        count = ip(self.config.base_iri).participatingCountryCount
        countries: dict[Node, dict[URIRef, set[Node]]] = defaultdict(lambda: defaultdict(set))
        for m in self.memberships:
            if (
                m.organization is not None
                and isinstance(m.member, URIRef)
                and str(m.member).startswith(COUNTRY)
            ):
                for source in m.sources:
                    countries[m.organization][source].add(m.member)
        sources = set(self.sources)
        out = {}
        for iri, resource in self.resources.items():
            named = {s: len(members) for s, members in countries.get(iri, {}).items()}
            found = compare(
                ((s.predicate, s.value, s.sources) for s in resource.statements),
                self.single_valued,
                self.name_properties,
                sources,
                count,
                named,
            )
            if found != ([], []):
                out[iri] = found
        return out

    def memberships_of(self, node: Node) -> list[Membership]:
        """The memberships naming ``node`` as member or organisation: what a page reads of
        them is each membership's own statements."""
        note(node)
        found = self._memberships_by_node.get(node, [])
        for membership in found:
            note(membership.iri)
        return found

    @cached_property
    def _memberships_by_node(self) -> dict[Node, list[Membership]]:
        out: dict[Node, list[Membership]] = defaultdict(list)
        for membership in self.memberships:
            for node in {membership.member, membership.organization} - {None}:
                out[node].append(membership)  # type: ignore[index]
        return dict(out)


def page_path(corpus: Corpus, iri: Node, sources: Iterable[URIRef]) -> str | None:
    """The site path of a resource that gets pages (``{kind}/{slug}``), or None. An IRI that
    breaks the grammar of resource IRIs is an :class:`InputError` naming the files that state
    it."""
    if not isinstance(iri, URIRef):
        return None
    try:
        return resource_path(corpus.config.base_iri, str(iri))
    except InvalidIri as exc:
        files = sorted({str(corpus.graph_files.get(s, s)) for s in sources})
        raise InputError(f"{', '.join(files)}: {exc}") from None


def gather(corpus: Corpus) -> Index:
    config = corpus.config
    ontology = URIRef(config.ontology_iri)
    vocab = ip(config.base_iri)

    # one pass: statements grouped by subject, (predicate, value) -> sources
    by_subject: dict[Node, dict[tuple[Node, Node], set[URIRef]]] = defaultdict(dict)
    for s, p, o, graph in corpus.statements:
        source = graph if graph is not None else ontology
        by_subject[s].setdefault((p, o), set()).add(source)

    # each subject's statements in the order of terms, sorted once: every pass below reads them
    keys: dict[Node, tuple[str, str, str, str]] = {}

    def key_of(item: tuple[tuple[Node, Node], object]) -> tuple[tuple[str, ...], ...]:
        (p, o), _ = item
        found_p, found_o = keys.get(p), keys.get(o)
        if found_p is None:
            found_p = keys[p] = term_key(p)
        if found_o is None:
            found_o = keys[o] = term_key(o)
        return (found_p, found_o)

    ordered = {s: sorted(statements.items(), key=key_of) for s, statements in by_subject.items()}

    labels: dict[Node, dict[str, str]] = defaultdict(dict)
    label_statements: dict[Node, list[tuple[URIRef, Literal]]] = defaultdict(list)
    label_sources: dict[tuple[Node, URIRef, Literal], list[URIRef]] = {}
    labelling, naming = (SKOS.prefLabel, RDFS.label), (FOAF.name, DCTERMS.title)
    for subject, items in ordered.items():
        for (p, o), stated_by in items:
            if p in labelling and isinstance(o, Literal):
                labels[subject].setdefault(o.language or "", str(o))
                label_statements[subject].append((URIRef(str(p)), o))
                label_sources[(subject, URIRef(str(p)), o)] = sorted(stated_by)
        for (p, o), _ in items:
            if p in naming and isinstance(o, Literal):
                labels[subject].setdefault(o.language or "", str(o))

    codes = config.path(config.catalogue_dir) / "authority-codes.ttl"
    if codes.is_file():  # the authority tables' labels of the codes the data leaves unlabelled
        labelled = set(labels)
        for s, p, o in sorted(parse_file(config, codes)[0], key=lambda t: term_key(t[2])):
            if p == SKOS.prefLabel and isinstance(o, Literal) and s not in labelled:
                labels[s].setdefault(o.language or "", str(o))

    resources: dict[URIRef, Resource] = {}
    for subject in sorted(by_subject, key=str):
        path = page_path(
            corpus, subject, {g for sources in by_subject[subject].values() for g in sources}
        )
        if path is None or not isinstance(subject, URIRef):
            continue
        statements = by_subject[subject]
        resources[subject] = Resource(
            iri=subject,
            path=path,
            kind=path.split("/", 1)[0],
            types=sorted({o for (p, o) in statements if p == RDF.type}, key=str),  # type: ignore[misc]
            statements=[
                Statement(URIRef(str(p)), o, sorted(stated)) for (p, o), stated in ordered[subject]
            ],
        )

    problems = []
    for subject in sorted(by_subject, key=str):
        for (p, o), sources in ordered[subject]:
            if o in resources and p != RDF.type:
                resources[o].incoming.append((subject, p, sorted(sources)))  # type: ignore[arg-type, index]
            elif (
                isinstance(o, URIRef)
                and str(o).startswith(config.base_iri + "id/")
                and o not in resources
            ):
                problems.append(f"dangling link: <{subject}> {p.n3()} <{o}>")
    for resource in resources.values():
        for language in config.languages:
            if language not in labels.get(resource.iri, {}):
                problems.append(f"missing label ({language}): <{resource.iri}>")

    memberships = []
    for resource in resources.values():
        if ORG.Membership in resource.types:
            values = {s.predicate: s.value for s in resource.statements}
            cited = sorted({g for s in resource.statements for g in s.sources})
            memberships.append(
                Membership(
                    iri=resource.iri,
                    member=values.get(ORG.member),
                    organization=values.get(ORG.organization),
                    role=values.get(ORG.role),
                    period=values.get(ORG.memberDuring),
                    sources=cited,
                )
            )

    single_valued = {
        s for s in by_subject if (RDF.type, vocab.SingleValuedProperty) in by_subject[s]
    }
    name_properties = {s for s in by_subject if (RDF.type, vocab.NameProperty) in by_subject[s]}
    return Index(
        config=config,
        resources=resources,
        labels=dict(labels),
        label_statements=dict(label_statements),
        single_valued=single_valued,  # type: ignore[arg-type]
        name_properties=name_properties,  # type: ignore[arg-type]
        sources=corpus.source_graphs,
        memberships=memberships,
        ontology=ontology_terms(corpus),
        problems=problems,
        label_sources=label_sources,
    )


def ontology_terms(corpus: Corpus) -> list[OntologyTerm]:
    """The terms the ontology defines in the project's namespace, with what their page says."""
    graph, shapes = corpus.ontology, corpus.shapes
    vocab = corpus.config.vocab
    out = []
    for term in sorted(
        graph.subjects(RDFS.isDefinedBy, URIRef(corpus.config.ontology_iri)), key=str
    ):
        if not isinstance(term, URIRef) or not str(term).startswith(vocab):
            continue
        checked = set(shapes.subjects(SH.targetClass, term)) | set(shapes.subjects(SH.path, term))
        out.append(
            OntologyTerm(
                iri=term,
                is_class=(term, RDF.type, OWL.Class) in graph,
                definitions=[
                    d for d in graph.objects(term, SKOS.definition) if isinstance(d, Literal)
                ],
                parents=sorted(
                    set(graph.objects(term, RDFS.subClassOf))
                    | set(graph.objects(term, RDFS.subPropertyOf)),
                    key=str,
                ),
                domain=sorted(graph.objects(term, RDFS.domain), key=str),
                range=sorted(graph.objects(term, RDFS.range), key=str),
                shapes=sorted(str(s).rsplit("#", 1)[-1] for s in checked if isinstance(s, URIRef)),
            )
        )
    return out


def linkable(node: Node) -> bool:
    """An external IRI that may become a link: http(s) or mailto only, never ``javascript:``."""
    return isinstance(node, URIRef) and bool(LINKABLE.match(str(node)))
