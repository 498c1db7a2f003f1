"""A SPARQL store, spoken to over the standard protocols: ask it a query through SPARQLWrapper
(SPARQL 1.1 Protocol), read the sources' graphs from it for a build, and put the dataset into
it with the SPARQL 1.1 Graph Store Protocol, one named graph per source, replacing those graphs
so that putting it twice is putting it once.

The store's default graph receives the union of the named graphs, each statement once, like the
embedded endpoint's. Stores differ in what they call a union default graph (Oxigraph's, for one,
repeats a statement once per graph that holds it), so the union is written, not configured."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from innoproc.build.load import Corpus, Source, statements
from innoproc.config import Config
from innoproc.errors import InputError
from innoproc.query import Query, Result
from innoproc.rdf import from_json, quads

USER_AGENT = "innoproc"


def client(
    endpoint: str, text: str, answer: str = JSON, timeout: float = 60.0, agent: str = USER_AGENT
) -> SPARQLWrapper:
    """A SPARQLWrapper client that POSTs ``text`` to ``endpoint`` and asks for ``answer``
    (SPARQLWrapper's ``JSON`` or ``TURTLE``) within ``timeout`` seconds."""
    made = SPARQLWrapper(endpoint, agent=agent)
    made.setQuery(text)
    made.setMethod(POST)
    made.setReturnFormat(answer)
    made.setTimeout(int(timeout))
    return made


def with_base(query: Query, base_iri: str) -> str:
    """The query text with a BASE line, so that a store resolves its relative IRIs like we do."""
    return f"BASE <{base_iri}>\n{query.text}"


def query_endpoint(endpoint: str, query: Query, base_iri: str, timeout: float = 60.0) -> Result:
    """Ask ``endpoint`` a SELECT or ASK ``query``; its answer as :class:`Result`."""
    try:
        asked = client(endpoint, with_base(query, base_iri), JSON, timeout)
        document: Any = asked.queryAndConvert()
    except Exception as exc:  # SPARQLWrapper raises many kinds; each names the problem
        raise InputError(f"{endpoint}: {exc}") from exc
    if not isinstance(document, dict):
        raise InputError(f"{endpoint}: answered with something other than SPARQL JSON results")
    if "boolean" in document:
        return Result(variables=[], rows=[], boolean=bool(document["boolean"]))
    variables = list(document["head"]["vars"])
    rows: list[tuple[Any, ...]] = [
        tuple(from_json(binding.get(v)) for v in variables)
        for binding in document["results"]["bindings"]
    ]
    return Result(variables=variables, rows=rows)


def store_url(endpoint: str, store: str | None) -> str:
    """The Graph Store Protocol address: given, or the Oxigraph convention (/query → /store)."""
    if store:
        return store
    if endpoint.rstrip("/").endswith("/query"):
        return endpoint.rstrip("/").removesuffix("/query") + "/store"
    raise InputError(f"{endpoint}: give the store's Graph Store Protocol address with --store")


def put_dataset(corpus: Corpus, endpoint: str, store: str | None = None) -> dict[str, int]:
    """PUT every named graph (each source and the ontology) into the store, replacing it, then
    check that the store holds as many statements in each as we sent. Returns those counts."""
    target = store_url(endpoint, store)
    graphs: dict[str, list[str]] = {}
    for s, p, o, g in quads(corpus.dataset):
        if g is not None:
            graphs.setdefault(str(g), []).append(f"{s.n3()} {p.n3()} {o.n3()} .")
    union = sorted({line for lines in graphs.values() for line in lines})
    sent = {}
    for name, lines in [*sorted(graphs.items()), ("", union)]:
        body = "\n".join(sorted(set(lines))).encode() + b"\n"
        where = {"graph": name} if name else {"default": ""}
        url = f"{target}?{urllib.parse.urlencode(where)}"
        request = urllib.request.Request(
            url,
            data=body,
            method="PUT",
            headers={"Content-Type": "application/n-triples", "User-Agent": USER_AGENT},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                answer.read()
        except (urllib.error.URLError, OSError) as exc:
            raise InputError(f"{target}: could not put graph <{name or 'default'}>: {exc}") from exc
        sent[name] = len(set(lines))
    counted = query_endpoint(
        endpoint,
        Query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"),
        corpus.config.base_iri,
    ).values()
    found = {row["g"]: int(row["n"]) for row in counted}
    default = query_endpoint(endpoint, Query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), "")
    found[""] = int(default.values()[0]["n"])
    wrong = {g: (n, found.get(g, 0)) for g, n in sent.items() if found.get(g, 0) != n}
    if wrong:
        details = "; ".join(
            f"<{g}>: sent {a}, store holds {b}" for g, (a, b) in sorted(wrong.items())
        )
        raise InputError(f"{endpoint}: the store's counts differ from the dataset's: {details}")
    sent.pop("")
    return sent


def read_store(
    config: Config,
    endpoint: str,
    each: Callable[[URIRef], None] = lambda graph: None,
    timeout: float = 300.0,
) -> Iterator[Source]:
    """The sources' graphs (``{base}id/source/...``) of the store at ``endpoint``, one
    request per graph, in name order, so that no answer holds more than one source; ``each`` is
    told of every graph read. A store that does not answer, or stops answering, is an
    :class:`InputError` naming the graph."""
    prefix = config.base_iri + "id/source/"
    listing = query_endpoint(
        endpoint,
        Query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER STRSTARTS(STR(?g), {_string(prefix)}) }}"
        ),
        config.base_iri,
        timeout,
    )
    names = sorted(URIRef(row["g"]) for row in listing.values())
    if not names:
        raise InputError(f"{endpoint}: the store holds no graph named {prefix}...")
    for name in names:
        text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
        try:
            body = client(endpoint, text, TURTLE, timeout).query().response.read()
        except Exception as exc:  # SPARQLWrapper raises many kinds; each names the problem
            raise InputError(f"{endpoint}: stopped answering at <{name}>: {exc}") from exc
        origin = Path(str(name).removeprefix(config.base_iri))
        try:
            parsed = ox.parse(body, format=ox.RdfFormat.TURTLE)
            triples = statements(origin, (quad.triple for quad in parsed), config.base_iri)
        except SyntaxError as exc:
            raise InputError(f"{endpoint}: unreadable answer for <{name}>: {exc}") from exc
        each(name)
        yield name, origin, triples


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
