"""Serve the built site as linked data: static files, content negotiation for the dataset's
IRIs, and a read-only SPARQL 1.1 Protocol endpoint at ``/sparql``.

Resource IRIs follow the W3C "Cool URIs for the Semantic Web" 303 pattern: ``/id/{kind}/{slug}``
answers ``303 See Other`` to the document in the format the ``Accept`` header asks for (the HTML
page in the language ``Accept-Language`` prefers), with ``Vary: Accept`` and ``Link`` headers
naming every format. Every answer allows cross-origin reading.
"""

from __future__ import annotations

import json
import posixpath
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import jinja2
import pyoxigraph as ox

from innoproc.config import Config
from innoproc.errors import InputError
from innoproc.interface import environment, interface_strings
from innoproc.query import Query, load_queries
from innoproc.sparql import GRAPH_TYPES, RESULT_TYPES, Answer, Pool

MEDIA_TYPES = {
    ".ttl": "text/turtle; charset=utf-8",
    ".jsonld": "application/ld+json",
    ".nt": "application/n-triples",
    ".rdf": "application/rdf+xml",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".gz": "application/gzip",
    ".rq": "application/sparql-query",
}
DOCUMENTS = [  # media type, file extension, RDF format to convert to (None: the file itself)
    ("text/html", ".html", None),
    ("text/turtle", ".ttl", None),
    ("application/ld+json", ".jsonld", None),
    ("application/n-triples", ".nt", None),
    ("application/rdf+xml", ".rdf", ox.RdfFormat.RDF_XML),
]
FORMAT_PARAMETER = {
    "json": "json",
    "xml": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "turtle": "turtle",
    "ttl": "turtle",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "ntriples": "ntriples",
    "nt": "ntriples",
    "rdfxml": "rdfxml",
    "xml-rdf": "rdfxml",
}
ACCEPT_FORMATS = [
    ("application/sparql-results+json", "json"),
    ("application/json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("application/xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("text/turtle", "turtle"),
    ("application/ld+json", "jsonld"),
    ("application/n-triples", "ntriples"),
    ("application/rdf+xml", "rdfxml"),
]


def negotiate(accept: str | None, offers: Iterable[str]) -> str | None:
    """The offer the ``Accept`` header likes best (ties go to the earlier offer), or None."""
    offers = list(offers)
    if not accept:
        return offers[0] if offers else None
    ranges = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        quality = 1.0
        for parameter in pieces[1:]:
            if parameter.startswith("q="):
                try:
                    quality = float(parameter[2:])
                except ValueError:
                    quality = 0.0
        ranges.append((pieces[0].lower(), quality))
    best, best_quality = None, 0.0
    for offer in offers:
        kind = offer.split("/")[0]
        matches = [
            (3 if r == offer else 2 if r == f"{kind}/*" else 1, q)
            for r, q in ranges
            if r in (offer, f"{kind}/*", "*/*")
        ]
        if matches:
            quality = max(matches)[1]
            if quality > best_quality:
                best, best_quality = offer, quality
    return best


@dataclass
class Site:
    config: Config
    root: Path
    pool: Pool
    queries: list[Query]
    max_body: int
    templates: jinja2.Environment
    ui: dict[str, dict[str, str]]


class Handler(BaseHTTPRequestHandler):
    server_version = "innoproc"
    site: Site

    # ------------------------------------------------------------------ plumbing

    def log_message(self, format: str, *args: object) -> None:
        sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header(
            "Access-Control-Expose-Headers",
            "Link, Location, Vary, Content-Location, X-Results-Truncated",
        )
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.send(status, (message.rstrip() + "\n").encode(), "text/plain; charset=utf-8", headers)

    def do_OPTIONS(self) -> None:
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        self.route(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > self.site.max_body:
            self.error(413, f"The request body is over the limit of {self.site.max_body} bytes.")
            return
        self.route(self.rfile.read(length))

    # ------------------------------------------------------------------ routing

    def route(self, body: bytes) -> None:
        parts = urlsplit(self.path)
        raw = parts.path
        if (
            ".." in unquote(unquote(raw)).split("/")
            or "\\" in unquote(raw)
            or "\x00" in unquote(raw)
        ):
            self.error(400, "The path may not leave the site.")
            return
        path = unquote(raw)
        if path in ("/sparql", "/sparql/"):
            self.sparql(parts.query, body)
        elif self.command == "POST":
            self.error(405, "Only /sparql accepts POST.", {"Allow": "GET, HEAD"})
        elif path.startswith("/id/") and "." not in posixpath.basename(path):
            self.resource(path[len("/id/") :])
        elif path == "/catalog":
            self.see_other({"text/turtle": "catalog.ttl", "application/ld+json": "catalog.jsonld"})
        elif path == "/.well-known/void":
            self.see_other({"text/turtle": "void.ttl"})
        elif path == "/ontology":
            self.see_other({"text/html": "{lang}/ontology.html", "text/turtle": "ontology.ttl"})
        else:
            self.static(path)

    def static(self, path: str) -> None:
        root = self.site.root
        target = (root / path.lstrip("/")).resolve()
        if target != root and root not in target.parents:
            self.error(400, "The path may not leave the site.")
            return
        if target.is_dir():
            target = target / "index.html"
        if target.suffix == ".rdf" and not target.exists() and target.with_suffix(".nt").is_file():
            triples = ox.parse(path=str(target.with_suffix(".nt")), format=ox.RdfFormat.N_TRIPLES)
            body = ox.serialize(list(triples), format=ox.RdfFormat.RDF_XML) or b""
            self.send(200, body, "application/rdf+xml")
            return
        if not target.is_file():
            self.error(404, f"Not found: {path}")
            return
        content_type = MEDIA_TYPES.get(target.suffix, "application/octet-stream")
        self.send(200, target.read_bytes(), content_type)

    def language(self) -> str:
        header = self.headers.get("Accept-Language") or ""
        wanted = [p.split(";")[0].strip().lower()[:2] for p in header.split(",") if p.strip()]
        for lang in wanted:
            if lang in self.site.config.languages:
                return lang
        return self.site.config.default_language

    def resource(self, path: str) -> None:
        root = self.site.root
        if not re.fullmatch(r"[\w-]+/[\w.~-]+", path) or not (root / "id" / f"{path}.nt").is_file():
            self.error(
                404,
                f"No resource {self.site.config.base_iri}id/{path} in this dataset.",
                {"Vary": "Accept, Accept-Language"},
            )
            return
        self.see_other(
            {
                media: (f"{{lang}}/{path}.html" if ext == ".html" else f"id/{path}{ext}")
                for media, ext, _ in DOCUMENTS
            }
        )

    def see_other(self, documents: dict[str, str]) -> None:
        """303 to the document (``{lang}`` filled in) that ``Accept`` prefers, naming them all
        in ``Link``; 406 when none is acceptable."""
        located = {
            media: "/" + target.format(lang=self.language()) for media, target in documents.items()
        }
        chosen = negotiate(self.headers.get("Accept"), located)
        links = ", ".join(
            f'<{doc}>; rel="alternate"; type="{media}"' for media, doc in located.items()
        )
        headers = {"Vary": "Accept, Accept-Language", "Link": links}
        if chosen is None:
            self.error(406, "Not acceptable. Available: " + ", ".join(located), headers)
            return
        headers["Location"] = located[chosen]
        self.send(303, f"See {located[chosen]}\n".encode(), "text/plain; charset=utf-8", headers)

    # ------------------------------------------------------------------ SPARQL

    def sparql(self, query_string: str, body: bytes) -> None:
        parameters = parse_qs(query_string)
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        text: str | None = None
        if self.command == "POST":
            if content_type == "application/sparql-query":
                text = body.decode("utf-8", "replace")
            elif content_type == "application/x-www-form-urlencoded":
                parameters.update(parse_qs(body.decode("utf-8", "replace")))
            elif content_type == "application/sparql-update":
                self.error(403, "This endpoint is read-only: updates are refused.")
                return
            else:
                self.error(415, "POST a query as application/sparql-query or a form.")
                return
        if "update" in parameters:
            self.error(403, "This endpoint is read-only: updates are refused.")
            return
        if text is None and "query" in parameters:
            text = parameters["query"][0]
        wanted = parameters.get("format", [""])[0].lower()
        accept = self.headers.get("Accept")
        if text is None:
            self.describe_service(accept)
            return
        if len(text.encode()) > self.site.max_body:
            self.error(413, f"The query is over the limit of {self.site.max_body} bytes.")
            return
        if wanted:
            if wanted not in FORMAT_PARAMETER and wanted != "html":
                self.error(
                    406,
                    f"Unknown format {wanted!r}. Known: "
                    + ", ".join([*sorted(FORMAT_PARAMETER), "html"]),
                )
                return
            fmt = FORMAT_PARAMETER.get(wanted, "html")
        else:
            offers = (
                ["text/html"] + [media for media, _ in ACCEPT_FORMATS]
                if accept and "text/html" in accept
                else [media for media, _ in ACCEPT_FORMATS]
            )
            chosen = negotiate(accept, offers)
            if chosen is None:
                self.error(
                    406,
                    "Not acceptable. Results come as "
                    + ", ".join(m for m, _ in ACCEPT_FORMATS)
                    + ".",
                    {"Vary": "Accept"},
                )
                return
            fmt = "html" if chosen == "text/html" else dict(ACCEPT_FORMATS)[chosen]
        result = self.site.pool.run(Query(text), "json" if fmt == "html" else fmt)
        headers = {"Vary": "Accept"}
        if result.truncated:
            headers["X-Results-Truncated"] = f"cut at {self.site.pool.row_limit} rows"
        if result.status != 200:
            self.send(result.status, result.body, result.content_type, headers)
            return
        if fmt == "html":
            self.send(
                200, self.results_page(text, result).encode(), "text/html; charset=utf-8", headers
            )
            return
        if (fmt in RESULT_TYPES and result.form == "graph") or (
            fmt in GRAPH_TYPES and result.form != "graph"
        ):
            self.error(406, f"A {result.form.upper()} query cannot be answered as {fmt}.", headers)
            return
        self.send(200, result.body, result.content_type, headers)

    def describe_service(self, accept: str | None) -> None:
        endpoint = f"http://{self.headers.get('Host') or 'localhost'}/sparql"
        chosen = negotiate(accept, ["text/html", "text/turtle", "application/n-triples"])
        if chosen == "text/html" and accept and "text/html" in accept:
            self.send(
                200,
                self.results_page("", None).encode(),
                "text/html; charset=utf-8",
                {"Vary": "Accept"},
            )
            return
        description = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .

<{endpoint}> a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON> ,
        <http://www.w3.org/ns/formats/SPARQL_Results_XML> ,
        <http://www.w3.org/ns/formats/SPARQL_Results_CSV> ,
        <http://www.w3.org/ns/formats/SPARQL_Results_TSV> ,
        <http://www.w3.org/ns/formats/Turtle> , <http://www.w3.org/ns/formats/JSON-LD> ,
        <http://www.w3.org/ns/formats/N-Triples> , <http://www.w3.org/ns/formats/RDF_XML> ;
    sd:feature sd:UnionDefaultGraph ;
    sd:defaultDataset [ a sd:Dataset ;
        sd:defaultGraph [ a sd:Graph ;
            void:dataDump <{endpoint.removesuffix("sparql")}dumps/innoproc.nq> ] ] .
"""
        data = description.encode()
        if chosen == "application/n-triples":
            triples = ox.parse(description.encode(), format=ox.RdfFormat.TURTLE)
            data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
        media = (
            "application/n-triples"
            if chosen == "application/n-triples"
            else "text/turtle; charset=utf-8"
        )
        self.send(200, data, media, {"Vary": "Accept"})

    def results_page(self, text: str, result: Answer | None) -> str:
        """The query form for people, with the questions from queries/ and, given a query, its
        answer as a table. It needs no JavaScript."""
        lang = self.language()
        page = FormPage(lang=lang, t=self.site.ui[lang], config=self.site.config)
        return self.site.templates.get_template("sparql.html").render(
            page=page,
            t=page.t,
            lang=lang,
            site_title=self.site.config.title,
            config=self.site.config,
            canonical=self.site.config.base_iri + "sparql",
            here="sparql",
            text=text,
            data=json.loads(result.body) if result is not None else None,
            truncated=bool(result and result.truncated),
            queries=self.site.queries,
        )


@dataclass
class FormPage:
    """The endpoint's own page, at /sparql, for the site's base template."""

    lang: str
    t: dict[str, str]
    config: Config
    path: str = "sparql"

    def url(self, target: str) -> str:
        return posixpath.relpath(target, ".")

    def alternates(self, here: str) -> list[tuple[str, str, str]]:
        return []


class Server(ThreadingHTTPServer):
    """A thread per connection, and room for many waiting connections (the standard library's
    backlog of 5 makes the sixth concurrent client wait a second for a retried connect)."""

    request_queue_size = 128
    daemon_threads = True


def make_server(config: Config, host: str, port: int, workers: int = 2) -> ThreadingHTTPServer:
    """A server for the site built for ``config`` (it must exist: run ``innoproc build``)."""
    root = config.path(config.output).resolve()
    dump = root / "dumps/innoproc.nq"
    if not dump.is_file():
        raise InputError(f"{root}: no built site here; run innoproc build first")
    pool = Pool(
        dump,
        config.base_iri,
        size=workers,
        timeout=config.query_timeout,
        row_limit=config.row_limit,
    )
    strings = interface_strings()
    site = Site(
        config=config,
        root=root,
        pool=pool,
        queries=load_queries(config.path(config.queries_dir)),
        max_body=config.max_body,
        templates=environment(config),
        ui={lang: strings[lang] for lang in config.languages},
    )
    handler = type("SiteHandler", (Handler,), {"site": site})
    server = Server((host, port), handler)
    original_close = server.server_close

    def close() -> None:
        original_close()
        pool.close()

    server.server_close = close  # type: ignore[method-assign]
    return server


def serve(config: Config, host: str = "127.0.0.1", port: int = 8000) -> None:
    server = make_server(config, host, port, config.workers)
    print(
        f"Serving {config.path(config.output)} on http://{host}:{server.server_address[1]}/ "
        "(SPARQL at /sparql; Ctrl-C to stop)"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
