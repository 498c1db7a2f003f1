"""Stage 5, catalogue: describe the published dataset for linked-data clients (VoID): sizes,
classes and properties with their counts, one subset per source graph, the dump and the
endpoint, and a linkset per external dataset that ``catalogue/dataset.toml`` names.
"""

from __future__ import annotations

from collections import Counter

from rdflib import Graph, Literal, URIRef

from innoproc.build.load import Corpus
from innoproc.rdf import DCTERMS, FOAF, RDF, SD, VOID


def void(corpus: Corpus) -> Graph:
    """The VoID description: sizes, classes and properties with counts, the named graphs, the
    dump and the endpoint, the vocabularies used, and a linkset per external target."""
    config = corpus.config
    base = config.base_iri
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dct", DCTERMS)
    dataset = URIRef(base + "void#dataset")
    per_graph: Counter[URIRef] = Counter()
    statements = set()
    for s, p, o, g in corpus.statements:
        if g is not None:
            per_graph[g] += 1
            statements.add((s, p, o))
    subjects = {s for s, _, _ in statements if isinstance(s, URIRef)}
    classes = Counter(o for _, p, o in statements if p == RDF.type)
    properties = Counter(p for _, p, _ in statements)
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal(config.title, lang="en")))
    graph.add((dataset, FOAF.homepage, URIRef(base)))
    graph.add((dataset, DCTERMS.license, URIRef(config.licence)))
    graph.add((dataset, VOID.uriSpace, Literal(base + "id/")))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(base + "sparql")))
    graph.add((dataset, VOID.dataDump, URIRef(base + corpus.description.dump + ".nq")))
    graph.add((dataset, VOID.triples, Literal(len(statements))))
    graph.add((dataset, VOID.entities, Literal(len(subjects))))
    graph.add((dataset, VOID.distinctSubjects, Literal(len({s for s, _, _ in statements}))))
    graph.add((dataset, VOID.distinctObjects, Literal(len({o for _, _, o in statements}))))
    graph.add((dataset, VOID.classes, Literal(len(classes))))
    graph.add((dataset, VOID.properties, Literal(len(properties))))
    vocabularies = sorted({_namespace(p) for p in properties} | {_namespace(c) for c in classes})
    for namespace in vocabularies:
        graph.add((dataset, VOID.vocabulary, URIRef(namespace)))
    for kind, count in sorted(classes.items(), key=lambda kv: str(kv[0])):
        partition = URIRef(base + "void#class-" + _slug(kind))
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], kind))
        graph.add((partition, VOID.entities, Literal(count)))
    for predicate, count in sorted(properties.items(), key=lambda kv: str(kv[0])):
        partition = URIRef(base + "void#property-" + _slug(predicate))
        graph.add((dataset, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, predicate))
        graph.add((partition, VOID.triples, Literal(count)))
    for name in corpus.source_graphs:
        count = per_graph[name]
        subset = URIRef(base + "void#graph-" + str(name).rsplit("/", 1)[-1])
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, SD.name, name))
        graph.add((subset, VOID.triples, Literal(count)))
    for linkset_of in corpus.description.linksets:
        slug, title, prefix = linkset_of.slug, linkset_of.title, linkset_of.uri_space
        links = [
            t
            for t in statements
            if isinstance(t[2], URIRef)
            and str(t[2]).startswith(prefix)
            and not str(t[0]).startswith(prefix)
        ]
        linkset = URIRef(base + "void#links-" + slug)
        target = URIRef(base + "void#" + slug)
        graph.add((target, RDF.type, VOID.Dataset))
        graph.add((target, DCTERMS.title, Literal(title, lang="en")))
        graph.add((target, VOID.uriSpace, Literal(prefix)))
        graph.add((linkset, RDF.type, VOID.Linkset))
        graph.add((linkset, VOID.subjectsTarget, dataset))
        graph.add((linkset, VOID.objectsTarget, target))
        graph.add((linkset, VOID.triples, Literal(len(links))))
        for predicate in sorted({p for _, p, _ in links}, key=str):
            graph.add((linkset, VOID.linkPredicate, predicate))
        graph.add((dataset, VOID.subset, linkset))
    return graph


def _namespace(term: object) -> str:
    text = str(term)
    cut = max(text.rfind("#"), text.rfind("/"))
    return text[: cut + 1]


def _slug(term: object) -> str:
    text = str(term)
    return "".join(c if c.isalnum() else "-" for c in text.split("//", 1)[-1]).strip("-")
