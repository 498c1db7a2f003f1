"""Reconciliation: find Wikidata candidates for the organisations, people and initiatives that
have no link yet, for a person to review; the accepted ones go into data/ as a source of their
own.

``innoproc link`` asks a SPARQL endpoint (Wikidata's by default) through SPARQLWrapper for items
whose label equals one of the resource's labels, scores them, and writes ``links/review.tsv``.
Answers are cached in ``links/cache.json``, so that running it again, or building, never needs
the network. ``innoproc link --apply`` turns the rows marked ``yes`` into
``data/sources/reconciliation-wikidata.trig``: ``owl:sameAs`` links whose source is the
reconciliation itself. A store that is down, slow or answers something else is reported, and
the cache is left as it was.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from SPARQLWrapper import JSON

from innoproc.build.load import Corpus
from innoproc.clients.store import answer, results
from innoproc.errors import InputError
from innoproc.rdf import FOAF, ORG, OWL, RDF, SKOS, WIKIDATA_ENTITY, ip

WIKIDATA = "https://query.wikidata.org/sparql"
ENTITY = WIKIDATA_ENTITY
KINDS = {  # our class: the Wikidata classes (P31) that fit it
    "organisation": {"Q43229", "Q327333", "Q2659904", "Q4830453", "Q7210356"},
    "person": {"Q5"},
    "initiative": {"Q170584", "Q1298668", "Q4671277"},
}
COLUMNS = ["resource", "label", "candidate", "candidate_label", "score", "evidence", "accept"]


@dataclass
class Candidate:
    resource: str
    label: str
    candidate: str
    candidate_label: str
    score: float
    evidence: str
    accept: str = ""


def unlinked(corpus: Corpus) -> list[tuple[URIRef, str, list[Literal], set[str]]]:
    """(resource, kind, all its names, its preferred labels) of every organisation, person and
    initiative that has no Wikidata link yet."""
    vocab = ip(corpus.config.base_iri)
    kinds = {
        ORG.Organization: "organisation",
        FOAF.Person: "person",
        vocab.Initiative: "initiative",
    }
    types: dict[URIRef, str] = {}
    labels: dict[URIRef, set[Literal]] = {}
    preferred: dict[URIRef, set[str]] = {}
    linked: set[URIRef] = set()
    for s, p, o, g in corpus.statements:
        if g is None or not isinstance(s, URIRef):
            continue
        if p == RDF.type and o in kinds:
            types[s] = kinds[o]  # type: ignore[index]
        elif p in (SKOS.prefLabel, SKOS.altLabel, FOAF.name) and isinstance(o, Literal):
            labels.setdefault(s, set()).add(o)
            if p == SKOS.prefLabel:
                preferred.setdefault(s, set()).add(str(o))
        elif p == OWL.sameAs and str(o).startswith(ENTITY):
            linked.add(s)
    return [
        (
            s,
            types[s],
            sorted(labels.get(s, set()), key=lambda v: (v.language or "", str(v))),
            preferred.get(s, set()),
        )
        for s in sorted(types, key=str)
        if s not in linked
    ]


def query_for(labels: list[Literal]) -> str:
    values = " ".join(json.dumps(str(v)) + (f"@{v.language}" if v.language else "") for v in labels)
    return f"""SELECT ?item ?label ?type WHERE {{
  VALUES ?label {{ {values} }}
  ?item <http://www.w3.org/2000/01/rdf-schema#label> ?label .
  OPTIONAL {{ ?item <http://www.wikidata.org/prop/direct/P31> ?type }}
}}"""


def ask(endpoint: str, query: str, timeout: float) -> list[dict[str, Any]]:
    """The bindings of ``endpoint``'s answer, all of it within ``timeout`` seconds; each binds
    ?item and ?label. Down, slow, or not SPARQL JSON: an :class:`InputError`, said the same way."""
    unusable = "no usable answer: "
    body = answer(endpoint, query, JSON, timeout, "innoproc-reconciliation", unusable)
    found = results(endpoint, body, unusable)
    if isinstance(found, bool):
        raise InputError(f"{endpoint}: {unusable}a boolean, not bindings")
    for number, row in enumerate(found[1], 1):
        if not {"item", "label"} <= row.keys():
            raise InputError(f"{endpoint}: {unusable}binding {number} lacks ?item or ?label")
    return list(found[1])


def reconcile(
    corpus: Corpus, endpoint: str, folder: Path, timeout: float = 30.0
) -> list[Candidate]:
    """Ask (or read from the cache) for candidates, score them, write the review file."""
    cache_path = folder / "cache.json"
    try:
        cache: dict[str, list[dict[str, Any]]] = (
            json.loads(cache_path.read_text("utf-8")) if cache_path.is_file() else {}
        )
    except (OSError, ValueError) as exc:
        raise InputError(f"{cache_path}: not a cache of answers ({exc})") from exc
    if not isinstance(cache, dict):
        raise InputError(f"{cache_path}: not a cache of answers (not a JSON object)")
    fresh = dict(cache)
    candidates = []
    for resource, kind, labels, preferred in unlinked(corpus):
        if not labels:
            continue
        query = query_for(labels)
        key = f"{endpoint}\n{query}"
        if key not in fresh:
            fresh[key] = ask(endpoint, query, timeout)
        found: dict[str, tuple[set[str], set[str]]] = {}
        for row in fresh[key]:
            item = row["item"]["value"]
            if not item.startswith(ENTITY):
                continue
            matched, types = found.setdefault(item, (set(), set()))
            matched.add(row["label"]["value"])
            if "type" in row:
                types.add(row["type"]["value"].removeprefix(ENTITY))
        for item, (matched, types) in sorted(found.items()):
            # the preferred label matched counts more than another name; the right kind adds
            score = (0.6 if matched & preferred else 0.4) + (0.4 if types & KINDS[kind] else 0.0)
            score = round(score, 2)
            evidence = (
                f"label {', '.join(sorted(matched))}; P31 {', '.join(sorted(types)) or 'none'}"
            )
            label = sorted(preferred)[0] if preferred else str(labels[0])
            candidates.append(
                Candidate(str(resource), label, item, sorted(matched)[0], score, evidence)
            )
    folder.mkdir(parents=True, exist_ok=True)
    candidates.sort(key=lambda c: (c.resource, -c.score, c.candidate))
    write_review(candidates, folder / "review.tsv")
    partial = cache_path.with_name("cache.json.partial")
    partial.write_text(json.dumps(fresh, indent=1, sort_keys=True, ensure_ascii=False), "utf-8")
    partial.replace(cache_path)
    return candidates


def write_review(candidates: list[Candidate], path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    for c in candidates:
        writer.writerow(
            [
                c.resource,
                c.label,
                c.candidate,
                c.candidate_label,
                f"{c.score:.2f}",
                c.evidence,
                c.accept,
            ]
        )
    path.write_text(buffer.getvalue(), "utf-8")


def apply(corpus: Corpus, folder: Path, endpoint: str) -> Path:
    """Write the accepted rows of the review file as a source graph in data/."""
    review = folder / "review.tsv"
    if not review.is_file():
        raise InputError(f"{review}: no review file; run innoproc link first")
    rows = list(csv.DictReader(review.read_text("utf-8").splitlines(), delimiter="\t"))
    accepted = sorted(
        {
            (r["resource"], r["candidate"])
            for r in rows
            if r.get("accept", "").strip().lower() in ("yes", "y", "x")
        }
    )
    for _, candidate in accepted:
        if not candidate.startswith(ENTITY) or not candidate[len(ENTITY) :].startswith("Q"):
            raise InputError(f"{review}: {candidate} is not a Wikidata entity")
    base = corpus.config.base_iri
    slug = "reconciliation-wikidata"
    source = URIRef(f"{base}id/source/{slug}")
    before = {  # the links accepted by an earlier --apply stay
        (str(s), str(o)) for s, p, o, g in corpus.statements if g == source and p == OWL.sameAs
    }
    accepted = sorted(set(accepted) | before)
    lines = [
        "# Links to Wikidata accepted by a reviewer from innoproc link's candidates.",
        "@prefix ip: <ontology#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        "@prefix prov: <http://www.w3.org/ns/prov#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "",
        f"<id/source/{slug}> {{",
        f"  <id/source/{slug}> a ip:Source ;",
        '    skos:prefLabel "Afstemming met Wikidata"@nl , "Reconciliation with Wikidata"@en ;',
        '    dcterms:title "Reconciliation with Wikidata (reviewed candidates)"@en ;',
        f"    prov:wasDerivedFrom <{endpoint}> ;",
        "    dcterms:language <http://publications.europa.eu/resource/authority/language/ENG> ;",
        f'    ip:retrieved "{corpus.config.release_date[:4] or "2026"}"^^xsd:gYear .',
    ]
    for resource, candidate in accepted:
        local = resource.removeprefix(base)
        lines.append(f"  <{local}> owl:sameAs <{candidate}> .")
    lines.append("}")
    target = corpus.config.path(corpus.config.data_dir) / "sources" / f"{slug}.trig"
    target.write_text("\n".join(lines) + "\n", "utf-8")
    return target
