"""The SPARQL 1.1 Protocol's query operation, as a worker answers it: parse the query, refuse
what this endpoint does not run, choose the answer's format for the query's form, run it on
the dataset the request names, and serialise the answer.

A query whose text cannot hold a SERVICE pattern (:func:`plain`) is parsed by the engine
alone; any other is parsed by rdflib's SPARQL grammar too, and refused on its parse tree if it
calls a service. The format is chosen for the form the engine answered: results formats for
SELECT and ASK, RDF formats for CONSTRUCT and DESCRIBE, from the ``format`` parameter (as
SPARQL clients send it) or else the ``Accept`` header, with JSON and Turtle as the defaults.

The server process runs the same operation on the lookups it answers itself
(:mod:`innoproc.serve.lookup`), within a :class:`Budget`: past it, or on an error, it hands
the query over to the workers.
"""

from __future__ import annotations

import functools
import itertools
import time
from dataclasses import dataclass
from typing import IO, Any, cast

import pyoxigraph as ox
from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from innoproc.formats import FORMATS, Format
from innoproc.query import Result, render_xml
from innoproc.serve.negotiation import negotiate

READ_ONLY = "This endpoint is read-only: updates (INSERT, DELETE, LOAD, CLEAR ...) are refused."
PLAIN = "text/plain; charset=utf-8"
FORMS = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "graph",
    "DescribeQuery": "graph",
}
RESULTS = [f for f in FORMATS if f.holds == "results"]
GRAPHS = [f for f in FORMATS if f.holds == "triples" and f.compression is None]
# The ``format`` values SPARQL clients send (SPARQLWrapper's among them), by query form: the
# same word means a results format for SELECT and ASK and an RDF format for a graph.
FORMAT_WORDS = {
    "select": {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv"},
    "graph": {
        "xml": "rdfxml",
        "rdf+xml": "rdfxml",
        "json": "jsonld",
        "json-ld": "jsonld",
        "n3": "turtle",
    },
}


class Refused(Exception):
    """A query this endpoint will not run: ``status`` is 400 (malformed) or 403 (refused)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Budget:
    """What the server process spends on answering a query itself (a lookup, see
    :mod:`innoproc.serve.lookup`) before it hands the query over to the workers."""

    rows: int
    """Rows read to write XML, CSV, TSV or the query page."""
    size: int
    """Bytes of SPARQL JSON."""
    deadline: float
    """:func:`time.monotonic` by which the answer is written."""


class Handover(Exception):
    """The query is past its :class:`Budget`, or the engine found an error in it: the workers
    answer it."""


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    truncated: bool = False
    form: str = ""
    """``select``, ``ask`` or ``graph``: what kind of query it was."""


@dataclass(frozen=True)
class Request:
    """What a worker needs to answer one query request."""

    text: str
    accept: str | None = None
    format: str = ""
    """The ``format`` parameter, if any."""
    default_graphs: tuple[str, ...] = ()
    """``default-graph-uri`` parameters: the default graph is their merge."""
    named_graphs: tuple[str, ...] = ()
    """``named-graph-uri`` parameters: the only graphs ``GRAPH`` sees."""
    page: bool = False
    """The answer is for the HTML page: SPARQL JSON, whatever the form."""


@functools.lru_cache(maxsize=1024)
def classify(text: str) -> str:
    """The form of ``text`` (``select``, ``ask`` or ``graph``), decided on the query as the
    SPARQL grammar parses it: an update, a SERVICE call anywhere in the query (any spelling,
    IRI, prefixed name or variable, at any depth) or a text that is no query is
    :class:`Refused`. Parsing costs milliseconds, so a worker remembers the verdicts on the
    last 1,024 texts it saw."""
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        try:
            update = parseUpdate(text)
        except (ParseException, RecursionError):
            raise Refused(400, f"Malformed query: {exc}") from None
        if update.get("request"):
            raise Refused(403, READ_ONLY) from None
        raise Refused(400, "Malformed query: the request holds no query.") from None
    except RecursionError:
        raise Refused(400, "Malformed query: nested too deeply.") from None
    if _calls_service(parsed):
        raise Refused(403, "This endpoint does not call other services: SERVICE is refused.")
    return FORMS[parsed[1].name]


PLAIN_LENGTH = 1000
"""Characters a text may have to be parsed by the engine alone: Oxigraph's parser recurses
once per level of nesting and overflows the worker's stack past a few thousand levels (one
character each), where rdflib's parser stops with an error."""


def plain(text: str) -> bool:
    """Whether ``text`` is short and provably holds no SERVICE pattern, whatever it parses to.
    The grammar's ServiceGraphPattern starts with the keyword SERVICE, which parsers match
    ignoring case after expanding the codepoint escapes ``\\u`` and ``\\U``. A text with no such
    escape, and no ``SERVICE`` once in Unicode upper case (which maps every character that a
    case-blind match could take for one of those letters, the long s and the dotless i among
    them, onto it), has no SERVICE token, so no parse of it has the pattern. Texts that say
    the word in an IRI, a string or a comment are not plain: the parse decides on them."""
    upper = text.upper()
    return len(text) <= PLAIN_LENGTH and "SERVICE" not in upper and "\\U" not in upper


def _calls_service(tree: object) -> bool:
    """Whether the parse tree holds a SERVICE pattern anywhere."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            stack.extend(node.values())
        elif isinstance(node, ParseResults | list | tuple):
            stack.extend(node)
    return False


@functools.lru_cache(maxsize=256)
def choose_format(form: str, accept: str | None, word: str) -> Format | str:
    """The format to answer a query of ``form`` in, or the reason (406) none fits. Clients send
    the same few ``Accept`` headers again and again, and negotiating one costs more than the
    lookup it answers, so a worker remembers the last 256 choices."""
    kind = "graph" if form == "graph" else "select"
    offered = GRAPHS if kind == "graph" else RESULTS
    if word:
        name = FORMAT_WORDS[kind].get(word.lower(), word.lower())
        for fmt in offered:
            if name == fmt.name or name in fmt.aliases:
                return fmt
        names = sorted({*FORMAT_WORDS[kind], *(f.name for f in offered)})
        return f"A {form.upper()} query cannot be answered as {word!r}; ask for one of " + (
            ", ".join(names) + "."
        )
    by_type = {fmt.media_type: fmt for fmt in offered}
    by_type.update({alias: fmt for fmt in offered for alias in fmt.also_accepted})
    chosen = negotiate(accept, list(by_type))
    if chosen is None:
        return (
            f"Not acceptable. A {form.upper()} query is answered as "
            + ", ".join(f.media_type for f in offered)
            + "."
        )
    return by_type[chosen]


def answer(
    store: ox.Store,
    request: Request,
    base_iri: str,
    row_limit: int,
    budget: Budget | None = None,
) -> Answer:
    """Answer one query request on ``store`` (the named graphs, and their union as the default
    graph). With a ``budget`` (a lookup in the server process, whose grammar holds no SERVICE),
    the query is not parsed again for SERVICE, and :class:`Handover` is raised when the answer
    would go past the budget or the engine refuses the query."""
    checked = budget is None and not plain(request.text)
    try:
        if checked:
            classify(request.text)
    except Refused as refused:
        return Answer(refused.status, PLAIN, f"{refused}\n".encode())
    try:
        dataset: dict[str, Any] = {}
        if request.default_graphs:
            dataset["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
        if request.named_graphs:
            dataset["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    except ValueError as exc:
        return Answer(400, PLAIN, f"A graph IRI is not an IRI: {exc}\n".encode())
    try:
        result = store.query(request.text, base_iri=base_iri, **dataset)
    except SyntaxError as exc:
        if budget is not None:
            raise Handover from None
        try:  # an update, or no query at all: the grammar says which
            if not checked:
                classify(request.text)
        except Refused as refused:
            return Answer(refused.status, PLAIN, f"{refused}\n".encode())
        return Answer(400, PLAIN, f"Malformed query: {exc}\n".encode())
    except (ValueError, OSError) as exc:
        if budget is not None:
            raise Handover from None
        return Answer(400, PLAIN, f"Query failed: {exc}\n".encode())
    form = _form(result)
    chosen = choose_format(form, None if request.page else request.accept, request.format)
    if request.page:
        chosen = RESULTS[0] if form != "graph" else chosen
    if isinstance(chosen, str):
        return Answer(406, PLAIN, f"{chosen}\n".encode(), form=form)
    if isinstance(result, ox.QueryBoolean):
        rendered = Result(variables=[], rows=[], boolean=bool(result))
        return Answer(200, chosen.content_type, _render(rendered, chosen), form=form)
    if isinstance(result, ox.QuerySolutions):
        if chosen.name == "json" and not request.page:
            written = _json_solutions(result, row_limit, budget)
            if isinstance(written, bytes):
                return Answer(200, chosen.content_type, written, form=form)
            if written is None:  # past the buffer: read the rows again, up to the limit
                if budget is not None:
                    raise Handover
                result = store.query(request.text, base_iri=base_iri, **dataset)
                assert isinstance(result, ox.QuerySolutions)
            else:
                result = written
        variables = [v.value for v in result.variables]
        rows: list[tuple[Any, ...]] = []
        truncated = False
        for solution in result:
            if len(rows) == row_limit:
                truncated = True
                break
            if budget is not None and (
                len(rows) == budget.rows or time.monotonic() > budget.deadline
            ):
                raise Handover
            rows.append(tuple(solution[v] for v in variables))
        body = _render(Result(variables=variables, rows=rows), chosen)
        return Answer(200, chosen.content_type, body, truncated, form=form)
    triples: list[ox.Triple] = []
    truncated = False
    for triple in result:
        if len(triples) == row_limit:
            truncated = True
            break
        if budget is not None and (
            len(triples) == budget.rows or time.monotonic() > budget.deadline
        ):
            raise Handover
        triples.append(triple)
    body = ox.serialize(sorted(triples, key=str), format=chosen.rdf) or b""
    return Answer(200, chosen.content_type, body, truncated, form=form)


JSON_BUFFER = 1 << 20
"""Bytes of SPARQL JSON that Oxigraph's serialiser may write for one answer before the worker
gives up on it and reads the rows itself (as it does for the other formats), so that an
answer far over the row limit is never written in full."""


class _Full(Exception):
    """The answer is over :data:`JSON_BUFFER`."""


class _Buffer:
    """A binary writer that holds at most ``limit`` bytes, written by ``deadline``: a plain
    class, since the serialiser calls it for every 8 KiB and a subclass of ``io.BytesIO`` took
    a tenth of a lookup's time in the worker."""

    __slots__ = ("deadline", "limit", "parts", "size")

    def __init__(self, limit: int, deadline: float) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit, self.deadline = limit, deadline

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit or time.monotonic() > self.deadline:
            raise _Full
        self.parts.append(data)
        return len(data)

    def flush(self) -> None:
        pass


def _json_solutions(
    result: ox.QuerySolutions, row_limit: int, budget: Budget | None = None
) -> bytes | ox.QuerySolutions | None:
    """The solutions as SPARQL JSON written by Oxigraph's own serialiser (the same bytes as
    :func:`innoproc.query.Result.render` writes, in a tenth of the time; triple terms in the
    SPARQL 1.2 form), when they are within ``row_limit``. Over the limit, the solutions read
    back from what was written, for the caller to cut; past :data:`JSON_BUFFER` (or the
    ``budget``'s size or deadline), None: the caller runs the query again and reads its rows
    itself (or hands the query over)."""
    if budget is None:
        buffer = _Buffer(JSON_BUFFER, float("inf"))
    else:
        buffer = _Buffer(min(budget.size, JSON_BUFFER), budget.deadline)
    try:
        result.serialize(cast(IO[bytes], buffer), format=ox.QueryResultsFormat.JSON)
    except _Full:
        return None
    body = b"".join(buffer.parts)
    # A solution takes at least 3 bytes in the bindings array (``{}`` and a comma), so a body
    # this short holds no more rows than the limit; a longer one is counted.
    if len(body) <= 3 * row_limit:
        return body + b"\n"
    read = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    assert isinstance(read, ox.QuerySolutions)
    if sum(1 for _ in itertools.islice(read, row_limit + 1)) <= row_limit:
        return body + b"\n"
    read = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    assert isinstance(read, ox.QuerySolutions)
    return read


def _form(result: ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples) -> str:
    if isinstance(result, ox.QueryBoolean):
        return "ask"
    return "select" if isinstance(result, ox.QuerySolutions) else "graph"


def _render(result: Result, fmt: Format) -> bytes:
    if fmt.name == "xml":
        return render_xml(result).encode()
    return result.render(fmt.name).encode()
