"""The SPARQL 1.1 Protocol endpoint's engine: a pool of worker processes, each holding the
dataset in an embedded Oxigraph store, that answer read-only queries within a time limit.

A query that runs past the limit has its worker killed and replaced, so it never leaves a hung
worker behind, and a slow query occupies one worker while the others keep answering. Results
beyond the row limit are cut, and the answer says so.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import queue
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from innoproc.query import Query, Result, render_xml

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_TYPES = {
    "turtle": ("text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    truncated: bool = False
    form: str = ""
    """``select``, ``ask`` or ``graph``: what kind of query it was."""


FORMS = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "graph",
    "DescribeQuery": "graph",
}


READ_ONLY = "This endpoint is read-only: updates (INSERT, DELETE, LOAD, CLEAR ...) are refused."


class Refused(Exception):
    """A query this endpoint will not run: ``status`` is 400 (malformed) or 403 (refused)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def classify(text: str) -> str:
    """The form of ``text`` (``select``, ``ask`` or ``graph``), decided on the query as the
    SPARQL grammar parses it: an update, a SERVICE call anywhere in the query (any spelling,
    IRI, prefixed name or variable, at any depth) or a text that is no query is
    :class:`Refused`."""
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


def load_store(dump: Path) -> ox.Store:
    """The dataset from its N-Quads dump: each named graph, and their union as default graph."""
    store = ox.Store()
    quads = list(ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS))
    store.bulk_extend(quads)
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    return store


def answer(store: ox.Store, text: str, fmt: str, base_iri: str, row_limit: int) -> Answer:
    """Run one query and serialise its answer in ``fmt`` (a key of RESULT_TYPES or GRAPH_TYPES;
    ``""`` picks the default for the kind of query)."""
    try:
        classify(text)
    except Refused as refused:
        return Answer(refused.status, "text/plain; charset=utf-8", f"{refused}\n".encode())
    try:
        result = store.query(text, base_iri=base_iri)
    except SyntaxError as exc:
        return Answer(400, "text/plain; charset=utf-8", f"Malformed query: {exc}\n".encode())
    except (ValueError, OSError) as exc:
        return Answer(400, "text/plain; charset=utf-8", f"Query failed: {exc}\n".encode())
    if isinstance(result, ox.QueryBoolean):
        fmt = fmt if fmt in RESULT_TYPES else "json"
        rendered = Result(variables=[], rows=[], boolean=bool(result))
        return Answer(200, RESULT_TYPES[fmt], _render(rendered, fmt), form="ask")
    if isinstance(result, ox.QuerySolutions):
        fmt = fmt if fmt in RESULT_TYPES else "json"
        variables = [v.value for v in result.variables]
        rows: list[tuple[Any, ...]] = []
        truncated = False
        for solution in result:
            if len(rows) == row_limit:
                truncated = True
                break
            rows.append(tuple(solution[v] for v in variables))
        body = _render(Result(variables=variables, rows=rows), fmt)
        return Answer(200, RESULT_TYPES[fmt], body, truncated, form="select")
    fmt = fmt if fmt in GRAPH_TYPES else "turtle"
    triples: list[ox.Triple] = []
    truncated = False
    for triple in result:
        if len(triples) == row_limit:
            truncated = True
            break
        triples.append(triple)
    content_type, rdf_format = GRAPH_TYPES[fmt]
    body = ox.serialize(sorted(triples, key=str), format=rdf_format) or b""
    return Answer(200, content_type, body, truncated, form="graph")


def _render(result: Result, fmt: str) -> bytes:
    if fmt == "xml":
        return render_xml(result).encode()
    return result.render(fmt).encode()


# ------------------------------------------------------------------ the worker pool


CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def _without_network() -> None:
    """Move this process into a network namespace of its own, where no interface is up: the
    query engine can then reach no host, whatever a query asks (the second line behind the
    refusal of SERVICE). Linux only; elsewhere, or where namespaces are not allowed, say so."""
    reason = "not Linux"
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        flags = CLONE_NEWNET if os.geteuid() == 0 else CLONE_NEWNET | CLONE_NEWUSER
        if libc.unshare(flags) == 0:
            return
        reason = os.strerror(ctypes.get_errno())
    sys.stderr.write(
        f"innoproc: query workers keep network access ({reason}); SERVICE is still refused\n"
    )


def _work(connection: Connection, dump: str, base_iri: str, row_limit: int) -> None:
    _without_network()
    store = load_store(Path(dump))
    connection.send("ready")
    while True:
        try:
            text, fmt = connection.recv()
        except EOFError:
            return
        connection.send(answer(store, text, fmt, base_iri, row_limit))


class Worker:
    def __init__(self, context: Any, dump: Path, base_iri: str, row_limit: int) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_work, args=(child, str(dump), base_iri, row_limit), daemon=True
        )
        self.process.start()
        child.close()
        if self.connection.recv() != "ready":  # the store is loaded
            raise RuntimeError("query worker failed to start")

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class Pool:
    """``size`` worker processes; a query gets one, or waits ``timeout`` seconds for one."""

    def __init__(
        self,
        dump: Path,
        base_iri: str,
        size: int = 2,
        timeout: float = 10.0,
        row_limit: int = 10_000,
    ) -> None:
        self.dump, self.base_iri, self.timeout, self.row_limit = dump, base_iri, timeout, row_limit
        self.context = multiprocessing.get_context("spawn")
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.workers: list[Worker] = []
        self.lock = threading.Lock()
        for _ in range(size):
            self._add()

    def _add(self) -> None:
        worker = Worker(self.context, self.dump, self.base_iri, self.row_limit)
        with self.lock:
            self.workers.append(worker)
        self.idle.put(worker)

    def run(self, query: Query, fmt: str = "") -> Answer:
        try:
            worker = self.idle.get(timeout=self.timeout)
        except queue.Empty:
            return Answer(
                503,
                "text/plain; charset=utf-8",
                b"All query workers are busy; try again shortly.\n",
            )
        worker.connection.send((query.text, fmt))
        if worker.connection.poll(self.timeout):
            result: Answer = worker.connection.recv()
            self.idle.put(worker)
            return result
        worker.stop()
        with self.lock:
            self.workers.remove(worker)
        threading.Thread(target=self._add, daemon=True).start()
        message = f"The query ran longer than the limit of {self.timeout:g} s and was stopped.\n"
        return Answer(503, "text/plain; charset=utf-8", message.encode())

    def close(self) -> None:
        with self.lock:
            workers = list(self.workers)
            self.workers.clear()
        for worker in workers:
            worker.stop()
