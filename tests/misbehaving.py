"""Servers on loopback that misbehave the way real ones do: garbage instead of HTTP, JSON of
the wrong shape, a 100 kB header line, one header line every few seconds, or silence. Each is
a plain socket server in threads; it reads a whole request (head and body) before it answers,
so that a client's failure is the answer's fault, never a broken upload."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType

JSON_TYPE = b"Content-Type: application/sparql-results+json\r\n"
NASTY = b"\x1b]0;owned\x07\x1b[2J\x1b[31m\x00\xff\xfe<html>not json</html>\r\n"
"""Bytes that must never reach a terminal raw: a title change, a screen clear, a colour, NUL."""


def _ok(body: bytes, head: bytes = JSON_TYPE) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\n"
        + head
        + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
    ) + body


def _json(document: object) -> bytes:
    return _ok(json.dumps(document).encode())


ANSWERS: dict[str, bytes] = {
    "garbage": NASTY * 3,  # not HTTP at all
    "garbage-body": _ok(NASTY * 3),  # HTTP 200, a body that is not JSON
    "head-is-a-number": _json({"head": 1}),
    "array": _json([]),
    "bindings-not-objects": _json({"head": {"vars": ["x"]}, "results": {"bindings": [1, "x"]}}),
    "term-not-a-string": _json(
        {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": 3}}]}}
    ),
    "iri-not-an-iri": _json(
        {
            "head": {"vars": ["x"]},
            "results": {"bindings": [{"x": {"type": "uri", "value": "a b\u001b[2J"}}]},
        }
    ),
    "error-page": (
        b"HTTP/1.1 500 \x1b[2JBroken\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
        b"Connection: close\r\n\r\n" % len(NASTY)
    )
    + NASTY,
}
"""Answers sent whole, then the connection closed."""

STALLS = ("long-header", "header-every-5s", "body-byte-every-second", "silent")
"""Answers that never end: a 100 kB header line and then nothing; a header line every five
seconds; a whole head, then a byte of the body every second; accepting the connection and
never answering."""


class Misbehaving:
    """A server that answers every request with ``behaviour`` (a key of :data:`ANSWERS`, one of
    :data:`STALLS`, or ``accept-N-then-silent``: ``201 Created`` to N requests, then silence).
    A context manager; ``url`` is its address (``/query``), ``requests`` what it was asked."""

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.requests: list[bytes] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/query"
        self.closed = threading.Event()
        self.connections: list[socket.socket] = []
        self.lock = threading.Lock()

    def __enter__(self) -> Misbehaving:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.closed.set()
        self.listener.close()
        with self.lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.connections.append(connection)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        try:
            request = _read_request(connection)
            with self.lock:
                self.requests.append(request)
                number = len(self.requests)
            self._answer(connection, number)
        except OSError:
            pass

    def _answer(self, connection: socket.socket, number: int) -> None:
        send: Callable[[bytes], None] = connection.sendall
        behaviour = self.behaviour
        if behaviour.startswith("accept-"):
            if number <= int(behaviour.split("-")[1]):
                send(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                connection.close()
                return
            behaviour = "silent"
        if behaviour in ANSWERS:
            send(ANSWERS[behaviour])
            connection.shutdown(socket.SHUT_WR)
            return
        if behaviour == "long-header":
            send(b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 100_000 + b"\r\n")
        elif behaviour == "header-every-5s":
            send(b"HTTP/1.1 200 OK\r\n")
            for line in range(10_000):
                if self.closed.wait(5):
                    return
                send(b"X-Slow-%d: 1\r\n" % line)
        elif behaviour == "body-byte-every-second":
            send(b"HTTP/1.1 200 OK\r\n" + JSON_TYPE + b"Content-Length: 100000\r\n\r\n")
            while not self.closed.wait(1):
                send(b" ")
        self.closed.wait()


def _read_request(connection: socket.socket) -> bytes:
    """A whole request: its head, and as many bytes of body as Content-Length says."""
    data = b""
    deadline = time.monotonic() + 30
    while b"\r\n\r\n" not in data and time.monotonic() < deadline:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body
