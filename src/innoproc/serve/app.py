"""Serve the built site as linked data, on Starlette and uvicorn: static files, content
negotiation for the dataset's IRIs, and a read-only SPARQL 1.1 Protocol endpoint at ``/sparql``.

Resource IRIs follow the W3C "Cool URIs for the Semantic Web" 303 pattern: ``/id/{kind}/{slug}``
answers ``303 See Other`` to the document in the format the ``Accept`` header asks for (the HTML
page in the language ``Accept-Language`` prefers), with ``Vary`` and ``Link`` headers naming
every format, and 406 when none fits. Every answer allows cross-origin reading, tells browsers
not to sniff types or frame the page, and HTML carries a Content-Security-Policy that allows
only the site's own resources.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import jinja2
import pyoxigraph as ox
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request as HttpRequest
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from innoproc.config import Config
from innoproc.errors import InputError
from innoproc.formats import FORMATS
from innoproc.interface import environment, interface_strings
from innoproc.query import Query, load_queries
from innoproc.serve.negotiation import language, negotiate
from innoproc.serve.protocol import Answer, Request
from innoproc.serve.workers import Pool

# The documents a resource IRI may be answered with: its page, then its description in every
# format the build writes one in.
DOCUMENTS = [("text/html", "html")] + [(f.media_type, f.extension) for f in FORMATS if f.described]
OTHER_FILES = {
    "css": "text/css; charset=utf-8",
    "rq": "application/sparql-query",
    "svg": "image/svg+xml",
    "json": "application/json",
}
HTML_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"
EXPOSED = "Link, Location, Vary, Content-Location, X-Results-Truncated"
SERVER_SETTINGS: dict[str, Any] = {
    "http": "h11",
    "server_header": False,
    "timeout_keep_alive": 5,
    "h11_max_incomplete_event_size": 16 * 1024,
    "limit_concurrency": 256,
}
"""uvicorn's settings: no server version, idle connections closed after 5 s, request heads of
at most 16 KiB, and at most 256 connections at once (503 beyond)."""


def media_type(name: str) -> str | None:
    """The ``Content-Type`` of a site file, from the format table (compressed files as their
    compression), or None to let the static file server guess."""
    for fmt in sorted(FORMATS, key=lambda f: -len(f.extension)):
        if name.endswith("." + fmt.extension):
            return fmt.compression or fmt.content_type
    return OTHER_FILES.get(name.rsplit(".", 1)[-1])


class SiteFiles(StaticFiles):
    """The built site's files, typed from the format table."""

    def file_response(self, full_path: Any, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(full_path, *args, **kwargs)
        typed = media_type(str(full_path))
        if typed:
            response.headers["content-type"] = typed
        return response


@dataclass
class Site:
    config: Config
    root: Path
    files: SiteFiles
    dump: str
    """The dumps' path without extension, relative to the site."""
    pool: Pool
    queries: list[Query]
    templates: jinja2.Environment
    ui: dict[str, dict[str, str]]

    def language(self, request: HttpRequest) -> str:
        return language(
            request.headers.get("accept-language"),
            self.config.languages,
            self.config.default_language,
        )


class SecurityHeaders:
    """Headers every answer carries: no type sniffing, no framing, a Content-Security-Policy
    (the site's own resources only, for HTML; nothing at all, for data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                if "access-control-allow-origin" not in headers:  # linked data is for all
                    headers["Access-Control-Allow-Origin"] = "*"
                    headers["Access-Control-Expose-Headers"] = EXPOSED
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
                html = headers.get("content-type", "").startswith("text/html")
                headers["Content-Security-Policy"] = HTML_POLICY if html else OTHER_POLICY
            await send(message)

        await self.app(scope, receive, send_with_headers)


def text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message.rstrip() + "\n", status, headers=headers)


def see_other(site: Site, request: HttpRequest, documents: dict[str, str]) -> Response:
    """303 to the document (``{lang}`` filled in) that ``Accept`` prefers, naming them all in
    ``Link``; 406 when none is acceptable."""
    lang = site.language(request)
    located = {media: "/" + target.format(lang=lang) for media, target in documents.items()}
    chosen = negotiate(request.headers.get("accept"), list(located))
    links = ", ".join(f'<{doc}>; rel="alternate"; type="{media}"' for media, doc in located.items())
    headers = {"Vary": "Accept, Accept-Language", "Link": links}
    if chosen is None:
        return text(406, "Not acceptable. Available: " + ", ".join(located), headers)
    headers["Location"] = located[chosen]
    return text(303, f"See {located[chosen]}", headers)


def make_app(config: Config, workers: int | None = None) -> Starlette:
    """The server's application for the site built for ``config`` (it must exist: run
    ``innoproc build``)."""
    root = config.path(config.output).resolve()
    dumps = sorted((root / "dumps").glob("*.nq"))
    if len(dumps) != 1:
        raise InputError(f"{root}: no built site here (one dumps/*.nq); run innoproc build first")
    dump = dumps[0]
    dump_path = f"dumps/{dump.stem}"
    strings = interface_strings()
    site = Site(
        config=config,
        root=root,
        files=SiteFiles(directory=root, html=True),
        dump=dump_path,
        pool=Pool(
            dump,
            config.base_iri,
            size=workers or config.workers,
            timeout=config.query_timeout,
            row_limit=config.row_limit,
            memory=config.worker_memory * 1024 * 1024,
        ),
        queries=load_queries(config.path(config.queries_dir)),
        templates=environment(config),
        ui={lang: strings[lang] for lang in config.languages},
    )

    def route(handler: Callable[[Site, HttpRequest], Awaitable[Response]]) -> Any:
        async def endpoint(request: HttpRequest) -> Response:
            return await handler(site, request)

        return endpoint

    def negotiated(documents: dict[str, str]) -> Any:
        async def endpoint(request: HttpRequest) -> Response:
            return see_other(site, request, documents)

        return endpoint

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        site.pool.close()

    reading = ["GET", "HEAD"]
    app = Starlette(
        routes=[
            Route("/sparql", route(sparql), methods=["GET", "HEAD", "POST"]),
            Route("/sparql/", route(sparql), methods=["GET", "HEAD", "POST"]),
            Route("/id/{kind}/{slug}", route(resource), methods=reading),
            Route(
                "/catalog",
                negotiated({"text/turtle": "catalog.ttl", "application/ld+json": "catalog.jsonld"}),
                methods=reading,
            ),
            Route("/.well-known/void", negotiated({"text/turtle": "void.ttl"}), methods=reading),
            Route(
                "/ontology",
                negotiated({"text/html": "{lang}/ontology.html", "text/turtle": "ontology.ttl"}),
                methods=reading,
            ),
            Mount("/", site.files),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
                allow_headers=["Accept", "Accept-Language", "Content-Type"],
                expose_headers=EXPOSED.split(", "),
            ),
        ],
        exception_handlers={HTTPException: http_error},
        lifespan=lifespan,
    )
    app.state.site = site
    return app


async def http_error(request: HttpRequest, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return text(exc.status_code, exc.detail, dict(exc.headers or {}))


async def resource(site: Site, request: HttpRequest) -> Response:
    kind, slug = request.path_params["kind"], request.path_params["slug"]
    path = f"{kind}/{slug}"
    if "." in slug:  # a document, not the resource
        return await site.files.get_response(f"id/{path}", request.scope)
    if not (site.root / "id" / kind / f"{slug}.nt").is_file():
        return text(
            404,
            f"No resource {site.config.base_iri}id/{path} in this dataset.",
            {"Vary": "Accept, Accept-Language"},
        )
    return see_other(
        site,
        request,
        {
            media: f"{{lang}}/{path}.html" if ext == "html" else f"id/{path}.{ext}"
            for media, ext in DOCUMENTS
        },
    )


# ---------------------------------------------------------------- the SPARQL protocol


async def read_body(request: HttpRequest, limit: int) -> bytes:
    """The request's body, refused (413) past ``limit`` bytes, whatever its length says."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise HTTPException(413, f"The request body is over the limit of {limit} bytes.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"The request body is over the limit of {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


async def sparql(site: Site, request: HttpRequest) -> Response:
    """The query operation of the SPARQL 1.1 Protocol: GET with ``query``, POST of a form or
    of ``application/sparql-query``; without a query, the service description."""
    limit = site.config.max_body
    parameters = list(request.query_params.multi_items())
    texts: list[str] = []
    if request.method == "POST":
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            return text(403, "This endpoint is read-only: updates are refused.")
        if content_type not in ("application/sparql-query", "application/x-www-form-urlencoded"):
            return text(415, "POST a query as application/sparql-query or as a form.")
        body = await read_body(request, limit)
        try:
            decoded = body.decode("utf-8")
        except UnicodeDecodeError:
            return text(400, "The request body is not UTF-8.")
        if content_type == "application/sparql-query":
            texts.append(decoded)
        else:
            parameters += parse_qsl(decoded, keep_blank_values=True)
    if any(name == "update" for name, _ in parameters):
        return text(403, "This endpoint is read-only: updates are refused.")
    texts += [value for name, value in parameters if name == "query"]
    if len(texts) > 1:
        return text(400, "One query per request: the request holds several.")
    accept = request.headers.get("accept")
    if not texts:
        return describe_service(site, request, accept)
    if len(texts[0].encode()) > limit:
        return text(413, f"The query is over the limit of {limit} bytes.")
    word = next((value for name, value in parameters if name == "format"), "")
    page = word == "html" or (
        not word
        and accept is not None
        and "text/html" in accept
        and negotiate(accept, ["text/html", "application/sparql-results+json"]) == "text/html"
    )
    query = Request(
        text=texts[0],
        accept=accept,
        format="" if word == "html" else word,
        default_graphs=tuple(v for n, v in parameters if n == "default-graph-uri"),
        named_graphs=tuple(v for n, v in parameters if n == "named-graph-uri"),
        page=page,
    )
    answer = await run_in_threadpool(site.pool.run, query)
    headers = {"Vary": "Accept"}
    if answer.truncated:
        headers["X-Results-Truncated"] = f"cut at {site.config.row_limit} rows"
    if answer.status == 200 and page and answer.form != "graph":
        html = results_page(site, request, texts[0], answer)
        return Response(html, 200, headers=headers, media_type="text/html; charset=utf-8")
    return Response(answer.body, answer.status, headers=headers, media_type=answer.content_type)


def describe_service(site: Site, request: HttpRequest, accept: str | None) -> Response:
    """The SPARQL Service Description, in Turtle or N-Triples; to a browser, the query form.
    The endpoint's IRI comes from configuration, never from the request's ``Host``."""
    headers = {"Vary": "Accept"}
    chosen = negotiate(accept, ["text/html", "text/turtle", "application/n-triples"])
    if chosen == "text/html" and accept and "text/html" in accept:
        html = results_page(site, request, "", None)
        return Response(html, 200, headers=headers, media_type="text/html; charset=utf-8")
    if chosen is None:
        return text(406, "Not acceptable. The description comes as Turtle or N-Triples.", headers)
    base = site.config.base_iri
    results = [f"<http://www.w3.org/ns/formats/{name}>" for name in RESULT_FORMAT_NAMES]
    description = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .

<{base}sparql> a sd:Service ;
    sd:endpoint <{base}sparql> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat {" , ".join(results)} ;
    sd:feature sd:UnionDefaultGraph ;
    sd:defaultDataset [ a sd:Dataset ;
        sd:defaultGraph [ a sd:Graph ;
            void:dataDump <{base}{site.dump}.nq> ] ] .
"""
    if chosen == "application/n-triples":
        triples = ox.parse(description.encode(), format=ox.RdfFormat.TURTLE)
        data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
        return Response(data, 200, headers=headers, media_type="application/n-triples")
    return Response(description, 200, headers=headers, media_type="text/turtle; charset=utf-8")


RESULT_FORMAT_NAMES = [
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "JSON-LD",
    "N-Triples",
    "RDF_XML",
]


def results_page(site: Site, request: HttpRequest, query: str, answer: Answer | None) -> str:
    """The query form for people, with the questions from queries/ and, given a query, its
    answer as a table. It needs no JavaScript."""
    lang = site.language(request)
    page = FormPage(lang=lang, t=site.ui[lang], config=site.config)
    return site.templates.get_template("sparql.html").render(
        page=page,
        t=page.t,
        lang=lang,
        site_title=site.config.title,
        config=site.config,
        canonical=site.config.base_iri + "sparql",
        here="sparql",
        text=query,
        data=json.loads(answer.body) if answer is not None else None,
        truncated=bool(answer and answer.truncated),
        queries=site.queries,
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


def serve(config: Config, host: str = "127.0.0.1", port: int = 8000) -> None:
    app = make_app(config)
    print(
        f"Serving {config.path(config.output)} on http://{host}:{port}/ "
        "(SPARQL at /sparql; Ctrl-C to stop)"
    )
    uvicorn.run(app, host=host, port=port, log_level="info", **SERVER_SETTINGS)
