"""The SPARQL 1.1 Protocol over HTTP: the query operation's parameters and bodies (within the
size limit), the answer from a worker, the service description, and the query form for people.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import jinja2
import pyoxigraph as ox
from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request as HttpRequest
from starlette.responses import PlainTextResponse, Response

from innoproc.config import Config
from innoproc.serve.negotiation import negotiate
from innoproc.serve.protocol import Answer, Request

if TYPE_CHECKING:
    from innoproc.serve.app import Site


def text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message.rstrip() + "\n", status, headers=headers)


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
    if request.method not in ("GET", "HEAD", "POST"):
        allow = {"Allow": "GET, HEAD, POST, OPTIONS"}
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=allow)
        return text(405, f"{request.method} is not a query operation of this endpoint.", allow)
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
    answer = site.lookups.answer(query) if site.lookups is not None else None
    if answer is None:
        answer = await site.pool.ask(query)
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
    page = FormPage(
        lang=lang,
        t=site.ui[lang],
        config=site.config,
        templates=site.templates,
        path=request.url.path,
    )
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
    """The endpoint's own page, at ``/sparql`` or ``/sparql/``, for the site's base template."""

    lang: str
    t: dict[str, str]
    config: Config
    templates: jinja2.Environment
    path: str = "/sparql"
    """The request's path: the links are relative to it."""

    def url(self, target: str) -> str:
        """A link from this page to ``target`` (a path from the site root)."""
        return "../" * (self.path.count("/") - 1) + target

    def alternates(self, here: str) -> list[tuple[str, str, str]]:
        return []

    def navigation(self) -> Markup:
        """The site's top links, as every page of the site has them."""
        macros: Any = self.templates.get_template("_macros.html").module
        return macros.navigation(self, self.templates.globals["navigation"])  # type: ignore[no-any-return]
