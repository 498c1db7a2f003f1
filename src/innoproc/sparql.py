"""The SPARQL 1.1 Protocol endpoint's engine: a pool of worker processes, each holding the
dataset in an embedded Oxigraph store, that answer read-only queries within a time limit.

A query that runs past the limit has its worker killed and replaced, so it never leaves a hung
worker behind, and a slow query occupies one worker while the others keep answering. Results
beyond the row limit are cut, and the answer says so.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.connection
import os
import queue
import sys
import threading
import time
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
        try:
            result = answer(store, text, fmt, base_iri, row_limit)
        except Exception as exc:  # an engine error while the answer is read: report, go on
            message = f"The query failed while its answer was read: {exc}\n"
            result = Answer(500, "text/plain; charset=utf-8", message.encode())
        connection.send(result)


class Worker:
    """One process holding the store, and the pipe to it."""

    def __init__(self, context: Any, dump: Path, base_iri: str, row_limit: int) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_work, args=(child, str(dump), base_iri, row_limit), daemon=True
        )
        self.process.start()
        child.close()
        try:
            ready = self.connection.recv()  # the store is loaded
        except EOFError:
            ready = None
        if ready != "ready":
            self.stop()
            raise RuntimeError("a query worker died while it loaded the store")

    def alive(self) -> bool:
        return bool(self.process.is_alive())

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", message.encode())


class Pool:
    """``size`` supervised worker processes. A query gets an idle worker, or waits ``timeout``
    seconds for one (503). A worker that dies, idle or busy, or that runs past the time limit,
    is replaced at once; the request it held gets a 5xx that says what happened."""

    def __init__(
        self,
        dump: Path,
        base_iri: str,
        size: int = 2,
        timeout: float = 10.0,
        row_limit: int = 10_000,
    ) -> None:
        self.dump, self.base_iri, self.timeout, self.row_limit = dump, base_iri, timeout, row_limit
        self.size = size
        self.context = multiprocessing.get_context("spawn")
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.workers: list[Worker] = []
        self.lock = threading.Lock()
        self.closed = threading.Event()
        self.starting = size
        for _ in range(size):
            self._start()
        if not self.workers:
            raise RuntimeError(f"{dump}: no query worker could load the store")
        self.supervisor = threading.Thread(target=self._supervise, daemon=True)
        self.supervisor.start()

    def _start(self) -> None:
        """Start one worker and offer it (called with ``starting`` counted up)."""
        try:
            worker = Worker(self.context, self.dump, self.base_iri, self.row_limit)
        except (RuntimeError, OSError) as exc:
            sys.stderr.write(f"innoproc: {exc}\n")
            with self.lock:
                self.starting -= 1
            return
        with self.lock:
            self.starting -= 1
            if not self.closed.is_set():
                self.workers.append(worker)
        if self.closed.is_set():
            worker.stop()
        else:
            self.idle.put(worker)

    def _start_soon(self) -> None:
        with self.lock:
            self.starting += 1
        threading.Thread(target=self._start, daemon=True).start()

    def _retire(self, worker: Worker) -> None:
        """Stop ``worker`` and start its successor, once, whoever notices first."""
        with self.lock:
            if worker not in self.workers:
                return
            self.workers.remove(worker)
        worker.stop()
        self._start_soon()

    def _supervise(self) -> None:
        """Watch every worker's process: replace the dead at once, and top the pool up where a
        start failed."""
        while not self.closed.is_set():
            with self.lock:
                workers = list(self.workers)
                missing = self.size - len(workers) - self.starting
            for _ in range(missing):
                self._start_soon()
            sentinels = [w.process.sentinel for w in workers]
            if not sentinels:
                self.closed.wait(0.5)
                continue
            ready = multiprocessing.connection.wait(sentinels, timeout=1.0)
            for worker in workers:
                if worker.process.sentinel in ready:
                    self._retire(worker)

    def run(self, query: Query, fmt: str = "") -> Answer:
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                worker = self.idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return _text(503, "All query workers are busy; try again shortly.\n")
            if worker.alive():
                break
            self._retire(worker)
        try:
            worker.connection.send((query.text, fmt))
            if worker.connection.poll(self.timeout):
                result: Answer = worker.connection.recv()
                self.idle.put(worker)
                return result
        except (EOFError, OSError):
            self._retire(worker)
            return _text(
                502, "The query worker died while it ran this query; it has been replaced.\n"
            )
        self._retire(worker)
        return _text(
            503, f"The query ran longer than the limit of {self.timeout:g} s and was stopped.\n"
        )

    def close(self) -> None:
        self.closed.set()
        with self.lock:
            workers = list(self.workers)
            self.workers.clear()
        for worker in workers:
            worker.stop()
