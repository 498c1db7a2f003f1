"""SPARQL, embedded: the questions of ``queries/``, answered with pyoxigraph, and their answers
as tables, CSV, TSV, SPARQL JSON and SPARQL XML. The build answers them during stage 3 (gather),
``innoproc query`` and the server whenever asked.

The dataset is copied once into an in-memory Oxigraph store whose default graph is the union of
all named graphs (each statement once, :func:`innoproc.rdf.union_store`), so a query sees every
source at once and ``GRAPH ?source { … }`` sees them one by one. Relative IRIs in a query
resolve against the configured base IRI, like in the data.

A query file in ``queries/`` starts with its question in comment lines::

    # Question: Who are the partners of innoPROCUR?
    # Vraag: Wie zijn de partners van innoPROCUR?
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from innoproc.errors import InputError
from innoproc.iris import MAX_SLUG, SLUG
from innoproc.rdf import XSD, Term, plain, to_json


class QueryError(InputError):
    """A query that cannot be parsed or run; the message is the engine's (and names the
    query's file, when it has one)."""


@dataclass(frozen=True)
class Query:
    text: str
    name: str = "query"
    question: dict[str, str] = field(default_factory=dict)
    """The question the query answers, by language (``en``, ``nl``)."""
    path: Path | None = None

    @classmethod
    def from_text(cls, text: str, name: str = "query", path: Path | None = None) -> Query:
        question = {}
        for line in text.splitlines():
            match = re.match(r"#\s*(Question|Vraag)\s*:\s*(.+)", line.strip())
            if match:
                question["en" if match.group(1) == "Question" else "nl"] = match.group(2).strip()
        return cls(text=text, name=name, question=question, path=path)

    @classmethod
    def from_file(cls, path: Path) -> Query:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: {exc}") from exc
        return cls.from_text(text, name=path.stem, path=path)


def load_queries(folder: Path) -> list[Query]:
    """Every ``*.rq`` file in ``folder``, sorted by name. A file's name becomes the query's
    page, so it must be a slug (lower-case letters, digits and hyphens)."""
    found = sorted(folder.glob("*.rq"))
    for path in found:
        if not SLUG.fullmatch(path.stem) or len(path.stem) > MAX_SLUG or path.stem == "index":
            raise InputError(
                f"{path}: a query's file name must be a slug of lower-case letters, digits "
                f"and hyphens (at most {MAX_SLUG}), not 'index'"
            )
    return [Query.from_file(p) for p in found]


@dataclass
class Result:
    """The answer to a query: a table of bindings, a boolean, or triples."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]]
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    graph: bool = False
    """True for the answer to CONSTRUCT or DESCRIBE: ``triples`` is the answer."""

    def values(self) -> list[dict[str, str]]:
        """Each row as plain strings: an IRI's text, a literal's lexical form."""
        return [
            {v: plain(t) for v, t in zip(self.variables, row, strict=True) if t is not None}
            for row in self.rows
        ]

    def render(self, fmt: str = "table") -> str:
        """The answer as ``table``, ``csv``, ``tsv``, ``json`` or ``xml``; a graph (the
        answer to CONSTRUCT or DESCRIBE) as N-Triples lines in a table, and as nothing else."""
        if self.graph and fmt != "table":
            raise QueryError(
                f"a CONSTRUCT or DESCRIBE answer is a graph: --format {fmt} is for SELECT and "
                "ASK answers; use --format table (N-Triples)"
            )
        if fmt == "xml":
            return render_xml(self)
        if self.boolean is not None:
            return _render_boolean(self.boolean, fmt)
        if fmt == "json":
            return _render_json(self)
        if fmt in ("csv", "tsv"):
            return _render_delimited(self, fmt)
        return _render_table(self)


def execute(store: ox.Store, query: Query, base_iri: str) -> Result:
    """Run ``query`` on ``store``, resolving its relative IRIs against ``base_iri``."""
    try:
        answer = store.query(query.text, base_iri=base_iri)
    except (SyntaxError, ValueError, OSError) as exc:
        where = f"{query.path}: " if query.path else ""
        raise QueryError(f"{where}{exc}") from exc
    if isinstance(answer, ox.QueryBoolean):
        return Result(variables=[], rows=[], boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [tuple(solution[v] for v in variables) for solution in answer]
        return Result(variables=variables, rows=rows)
    triples = sorted(answer, key=str)
    return Result(variables=[], rows=[], triples=triples, graph=True)


def _render_boolean(value: bool, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}) + "\n"
    return ("true" if value else "false") + "\n"


def _render_table(result: Result) -> str:
    if result.triples:
        return "".join(f"{t} .\n" for t in result.triples)
    header = result.variables
    body = [[plain(t) if t is not None else "" for t in row] for row in result.rows]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in body]
    lines.append(f"({len(body)} row{'s' if len(body) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _render_delimited(result: Result, fmt: str) -> str:
    out = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow([plain(t) if t is not None else "" for t in row])
        return out.getvalue()
    lines = ["\t".join("?" + v for v in result.variables)]
    lines += ["\t".join(str(t) if t is not None else "" for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _render_json(result: Result) -> str:
    bindings = []
    for row in result.rows:
        binding = {}
        for var, term in zip(result.variables, row, strict=True):
            if term is not None:
                binding[var] = to_json(term)
        bindings.append(binding)
    document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def render_xml(result: Result) -> str:
    """SPARQL 1.1 Query Results XML Format."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
        "<head>",
    ]
    lines += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    lines.append("</head>")
    if result.boolean is not None:
        lines.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        lines.append("<results>")
        for row in result.rows:
            lines.append("<result>")
            for variable, term in zip(result.variables, row, strict=True):
                if term is None:
                    continue
                if isinstance(term, ox.NamedNode):
                    value = f"<uri>{escape(term.value)}</uri>"
                elif isinstance(term, ox.BlankNode):
                    value = f"<bnode>{escape(term.value)}</bnode>"
                elif isinstance(term, ox.Literal):
                    if term.language:
                        attribute = f" xml:lang={quoteattr(term.language)}"
                    elif term.datatype.value != str(XSD.string):
                        attribute = f" datatype={quoteattr(term.datatype.value)}"
                    else:
                        attribute = ""
                    value = f"<literal{attribute}>{escape(term.value)}</literal>"
                else:
                    value = f"<literal>{escape(str(term))}</literal>"
                lines.append(f"<binding name={quoteattr(variable)}>{value}</binding>")
            lines.append("</result>")
        lines.append("</results>")
    lines.append("</sparql>")
    return "\n".join(lines) + "\n"
