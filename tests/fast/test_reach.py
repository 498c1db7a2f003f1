"""What a shape reads (build/reach.py): the walks and predicates read off shapes graphs, and
the shapes that cannot be bounded."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from innoproc.build import reach
from innoproc.rdf import RDF, SKOS

from .conftest import PROJECT

EX = "https://example.org/"
PREFIXES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <{EX}> .
"""


QUERY = 'ex:S sh:targetNode ex:n ; sh:sparql [ sh:select "SELECT $this WHERE { %s }" ] .'


def shapes(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def step(name: str, forward: bool = True) -> reach.Step:
    return (URIRef(EX + name), forward)


def test_walks_follow_paths_nested_shapes_and_classes() -> None:
    found = reach.reaches(
        shapes("""
        ex:Root a sh:NodeShape ; sh:targetClass ex:Thing ;
            sh:property [ sh:path ( ex:a [ sh:inversePath ex:b ] ) ; sh:class ex:Kind ] ;
            sh:property [ sh:path [ sh:alternativePath ( ex:c ex:d ) ] ; sh:node ex:Inner ] ;
            sh:or ( [ sh:path ex:e ; sh:minCount 1 ] [ sh:path ex:f ; sh:equals ex:g ] ) .
        ex:Inner a sh:NodeShape ; sh:property [ sh:path ex:h ; sh:datatype ex:T ] .
        """)
    )
    walks = found[URIRef(EX + "Root")].walks
    a_b = (step("a"), step("b", False))
    assert {(step("a"),), a_b, (*a_b, (RDF.type, True))} <= walks
    assert {(step("c"), step("h")), (step("d"), step("h"))} <= walks
    assert {(step("e"),), (step("f"),), (step("g"),)} <= walks
    assert URIRef(EX + "Inner") in found[URIRef(EX + "Root")].shapes
    assert not found[URIRef(EX + "Root")].sparql


def test_sparql_reads_the_predicates_its_queries_name() -> None:
    found = reach.reaches(
        shapes("""
        ex:Labelled a sh:NodeShape ;
            sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this a ?t }" ] ;
            sh:sparql [ sh:select \"\"\"SELECT $this WHERE {
                $this <http://www.w3.org/2004/02/skos/core#prefLabel>/<https://example.org/x> ?v .
                FILTER NOT EXISTS { ?v <https://example.org/y> ?w } }\"\"\" ] .
        """)
    )
    predicates = found[URIRef(EX + "Labelled")].predicates
    assert predicates is not None
    assert {RDF.type, SKOS.prefLabel, URIRef(EX + "x"), URIRef(EX + "y")} <= predicates


@pytest.mark.parametrize(
    "shape",
    [
        "ex:S sh:targetNode ex:n ; sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ] .",
        "ex:S sh:targetNode ex:n ; sh:closed true .",
        "ex:S sh:targetNode ex:n ; sh:node ex:S .",
        QUERY % "$this ?p ?o",
        QUERY % "GRAPH ?g { $this <https://example.org/p> ?o }",
        QUERY % "$this !<https://example.org/p> ?o",
        "ex:S sh:targetNode ex:n ; ex:ownParameter 1 . ex:C a sh:ConstraintComponent .",
        "ex:S sh:targetNode ex:n ; sh:unknownConstraint 1 .",
    ],
)
def test_what_cannot_be_bounded_is_said_so(shape: str) -> None:
    with pytest.raises(reach.Unbounded):
        reach.reaches(shapes(shape))


def test_a_sparql_root_may_share_no_shape() -> None:
    with pytest.raises(reach.Unbounded, match="shares"):
        reach.reaches(
            shapes("""
            ex:One sh:targetClass ex:A ; sh:property ex:name .
            ex:Two sh:targetNode ex:n ; sh:property ex:name ;
                sh:sparql [ sh:select "SELECT $this WHERE { $this <https://example.org/p> ?o }" ] .
            ex:name sh:path ex:name ; sh:minCount 1 .
            """)
        )


def test_the_projects_shapes_are_bounded() -> None:
    graph = Graph().parse(PROJECT / "shapes/tiny.ttl", publicID="https://example.org/tiny/")
    assert reach.reaches(graph)
