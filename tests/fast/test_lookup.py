"""The lookups the server answers itself: which texts its parser takes for one (and that the
engine reads them as the same query), and that its answers are the workers' answers, within
its budget."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from innoproc.serve.lookup import BYTES, ROWS, Lookups, Term, parse, recognise
from innoproc.serve.protocol import Request, answer

EX = "https://example.org/"
LOOKUPS = [
    f"SELECT ?p ?o WHERE {{ <{EX}s> ?p ?o }}",
    f"select ?p ?o where {{ <{EX}s> ?p ?o . }}",
    f"SELECT*{{<{EX}s>?p?o}}",
    f"SELECT $p ?o {{ <{EX}s> $p ?o }} LIMIT 2",
    "SELECT ?p ?o WHERE { <s> ?p ?o }",
    f"PREFIX ex: <{EX}> SELECT ?o WHERE {{ ex:s ex:p ?o }}",
    f"PREFIX : <{EX}> PREFIX e.x: <{EX}> SELECT * WHERE {{ ?s ?p :o }}",
    f"PREFIX ex: <{EX}> SELECT ?s WHERE {{ ?s a ex:Thing }}",
    f"PREFIX ex: <{EX}> SELECT ?p WHERE {{ ex:s ?p ex:o }}",
    f"PREFIX ex: <{EX}> SELECT ?o WHERE {{ ex:s ex:p%41 ?o. }}",
    f"# a comment {{ }} SERVIC\nSELECT ?p ?o WHERE {{ # }} UNION {{ ?a ?b ?c }}\n <{EX}s> ?p ?o }}",
    f"SELECT ?p ?o WHERE {{ <{EX}s> ?p ?o # }} . ?x ?y ?z {{\r}}",
    f"SELECT ?p ?o WHERE {{ <{EX}s> ?p ?o }} # }}\u2028 LIMIT 0",
    f"SELECT ?p ?unused WHERE {{ <{EX}s> ?p ?o }}",
]


def store() -> ox.Store:
    made = ox.Store()
    s, p, o = (ox.NamedNode(f"{EX}{name}") for name in ("s", "p", "o"))
    thing = ox.NamedNode(f"{EX}Thing")
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    made.extend(
        [
            ox.Quad(s, p, o),
            ox.Quad(s, p, ox.Literal("one")),
            ox.Quad(s, ox.NamedNode(f"{EX}pA"), o),
            ox.Quad(s, a, thing),
            ox.Quad(o, a, thing),
            ox.Quad(ox.NamedNode(f"{EX}t"), p, o),
        ]
    )
    return made


@pytest.mark.parametrize("text", LOOKUPS)
def test_lookups_are_recognised_and_the_engine_reads_them_alike(text: str) -> None:
    """Each text is a lookup; the engine answers it as it answers the query the parse says it
    is, written plainly (so a comment that holds a brace, or ends at a carriage return, is
    read where the grammar says it ends)."""
    lookup = recognise(text)
    assert lookup is not None
    names = {name: f"<{iri[1:-1]}>" for name, iri in lookup.prefixes}

    def written(term: Term) -> str:
        if term.kind == "var":
            return f"?{term.value}"
        if term.kind == "a" or term.value.startswith("<"):
            return term.value
        prefix, local = term.value.split(":", 1)
        return f"<{names[prefix][1:-1]}{local}>"

    projection = " ".join(f"?{name}" for name in lookup.projection) or "*"
    pattern = " ".join(written(t) for t in (lookup.subject, lookup.predicate, lookup.object))
    limit = f" LIMIT {lookup.limit}" if lookup.limit is not None else ""
    plain = f"SELECT {projection} WHERE {{ {pattern} }}{limit}"
    data = store()
    mine, theirs = data.query(text, base_iri=EX), data.query(plain, base_iri=EX)
    assert isinstance(mine, ox.QuerySolutions) and isinstance(theirs, ox.QuerySolutions)
    assert mine.variables == theirs.variables
    assert sorted(map(str, mine)) == sorted(map(str, theirs))


def test_a_lookup_parses_into_its_pattern() -> None:
    lookup = parse(f"PREFIX ex: <{EX}> SELECT $p ?o {{ ex:s $p ?o }} LIMIT 7")
    assert lookup is not None
    assert lookup.prefixes == (("ex", f"<{EX}>"),)
    assert lookup.projection == ("p", "o")
    assert (lookup.subject, lookup.predicate, lookup.object) == (
        Term("iri", "ex:s"),
        Term("var", "p"),
        Term("var", "o"),
    )
    assert lookup.limit == 7


URL = "https://example.org/sparql"


@pytest.mark.parametrize(
    "text",
    [
        # a brace in a comment, where a text pattern would see the query end
        f"SELECT * WHERE {{ <{EX}s> ?p ?o # }}\n . ?x ?y ?z }}",
        f"SELECT * WHERE {{ <{EX}s> ?p ?o # }}\u2028 ?x ?y ?z }}",
        # SERVICE in a comment, a string, an IRI, a prefixed name, a variable, escaped
        f"SELECT * WHERE {{ <{EX}s> ?p ?o }} # SERVICE <{URL}>",
        f'SELECT * WHERE {{ <{EX}s> ?p "SERVICE" }}',
        f"SELECT * WHERE {{ <{EX}SERVICE> ?p ?o }}",
        f"PREFIX service: <{EX}> SELECT * WHERE {{ service:s ?p ?o }}",
        f"PREFIX ex: <{EX}> SELECT * WHERE {{ ex:service ?p ?o }}",
        f"SELECT ?service WHERE {{ <{EX}s> ?p ?service }}",
        f"SELECT * WHERE {{ <{EX}s> ?p ?o }} # \u017fERVICE",
        f"SELECT * WHERE {{ SERVICE <{URL}> {{ <{EX}s> ?p ?o }} }}",
        f"SELECT * WHERE {{ SERV\\u0049CE <{URL}> {{ <{EX}s> ?p ?o }} }}",
        f"SELECT * WHERE {{ <{EX}s> ?p ?o \\u007d",
        f"SELECT * WHERE {{ <{EX}\\u0073> ?p ?o }}",
        # nested groups, two patterns, other clauses and forms
        f"SELECT * WHERE {{ {{ <{EX}s> ?p ?o }} }}",
        f"SELECT * WHERE {{ <{EX}s> ?p ?o . <{EX}t> ?q ?r }}",
        f"SELECT * WHERE {{ <{EX}s> ?p ?o . ?o ?q ?r }}",
        f"SELECT * WHERE {{ <{EX}s> ?p ?o ; ?q ?r }}",
        f"SELECT * WHERE {{ <{EX}s> ?p ?o , ?r }}",
        f"SELECT * WHERE {{ <{EX}s> ?p ?o }} {{ ?a ?b ?c }}",
        f"SELECT * WHERE {{ <{EX}s> ?p ?o OPTIONAL {{ ?o ?q ?r }} }}",
        f"SELECT * WHERE {{ {{ <{EX}s> ?p ?o }} UNION {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ <{EX}s> ?p ?o FILTER(true) }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ <{EX}s> ?p ?o }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ <{EX}s> ?p ?o }} }} }}",
        f"SELECT * FROM <{EX}g> WHERE {{ <{EX}s> ?p ?o }}",
        f"SELECT * FROM NAMED <{EX}g> WHERE {{ <{EX}s> ?p ?o }}",
        f"SELECT DISTINCT ?p WHERE {{ <{EX}s> ?p ?o }}",
        f"SELECT REDUCED ?p WHERE {{ <{EX}s> ?p ?o }}",
        f"SELECT (COUNT(*) AS ?n) WHERE {{ <{EX}s> ?p ?o }}",
        f"SELECT * WHERE {{ <{EX}s> ?p ?o }} ORDER BY ?o",
        f"SELECT * WHERE {{ <{EX}s> ?p ?o }} OFFSET 1",
        f"SELECT * WHERE {{ <{EX}s> ?p ?o }} LIMIT 1 OFFSET 1",
        f"SELECT ?p WHERE {{ <{EX}s> ?p ?o }} GROUP BY ?p",
        f"SELECT * WHERE {{ <{EX}s> ?p ?o }} VALUES ?p {{ <{EX}p> }}",
        f"BASE <{EX}> SELECT * WHERE {{ <s> ?p ?o }}",
        f"ASK {{ <{EX}s> ?p ?o }}",
        f"CONSTRUCT WHERE {{ <{EX}s> ?p ?o }}",
        f"DESCRIBE <{EX}s>",
        f"INSERT DATA {{ <{EX}s> <{EX}p> <{EX}o> }}",
        # patterns whose cost is not bounded by their answer, or whose terms are not IRIs
        "SELECT * WHERE { ?s ?p ?o }",
        f"SELECT * WHERE {{ ?s <{EX}p> ?o }}",
        f"SELECT * WHERE {{ <{EX}s> ?p ?p }}",
        f"SELECT * WHERE {{ ?s ?s <{EX}o> }}",
        f"SELECT * WHERE {{ <{EX}s> ?p $p }}",
        'SELECT * WHERE { ?s ?p "one" }',
        "SELECT * WHERE { ?s ?p 42 }",
        "SELECT * WHERE { _:b ?p ?o }",
        "SELECT * WHERE { [] ?p ?o }",
        # not the grammar's: undeclared prefix, case of 'a', doubled variable, odd spaces
        "SELECT * WHERE { ex:s ?p ?o }",
        f"SELECT * WHERE {{ <{EX}s> A ?o }}",
        f"SELECT ?p ?p WHERE {{ <{EX}s> ?p ?o }}",
        f"SELECT ?p $p WHERE {{ <{EX}s> ?p ?o }}",
        f"SELECT * WHERE {{\u00a0<{EX}s> ?p ?o }}",
        f"SELECT * WHERE {{\x0c<{EX}s> ?p ?o }}",
        f"\ufeffSELECT * WHERE {{ <{EX}s> ?p ?o }}",
        f"SELECT * WHERE {{ <{EX}s> ?p ?o }} LIMIT 1.5",
        f"SELECT1 * WHERE {{ <{EX}s> ?p ?o }}",
        f"SELECT * WHERE {{ <{EX}s> ?p ?o }}" + " " * 1000,
        "",
    ],
)
def test_anything_else_goes_to_the_workers(text: str) -> None:
    assert recognise(text) is None


JSON = "application/sparql-results+json"
ACCEPTS = [JSON, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]


def rows_on_one_subject(count: int, width: int = 40) -> ox.Store:
    made = ox.Store()
    s = ox.NamedNode(f"{EX}s")
    made.extend(
        ox.Quad(s, ox.NamedNode(f"{EX}p{i:05}"), ox.Literal(f"{i:05} " + "x" * width))
        for i in range(count)
    )
    return made


@pytest.mark.parametrize("accept", [*ACCEPTS, "image/png"])
@pytest.mark.parametrize("rows", [0, 3, 25, ROWS])
def test_a_lookup_gets_the_answer_a_worker_writes(accept: str, rows: int) -> None:
    """The same answer (status, type, bytes, truncation) as a worker's, in every format, cut at
    the row limit or not, and for the query page."""
    data = rows_on_one_subject(rows)
    lookups = Lookups(data, EX, row_limit=20, timeout=10.0)
    for page in (False, True):
        request = Request(text="SELECT ?p ?o WHERE { <s> ?p ?o }", accept=accept, page=page)
        assert lookups.answer(request) == answer(data, request, EX, 20)
        lookups.row_limit = 100_000
        assert lookups.answer(request) == answer(data, request, EX, 100_000)
        lookups.row_limit = 20


@pytest.mark.parametrize("accept", ACCEPTS)
def test_a_lookup_past_the_budget_goes_to_the_workers(accept: str) -> None:
    """Over :data:`ROWS` rows, or :data:`BYTES` of SPARQL JSON, or the time, the server hands
    the lookup over; the workers answer it in full."""
    request = Request(text="SELECT ?p ?o WHERE { <s> ?p ?o }", accept=accept)
    many = rows_on_one_subject(ROWS + 1, width=BYTES // ROWS)
    assert answer(many, request, EX, 100_000).status == 200
    assert Lookups(many, EX, row_limit=100_000, timeout=10.0).answer(request) is None
    few = rows_on_one_subject(3)
    assert Lookups(few, EX, row_limit=100_000, timeout=10.0).answer(request) is not None
    assert Lookups(few, EX, row_limit=100_000, timeout=1e-9).answer(request) is None


@pytest.mark.parametrize(
    "request_",
    [
        Request(text="SELECT * WHERE { <http://[::1> ?p ?o }"),
        Request(text="SELECT * WHERE { <s> ?p ?o } LIMIT 99999999999999999999999"),
        Request(text="SELECT * WHERE { <s> ?p ?o }", default_graphs=(f"{EX}g",)),
        Request(text="SELECT * WHERE { <s> ?p ?o }", named_graphs=(f"{EX}g",)),
    ],
)
def test_errors_and_requests_that_name_their_dataset_go_to_the_workers(
    request_: Request,
) -> None:
    assert Lookups(store(), EX, row_limit=100, timeout=10.0).answer(request_) is None
