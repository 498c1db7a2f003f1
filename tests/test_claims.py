"""Disagreements that mean something: name variants apart, a coarser date that contains the
finer one as agreement, counts stated or listed; and the conflict query agreeing with the index,
on small projects of a few sources each and on the real project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from innoproc.build.claims import Pair, compare, contains, source_claims
from innoproc.build.gather import Index, gather
from innoproc.build.load import Corpus, load_project
from innoproc.config import Config
from innoproc.query import execute, load_queries
from innoproc.rdf import DCTERMS, FOAF, ORG, XSD, from_ox, union_store

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/innoproc/"
QUERY = next(q for q in load_queries(ROOT / "queries") if q.name == "conflicting-claims")
COUNT = URIRef(BASE + "ontology#participatingCountryCount")
PREFIXES = """@prefix ip: <ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix country: <http://publications.europa.eu/resource/authority/country/> .
"""


def small_project(tmp_path: Path, sources: dict[str, str]) -> Corpus:
    """The project's ontology, shapes and queries with ``sources`` (slug: statements) as data."""
    for folder in ("ontology", "shapes", "queries", "catalogue"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "data" / "sources").mkdir(parents=True)
    for slug, body in sources.items():
        head = f"""<id/source/{slug}> a ip:Source ; skos:prefLabel "{slug}"@en , "{slug}"@nl ;
            prov:wasDerivedFrom <https://example.org/{slug}> ."""
        text = f"{PREFIXES}\n<id/source/{slug}> {{\n{head}\n{body}\n}}\n"
        (tmp_path / "data" / "sources" / f"{slug}.trig").write_text(text, "utf-8")
    return load_project(Config.load(tmp_path))


def pairs_of(index: Index) -> set[frozenset[tuple[object, ...]]]:
    out = set()
    for resource in index.resources.values():
        for conflict in index.conflicts(resource):
            for a, one, b, other in conflict.pairs:
                out.add(
                    frozenset(
                        {(resource.iri, conflict.predicate, conflict.kind), (a, one), (b, other)}
                    )
                )
    return out


def query_pairs(corpus: Corpus) -> set[frozenset[tuple[object, ...]]]:
    result = execute(union_store(corpus.statements), QUERY, corpus.config.base_iri)
    out: set[frozenset[tuple[object, ...]]] = set()
    for values in result.rows:
        row = {
            v: from_ox(t) for v, t in zip(result.variables, values, strict=True) if t is not None
        }
        out.add(
            frozenset(
                {
                    (row["resource"], row["property"], str(row["kind"])),
                    (row["value1"], row["source1"]),
                    (row["value2"], row["source2"]),
                }
            )
        )
    return out


def small_index(tmp_path: Path, **stated: str) -> tuple[Index, Corpus]:
    corpus = small_project(tmp_path, stated)
    return gather(corpus), corpus


def resource(index: Index, slug: str) -> object:
    return index.resources[URIRef(BASE + slug)]


def test_names_in_two_languages_and_spellings_are_variants_not_conflicts(tmp_path: Path) -> None:
    index, corpus = small_index(
        tmp_path,
        a='<id/organisation/ezk> foaf:name "Ministry of Economic Affairs and Climate"@en ;'
        ' foaf:familyName "Edquist" .',
        b='<id/organisation/ezk> foaf:name "Ministry of Economic Affairs and Climate Policy"@en ;'
        ' foaf:familyName "Enquist" .',
        c='<id/organisation/ezk> foaf:name "ministerie van Economische Zaken en Klimaat"@nl .',
    )
    ezk = resource(index, "id/organisation/ezk")
    assert index.conflicts(ezk) == []  # type: ignore[arg-type]
    variants = {v.predicate: v.names for v in index.name_variants(ezk)}  # type: ignore[arg-type]
    assert [str(name) for name, _ in variants[FOAF.name]] == [
        "Ministry of Economic Affairs and Climate",
        "Ministry of Economic Affairs and Climate Policy",
        "ministerie van Economische Zaken en Klimaat",
    ]
    assert [str(name) for name, _ in variants[FOAF.familyName]] == ["Edquist", "Enquist"]
    assert query_pairs(corpus) == pairs_of(index) == set()


def test_a_year_agrees_with_a_date_inside_it(tmp_path: Path) -> None:
    index, corpus = small_index(
        tmp_path,
        a='<id/organisation/pianoo> dcterms:created "2005"^^xsd:gYear .',
        b='<id/organisation/pianoo> dcterms:created "2005-10-07"^^xsd:date .',
        c='<id/organisation/pianoo> dcterms:created "2005-10"^^xsd:gYearMonth .',
    )
    assert index.conflicts(resource(index, "id/organisation/pianoo")) == []  # type: ignore[arg-type]
    assert query_pairs(corpus) == pairs_of(index) == set()


def test_a_year_disagrees_with_a_date_outside_it(tmp_path: Path) -> None:
    index, corpus = small_index(
        tmp_path,
        a='<id/organisation/pianoo> dcterms:created "2005"^^xsd:gYear .',
        b='<id/organisation/pianoo> dcterms:created "2006-01-07"^^xsd:date .',
        c='<id/organisation/pianoo> dcterms:created "2005-10-07"^^xsd:date .',
    )
    [conflict] = index.conflicts(resource(index, "id/organisation/pianoo"))  # type: ignore[arg-type]
    assert (conflict.predicate, conflict.kind) == (DCTERMS.created, "date")
    source = {s: URIRef(f"{BASE}id/source/{s}") for s in "abc"}
    assert [(str(v), sources) for v, sources in conflict.claims] == [
        ("2005", [source["a"]]),
        ("2005-10-07", [source["c"]]),
        ("2006-01-07", [source["b"]]),
    ]
    # 2005 contains 2005-10-07: those two agree; 2006-01-07 disagrees with both
    year, day, other = (
        Literal("2005", datatype=XSD.gYear),
        Literal("2005-10-07", datatype=XSD.date),
        Literal("2006-01-07", datatype=XSD.date),
    )
    expected: list[Pair] = [
        (year, source["a"], other, source["b"]),
        (other, source["b"], day, source["c"]),
    ]
    assert sorted(conflict.pairs) == sorted(expected)
    assert query_pairs(corpus) == pairs_of(index)


def test_fifteen_against_sixteen_countries_stated_or_listed(tmp_path: Path) -> None:
    members = " ".join(
        f"<id/membership/mle--{c.lower()}--participant> a org:Membership ;"
        " org:organization <id/initiative/mle> ;"
        f" org:member country:{c} ."
        for c in (
            "AUT",
            "BGR",
            "CYP",
            "EST",
            "ESP",
            "HRV",
            "LTU",
            "NLD",
            "PRT",
            "SWE",
            "SVN",
            "POL",
            "DEU",
            "ITA",
            "FRA",
            "BEL",
            "DNK",
        )
    )
    index, corpus = small_index(
        tmp_path,
        lup="<id/initiative/mle> ip:participatingCountryCount 15 .",
        pianoo="<id/initiative/mle> ip:participatingCountryCount 16 .",
        topsight="<id/initiative/mle> ip:participatingCountryCount 15 .",
        lister=members,  # names 17 countries and says no number: at least 17
        partial=members.split(" . ")[0] + " .",  # names one: says nothing against 15 or 16
    )
    [conflict] = index.conflicts(resource(index, "id/initiative/mle"))  # type: ignore[arg-type]
    source = {s: URIRef(f"{BASE}id/source/{s}") for s in ("lup", "pianoo", "topsight", "lister")}
    assert (conflict.predicate, conflict.kind) == (COUNT, "count")
    assert [(int(v), sources) for v, sources in conflict.claims] == [  # type: ignore[call-overload]
        (15, [source["lup"], source["topsight"]]),
        (16, [source["pianoo"]]),
        (17, [source["lister"]]),
    ]
    assert conflict.listed == [source["lister"]]
    assert len(conflict.pairs) == 5  # 15/16 twice, 15/17 twice, 16/17
    assert query_pairs(corpus) == pairs_of(index)


def test_the_query_lists_what_the_index_knows_on_the_project(corpus: Corpus) -> None:
    index = gather(corpus)
    found = pairs_of(index)
    assert found == query_pairs(corpus)
    mle = index.resources[URIRef(BASE + "id/initiative/mle-innovation-procurement")]
    [count] = [c for c in index.conflicts(mle) if c.kind == "count"]
    assert sorted(int(v) for v, _ in count.claims) == [15, 16]  # type: ignore[call-overload]
    names = {c.predicate for r in index.resources.values() for c in index.conflicts(r)}
    assert not names & index.name_properties
    pianoo = index.resources[URIRef(BASE + "id/organisation/pianoo")]
    assert index.conflicts(pianoo) == []


@pytest.mark.parametrize(
    ("coarse", "fine", "inside"),
    [
        ("2005", "2005-10-07", True),
        ("2005-10", "2005-10-07", True),
        ("2005", "2005-10", True),
        ("2005", "20051", False),
        ("2005-1", "2005-10-07", False),
        ("2005-10-07", "2005-10-07T12:00:00", True),
    ],
)
def test_containment_of_dates(coarse: str, fine: str, inside: bool) -> None:
    types = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}
    a = Literal(coarse, datatype=types.get(len(coarse), XSD.gYearMonth))
    b = Literal(fine, datatype=types.get(len(fine), XSD.dateTime))
    assert contains(a, b) is inside


def test_kinds_of_disagreement_and_what_is_not_a_source() -> None:
    one, other, ontology = (URIRef(f"https://example.org/{s}") for s in ("one", "other", "onto"))
    grant = URIRef(BASE + "ontology#grantAgreementNumber")
    role, kind = (URIRef(f"{BASE}id/role/{r}") for r in ("chair", "member")), DCTERMS.type
    statements = [
        (ORG.role, next(role), [one]),
        (ORG.role, next(role), [other]),
        (kind, URIRef(BASE + "id/initiative-type/network"), [one]),
        (kind, URIRef(BASE + "id/initiative-type/programme"), [other]),
        (grant, Literal("101"), [one]),
        (grant, Literal("102"), [ontology]),  # not a source: no claim
        (FOAF.name, Literal("Big Buyers", lang="en"), [one]),
        (FOAF.name, Literal("Grote inkopers", lang="nl"), [other]),
    ]
    conflicts, variants = compare(
        statements, {ORG.role, kind, grant, FOAF.name}, {FOAF.name}, {one, other}, COUNT
    )
    assert [(c.predicate, c.kind) for c in conflicts] == [(ORG.role, "role"), (kind, "type")]
    assert [(v.predicate, [str(n) for n, _ in v.names]) for v in variants] == [
        (FOAF.name, ["Big Buyers", "Grote inkopers"])
    ]


def test_each_sources_claims_with_who_agrees_disputes_and_names_otherwise() -> None:
    one, two, three, ontology = (
        URIRef(f"https://example.org/{s}") for s in ("one", "two", "three", "onto")
    )
    chair, member = (URIRef(f"{BASE}id/role/{r}") for r in ("chair", "member"))
    big, grote = Literal("Big Buyers", lang="en"), Literal("Grote inkopers", lang="nl")
    homepage = URIRef("https://example.org/big-buyers")
    statements = [
        (ORG.role, chair, [one, two]),
        (ORG.role, member, [three]),
        (FOAF.homepage, homepage, [one, ontology, two, three]),
        (FOAF.name, big, [one]),
        (FOAF.name, grote, [two]),
    ]
    sources = {one, two, three}
    conflicts, variants = compare(statements, {ORG.role, FOAF.name}, {FOAF.name}, sources, COUNT)
    claims = source_claims(statements, conflicts, variants, sources)
    assert list(claims) == [one, two, three]  # in the statements' order; the ontology makes none
    seen = {
        source: [
            (c.predicate, c.value, c.agreed, list(c.disputed), list(c.variants)) for c in found
        ]
        for source, found in claims.items()
    }
    assert seen[one] == [
        (ORG.role, chair, [two], [(member, [three])], []),
        (FOAF.homepage, homepage, [ontology, two, three], [], []),
        (FOAF.name, big, [], [], [(grote, [two])]),
    ]
    assert seen[two] == [
        (ORG.role, chair, [one], [(member, [three])], []),
        (FOAF.homepage, homepage, [one, ontology, three], [], []),
        (FOAF.name, grote, [], [], [(big, [one])]),
    ]
    assert seen[three] == [
        (ORG.role, member, [], [(chair, [one, two])], []),
        (FOAF.homepage, homepage, [one, ontology, two], [], []),
    ]
