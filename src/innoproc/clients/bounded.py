"""Requests to other servers that always end: a whole-request deadline, answers checked for
their shape, and problems told in one line that quotes nothing raw from the server.

A socket timeout bounds each wait for a byte, not a request: a server that sends one byte every
few seconds, or one header line every five, never trips it. So every request runs in a worker
thread that is given up at the deadline (``client_timeout``); it keeps its socket timeout, so
it ends by itself once the server goes quiet, and it never outlives the command (a daemon).
What the server said reaches a message only through :func:`clean` (non-printable characters
escaped, cut to a length), so no answer can write escape sequences or pages to the terminal.
"""

from __future__ import annotations

import ast
import http.client
import math
import re
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    Unauthorized,
    URITooLong,
)

from innoproc.errors import InputError

T = TypeVar("T")

PASSWORD_VARIABLE = "INNOPROC_STORE_PASSWORD"
"""The environment variable that holds the store's password (never a command-line value)."""

_STATUS = {  # SPARQLWrapper's exceptions for HTTP errors, and the status each stands for
    QueryBadFormed: 400,
    Unauthorized: 401,
    EndPointNotFound: 404,
    URITooLong: 414,
    EndPointInternalError: 500,
}


class Timeout(Exception):
    """The request was not over by its deadline."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"no complete answer within {seconds:g} s (the limit: --timeout, or client_timeout)"
        )
        self.seconds = seconds


class Refused(Exception):
    """The server answered with an HTTP error status; ``detail`` is a clean excerpt of why."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status}" + (f": {detail}" if detail else ""))
        self.status = status
        self.detail = detail


def socket_timeout(seconds: float) -> int:
    """The socket timeout of a request whose deadline is ``seconds``: whole seconds (what
    SPARQLWrapper takes), one more than the deadline rounded up. With the two the same, a
    silent server trips both at once, and on a busy machine the socket's may be noticed first:
    the command then said "no answer in time" instead of naming the deadline."""
    return math.ceil(seconds) + 1


def within(seconds: float, call: Callable[[], T]) -> T:
    """``call()``'s value, or :class:`Timeout` when it has not returned after ``seconds``; its
    exception if it raised one. The worker of a call that overran is abandoned."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # handed to the waiting thread, which raises it
            box["error"] = exc

    worker = threading.Thread(target=run, name="innoproc-request", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise Timeout(seconds)
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


def refused(exc: urllib.error.HTTPError) -> Refused:
    """An HTTP error as :class:`Refused`, its body read (call it within the deadline)."""
    try:
        detail = excerpt(exc.read(65536))
    except (OSError, http.client.HTTPException):
        detail = ""
    return Refused(exc.code, detail)


def clean(text: str | bytes, limit: int = 160) -> str:
    """``text`` fit to quote in a one-line message: decoded (bytes as UTF-8, bad bytes
    escaped), every non-printable character (newlines, escape sequences, bidi controls)
    escaped, and cut to ``limit`` characters with ``…``."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "backslashreplace")
    out = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def excerpt(body: bytes) -> str:
    """What an error page says, cleaned: the longest run of text between its tags (stores put
    the message itself there, between a title and headings), whitespace collapsed."""
    text = body[:65536].decode("utf-8", "backslashreplace")
    runs = [" ".join(run.split()) for run in re.split(r"<[^>]*>", text)]
    return clean(max(runs, key=len, default=""))


def problem(exc: BaseException) -> str:
    """One clean phrase for what went wrong in a request."""
    if isinstance(exc, Timeout | Refused):
        return str(exc)
    status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), None)
    if status is not None:  # SPARQLWrapper keeps the server's body only in its message
        said = str(exc).partition("\n\nResponse:\n")[2][:200_000]
        try:
            body = ast.literal_eval(said) if said else b""
        except (ValueError, SyntaxError):
            body = b""
        detail = excerpt(body) if isinstance(body, bytes) else ""
        return f"HTTP {status}" + (f": {detail}" if detail else "")
    if isinstance(exc, urllib.error.HTTPError):  # its body is not read here: it could trickle
        return f"HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError):
        exc = exc.reason if isinstance(exc.reason, BaseException) else OSError(str(exc.reason))
    if isinstance(exc, socket.timeout | TimeoutError):
        return "no answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "could not connect (connection refused)"
    if isinstance(exc, http.client.LineTooLong):
        return f"not HTTP: {clean(str(exc))}"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "closed the connection without an answer"
    if isinstance(exc, http.client.BadStatusLine):
        return "not HTTP: the answer does not start with a status line"
    if isinstance(exc, http.client.IncompleteRead):
        return "closed the connection in the middle of its answer"
    if isinstance(exc, http.client.HTTPException):
        return f"not HTTP: {clean(str(exc) or type(exc).__name__)}"
    if isinstance(exc, OSError):
        return f"could not connect ({clean(exc.strerror or str(exc) or type(exc).__name__)})"
    return f"{type(exc).__name__}: {clean(str(exc))}"


@dataclass(frozen=True)
class Credentials:
    """A user and password for a store's Graph Store Protocol (HTTP digest or basic auth)."""

    user: str
    password: str

    def __repr__(self) -> str:
        return f"Credentials(user={self.user!r}, password=...)"

    @classmethod
    def given(
        cls, user: str | None, password_file: Path | None, environ: dict[str, str]
    ) -> Credentials | None:
        """The credentials for ``user``: the password from ``password_file`` (its first line)
        or else the ``INNOPROC_STORE_PASSWORD`` environment variable; none without a user."""
        if user is None:
            if password_file is not None:
                raise InputError("--password-file: give the user too, with --user")
            return None
        if password_file is not None:
            try:
                lines = password_file.read_text("utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"{password_file}: cannot read the password ({exc})") from exc
            password = lines[0] if lines else ""
        else:
            password = environ.get(PASSWORD_VARIABLE, "")
        if not password:
            raise InputError(
                f"--user {user}: no password; set {PASSWORD_VARIABLE} or give --password-file"
            )
        return cls(user, password)


def opener(credentials: Credentials | None, url: str) -> urllib.request.OpenerDirector:
    """An opener of its own (the process-wide one is never changed) that answers a store's
    digest or basic challenge for ``url`` with ``credentials``."""
    handlers: list[urllib.request.BaseHandler] = []
    if credentials is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, credentials.user, credentials.password)
        handlers += [
            urllib.request.HTTPDigestAuthHandler(passwords),
            urllib.request.HTTPBasicAuthHandler(passwords),
        ]
    return urllib.request.build_opener(*handlers)


def sparql_results(document: Any) -> tuple[list[str], list[dict[str, dict[str, str]]]] | bool:
    """The variables and bindings of a SPARQL 1.1 Query Results JSON document, or its boolean;
    ``ValueError`` naming the first thing that does not fit the format."""
    if not isinstance(document, dict):
        raise ValueError(f"a JSON {_kind(document)}, not an object")
    if "boolean" in document:
        if not isinstance(document["boolean"], bool):
            raise ValueError("boolean is not true or false")
        return bool(document["boolean"])
    head = document.get("head")
    if not isinstance(head, dict) or not isinstance(head.get("vars"), list):
        raise ValueError("no head.vars list")
    variables = head["vars"]
    if not all(isinstance(v, str) for v in variables):
        raise ValueError("head.vars holds something other than names")
    results = document.get("results")
    if not isinstance(results, dict) or not isinstance(results.get("bindings"), list):
        raise ValueError("no results.bindings list")
    bindings = results["bindings"]
    for number, binding in enumerate(bindings, 1):
        if not isinstance(binding, dict):
            raise ValueError(f"binding {number} is a JSON {_kind(binding)}, not an object")
        for name, term in binding.items():
            if not (
                isinstance(term, dict)
                and term.get("type") in ("uri", "literal", "typed-literal", "bnode")
                and all(isinstance(v, str) for v in term.values())
                and "value" in term
            ):
                raise ValueError(f"binding {number} has no RDF term for {clean(str(name), 40)}")
    return variables, bindings


def _kind(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(value), "number" if isinstance(value, int | float) else "null"
    )
