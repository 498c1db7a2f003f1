#!/usr/bin/env python3
"""List, per source, the statements its graph makes, for a person to check against the document.

    python scripts/audit.py pianoo-page            # one source, by its slug (file stem)
    python scripts/audit.py pianoo-page rio-mle-events
    python scripts/audit.py --all                  # every source in data/
    python scripts/audit.py --all --out audit.md   # written to a file

For each source: its title (or that the document has none), its address, language and
description, then every resource the graph speaks about with the statements it makes about it,
one line each, grouped by resource. Resources and concepts are shown by their English label with
the IRI beside it, literals with their language or datatype. Labels are looked up in the whole
graph, so a statement that points elsewhere reads as a sentence; what is checked is only what the
source's own graph states. The reviewer opens the address and ticks each line off against the
document: a statement the document does not make is an error in the data.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from innoproc.build.load import Corpus, load_project  # noqa: E402
from innoproc.config import Config  # noqa: E402
from innoproc.rdf import DCTERMS, PROV, RDF, SKOS  # noqa: E402

PREFIXES = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://www.w3.org/2008/05/skos-xl#": "skosxl:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://xmlns.com/foaf/0.1/": "foaf:",
    "http://www.w3.org/ns/org#": "org:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://www.w3.org/ns/dcat#": "dcat:",
    "http://www.w3.org/2006/time#": "time:",
    "http://www.w3.org/2002/07/owl#": "owl:",
    "http://data.europa.eu/m8g/": "cv:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
    "http://publications.europa.eu/resource/authority/country/": "country:",
    "http://publications.europa.eu/resource/authority/language/": "lang:",
    "http://publications.europa.eu/resource/authority/file-type/": "filetype:",
}
HEAD = (DCTERMS.title, PROV.wasDerivedFrom, DCTERMS.language, DCTERMS.description)


class Auditor:
    def __init__(self, corpus: Corpus, config: Config) -> None:
        self.corpus = corpus
        self.base = config.base_iri
        self.prefixes = {config.base_iri + "ontology#": "ip:", **PREFIXES}
        self.labels: dict[Node, str] = {}
        for s, p, o, _ in corpus.statements:
            if p == SKOS.prefLabel and isinstance(o, Literal) and o.language == "en":
                self.labels.setdefault(s, str(o))

    def name(self, term: Node) -> str:
        """An IRI in its short form: relative to the base, or with a known prefix."""
        text = str(term)
        for namespace, prefix in self.prefixes.items():
            if text.startswith(namespace):
                return prefix + text[len(namespace) :]
        if text.startswith(self.base):
            return "<" + text[len(self.base) :] + ">"
        return "<" + text + ">"

    def show(self, term: Node) -> str:
        if isinstance(term, Literal):
            if term.language:
                return f'"{term}"@{term.language}'
            if term.datatype is not None:
                return f'"{term}" ({self.name(term.datatype)})'
            return f'"{term}"'
        if isinstance(term, BNode):
            return "[blank node]"
        label = self.labels.get(term)
        return f"{label} {self.name(term)}" if label else self.name(term)

    def source(self, slug: str) -> str:
        source = URIRef(self.base + "id/source/" + slug)
        if source not in self.corpus.graph_files:
            raise SystemExit(f"no source {slug!r} in data/ (expected data/**/{slug}.trig)")
        by_subject: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        for s, p, o, g in self.corpus.statements:
            if g == source:
                by_subject[s].append((p, o))
        head = dict.fromkeys(HEAD, "")
        for p, o in by_subject.get(source, []):
            if isinstance(p, URIRef) and p in head:
                head[p] = (head[p] + " | " if head[p] else "") + self.show(o)
        untitled = any(str(p).endswith("#untitled") for p, _ in by_subject.get(source, []))
        count = sum(len(v) for v in by_subject.values())
        title = head[DCTERMS.title] or (
            "(none: the document has no title)" if untitled else "(missing)"
        )
        lines = [
            f"## {slug}",
            "",
            f"- title: {title}",
            f"- address: {head[PROV.wasDerivedFrom]}",
            f"- language: {head[DCTERMS.language]}",
            f"- file: {self.corpus.graph_files[source]}",
            f"- statements: {count}",
        ]
        if head[DCTERMS.description]:
            lines.append(f"- about the source: {head[DCTERMS.description]}")
        subjects = sorted((s for s in by_subject if s != source), key=lambda s: str(s))
        for subject in subjects:
            lines += ["", f"### {self.show(subject)}"]
            statements = sorted(
                by_subject[subject], key=lambda po: (po[0] != RDF.type, str(po[0]), str(po[1]))
            )
            for p, o in statements:
                lines.append(f"- [ ] {self.name(p)} {self.show(o)}")
        return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("slugs", nargs="*", help="source slugs (file stems in data/)")
    parser.add_argument("--all", action="store_true", help="every source in data/")
    parser.add_argument("--out", type=Path, help="write to this file instead of stdout")
    args = parser.parse_args(argv)
    if not args.slugs and not args.all:
        parser.error("name one or more source slugs, or --all")
    config = Config.load(ROOT)
    corpus = load_project(config)
    auditor = Auditor(corpus, config)
    slugs = (
        [str(g).removeprefix(config.base_iri + "id/source/") for g in corpus.source_graphs]
        if args.all
        else args.slugs
    )
    text = "# Statements per source, for review against the documents\n\n" + "\n".join(
        auditor.source(slug) for slug in slugs
    )
    if args.out:
        args.out.write_text(text, "utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
