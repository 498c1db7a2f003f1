"""Stage 5, catalogue: describe the published dataset for data portals (DCAT-AP 3), from the
files just written, the graph itself and what ``catalogue/`` says of the dataset; and check the
description with DCAT-AP's official shapes, when the project has them. VoID is :mod:`.void`.

Every figure is computed at build time: byte sizes and SHA-256 checksums from the files, the
temporal coverage from the dates the graph holds, the spatial coverage from the countries it
names.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import version
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from innoproc import formats
from innoproc.build.load import Corpus, parse_file, parse_rdf
from innoproc.rdf import (
    AUTHORITY,
    DCAT,
    DCTERMS,
    FOAF,
    IANA,
    OWL,
    RDF,
    SH,
    SKOS,
    SPDX,
    VCARD,
    XSD,
)

SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")  # as DCAT-AP 3 writes it
LANGUAGES = {"nl": "NLD", "en": "ENG", "de": "DEU", "fr": "FRA", "it": "ITA", "pl": "POL"}
"""The EU language table's code of each ISO 639-1 language."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def catalogue(corpus: Corpus, site: Path) -> Graph:
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
    public = URIRef(AUTHORITY + "access-right/PUBLIC")
    languages = [
        URIRef(AUTHORITY + "language/" + LANGUAGES[lang])
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
    graph.add((catalog_iri, DCAT.themeTaxonomy, URIRef(AUTHORITY + "data-theme")))
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

    for fmt in formats.dumped():
        extension, title, compression = fmt.extension, fmt.label, fmt.compression
        path = site / f"{described.dump}.{extension}"
        distribution = URIRef(base + f"catalog#dump-{extension.replace('.', '-')}")
        url = URIRef(base + f"{described.dump}.{extension}")
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal(f"{name} ({title})", lang="en")))
        graph.add((distribution, DCAT.accessURL, url))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCTERMS.format, URIRef(str(fmt.file_type_iri))))
        graph.add((distribution, DCAT.mediaType, URIRef(IANA + fmt.media_type)))
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
    page = formats.by_name("html")
    assert page is not None and page.file_type_iri is not None
    graph.add((pages, DCTERMS.format, URIRef(page.file_type_iri)))
    graph.add((pages, DCAT.mediaType, URIRef(IANA + page.media_type)))
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
    prefix = AUTHORITY + "country/"
    sources = set(corpus.source_graphs)
    kinds = (XSD.date, XSD.gYear, XSD.gYearMonth)
    dated = (DCAT.startDate, DCAT.endDate, DCTERMS.date, DCTERMS.created, DCTERMS.issued)
    countries: set[URIRef] = set()
    dates: list[str] = []
    for _, p, o, g in corpus.statements:
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
    for triple in parse_file(config, path)[0]:
        graph.add(triple)
    for s, p, o, _ in corpus.statements:
        if str(s).startswith(AUTHORITY):
            graph.add((s, p, o))
    return graph


def dcat_ap_violations(catalogue: Graph, shapes_dir: Path, known: Graph) -> dict[str, list[str]]:
    """Validate the catalogue with DCAT-AP's official shapes, profile by profile, knowing what
    ``known`` (:func:`codes`) says of the codes it uses; the messages of every violation, per
    profile. Raises FileNotFoundError naming what is missing, :class:`InputError` for a file
    that does not parse."""
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
            for triple in parse_rdf(path, path)[0]:
                shapes.add(triple)
        _, report, _ = shacl_validate(
            data, shacl_graph=shapes, inference="none", allow_warnings=True, allow_infos=True
        )
        messages = []
        top = [
            r
            for n in report.subjects(RDF.type, SH.ValidationReport)
            for r in report.objects(n, SH.result)
        ]
        for result in top:
            severity = report.value(result, SH.resultSeverity)
            if severity == SH.Violation:
                focus = report.value(result, SH.focusNode)
                path = report.value(result, SH.resultPath)
                message = report.value(result, SH.resultMessage)
                messages.append(f"{focus} {path}: {message}")
        results[profile] = sorted(messages)
    return results
