"""The HTTP server: uvicorn, set so that no client can hold it.

uvicorn closes an idle keep-alive connection only once a request has been answered on it: a
connection that never completes a request head (one that sends nothing, or one header line
every few seconds) would be kept open for good. :class:`GuardedH11` gives every request head a
deadline, from the moment the connection opens or the previous answer ends.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from innoproc.config import Config
from innoproc.serve.app import make_app

HEAD_LIMIT = 16 * 1024
"""Bytes a request head (request line and header fields) may take."""
_SAID = f"The request head is over {HEAD_LIMIT} bytes.\n".encode()
TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_SAID), _SAID)
)


class GuardedH11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, with a deadline and a size limit for each request head
    (h11's own limit holds only for a head that arrives in pieces)."""

    head_timeout = 10.0
    _head_timer: asyncio.TimerHandle | None = None
    _head_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:  # still reading a request head
            end = data.find(b"\r\n\r\n")
            self._head_bytes += end + 4 if end >= 0 else len(data)
            if self._head_bytes > HEAD_LIMIT:
                self.transport.write(TOO_LARGE)
                self.transport.close()
                return
        super().data_received(data)
        if self._head_timer is not None and self.conn.their_state is not h11.IDLE:
            self._head_timer.cancel()  # the head is in
            self._head_timer = None

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
    request heads closed after ``idle_timeout`` seconds, request heads of at most 16 KiB, and
    at most 256 connections at once (503 beyond)."""
    protocol = type("Guarded", (GuardedH11,), {"head_timeout": config.idle_timeout})
    return {
        "http": protocol,
        "server_header": False,
        "timeout_keep_alive": config.idle_timeout,
        "h11_max_incomplete_event_size": HEAD_LIMIT,
        "limit_concurrency": 256,
    }


def serve(config: Config, host: str = "127.0.0.1", port: int = 8000) -> None:
    app = make_app(config)
    print(
        f"Serving {config.path(config.output)} on http://{host}:{port}/ "
        "(SPARQL at /sparql; Ctrl-C to stop)"
    )
    uvicorn.run(app, host=host, port=port, log_level="info", **settings(config))
