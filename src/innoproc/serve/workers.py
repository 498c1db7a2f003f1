"""The endpoint's engine: a supervised pool of worker processes, each holding the dataset in
an embedded Oxigraph store, that answer read-only queries within a time and a memory limit.

A query that runs past the limit has its worker killed and replaced, so it never leaves a hung
worker behind, and a slow query occupies one worker while the others keep answering. A worker
that dies (killed, or out of memory) is replaced at once, and the request it held gets a 502.
Each worker runs without a network, so no query can make it fetch anything.
"""

from __future__ import annotations

import asyncio
import ctypes
import dataclasses
import marshal
import multiprocessing
import multiprocessing.connection
import os
import queue
import resource
import sys
import threading
import time
from collections.abc import Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool

from innoproc.serve.protocol import PLAIN, Answer, Request, answer


def load_store(dump: Path, named: bool = True) -> ox.Store:
    """The dataset from its N-Quads dump: each named graph, and their union as default graph;
    without the named graphs (``named`` false), the union alone, in about a third of the
    memory."""
    store = ox.Store()
    quads: Iterable[ox.Quad] = ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS)
    if named:
        quads = list(quads)
        store.bulk_extend(quads)
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    return store


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


def _limit_memory(limit: int) -> None:
    """Cap this process's address space at ``limit`` bytes (0: no cap): a query that needs
    more fails, or kills this worker, which is then replaced."""
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _packed(message: Request | Answer) -> bytes:
    """``message`` as it crosses a worker's pipe: its fields, in order, in ``marshal``'s
    format (strings, bytes, numbers and tuples of them), which both ends read alike (they run
    the same interpreter). Pickling the dataclasses cost more than the rest of the round trip
    through the pipe."""
    return marshal.dumps(tuple(getattr(message, name) for name in _FIELDS[type(message)]))


_FIELDS = {kind: tuple(f.name for f in dataclasses.fields(kind)) for kind in (Request, Answer)}


def _work(connection: Connection, dump: str, base_iri: str, row_limit: int, memory: int) -> None:
    _without_network()
    store = load_store(Path(dump))
    _limit_memory(memory)
    connection.send("ready")
    while True:
        try:
            request = Request(*marshal.loads(connection.recv_bytes()))
        except EOFError:
            return
        try:
            result = answer(store, request, base_iri, row_limit)
        except Exception as exc:  # an engine error while the answer is read: report, go on
            message = f"The query failed while its answer was read: {exc}\n"
            result = Answer(500, PLAIN, message.encode())
        connection.send_bytes(_packed(result))


class Worker:
    """One process holding the store, and the pipe to it."""

    busy = False
    """A request holds it (set and read under the pool's lock)."""

    def __init__(
        self, context: Any, dump: Path, base_iri: str, row_limit: int, memory: int
    ) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_work, args=(child, str(dump), base_iri, row_limit, memory), daemon=True
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

    loop: asyncio.AbstractEventLoop | None = None
    """The event loop that watches the pipe: the first request that waits there on this
    worker registers it, and it stays registered (registering costs as much as the rest of
    the wait) until an answer comes that no request on the loop waits for."""
    waiting: asyncio.Future[None] | None = None
    """What the request waiting on the loop for this worker's answer awaits."""

    def alive(self) -> bool:
        return bool(self.process.is_alive())

    def watch(self, loop: asyncio.AbstractEventLoop) -> None:
        """Have ``loop`` tell :attr:`waiting` when the pipe has something to read."""
        if self.loop is not loop:
            descriptor = self.connection.fileno()
            loop.add_reader(descriptor, self._readable)
            # uvloop makes a watched descriptor non-blocking; an answer is read whole,
            # however many times it fills the pipe, so reading must block.
            os.set_blocking(descriptor, True)
            self.loop = loop

    def _readable(self) -> None:
        if self.waiting is None:  # an answer that a thread reads, or the pipe's end
            self._unwatch()
        elif not self.waiting.done():
            self.waiting.set_result(None)

    def _unwatch(self) -> None:
        if self.loop is not None:
            self.loop.remove_reader(self.connection.fileno())
            self.loop = None

    def stop(self) -> None:
        """Kill the process and close the pipe; a pipe the loop watches is closed from the
        loop, once it is no longer watched, so that its descriptor's number is free for a
        new pipe only when the loop has forgotten it."""
        self.process.kill()
        self.process.join(timeout=5)
        loop = self.loop
        if loop is None:
            self.connection.close()
            return

        def close() -> None:
            self._unwatch()
            self.connection.close()

        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            close()
            return
        try:
            loop.call_soon_threadsafe(close)
        except RuntimeError:  # the loop is closed: nothing watches any more
            self.loop = None
            self.connection.close()


def _text(status: int, message: str) -> Answer:
    return Answer(status, PLAIN, message.encode())


BUSY = _text(503, "All query workers are busy; try again shortly.\n")
DIED = _text(502, "The query worker died while it ran this query; it has been replaced.\n")
INLINE_TEXT = 16 * 1024
"""Characters of query text that the event loop writes to a worker's pipe itself: the pipe
takes that much (at most 64 KiB in UTF-8) at once, so the write never waits for the worker."""


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
        memory: int = 0,
    ) -> None:
        self.dump, self.base_iri, self.timeout, self.row_limit = dump, base_iri, timeout, row_limit
        self.memory = memory
        self.size = size
        self.context = multiprocessing.get_context("spawn")
        self.idle: queue.LifoQueue[Worker] = queue.LifoQueue()
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
        if self.closed.is_set():
            return
        try:
            worker = Worker(self.context, self.dump, self.base_iri, self.row_limit, self.memory)
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
        """Start a worker in the background."""
        with self.lock:
            if self.closed.is_set():
                return
            self.starting += 1
        threading.Thread(target=self._start, daemon=True).start()

    def _retire(self, worker: Worker, unless_busy: bool = False) -> None:
        """Stop ``worker`` and start its successor, once, whoever notices first. The count of
        workers starting goes up in the same step that takes ``worker`` out, so the supervisor
        never counts a gap and starts one too many. The supervisor leaves a worker that a
        request holds to that request (``unless_busy``): closing the pipe it waits on would
        leave it waiting for the time limit."""
        with self.lock:
            if worker not in self.workers or (unless_busy and worker.busy):
                return
            self.workers.remove(worker)
            successor = not self.closed.is_set()
            if successor:
                self.starting += 1
        worker.stop()
        if successor:
            threading.Thread(target=self._start, daemon=True).start()

    def _supervise(self) -> None:
        """Watch every idle worker's process (a request watches the one it holds): replace
        the dead at once, and top the pool up where a start failed."""
        while not self.closed.is_set():
            with self.lock:
                missing = (
                    0 if self.closed.is_set() else self.size - len(self.workers) - self.starting
                )
                workers = [w for w in self.workers if not w.busy]
            for _ in range(missing):
                self._start_soon()
            sentinels = [w.process.sentinel for w in workers]
            if not sentinels:
                self.closed.wait(0.5)
                continue
            ready = multiprocessing.connection.wait(sentinels, timeout=1.0)
            for worker in workers:
                if worker.process.sentinel in ready:
                    self._retire(worker, unless_busy=True)

    def _acquire(self, wait: float) -> Worker | None:
        """An idle, live worker, marked busy, within ``wait`` seconds; None if none."""
        deadline = time.monotonic() + wait
        while True:
            try:
                worker = self.idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return None
            with self.lock:
                worker.busy = worker.alive()
            if worker.busy:
                return worker
            self._retire(worker)

    def _release(self, worker: Worker) -> None:
        worker.busy = False
        self.idle.put(worker)

    def run(self, request: Request) -> Answer:
        """Answer ``request`` on a worker, waiting for the worker and its answer in this
        thread."""
        worker = self._acquire(self.timeout)
        if worker is None:
            return BUSY
        try:
            worker.connection.send_bytes(_packed(request))
            if worker.connection.poll(self.timeout):
                result = Answer(*marshal.loads(worker.connection.recv_bytes()))
                self._release(worker)
                return result
        except (EOFError, OSError):
            self._retire(worker)
            return DIED
        self._retire(worker)
        return self._overtime()

    async def ask(self, request: Request) -> Answer:
        """Answer ``request`` on an idle worker, waiting for its answer on the event loop (no
        thread between the loop and the pipe); when no worker is idle, or the request is
        large, wait in a thread as :meth:`run` does."""
        worker = self._acquire(0) if len(request.text) <= INLINE_TEXT else None
        if worker is None:
            return await run_in_threadpool(self.run, request)
        loop = asyncio.get_running_loop()
        worker.watch(loop)
        worker.waiting = answered = loop.create_future()

        def overtime() -> None:
            if not answered.done():
                answered.set_exception(TimeoutError())

        deadline = loop.call_later(self.timeout, overtime)
        try:
            worker.connection.send_bytes(_packed(request))
            await answered
            result = Answer(*marshal.loads(worker.connection.recv_bytes()))
        except TimeoutError:  # before OSError, its base class
            self._retire(worker)
            return self._overtime()
        except (EOFError, OSError):
            self._retire(worker)
            return DIED
        finally:
            deadline.cancel()
            worker.waiting = None
        self._release(worker)
        return result

    def _overtime(self) -> Answer:
        return _text(
            503, f"The query ran longer than the limit of {self.timeout:g} s and was stopped.\n"
        )

    def close(self) -> None:
        with self.lock:
            self.closed.set()
            workers = list(self.workers)
            self.workers.clear()
        for worker in workers:
            worker.stop()
