"""Stage 5: describe the published dataset for data portals (DCAT-AP 3) and for linked-data
clients (VoID), from the files just written and the graph itself.

Every figure is computed at build time: byte sizes and SHA-256 checksums from the files,
triple, entity, class and property counts and link counts from the graph, the temporal
coverage from the dates it holds, the spatial coverage from the countries it names.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import VOID

from innoproc.load import Corpus, parse_file, quads
from innoproc.vocab import DCAT, DCTERMS, FOAF, OWL, RDF, SKOS, XSD

NAL = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
SPDX = Namespace("http://spdx.org/rdf/terms#")
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")  # as DCAT-AP 3 writes it
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LANGUAGES = {"nl": "NLD", "en": "ENG", "de": "DEU", "fr": "FRA", "it": "ITA", "pl": "POL"}
DISTRIBUTIONS = [
    # extension, title, EU file type, IANA media type, compression
    ("ttl", "Turtle", "RDF_TURTLE", "text/turtle", None),
    ("nt", "N-Triples", "RDF_N_TRIPLES", "application/n-triples", None),
    ("nt.gz", "N-Triples (gzip)", "RDF_N_TRIPLES", "application/n-triples", "application/gzip"),
    ("jsonld", "JSON-LD", "JSON_LD", "application/ld+json", None),
    ("trig", "TriG", "RDF_TRIG", "application/trig", None),
    ("nq", "N-Quads", "RDF_N_QUADS", "application/n-quads", None),
]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def catalog(corpus: Corpus, site: Path) -> Graph:
    """The DCAT-AP catalogue of the dataset as published in ``site``."""
    config = corpus.config
    described = corpus.description
    name = described.name
    base = config.base_iri
    graph = Graph()
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("spdx", SPDX),
        ("vcard", VCARD),
        ("skos", SKOS),
        ("xsd", XSD),
        ("owl", OWL),
    ):
        graph.bind(prefix, namespace)
    catalog_iri = URIRef(base + "catalog")
    dataset = URIRef(base + "catalog#dataset")
    service = URIRef(base + "catalog#sparql")
    publisher = URIRef(base + described.agent)
    contact = URIRef(base + "catalog#contact")
    licence = URIRef(config.licence)
    public = URIRef(NAL + "access-right/PUBLIC")
    languages = [
        URIRef(NAL + "language/" + LANGUAGES[lang])
        for lang in config.languages
        if lang in LANGUAGES
    ]

    def text(subject: URIRef, predicate: URIRef, key: str) -> None:
        for lang in config.languages:
            graph.add((subject, predicate, Literal(described.texts[lang][key], lang=lang)))

    graph.add((catalog_iri, RDF.type, DCAT.Catalog))
    graph.add((catalog_iri, DCTERMS.title, Literal(config.title, lang="en")))
    text(catalog_iri, DCTERMS.description, "catalogue")
    graph.add((catalog_iri, DCTERMS.publisher, publisher))
    graph.add((catalog_iri, FOAF.homepage, URIRef(base)))
    graph.add((catalog_iri, DCTERMS.license, licence))
    graph.add((catalog_iri, DCAT.dataset, dataset))
    graph.add((catalog_iri, DCAT.service, service))
    graph.add((catalog_iri, DCAT.themeTaxonomy, URIRef(NAL + "data-theme")))
    for language in languages:
        graph.add((catalog_iri, DCTERMS.language, language))

    graph.add((URIRef(base), RDF.type, FOAF.Document))
    graph.add((URIRef(base + f"{config.default_language}/index.html"), RDF.type, FOAF.Document))
    graph.add((URIRef(config.ontology_iri), RDF.type, DCTERMS.Standard))
    graph.add((URIRef("https://www.w3.org/TR/sparql11-protocol/"), RDF.type, DCTERMS.Standard))
    graph.add((SHA256, RDF.type, SPDX.ChecksumAlgorithm))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(config.publisher)))
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, VCARD.fn, Literal(config.publisher)))
    graph.add((contact, VCARD.hasURL, URIRef(base)))

    graph.add((dataset, RDF.type, DCAT.Dataset))
    text(dataset, DCTERMS.title, "title")
    text(dataset, DCTERMS.description, "intro")
    for lang in config.languages:
        for keyword in described.keywords[lang]:
            graph.add((dataset, DCAT.keyword, Literal(keyword, lang=lang)))
    for theme in described.themes:
        graph.add((dataset, DCAT.theme, URIRef(theme)))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCAT.contactPoint, contact))
    graph.add((dataset, DCTERMS.accessRights, public))
    graph.add((dataset, DCAT.landingPage, URIRef(base + f"{config.default_language}/index.html")))
    graph.add((dataset, OWL.versionInfo, Literal(version("innoproc"))))
    graph.add((dataset, DCTERMS.conformsTo, URIRef(config.ontology_iri)))
    for language in languages:
        graph.add((dataset, DCTERMS.language, language))
    if config.release_date:
        for predicate in (DCTERMS.issued, DCTERMS.modified):
            graph.add((dataset, predicate, Literal(config.release_date, datatype=XSD.date)))
            graph.add((catalog_iri, predicate, Literal(config.release_date, datatype=XSD.date)))
    countries, (start, end) = _countries_and_coverage(corpus)
    for country in sorted(countries, key=str):
        graph.add((dataset, DCTERMS.spatial, country))
    if start and end:
        period = URIRef(base + "catalog#coverage")
        graph.add((dataset, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        graph.add((period, DCAT.startDate, start))
        graph.add((period, DCAT.endDate, end))

    for extension, title, file_type, media, compression in DISTRIBUTIONS:
        path = site / f"{described.dump}.{extension}"
        distribution = URIRef(base + f"catalog#dump-{extension.replace('.', '-')}")
        url = URIRef(base + f"{described.dump}.{extension}")
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal(f"{name} ({title})", lang="en")))
        graph.add((distribution, DCAT.accessURL, url))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCTERMS.format, URIRef(NAL + "file-type/" + file_type)))
        graph.add((distribution, DCAT.mediaType, URIRef(IANA + media)))
        if compression:
            graph.add((distribution, DCAT.compressFormat, URIRef(IANA + compression)))
        graph.add((distribution, DCTERMS.license, licence))
        graph.add((distribution, DCTERMS.rights, public))
        graph.add(
            (
                distribution,
                DCAT.byteSize,
                Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger),
            )
        )
        checksum = URIRef(str(distribution) + "-checksum")
        graph.add((distribution, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SHA256))
        graph.add((checksum, SPDX.checksumValue, Literal(_sha256(path), datatype=XSD.hexBinary)))
        for language in languages:
            graph.add((distribution, DCTERMS.language, language))

    pages = URIRef(base + "catalog#pages")
    graph.add((dataset, DCAT.distribution, pages))
    graph.add((pages, RDF.type, DCAT.Distribution))
    graph.add((pages, DCTERMS.title, Literal(f"{name} (HTML)", lang="en")))
    graph.add((pages, DCAT.accessURL, URIRef(base + f"{config.default_language}/index.html")))
    graph.add((pages, DCTERMS.format, URIRef(NAL + "file-type/HTML")))
    graph.add((pages, DCAT.mediaType, URIRef(IANA + "text/html")))
    graph.add((pages, DCTERMS.license, licence))

    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCTERMS.title, Literal(f"{name} SPARQL endpoint", lang="en")))
    graph.add((service, DCAT.endpointURL, URIRef(base + "sparql")))
    graph.add((service, DCAT.endpointDescription, URIRef(base + "sparql")))
    graph.add((service, DCAT.servesDataset, dataset))
    graph.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    graph.add((service, DCTERMS.license, licence))
    graph.add((service, DCTERMS.accessRights, public))
    graph.add((service, DCTERMS.publisher, publisher))
    return graph


def _countries_and_coverage(
    corpus: Corpus,
) -> tuple[set[URIRef], tuple[Literal | None, Literal | None]]:
    """In one pass over the sources: the countries they name, and the earliest and latest
    date they give (as years)."""
    prefix = NAL + "country/"
    sources = set(corpus.source_graphs)
    kinds = (XSD.date, XSD.gYear, XSD.gYearMonth)
    dated = (DCAT.startDate, DCAT.endDate, DCTERMS.date, DCTERMS.created, DCTERMS.issued)
    countries: set[URIRef] = set()
    dates: list[str] = []
    for _, p, o, g in quads(corpus.dataset):
        if g not in sources:
            continue
        if isinstance(o, URIRef) and str(o).startswith(prefix):
            countries.add(o)
        elif isinstance(o, Literal) and o.datatype in kinds and p in dated:
            dates.append(str(o))
    if not dates:
        return countries, (None, None)
    year = XSD.gYear
    first, last = min(dates), max(dates)
    return countries, (Literal(first[:4], datatype=year), Literal(last[:4], datatype=year))


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
    union = set()
    for s, p, o, g in quads(corpus.dataset):
        if g is not None:
            per_graph[g] += 1
            union.add((s, p, o))
    statements = union
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
        graph.add((subset, URIRef("http://www.w3.org/ns/sparql-service-description#name"), name))
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


PROFILES = {
    "full": ["shapes.ttl", "range.ttl", "shapes_recommended.ttl", "deprecateduris.ttl"],
    "codelists": ["mdr-vocabularies.shape.ttl"],
}


def codes(corpus: Corpus) -> Graph:
    """What the authority tables say about the codes the catalogue uses: the project's
    ``catalogue/authority-codes.ttl`` and, for the countries, what the data states of them.
    The DCAT-AP check reads the tables' codes from here (it needs no network), so a code that
    is not here fails it."""
    config = corpus.config
    path = config.path(config.catalogue_dir) / "authority-codes.ttl"
    graph = Graph()
    for triple in parse_file(config, path, ox.RdfFormat.TURTLE):
        graph.add(triple)
    for s, p, o, _ in quads(corpus.dataset):
        if str(s).startswith(NAL):
            graph.add((s, p, o))
    return graph


def check(catalogue: Graph, shapes_dir: Path, known: Graph) -> dict[str, list[str]]:
    """Validate the catalogue with DCAT-AP's official shapes, profile by profile, knowing what
    ``known`` (:func:`codes`) says of the codes it uses; the messages of every violation, per
    profile. Raises FileNotFoundError naming what is missing."""
    from pyshacl import validate as shacl_validate

    data = Graph()
    for triple in catalogue:
        data.add(triple)
    for triple in known:
        data.add(triple)
    results: dict[str, list[str]] = {}
    for profile, files in PROFILES.items():
        shapes = Graph()
        for name in files:
            path = shapes_dir / name
            if not path.is_file():
                raise FileNotFoundError(f"DCAT-AP shapes not found: {path}")
            shapes.parse(path, format="turtle")
        _, report, _ = shacl_validate(
            data, shacl_graph=shapes, inference="none", allow_warnings=True, allow_infos=True
        )
        messages = []
        sh = Namespace("http://www.w3.org/ns/shacl#")
        top = [
            r
            for n in report.subjects(RDF.type, sh.ValidationReport)
            for r in report.objects(n, sh.result)
        ]
        for result in top:
            severity = report.value(result, sh.resultSeverity)
            if severity == sh.Violation:
                focus = report.value(result, sh.focusNode)
                path = report.value(result, sh.resultPath)
                message = report.value(result, sh.resultMessage)
                messages.append(f"{focus} {path}: {message}")
        results[profile] = sorted(messages)
    return results
