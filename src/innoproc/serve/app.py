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

from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
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
from innoproc.formats import fixed_documents, media_type, resource_documents
from innoproc.headers import EXPOSED, VARY, security
from innoproc.interface import environment, interface_strings
from innoproc.query import Query, load_queries
from innoproc.serve.endpoint import sparql, text
from innoproc.serve.lookup import Lookups
from innoproc.serve.negotiation import language, negotiate
from innoproc.serve.workers import Pool, load_store


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
    lookups: Lookups | None
    """The lookups the server answers itself (``server_lookups``); None: the workers answer
    every query."""
    queries: list[Query]
    templates: jinja2.Environment
    ui: dict[str, dict[str, str]]

    def language(self, request: HttpRequest) -> str:
        return language(
            request.headers.get("accept-language"),
            self.config.languages,
            self.config.default_language,
        )


class Endpoint:
    """``/sparql`` as an application of its own, so that it hears every method (and answers
    405 to those the protocol does not have) instead of the static files."""

    def __init__(self, site: Site) -> None:
        self.site = site

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await sparql(self.site, HttpRequest(scope, receive))
        await response(scope, receive, send)


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
                html = headers.get("content-type", "").startswith("text/html")
                cors = "access-control-allow-origin" in headers  # set by the CORS middleware
                for name, value in security(html).items():
                    if not (cors and name.startswith("Access-Control-")):
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


ENDPOINT_PATHS = ("/sparql", "/sparql/")
_HEADERS = {
    html: [(name.lower().encode(), value.encode()) for name, value in security(html).items()]
    for html in (False, True)
}
"""The security headers as uvicorn writes them, encoded once."""


class Application(Starlette):
    """The application, with a direct way to ``/sparql`` for the requests that make up a
    SPARQL client's traffic: GET and POST without an ``Origin`` header. They are answered by
    the endpoint itself, with the headers the middleware would give them (a ``Vary`` that
    names ``Origin``, the security headers), and the errors it would turn into answers: 413
    and the like, and 500 for a failure. Starlette's middleware and router cost more than the
    lookup they pass on; every other request, cross-origin ones and preflights among them,
    goes through them."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] not in ENDPOINT_PATHS
            or scope["method"] not in ("GET", "POST")
            or any(name == b"origin" for name, _ in scope["headers"])
        ):
            await super().__call__(scope, receive, send)
            return
        scope["app"] = self
        request = HttpRequest(scope, receive)
        try:
            try:
                response = await sparql(self.state.site, request)
            except HTTPException as exc:
                response = await http_error(request, exc)
        except Exception:
            await PlainTextResponse("Internal Server Error", status_code=500)(scope, receive, send)
            raise
        headers = response.raw_headers
        vary = [i for i, (name, _) in enumerate(headers) if name == b"vary"]
        if vary:  # as the CORS middleware says it: every Vary in one, and Origin
            joined = b", ".join(headers[i][1] for i in vary) + b", Origin"
            headers[vary[0]] = (b"vary", joined)
            for i in reversed(vary[1:]):
                del headers[i]
        else:
            headers.append((b"vary", b"Origin"))
        html = any(n == b"content-type" and v.startswith(b"text/html") for n, v in headers)
        headers += _HEADERS[html]
        await response(scope, receive, send)


def see_other(site: Site, request: HttpRequest, documents: dict[str, str]) -> Response:
    """303 to the document (``{lang}`` filled in) that ``Accept`` prefers, naming them all in
    ``Link``; 406 when none is acceptable."""
    lang = site.language(request)
    located = {media: "/" + target.format(lang=lang) for media, target in documents.items()}
    chosen = negotiate(request.headers.get("accept"), list(located))
    links = ", ".join(f'<{doc}>; rel="alternate"; type="{media}"' for media, doc in located.items())
    headers = {"Vary": VARY, "Link": links}
    if chosen is None:
        return text(406, "Not acceptable. Available: " + ", ".join(located), headers)
    headers["Location"] = located[chosen]
    return text(303, f"See {located[chosen]}", headers)


def make_app(config: Config, workers: int | None = None) -> Application:
    """The server's application for the site built for ``config`` (it must exist: run
    ``innoproc build``)."""
    root = config.path(config.output).resolve()
    dumps = sorted((root / "dumps").glob("*.nq"))
    if len(dumps) != 1:
        raise InputError(f"{root}: no built site here (one dumps/*.nq); run innoproc build first")
    dump = dumps[0]
    dump_path = f"dumps/{dump.stem}"
    strings = interface_strings()
    with ThreadPoolExecutor(1) as loader:  # the server's store loads while the workers start
        store = loader.submit(load_store, dump, named=False) if config.server_lookups else None
        pool = Pool(
            dump,
            config.base_iri,
            size=workers or config.workers,
            timeout=config.query_timeout,
            row_limit=config.row_limit,
            memory=config.worker_memory * 1024 * 1024,
        )
        lookups = (
            None
            if store is None
            else Lookups(store.result(), config.base_iri, config.row_limit, config.query_timeout)
        )
    site = Site(
        config=config,
        root=root,
        files=SiteFiles(directory=root, html=True),
        dump=dump_path,
        pool=pool,
        lookups=lookups,
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
    app = Application(
        routes=[
            Route("/sparql", Endpoint(site)),
            Route("/sparql/", Endpoint(site)),
            Route("/id/{kind}/{slug}", route(resource), methods=reading),
            *(
                Route(path, negotiated(dict(documents)), methods=reading)
                for path, documents in fixed_documents().items()
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
            {"Vary": VARY},
        )
    return see_other(
        site,
        request,
        {media: target.replace("{path}", path) for media, target in resource_documents()},
    )
