"""Lookups answered in the server process: a query that is one triple pattern with a constant
subject or object is answered from a copy of the default graph that the server holds, without
the hop to a worker process and back (two process wake-ups, which cost a lookup more than the
lookup itself).

Which queries those are is decided on a parse, by a tokenizer and a parser for a small part
of SPARQL 1.1's grammar, following its productions (IRIREF, PNAME_NS, PNAME_LN, VAR1, VAR2,
INTEGER, WS and comments, case-blind keywords)::

    Query   ::= ( 'PREFIX' PNAME_NS IRIREF )* 'SELECT' ( Var+ | '*' ) 'WHERE'?
                '{' Term Verb Term '.'? '}' ( 'LIMIT' INTEGER )?
    Term    ::= IRIREF | PrefixedName | Var
    Verb    ::= Term | 'a'

with a constant (an IRI) as subject or object, and no variable twice in the pattern or in the
projection. A text with anything else (another keyword, a second pattern, a group, a literal,
a blank node, BASE, FROM, an undeclared prefix, a backslash: codepoint escapes are read before
the grammar, so a text with none is read as it is written) is not a lookup, and goes to the
workers as any other query. The grammar has no SERVICE, no update and no nesting, so nothing it
accepts can call another service or recurse in the engine's parser. Whatever the engine finds
wrong in a text the parser accepts (an IRI that does not parse, a limit too large) is left to
the workers too, so that the answer says it as theirs does.

The endpoint's limits hold for what the server answers, though no worker runs it:

- time: Oxigraph answers the pattern from the one index whose prefix is the pattern's
  constants, and with distinct variables every statement that index yields is a row; so the
  work is a step of the index per row, with no join, sort, group or DISTINCT before the first
  row. The server writes at most :data:`ROWS` rows (XML, CSV, TSV, the query page) or
  :data:`BYTES` bytes of SPARQL JSON, and checks a deadline (:data:`SECONDS`, or the
  endpoint's ``query_timeout`` when it is shorter) for every row and every 8 KiB written;
  past any of them it drops the answer, and the workers answer the query, with their own time
  limit. So the event loop is held for about a tenth of a second at most (a lookup of a few
  dozen rows takes a tenth of a millisecond).
- memory: the server process has no address-space cap (a worker has ``worker_memory``), and
  needs none for these queries: the answer is at most :data:`ROWS` statements of the copy of
  the default graph loaded at start (or :data:`BYTES` of JSON), read from an iterator over one
  range of an index; nothing else grows with the query.
- the network: the server process can reach it (the workers cannot). The grammar has no
  SERVICE, and a lookup must also be :func:`~innoproc.serve.protocol.plain`, which proves the
  text has no SERVICE token at all.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from innoproc.serve.protocol import PLAIN_LENGTH, Answer, Budget, Request, answer, plain

ROWS = 1000
"""Rows the server writes itself (in XML, CSV, TSV and for the query page); a lookup with more
goes to the workers."""
BYTES = 256 * 1024
"""Bytes of SPARQL JSON the server writes itself; an answer that is longer goes to the
workers."""
SECONDS = 0.1
"""Seconds the server spends on a lookup (and the endpoint's time limit, when it is shorter);
one that takes longer goes to the workers."""
# The character classes of SPARQL 1.1's grammar (section 19.8).
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_PLX = "%[0-9A-Fa-f]{2}"
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_VARNAME = f"[{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
_TOKEN = re.compile(
    r"(?P<skip>(?:[ \t\r\n]|#[^\r\n]*)+)"
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    f"|(?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)"
    f"|(?P<var>[?$]{_VARNAME})"
    r"|(?P<word>[A-Za-z]+)(?![\w:\-])"
    r"|(?P<integer>[0-9]+)(?![\w.])"
    r"|(?P<punct>[{}.*])"
)


@dataclass(frozen=True)
class Term:
    """A term of the pattern as the text writes it: ``iri`` (an IRIREF or a prefixed name),
    ``var`` (its name) or ``a``."""

    kind: str
    value: str


@dataclass(frozen=True)
class Lookup:
    """A query in the grammar above, as it parsed."""

    prefixes: tuple[tuple[str, str], ...]
    projection: tuple[str, ...]
    """The selected variables' names; none for ``*``."""
    subject: Term
    predicate: Term
    object: Term
    limit: int | None

    @property
    def bounded(self) -> bool:
        """Whether every statement the index yields for the pattern is a row of the answer:
        a constant subject or object, and no variable twice."""
        names = [t.value for t in (self.subject, self.predicate, self.object) if t.kind == "var"]
        return "iri" in (self.subject.kind, self.object.kind) and len(set(names)) == len(names)


class _NotALookup(Exception):
    pass


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """The tokens of ``text`` (kind and text; keywords in upper case, ``a`` as is), without
    white space and comments, read as the parser asks for them (so a text is read no further
    than its first token outside the grammar); :class:`_NotALookup` at the first character
    that starts none of them, and ``("end", "")`` at the end."""
    position, end = 0, len(text)
    while position < end:
        match = _TOKEN.match(text, position)
        if match is None:
            raise _NotALookup
        kind = match.lastgroup
        assert kind is not None
        if kind == "word":
            word = match.group(kind)
            yield ("a", "a") if word == "a" else ("word", word.upper())
        elif kind != "skip":
            yield kind, match.group(kind)
        position = match.end()
    yield "end", ""


def parse(text: str) -> Lookup | None:
    """``text`` as a query of the grammar above, or None when it is not one."""
    if len(text) > PLAIN_LENGTH or "\\" in text:
        return None
    try:
        return _Parser(tokens(text)).query()
    except _NotALookup:
        return None


def recognise(text: str) -> Lookup | None:
    """``text`` as a lookup the server may answer itself: a query of the grammar above whose
    pattern is :attr:`Lookup.bounded`; None for any other text.

    The text must also be :func:`~innoproc.serve.protocol.plain` (no SERVICE in any spelling,
    not even in an IRI, a prefixed name or a comment): the server process, unlike the workers,
    can reach the network, so a second line stands behind the grammar there too, as the
    workers' network namespace does behind the refusal of SERVICE. It only ever sends more
    queries to the workers; what the server answers is decided on the parse."""
    if not plain(text):
        return None
    lookup = parse(text)
    return lookup if lookup is not None and lookup.bounded else None


class _Parser:
    """A recursive-descent parser over the tokens, one method per production."""

    def __init__(self, tokens: Iterator[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.next = next(tokens)
        self.prefixes: dict[str, str] = {}

    def advance(self) -> None:
        self.next = next(self.tokens, ("end", ""))

    def take(self, kind: str, value: str | None = None) -> str:
        found, text = self.next
        if found != kind or (value is not None and text != value):
            raise _NotALookup
        self.advance()
        return text

    def taking(self, kind: str, value: str) -> bool:
        if self.next == (kind, value):
            self.advance()
            return True
        return False

    def query(self) -> Lookup:
        while self.taking("word", "PREFIX"):
            name = self.take("pname")
            if not name.endswith(":") or name.count(":") != 1:  # PNAME_NS, not PNAME_LN
                raise _NotALookup
            self.prefixes[name[:-1]] = self.take("iri")
        self.take("word", "SELECT")
        projection: list[str] = []
        if not self.taking("punct", "*"):
            while self.next[0] == "var":
                projection.append(self.take("var")[1:])
            if not projection or len(set(projection)) != len(projection):
                raise _NotALookup
        self.taking("word", "WHERE")
        self.take("punct", "{")
        subject, predicate, object_ = self.term(), self.verb(), self.term()
        self.taking("punct", ".")
        self.take("punct", "}")
        limit = int(self.take("integer")) if self.taking("word", "LIMIT") else None
        self.take("end")
        return Lookup(
            tuple(self.prefixes.items()), tuple(projection), subject, predicate, object_, limit
        )

    def term(self) -> Term:
        kind, text = self.next
        if kind == "var":
            self.advance()
            return Term("var", text[1:])
        if kind == "iri":
            self.advance()
            return Term("iri", text)
        if kind == "pname":
            self.advance()
            if text.split(":", 1)[0] not in self.prefixes:  # undeclared: the engine's error
                raise _NotALookup
            return Term("iri", text)
        raise _NotALookup

    def verb(self) -> Term:
        if self.taking("a", "a"):
            return Term("a", "a")
        return self.term()


class Lookups:
    """The server's own copy of the store, and the lookups it answers from it, with the same
    code (:func:`innoproc.serve.protocol.answer`) as a worker, so with the same bytes."""

    def __init__(self, store: ox.Store, base_iri: str, row_limit: int, timeout: float) -> None:
        self.store, self.base_iri, self.row_limit = store, base_iri, row_limit
        self.seconds = min(SECONDS, timeout)

    def answer(self, request: Request) -> Answer | None:
        """The answer to ``request`` if it is a lookup within the budget; None for the
        workers to answer: another query, a request that names its dataset
        (``default-graph-uri``, ``named-graph-uri``), a lookup past the budget or one that the
        engine finds an error in (the worker's answer says it in the worker's words)."""
        if request.default_graphs or request.named_graphs or recognise(request.text) is None:
            return None
        budget = Budget(ROWS, BYTES, time.monotonic() + self.seconds)
        try:
            return answer(self.store, request, self.base_iri, self.row_limit, budget)
        except Exception:  # Handover, or an engine error while the answer was read
            return None
