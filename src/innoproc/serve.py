"""Serve the built site as static files (the linked-data server comes on top of this)."""

from __future__ import annotations

import functools
import os
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MEDIA_TYPES = {
    ".ttl": "text/turtle; charset=utf-8",
    ".jsonld": "application/ld+json",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files, with the media types of the RDF formats."""

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return MEDIA_TYPES.get(Path(path).suffix) or super().guess_type(path)


def make_server(site: Path, host: str, port: int) -> ThreadingHTTPServer:
    handler = functools.partial(SiteHandler, directory=str(site))
    return ThreadingHTTPServer((host, port), handler)


def serve(site: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    server = make_server(site, host, port)
    print(f"Serving {site} on http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
