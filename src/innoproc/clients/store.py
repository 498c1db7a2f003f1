"""A SPARQL store, spoken to over the standard protocols: ask it a query through SPARQLWrapper
(SPARQL 1.1 Protocol), read the sources' graphs from it for a build, and put the dataset into
it with the SPARQL 1.1 Graph Store Protocol, one named graph per source, replacing those graphs
so that putting it twice is putting it once.

The store's default graph receives the union of the named graphs, each statement once, like the
embedded endpoint's. Stores differ in what they call a union default graph (Oxigraph's, for one,
repeats a statement once per graph that holds it), so the union is written, not configured; a
store whose default graph is the union of its graphs already, and which refuses to have it
written (Virtuoso), is loaded without it.

Every request ends within its timeout, and every answer is checked before it is used
(:mod:`innoproc.clients.bounded`)."""

from __future__ import annotations

import functools
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from innoproc.build.load import Corpus, Source, statements
from innoproc.clients.bounded import (
    PASSWORD_VARIABLE,
    Credentials,
    Refused,
    clean,
    opener,
    problem,
    refused,
    socket_timeout,
    sparql_results,
    within,
)
from innoproc.config import Config
from innoproc.errors import InputError
from innoproc.query import Query, Result
from innoproc.rdf import from_json

USER_AGENT = "innoproc"


def client(
    endpoint: str, text: str, answer: str = JSON, timeout: float = 60.0, agent: str = USER_AGENT
) -> SPARQLWrapper:
    """A SPARQLWrapper client that POSTs ``text`` to ``endpoint`` and asks for ``answer``
    (SPARQLWrapper's ``JSON`` or ``TURTLE``), its socket timeout a little longer than
    ``timeout`` (:func:`socket_timeout`). :func:`answer` bounds the whole request by ``timeout``."""
    made = SPARQLWrapper(endpoint, agent=agent)
    made.setQuery(text)
    made.setMethod(POST)
    made.setReturnFormat(answer)
    made.setTimeout(socket_timeout(timeout))
    return made


def answer(
    endpoint: str,
    text: str,
    form: str = JSON,
    timeout: float = 60.0,
    agent: str = USER_AGENT,
    context: str = "",
) -> bytes:
    """The body of ``endpoint``'s answer to the query ``text`` in ``form``, all of it (connection,
    head and body) within ``timeout`` seconds; an :class:`InputError` naming the endpoint,
    ``context`` and the problem otherwise."""

    def call() -> bytes:
        try:
            response = client(endpoint, text, form, timeout, agent).query().response
        except urllib.error.HTTPError as exc:  # a status SPARQLWrapper has no exception for
            raise refused(exc) from exc
        with response:
            body: bytes = response.read()
            return body

    try:
        return within(timeout, call)
    except Exception as exc:  # SPARQLWrapper, urllib and http.client raise many kinds
        raise InputError(f"{endpoint}: {context}{problem(exc)}") from exc


def with_base(query: Query, base_iri: str) -> str:
    """The query text with a BASE line, so that a store resolves its relative IRIs like we do."""
    return f"BASE <{base_iri}>\n{query.text}"


def query_endpoint(endpoint: str, query: Query, base_iri: str, timeout: float = 60.0) -> Result:
    """Ask ``endpoint`` a SELECT or ASK ``query``; its answer as :class:`Result`, within
    ``timeout`` seconds. An answer that is not SPARQL JSON results is an :class:`InputError`."""
    body = answer(endpoint, with_base(query, base_iri), JSON, timeout)
    found = results(endpoint, body)
    if isinstance(found, bool):
        return Result(variables=[], rows=[], boolean=found)
    variables, bindings = found
    try:
        rows: list[tuple[Any, ...]] = [
            tuple(from_json(binding.get(v)) for v in variables) for binding in bindings
        ]
    except ValueError as exc:  # an IRI or a language tag that Oxigraph refuses
        raise InputError(
            f"{endpoint}: answered a term that is not RDF ({clean(str(exc))})"
        ) from exc
    return Result(variables=variables, rows=rows)


def results(
    endpoint: str, body: bytes, context: str = ""
) -> tuple[list[str], list[dict[str, dict[str, str]]]] | bool:
    """The variables and bindings (or the boolean) of SPARQL JSON results in ``body``; an
    :class:`InputError` that says what is wrong with anything else, quoting it cleaned."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise InputError(
            f"{endpoint}: {context}answered something other than SPARQL JSON results "
            f"(it starts: {clean(body[:200], 60)})"
        ) from exc
    try:
        return sparql_results(document)
    except ValueError as exc:
        raise InputError(
            f"{endpoint}: {context}answered JSON that is not SPARQL results ({exc})"
        ) from exc


def store_url(endpoint: str, store: str | None) -> str:
    """The Graph Store Protocol address: given, or the Oxigraph convention (/query → /store)."""
    if store:
        return store
    if endpoint.rstrip("/").endswith("/query"):
        return endpoint.rstrip("/").removesuffix("/query") + "/store"
    hint = (
        " (Virtuoso's: /sparql-graph-crud-auth)" if endpoint.rstrip("/").endswith("/sparql") else ""
    )
    raise InputError(
        f"{endpoint}: give the store's Graph Store Protocol address with --store{hint}"
    )


def put_dataset(
    corpus: Corpus,
    endpoint: str,
    store: str | None = None,
    timeout: float = 60.0,
    credentials: Credentials | None = None,
    default_graph: bool = True,
) -> dict[str, int]:
    """PUT every named graph (each source and the ontology) into the store, replacing it, and
    (with ``default_graph``) their union as its default graph; then check that the store holds
    as many statements in each as we sent. Returns those counts, by graph.

    Each request has ``timeout`` seconds; ``credentials`` answer the store's challenge (HTTP
    digest or basic). A failure says which graphs went in before it; a store that refuses a
    default graph is told apart, since some (Virtuoso) make theirs the union of all graphs."""
    target = store_url(endpoint, store)
    graphs: dict[str, list[str]] = {}
    for s, p, o, g in corpus.statements:
        if g is not None:
            graphs.setdefault(str(g), []).append(f"{s.n3()} {p.n3()} {o.n3()} .")
    plan = sorted(graphs.items())
    if default_graph:
        plan.append(("", sorted({line for lines in graphs.values() for line in lines})))
    urls = opener(credentials, target)
    sent: dict[str, int] = {}
    for name, lines in plan:
        body = "\n".join(sorted(set(lines))).encode() + b"\n"
        where = {"graph": name} if name else {"default": ""}
        request = urllib.request.Request(
            f"{target}?{urllib.parse.urlencode(where)}",
            data=body,
            method="PUT",
            headers={"Content-Type": "application/n-triples", "User-Agent": USER_AGENT},
        )
        try:
            within(timeout, functools.partial(_put, urls, request, timeout))
        except Exception as exc:  # urllib and http.client raise many kinds
            why: Exception = exc
            if not name and _cut_off(exc):
                why = _default_refused(urls, target, timeout) or exc
            raise InputError(_not_put(target, name, why, credentials, sent, len(graphs))) from exc
        sent[name] = len(set(lines))
    try:
        found = _counts(endpoint, corpus.config.base_iri, timeout, set(sent), default_graph)
    except InputError as exc:
        raise InputError(
            f"{exc}; all {len(graphs)} named graphs went in, but their counts are not checked"
        ) from exc
    wrong = {g: (n, found.get(g, 0)) for g, n in sent.items() if found.get(g, 0) != n}
    if wrong:
        details = "; ".join(
            f"<{g or 'default'}>: sent {a}, store holds {b}" for g, (a, b) in sorted(wrong.items())
        )
        raise InputError(f"{endpoint}: the store's counts differ from the dataset's: {details}")
    sent.pop("", None)
    return sent


def _counts(
    endpoint: str, base_iri: str, timeout: float, graphs: set[str], default_graph: bool
) -> dict[str, int]:
    """How many statements the store holds in each of ``graphs`` (and in its default graph)."""
    counted = query_endpoint(
        endpoint,
        Query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"),
        base_iri,
        timeout,
    ).values()
    try:
        found = {row["g"]: int(row["n"]) for row in counted if row["g"] in graphs}
        if default_graph:
            everything = query_endpoint(
                endpoint, Query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), "", timeout
            )
            found[""] = int(everything.values()[0]["n"])
    except (KeyError, IndexError, ValueError) as exc:
        raise InputError(f"{endpoint}: answered counts that are not numbers") from exc
    return found


def _put(
    urls: urllib.request.OpenerDirector, request: urllib.request.Request, timeout: float
) -> None:
    """Send ``request`` (a PUT, or the GET that asks why one was refused), reading at most
    64 KiB of the answer; an HTTP error status raises :class:`Refused`. ``timeout`` is the
    request's deadline (:func:`within` keeps it); the socket's is a little longer
    (:func:`socket_timeout`)."""
    try:
        with urls.open(request, timeout=socket_timeout(timeout)) as answered:
            answered.read(65536)
    except urllib.error.HTTPError as exc:
        raise refused(exc) from exc


def _cut_off(exc: BaseException) -> bool:
    """Whether a request failed because the server closed the connection while it was sent:
    a store that refuses a request on its head answers and closes before the body is in."""
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        exc = exc.reason
    return isinstance(exc, BrokenPipeError | ConnectionResetError)


def _default_refused(
    urls: urllib.request.OpenerDirector, target: str, timeout: float
) -> Refused | None:
    """Why the store refuses its default graph, asked with a GET that has no body to cut off
    (the answer to a PUT cut off in its body is lost); None if it answers that GET."""
    request = urllib.request.Request(
        f"{target}?default",
        method="GET",
        headers={"Accept": "application/n-triples", "User-Agent": USER_AGENT},
    )
    try:
        within(timeout, functools.partial(_put, urls, request, timeout))
    except Refused as exc:
        return exc
    except Exception:  # urllib and http.client raise many kinds; the first problem stands
        return None
    return None


def _not_put(
    target: str,
    name: str,
    exc: Exception,
    credentials: Credentials | None,
    sent: dict[str, int],
    named: int,
) -> str:
    """The one-line report of a graph that did not go in, and of those that did before it."""
    status = exc.status if isinstance(exc, Refused) else None
    if status == 401 and credentials is None:
        why = (
            f"the store asks for credentials (HTTP 401): give --user, and the password in "
            f"{PASSWORD_VARIABLE} or a file named by --password-file"
        )
    elif status == 401 and credentials is not None:
        why = f"the store refused the credentials of {clean(credentials.user, 40)} (HTTP 401)"
    elif status is not None and status != 403 and not name:
        why = (
            f"the store refused the default graph ({problem(exc)}); if its default graph is "
            "the union of its named graphs already (Virtuoso's is), load with --no-default-graph"
        )
    else:
        why = f"could not put graph <{name or 'default'}>: {problem(exc)}"
    went = [f"<{g}>" for g in sent if g]
    if not went:
        return f"{target}: {why}; no graph went in"
    if len(went) == named:
        return f"{target}: {why}; all {named} named graphs went in"
    return f"{target}: {why}; {len(went)} of {named} named graphs went in: {', '.join(went)}"


def read_store(
    config: Config,
    endpoint: str,
    each: Callable[[URIRef], None] = lambda graph: None,
    timeout: float | None = None,
) -> Iterator[Source]:
    """The sources' graphs (``{base}id/source/...``) of the store at ``endpoint``, one
    request per graph, in name order, so that no answer holds more than one source; ``each`` is
    told of every graph read. A store that does not answer, or stops answering, is an
    :class:`InputError` naming the graph. Each request has ``timeout`` seconds (default: the
    ``client_timeout`` setting)."""
    timeout = config.client_timeout if timeout is None else timeout
    prefix = config.base_iri + "id/source/"
    listing = query_endpoint(
        endpoint,
        Query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER STRSTARTS(STR(?g), {_string(prefix)}) }}"
        ),
        config.base_iri,
        timeout,
    )
    names = sorted(URIRef(row["g"]) for row in listing.values())
    if not names:
        raise InputError(f"{endpoint}: the store holds no graph named {prefix}...")
    for name in names:
        text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
        body = answer(endpoint, text, TURTLE, timeout, context=f"stopped answering at <{name}>: ")
        origin = Path(str(name).removeprefix(config.base_iri))
        try:
            parsed = ox.parse(body, format=ox.RdfFormat.TURTLE)
            triples = statements(origin, (quad.triple for quad in parsed), config.base_iri)
        except (SyntaxError, ValueError) as exc:
            raise InputError(
                f"{endpoint}: unreadable answer for <{name}>: {clean(str(exc))}"
            ) from exc
        each(name)
        yield name, origin, triples


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
