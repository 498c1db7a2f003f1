"""The HTTP server: uvicorn, set so that no client can hold it.

uvicorn closes an idle keep-alive connection only once a request has been answered on it: a
connection that never completes a request head (one that sends nothing, or one header line
every few seconds) would be kept open for good. :class:`GuardedHttpTools` gives every request
head a deadline, from the moment the connection opens or the previous answer ends, and a size
limit. Requests are parsed by httptools (llhttp, Node.js's parser, in C): h11, in pure Python,
took a fifth of a lookup's time on the server.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from innoproc.config import Config
from innoproc.serve.app import make_app

HEAD_LIMIT = 16 * 1024
"""Bytes a request head (request line and header fields) may take."""
_SAID = f"The request head is over {HEAD_LIMIT} bytes.\n".encode()
TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_SAID), _SAID)
)


class OneWrite:
    """A transport whose writes in one step of the event loop leave in one write: uvicorn
    writes an answer's head and its body apart, and the two packets cost the client a second
    wake-up per answer. A transport is closed only once what it holds is written."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(data)

    def flush(self) -> None:
        if self._held:
            data = b"".join(self._held)
            self._held.clear()
            self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class GuardedHttpTools(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol on httptools, with a deadline and a size limit for each
    request head, writing through :class:`OneWrite`. The parser keeps a header line however
    long it grows, so the bytes are counted as they arrive, before the parser sees them."""

    head_timeout = 10.0
    _head_timer: asyncio.TimerHandle | None = None
    _head_bytes = 0
    _in_head = True
    """The bytes arriving belong to a request head (until the parser has read one whole)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(cast(asyncio.Transport, OneWrite(transport, self.loop)))
        self._await_head()

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            end = data.find(b"\r\n\r\n")
            self._head_bytes += end + 4 if end >= 0 else len(data)
            if self._head_bytes > HEAD_LIMIT:
                self.transport.write(TOO_LARGE)
                self.transport.close()
                return
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._in_head = False
        if self._head_timer is not None:
            self._head_timer.cancel()  # the head is in
            self._head_timer = None
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True  # what comes next is the next request's head

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        super().connection_lost(exc)

    def _await_head(self) -> None:
        self._head_bytes = 0
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._head_timer = self.loop.call_later(self.head_timeout, self._no_head)

    def _no_head(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()


def settings(config: Config) -> dict[str, Any]:
    """uvicorn's settings for ``config``: no server version, idle connections and unfinished
    request heads closed after ``idle_timeout`` seconds, request heads of at most 16 KiB, at
    most 256 connections at once (503 beyond), and no access log (a line per request is work a
    lookup can do without; uvicorn's own warnings and errors are still logged)."""
    protocol = type("Guarded", (GuardedHttpTools,), {"head_timeout": config.idle_timeout})
    return {
        "http": protocol,
        "server_header": False,
        "timeout_keep_alive": config.idle_timeout,
        "limit_concurrency": 256,
        "access_log": False,
    }


def serve(config: Config, host: str = "127.0.0.1", port: int = 8000) -> None:
    app = make_app(config)
    print(
        f"Serving {config.path(config.output)} on http://{host}:{port}/ "
        "(SPARQL at /sparql; Ctrl-C to stop)"
    )
    uvicorn.run(app, host=host, port=port, log_level="info", **settings(config))
