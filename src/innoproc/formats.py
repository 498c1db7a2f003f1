"""The one table of formats: every writer of the build and every negotiator of the server reads
it, so a format is added here and nowhere else.

A format has a name (the value of the SPARQL protocol's ``format`` parameter), a label for
people, a file extension, an IANA media type, the Oxigraph format that writes it, what it holds
(a graph's triples, a dataset's quads, or a query's results), and the EU Publications Office's
file type, for the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

from innoproc.rdf import AUTHORITY

FILE_TYPE = AUTHORITY + "file-type/"

Holds = Literal["triples", "quads", "results", "page"]


@dataclass(frozen=True)
class Format:
    name: str
    """The ``format`` parameter's value that asks for it: ``turtle``, ``jsonld`` ..."""
    label: str
    """How people call it: ``Turtle``, ``JSON-LD`` ..."""
    extension: str
    """The file extension, without the dot: ``ttl``, ``nt.gz`` ..."""
    media_type: str
    """The IANA media type, without parameters."""
    holds: Holds
    """``triples`` (a graph), ``quads`` (named graphs too), ``results`` (SELECT and ASK
    answers) or ``page`` (HTML)."""
    rdf: ox.RdfFormat | None = None
    """The Oxigraph format that parses and writes it (RDF formats)."""
    results: ox.QueryResultsFormat | None = None
    """The Oxigraph format that writes it (query results formats)."""
    file_type: str | None = None
    """The EU file type's code (``RDF_TURTLE``), for the catalogue."""
    compression: str | None = None
    """The media type of its compression (``application/gzip``), when it is compressed."""
    aliases: tuple[str, ...] = ()
    """Other ``format`` parameter values that ask for it."""
    also_accepted: tuple[str, ...] = ()
    """Other media types an ``Accept`` header may ask for it by."""
    text: bool = False
    """True when its media type takes a ``charset`` parameter (served as UTF-8)."""
    described: bool = False
    """True when the build writes every resource's description in it (``id/{kind}/{slug}``)."""
    dumped: bool = False
    """True when the build writes the whole dataset in it (``dumps/{name}``)."""

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` to serve it with."""
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type

    @property
    def file_type_iri(self) -> str | None:
        return FILE_TYPE + self.file_type if self.file_type else None


FORMATS: tuple[Format, ...] = (
    Format(
        "trig", "TriG", "trig", "application/trig", "quads", ox.RdfFormat.TRIG,
        file_type="RDF_TRIG", described=True, dumped=True,
    ),
    Format(
        "nquads", "N-Quads", "nq", "application/n-quads", "quads", ox.RdfFormat.N_QUADS,
        file_type="RDF_N_QUADS", dumped=True,
    ),
    Format(
        "turtle", "Turtle", "ttl", "text/turtle", "triples", ox.RdfFormat.TURTLE,
        file_type="RDF_TURTLE", aliases=("ttl",), text=True, described=True, dumped=True,
    ),
    Format(
        "ntriples", "N-Triples", "nt", "application/n-triples", "triples",
        ox.RdfFormat.N_TRIPLES, file_type="RDF_N_TRIPLES", aliases=("nt",), described=True,
        dumped=True,
    ),
    Format(
        "ntriples-gzip", "N-Triples (gzip)", "nt.gz", "application/n-triples", "triples",
        ox.RdfFormat.N_TRIPLES, file_type="RDF_N_TRIPLES", compression="application/gzip",
        dumped=True,
    ),
    Format(
        "jsonld", "JSON-LD", "jsonld", "application/ld+json", "triples", ox.RdfFormat.JSON_LD,
        file_type="JSON_LD", aliases=("json-ld",), described=True, dumped=True,
    ),
    Format(
        "rdfxml", "RDF/XML", "rdf", "application/rdf+xml", "triples", ox.RdfFormat.RDF_XML,
        file_type="RDF_XML", aliases=("xml-rdf",), described=True,
    ),
    Format(
        "json", "SPARQL JSON", "srj", "application/sparql-results+json", "results",
        results=ox.QueryResultsFormat.JSON, also_accepted=("application/json",),
    ),
    Format(
        "xml", "SPARQL XML", "srx", "application/sparql-results+xml", "results",
        results=ox.QueryResultsFormat.XML, also_accepted=("application/xml",),
    ),
    Format(
        "csv", "CSV", "csv", "text/csv", "results", results=ox.QueryResultsFormat.CSV, text=True,
    ),
    Format(
        "tsv", "TSV", "tsv", "text/tab-separated-values", "results",
        results=ox.QueryResultsFormat.TSV, text=True,
    ),
    Format("html", "HTML", "html", "text/html", "page", file_type="HTML", text=True),
)  # fmt: skip


def by_name(name: str) -> Format | None:
    """The format a ``format`` parameter asks for (its name or an alias), or None."""
    for fmt in FORMATS:
        if name == fmt.name or name in fmt.aliases:
            return fmt
    return None


def by_extension(extension: str) -> Format | None:
    """The format of files ending in ``.{extension}`` (the first such, uncompressed), or None."""
    return next((f for f in FORMATS if f.extension == extension.lstrip(".")), None)


def described() -> list[Format]:
    """The formats of every resource's description: those of triples in the table's order,
    then those that keep the sources (quads), which a client asks for by name."""
    return sorted((f for f in FORMATS if f.described), key=lambda f: f.holds == "quads")


def dumped() -> list[Format]:
    """The formats of the dumps of the whole dataset, in the table's order."""
    return [f for f in FORMATS if f.dumped]


def holding(*kinds: Holds) -> list[Format]:
    """The formats that hold any of ``kinds`` (``results``; ``triples`` ...), in order."""
    return [f for f in FORMATS if f.holds in kinds]


OTHER_FILES = {
    "css": "text/css; charset=utf-8",
    "rq": "application/sparql-query",
    "svg": "image/svg+xml",
    "json": "application/json",
    "bib": "application/x-bibtex; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
}
"""The ``Content-Type`` of the site's other files, by extension."""

PAGE = "text/html"
"""The media type of the site's pages."""


def media_type(name: str) -> str | None:
    """The ``Content-Type`` of a site file named ``name``, from the format table (compressed
    files as their compression) or :data:`OTHER_FILES`; None when neither knows it."""
    for fmt in sorted(FORMATS, key=lambda f: -len(f.extension)):
        if name.endswith("." + fmt.extension):
            return fmt.compression or fmt.content_type
    return OTHER_FILES.get(name.rsplit(".", 1)[-1])


def file_types() -> dict[str, str]:
    """Every extension of the site's files (the last one: ``gz`` for ``nt.gz``) and the
    ``Content-Type`` it is served with, as :func:`media_type` gives it, sorted by extension:
    what a static web server's table of types must hold."""
    names = [f"file.{f.extension}" for f in FORMATS] + [f"file.{e}" for e in OTHER_FILES]
    types = {name.rsplit(".", 1)[-1]: media_type(name) for name in names}
    return {ext: typed for ext, typed in sorted(types.items()) if typed}


Documents = tuple[tuple[str, str], ...]
"""(media type, target) pairs in the order of preference: the documents a negotiated IRI is
answered with. A target is a path in the site, without the leading ``/``; ``{lang}`` in it is
the language ``Accept-Language`` chose, ``{path}`` the resource's ``{kind}/{slug}``."""


def resource_documents() -> Documents:
    """The documents a resource IRI ``/id/{kind}/{slug}`` is answered with: its page, then its
    description in every format the build writes one in (:func:`described`)."""
    descriptions = [(f.media_type, f"id/{{path}}.{f.extension}") for f in described()]
    return ((PAGE, "{lang}/{path}.html"), *descriptions)


def fixed_documents() -> dict[str, Documents]:
    """The site's other negotiated IRIs (their paths) and the documents each is answered with:
    the DCAT-AP catalogue, the VoID description, the ontology."""
    turtle, jsonld, rdfxml = by_name("turtle"), by_name("jsonld"), by_name("rdfxml")
    assert turtle is not None and jsonld is not None and rdfxml is not None
    return {
        "/catalog": (  # to people, the home page: it describes the dataset and its downloads
            (turtle.media_type, f"catalog.{turtle.extension}"),
            (jsonld.media_type, f"catalog.{jsonld.extension}"),
            (rdfxml.media_type, f"catalog.{rdfxml.extension}"),
            (PAGE, "{lang}/index.html"),
        ),
        "/.well-known/void": ((turtle.media_type, f"void.{turtle.extension}"),),
        "/ontology": (
            (PAGE, "{lang}/ontology.html"),
            (turtle.media_type, f"ontology.{turtle.extension}"),
        ),
    }
