"""The dumps of the whole dataset (``build/dump.py``): the same statements as the corpus in
every dumped format, sorted as bytes (N-Quads graph by graph), whatever order the statements
come in, with the prefixes they use and no other."""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from innoproc import formats
from innoproc.build.dump import (
    prefixes,
    statement_namespaces,
    store_lines,
    write_dump,
    write_dumps,
)
from innoproc.build.load import Corpus
from innoproc.rdf import ox_quad, union_store

EX = "https://example.org/dump/"
DT = URIRef(EX + "datatype")
Statement = tuple[Node, Node, Node, Node | None]


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def graph_of(line: bytes) -> bytes:
    """The graph's name in an N-Quads line of a named graph (the last term, an IRI here)."""
    return line[line.rindex(b" <", 0, len(line) - 2) + 1 : -2]


def named(statements: Sequence[Statement]) -> list[ox.Quad]:
    return [ox_quad(s, p, o, g) for s, p, o, g in statements if g is not None]


def dump(
    statements: Sequence[Statement], folder: Path, declared: dict[str, str]
) -> dict[str, bytes]:
    graphs = store_lines(union_store(statements))  # type: ignore[arg-type]
    write_dump(graphs, statement_namespaces(statements), folder / "all", declared)
    return files(folder)


def test_the_dumps_hold_the_corpus_statements_sorted_as_bytes(tiny: Corpus, tmp_path: Path) -> None:
    write_dumps(tiny, tmp_path)
    folder = (tmp_path / tiny.description.dump).parent
    name = Path(tiny.description.dump).name
    assert sorted(files(folder)) == sorted(f"{name}.{f.extension}" for f in formats.dumped())
    quads = named(tiny.statements)
    expected = set((ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").splitlines())
    expected_triples = {line[: line.rindex(b" <", 0, len(line) - 2)] + b" ." for line in expected}
    nquads = (folder / f"{name}.nq").read_bytes().splitlines()
    assert nquads == sorted(expected, key=lambda line: (graph_of(line), line))
    ntriples = (folder / f"{name}.nt").read_bytes()
    assert ntriples.splitlines() == sorted(expected_triples)
    assert gzip.decompress((folder / f"{name}.nt.gz").read_bytes()) == ntriples
    for fmt in formats.dumped():
        assert fmt.rdf is not None
        path = folder / f"{name}.{fmt.extension.removesuffix('.gz')}"
        parsed = set(ox.parse(path=path, format=fmt.rdf))
        if fmt.holds == "quads":
            assert parsed == set(quads), fmt.name
        else:
            assert {q.triple for q in parsed} == {q.triple for q in quads}, fmt.name


def test_the_order_depends_on_the_statements_alone(tiny: Corpus, tmp_path: Path) -> None:
    statements = list(tiny.statements)
    declared = prefixes(tiny)
    first = dump(statements, tmp_path / "a", declared)
    again = dump(statements[::-1] + statements[:10], tmp_path / "b", declared)
    assert first == again


def test_write_dump_takes_its_lines_in_any_order_repeated_or_not(
    tiny: Corpus, tmp_path: Path
) -> None:
    # the lines as the store gives them, then shuffled (reversed, and every graph's halves
    # swapped) and with repeats, straight into write_dump: the store drops no repeat here
    graphs = store_lines(tiny.store)
    namespaces = statement_namespaces(tiny.statements)
    declared = prefixes(tiny)
    write_dump(graphs, namespaces, tmp_path / "a" / "all", declared)
    mixed = {}
    for name, lines in reversed(list(graphs.items())):
        half = len(lines) // 2
        mixed[name] = lines[half:][::-1] + lines[:half] + lines[: max(1, half // 3)]
    assert any(len(set(lines)) < len(lines) for lines in mixed.values())
    assert any(mixed[name] != sorted(lines) for name, lines in graphs.items())
    write_dump(mixed, namespaces, tmp_path / "b" / "all", declared)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    nquads = (tmp_path / "b" / "all.nq").read_bytes().splitlines()
    assert len(nquads) == len(set(nquads)) == sum(len(set(ls)) for ls in graphs.values())


def test_texts_that_begin_alike_and_hostile_literals(tmp_path: Path) -> None:
    s, p, g, h = (URIRef(EX + n) for n in ("s", "p", "g", "h"))
    values = [
        Literal("abc"),
        Literal("abc", lang="EN"),
        Literal("abc", datatype=DT),
        Literal("abc def"),
        Literal('a "quoted" line\nand <https://example.org/dump/s> . next'),
        Literal("tab\tnul\x00del\x7f é 😀"),
        URIRef(EX + "s/more"),
        URIRef(EX + "s"),
    ]
    statements: list[Statement] = [(s, p, v, g) for v in values]
    statements += [(s, p, values[0], h), (s, p, values[0], None)]
    out = dump(statements, tmp_path, {})
    nquads = out["all.nq"].splitlines()
    assert nquads == sorted(nquads, key=lambda line: (graph_of(line), line))
    assert len(nquads) == len(values) + 1
    ntriples = out["all.nt"].splitlines()
    assert ntriples == sorted(set(ntriples)) and len(ntriples) == len(values)
    expected = set(named(statements))
    assert set(ox.parse(out["all.trig"], format=ox.RdfFormat.TRIG)) == expected
    triples = {q.triple for q in expected}
    for name, fmt in (("all.ttl", ox.RdfFormat.TURTLE), ("all.jsonld", ox.RdfFormat.JSON_LD)):
        assert {q.triple for q in ox.parse(out[name], format=fmt)} == triples, name


def test_turtle_and_trig_declare_the_prefixes_they_use(tmp_path: Path) -> None:
    s, p, g = URIRef(EX + "s"), URIRef(EX + "p"), URIRef("https://example.org/graphs/g")
    statements: list[Statement] = [(s, p, Literal("x"), g)]
    declared = {
        "ex": EX,
        "graphs": "https://example.org/graphs/",
        "unused": "https://example.org/unused/",
    }
    out = dump(statements, tmp_path, declared)

    def declares(data: bytes) -> list[bytes]:
        return [line for line in data.splitlines() if line.startswith(b"@prefix")]

    assert declares(out["all.ttl"]) == [b"@prefix ex: <https://example.org/dump/> ."]
    assert sorted(declares(out["all.trig"])) == [
        b"@prefix ex: <https://example.org/dump/> .",
        b"@prefix graphs: <https://example.org/graphs/> .",
    ]


def test_no_named_statement_writes_empty_dumps(tmp_path: Path) -> None:
    statements: list[Statement] = [(URIRef(EX + "s"), URIRef(EX + "p"), Literal("x"), None)]
    out = dump(statements, tmp_path, {})
    assert out["all.nq"] == out["all.nt"] == b""
    assert gzip.decompress(out["all.nt.gz"]) == b""
