#!/usr/bin/env python3
"""Write a synthetic graph of the same shape as data/, deterministically from a seed.

    python scripts/synthesize.py --triples 1000000 --seed 1 --out /tmp/synthetic

The output folder gets one TriG file per source, like data/: initiatives with their funding,
organisations with countries and homepages, memberships with roles and periods, people, events
with places and periods, documents, the EU countries with their labels, and sources that
disagree on the number of participating countries. Labels and descriptions are in Dutch and
English; IRIs are relative, like the real data. The files conform to shapes/ when validated
with ontology/ beside them.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

PREFIXES = """@prefix ip: <ontology#> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix country: <http://publications.europa.eu/resource/authority/country/> .
@prefix lang: <http://publications.europa.eu/resource/authority/language/> .
"""
COUNTRIES = [
    ("NLD", "Netherlands", "Nederland"),
    ("ITA", "Italy", "Italië"),
    ("POL", "Poland", "Polen"),
    ("AUT", "Austria", "Oostenrijk"),
    ("BEL", "Belgium", "België"),
    ("EST", "Estonia", "Estland"),
    ("FRA", "France", "Frankrijk"),
    ("DEU", "Germany", "Duitsland"),
    ("GRC", "Greece", "Griekenland"),
    ("LVA", "Latvia", "Letland"),
    ("LTU", "Lithuania", "Litouwen"),
    ("NOR", "Norway", "Noorwegen"),
    ("PRT", "Portugal", "Portugal"),
    ("SVN", "Slovenia", "Slovenië"),
    ("ESP", "Spain", "Spanje"),
    ("SWE", "Sweden", "Zweden"),
    ("TUR", "Türkiye", "Turkije"),
]
WORDS = [
    "innovation",
    "procurement",
    "agency",
    "network",
    "centre",
    "region",
    "city",
    "council",
    "institute",
    "programme",
    "platform",
    "partnership",
    "observatory",
    "foundation",
]
ROLES = ["partner", "participant", "coordinator", "observer", "stakeholder"]
PERSON_ROLES = ["chair", "expert", "rapporteur", "project-manager"]
INITIATIVE_TYPES = [
    "mutual-learning-exercise",
    "research-project",
    "thematic-partnership",
    "network",
]
EVENT_TYPES = ["kick-off-meeting", "workshop", "country-visit", "partnership-meeting"]
DOCUMENT_TYPES = ["report", "thematic-report", "action-plan", "guide"]
UNIT_TRIPLES = 290  # what one initiative with its organisations, people, events and documents holds
UNITS_PER_SOURCE = 10
MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def period(start: tuple[int, int, int], days: int) -> tuple[str, str]:
    """A period's IRI and its statements, at day precision, within one month."""
    year, month, day = start
    end = min(day + days, 28)
    iri = f"<id/period/{year}-{month:02d}-{day:02d}--{year}-{month:02d}-{end:02d}>"
    text = (
        f"{iri} a dcterms:PeriodOfTime , time:Interval ;\n"
        f'    skos:prefLabel "{day}-{end} {MONTHS_NL[month - 1]} {year}"@nl , '
        f'"{day}-{end} {MONTHS_EN[month - 1]} {year}"@en ;\n'
        f'    dcat:startDate "{year}-{month:02d}-{day:02d}"^^xsd:date ;\n'
        f'    dcat:endDate "{year}-{month:02d}-{end:02d}"^^xsd:date .\n'
    )
    return iri, text


def source_head(slug: str, title: str) -> str:
    return (
        f"<id/source/{slug}> a ip:Source ;\n"
        f'    skos:prefLabel "Synthetische bron {slug}"@nl , "Synthetic source {slug}"@en ;\n'
        f'    dcterms:title "{title}"@en ;\n'
        f"    prov:wasDerivedFrom <https://example.org/synthetic/{slug}> ;\n"
        f"    dcterms:language lang:ENG ;\n"
        f'    ip:retrieved "2025"^^xsd:gYear .\n'
    )


def unit(k: int, rng: random.Random) -> str:
    """One initiative and its world (about UNIT_TRIPLES statements)."""
    name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {k}"
    i = f"<id/initiative/syn-{k}>"
    out = [
        f"{i} a ip:Initiative ;\n"
        f'    skos:prefLabel "{name} (nl)"@nl , "{name}"@en ;\n'
        f'    foaf:name "{name}"@en ;\n'
        f'    dcterms:description "Synthetisch initiatief {k} over innovatiegericht inkopen."@nl ,'
        f' "Synthetic initiative {k} on innovation procurement."@en ;\n'
        f"    dcterms:type <id/initiative-type/{rng.choice(INITIATIVE_TYPES)}> ;\n"
        f"    ip:fundedBy <id/funding/syn-programme-{k % 7}> ;\n"
        f"    ip:participatingCountryCount {rng.randint(3, 17)} .\n"
    ]
    year = 2010 + k % 15
    for j in range(10):
        code = rng.choice(COUNTRIES)[0]
        o = f"<id/organisation/syn-{k}-{j}>"
        label = f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {k}-{j}"
        out.append(
            f"{o} a org:Organization ;\n"
            f'    skos:prefLabel "{label}"@nl , "{label}"@en ;\n'
            f"    ip:country country:{code} ;\n"
            f"    foaf:homepage <https://example.org/org/{k}/{j}> .\n"
        )
        role = "coordinator" if j == 0 else rng.choice(ROLES)
        piri, ptext = period((year, 1 + j % 12, 1 + j), 20)
        out.append(ptext)
        out.append(
            f"<id/membership/syn-{k}--syn-{k}-{j}--{role}> a org:Membership ;\n"
            f'    skos:prefLabel "{label} - {role} - {name} (nl)"@nl , '
            f'"{label} - {role} - {name}"@en ;\n'
            f"    org:member {o} ; org:organization {i} ; org:role <id/role/{role}> ;\n"
            f"    org:memberDuring {piri} .\n"
        )
    for j in range(5):
        p = f"<id/person/syn-{k}-{j}>"
        given, family = rng.choice(["Anna", "Jan", "Maria", "Piotr", "Luca"]), f"Person{k}x{j}"
        out.append(
            f"{p} a foaf:Person ;\n"
            f'    skos:prefLabel "{given} {family}"@nl , "{given} {family}"@en ;\n'
            f'    foaf:givenName "{given}" ; foaf:familyName "{family}" .\n'
        )
        role = PERSON_ROLES[j % len(PERSON_ROLES)]
        out.append(
            f"<id/membership/syn-{k}--syn-{k}-{j}p--{role}> a org:Membership ;\n"
            f'    skos:prefLabel "{given} {family} - {role} (nl)"@nl ,'
            f' "{given} {family} - {role}"@en ;\n'
            f"    org:member {p} ; org:organization {i} ; org:role <id/role/{role}> .\n"
        )
    for j in range(3):
        code = rng.choice(COUNTRIES)[0]
        piri, ptext = period((year, 1 + (k + j) % 12, 1 + j * 5), 2)
        out.append(ptext)
        out.append(
            f"<id/event/syn-{k}-{j}> a cv:PublicEvent ;\n"
            f'    skos:prefLabel "Bijeenkomst {j + 1} van {name}"@nl ,'
            f' "Meeting {j + 1} of {name}"@en ;\n'
            f'    dcterms:title "Meeting {j + 1} of {name}"@en ;\n'
            f"    dcterms:type <id/event-type/{EVENT_TYPES[j % len(EVENT_TYPES)]}> ;\n"
            f"    dcterms:isPartOf {i} ; dcterms:temporal {piri} ;\n"
            f"    dcterms:spatial country:{code} ; ip:host <id/organisation/syn-{k}-{j}> .\n"
        )
    for j in range(2):
        out.append(
            f"<id/document/syn-{k}-{j}> a foaf:Document ;\n"
            f'    skos:prefLabel "Rapport {j + 1} van {name}"@nl ,'
            f' "Report {j + 1} of {name}"@en ;\n'
            f'    dcterms:title "Report {j + 1} of {name}"@en ;\n'
            f"    dcterms:type <id/document-type/{DOCUMENT_TYPES[j]}> ;\n"
            f'    dcterms:date "{year}-{1 + j:02d}"^^xsd:gYearMonth ;\n'
            f"    dcterms:creator <id/person/syn-{k}-{j}> ; ip:outputOf {i} .\n"
        )
    return "".join(out)


def vocabulary() -> str:
    """The countries and the funding programmes every unit refers to."""
    out = [source_head("syn-vocabulary", "Synthetic vocabulary")]
    for code, en, nl in COUNTRIES:
        out.append(
            f"country:{code} a skos:Concept , dcterms:Location ;\n"
            f'    skos:prefLabel "{en}"@en , "{nl}"@nl ;\n'
            f"    skos:inScheme <http://publications.europa.eu/resource/authority/country> ;\n"
            f'    skos:notation "{code}" .\n'
        )
    out.append(
        "<id/scheme/funding-programmes> a skos:ConceptScheme ;\n"
        '    skos:prefLabel "Financieringsprogramma\'s"@nl , "Funding programmes"@en ;\n'
        "    skos:hasTopConcept "
        + " , ".join(f"<id/funding/syn-programme-{n}>" for n in range(7))
        + " .\n"
    )
    for n in range(7):
        out.append(
            f"<id/funding/syn-programme-{n}> a ip:FundingProgramme ;\n"
            f"    skos:inScheme <id/scheme/funding-programmes> ;\n"
            f"    skos:topConceptOf <id/scheme/funding-programmes> ;\n"
            f'    skos:prefLabel "Programma {n}"@nl , "Programme {n}"@en .\n'
        )
    return "".join(out)


def write(out: Path, slug: str, body: str) -> None:
    (out / f"{slug}.trig").write_text(f"{PREFIXES}\n<id/source/{slug}> {{\n{body}}}\n", "utf-8")


BUILD_BYTES_PER_TRIPLE = 7_500
"""Peak memory of ``innoproc build`` per triple, rounded up from benchmarks/build.py at 1M."""


def available_memory() -> int:
    """Bytes of memory this machine can still give a process (MemAvailable, on Linux)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def synthesize(triples: int, seed: int, out: Path) -> int:
    """Write about ``triples`` statements into ``out``; returns the number of units written."""
    need, have = triples * BUILD_BYTES_PER_TRIPLE, available_memory()
    if need > have:
        raise SystemExit(
            f"{triples:,} triples would not fit: building them takes about {need / 1e9:.1f} GB "
            f"({BUILD_BYTES_PER_TRIPLE:,} bytes per triple) and this machine has "
            f"{have / 1e9:.1f} GB available; at most {have // BUILD_BYTES_PER_TRIPLE:,} here"
        )
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    units = max(1, triples // UNIT_TRIPLES)
    write(out, "syn-vocabulary", vocabulary())
    for first in range(0, units, UNITS_PER_SOURCE):
        slug = f"syn-{first // UNITS_PER_SOURCE:05d}"
        body = [source_head(slug, f"Synthetic source {first // UNITS_PER_SOURCE}")]
        body += [unit(k, rng) for k in range(first, min(first + UNITS_PER_SOURCE, units))]
        write(out, slug, "".join(body))
        # a second source disagrees on how many countries take part
        other = f"{slug}-review"
        claims = [source_head(other, f"Synthetic review {first // UNITS_PER_SOURCE}")]
        claims += [
            f"<id/initiative/syn-{k}> ip:participatingCountryCount {rng.randint(3, 17)} .\n"
            for k in range(first, min(first + UNITS_PER_SOURCE, units))
        ]
        write(out, other, "".join(claims))
    return units


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args(argv)
    units = synthesize(arguments.triples, arguments.seed, arguments.out)
    print(f"wrote {units} initiatives into {arguments.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
