"""Releases: versions of the dataset that researchers cite and compare.

A release (``innoproc build --release``, with ``version`` and ``release_date`` configured)
writes, beside the current site, ``releases/{version}/``: the dumps, the catalogue, the VoID,
the validation report, the citation files (:mod:`.cite`) and ``changes/added.nq`` and
``changes/removed.nq``, what changed since the release before (:mod:`.diff`). Every build keeps
the earlier releases it finds, in the site it replaces and in the configured ``releases_dir``,
and describes them all in the catalogue as versions of the dataset (DCAT 3:
``dcat:hasVersion``, ``dcat:previousVersion``, ``dcat:version``).

A release folder names its version; its date is the ``Issued`` date of its ``datacite.json``.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef

from innoproc import formats
from innoproc.build import cite
from innoproc.build.catalogue import SHA256
from innoproc.build.diff import Diff, read_statements, statements
from innoproc.build.load import Corpus
from innoproc.config import VERSION, Config
from innoproc.errors import InputError
from innoproc.rdf import DCAT, DCTERMS, IANA, RDF, SPDX, XSD, ox_quad

DCAT3 = Namespace(str(DCAT))
"""DCAT 3's terms, versioning among them (rdflib's ``DCAT`` knows DCAT 2's only)."""

SHARED = ("catalog.ttl", "void.ttl", "validation-report.ttl")
"""The files of the site a release keeps a copy of, besides its dumps."""


@dataclass(frozen=True)
class Release:
    """One release: its version, its date and the folder its files are read from."""

    version: str
    date: str
    folder: Path


@dataclass
class Releases:
    """The releases a build publishes, oldest first, and what changed in each."""

    corpus: Corpus
    found: list[Release]
    """Every release, oldest first (by date, then version); the current one last if it is
    being released."""
    current: Release | None
    diffs: dict[str, Diff] = field(default_factory=dict)
    """By version: what changed since the release before (none for the first)."""

    @classmethod
    def find(cls, corpus: Corpus, site: Path, release: bool) -> Releases:
        """The releases in ``config.releases_dir`` and in ``site/releases`` (the site this
        build replaces), and the current one when ``release``; and the differences between
        each and the one before, the current release's from the corpus itself."""
        config = corpus.config
        if release and not (config.version and config.release_date):
            raise InputError("a release needs version and release_date in [tool.innoproc]")
        earlier: dict[str, Release] = {}
        places = [site / "releases"]
        if config.releases_dir:
            places.insert(0, config.path(config.releases_dir))
        for place in places:
            for folder in sorted(place.iterdir()) if place.is_dir() else []:
                if folder.is_dir() and not folder.name.startswith("."):
                    found = _read(folder, corpus.description.name)
                    earlier.setdefault(found.version, found)
        current = None
        dump = f"{corpus.description.name}.nq"
        working = corpus_statements(corpus) if release else set()
        if release:
            current = Release(config.version, config.release_date, Path())
            done = earlier.pop(config.version, None)
            if done is not None and read_statements(done.folder / dump) != working:
                raise InputError(
                    f"{done.folder}: release {config.version} exists with other data; a release"
                    " never changes, so give this one a new version"
                )
        ordered = sorted(earlier.values(), key=lambda r: (r.date, r.version))
        if current is not None:
            if ordered and ordered[-1].date > current.date:
                raise InputError(
                    f"release_date {current.date} is before release {ordered[-1].version}"
                    f" ({ordered[-1].date})"
                )
            ordered.append(current)
        out = cls(corpus, ordered, current)
        previous: set[bytes] | None = None
        for item in ordered:
            now = working if item is current else read_statements(item.folder / dump)
            if previous is not None:
                out.diffs[item.version] = Diff.between(previous, now)
            previous = now
        return out

    def cited(self) -> str:
        """The IRI a citation of the configured version names: its release's, once there is
        one, else the dataset's."""
        config = self.corpus.config
        if config.version in {r.version for r in self.found}:
            return str(version_iri(config, config.version))
        return config.base_iri + "catalog#dataset"

    def write(self, out: Path) -> None:
        """Copy the earlier releases into ``out/releases``; for the current one, its dumps (from
        ``out/dumps``), its changes and its citation files."""
        description = self.corpus.description
        for item in self.found:
            target = out / "releases" / item.version
            if item is not self.current:
                shutil.copytree(item.folder, target)
                continue
            target.mkdir(parents=True)
            for fmt in formats.dumped():
                name = f"{description.name}.{fmt.extension}"
                shutil.copyfile(out / f"{description.dump}.{fmt.extension}", target / name)
            if item.version in self.diffs:
                self.diffs[item.version].write(target / "changes")
            iri = str(version_iri(self.corpus.config, item.version))
            cite.write(self.corpus.config, description, target, item.version, item.date, iri)

    def finish(self, out: Path) -> None:
        """Copy the current release's catalogue, VoID and validation report from ``out``."""
        if self.current is not None:
            for name in SHARED:
                shutil.copyfile(out / name, out / "releases" / self.current.version / name)

    def describe(self, graph: Graph, out: Path) -> None:
        """Add the releases to the catalogue ``graph`` as versions of the dataset, each a
        dataset with its dumps in ``out/releases/{version}/``."""
        config = self.corpus.config
        base = config.base_iri
        dataset = URIRef(base + "catalog#dataset")
        catalog = URIRef(base + "catalog")
        if config.version:
            graph.add((dataset, DCAT3.version, Literal(config.version)))
        previous = None
        for item in self.found:
            version = version_iri(config, item.version)
            graph.add((catalog, DCAT.dataset, version))
            graph.add((dataset, DCAT3.hasVersion, version))
            for predicate, value in list(graph.predicate_objects(dataset)):
                if predicate in _KEPT:
                    graph.add((version, predicate, value))
            graph.add((version, DCAT3.version, Literal(item.version)))
            graph.add((version, DCTERMS.issued, Literal(item.date, datatype=XSD.date)))
            if previous is not None:
                graph.add((version, DCAT3.previousVersion, previous))
            previous = version
            folder = out / "releases" / item.version
            self._distributions(graph, version, item.version, folder)
        if previous is not None:
            graph.add((dataset, DCAT3.hasCurrentVersion, previous))

    def _distributions(self, graph: Graph, version: URIRef, name: str, folder: Path) -> None:
        config = self.corpus.config
        dump = self.corpus.description.name
        for fmt in formats.dumped():
            path = folder / f"{dump}.{fmt.extension}"
            if not path.is_file():
                continue
            suffix = fmt.extension.replace(".", "-")
            distribution = URIRef(f"{version}-{suffix}")
            url = URIRef(f"{config.base_iri}releases/{name}/{dump}.{fmt.extension}")
            graph.add((version, DCAT.distribution, distribution))
            graph.add((distribution, RDF.type, DCAT.Distribution))
            title = f"{dump} {name} ({fmt.label})"
            graph.add((distribution, DCTERMS.title, Literal(title, lang="en")))
            graph.add((distribution, DCAT.accessURL, url))
            graph.add((distribution, DCAT.downloadURL, url))
            graph.add((distribution, DCTERMS.format, URIRef(str(fmt.file_type_iri))))
            graph.add((distribution, DCAT.mediaType, URIRef(IANA + fmt.media_type)))
            if fmt.compression:
                graph.add((distribution, DCAT.compressFormat, URIRef(IANA + fmt.compression)))
            graph.add((distribution, DCTERMS.license, URIRef(config.licence)))
            size = Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger)
            graph.add((distribution, DCAT.byteSize, size))
            checksum = URIRef(f"{distribution}-checksum")
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            graph.add((distribution, SPDX.checksum, checksum))
            graph.add((checksum, RDF.type, SPDX.Checksum))
            graph.add((checksum, SPDX.algorithm, SHA256))
            graph.add((checksum, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary)))


_KEPT = (
    RDF.type,
    DCTERMS.title,
    DCTERMS.description,
    DCTERMS.publisher,
    DCTERMS.accessRights,
    DCAT.contactPoint,
    DCAT.theme,
    DCAT.keyword,
)
"""What a release says as the dataset does."""


def version_iri(config: Config, version: str) -> URIRef:
    """The IRI of a release in the catalogue."""
    return URIRef(f"{config.base_iri}catalog#release-{version}")


def _read(folder: Path, name: str) -> Release:
    """An earlier release's folder: its version (the folder's name), and its date from its
    ``datacite.json``."""
    if not re.fullmatch(VERSION, folder.name):
        raise InputError(f"{folder}: not a release's folder (its name is not a version)")
    metadata = folder / "datacite.json"
    try:
        record = json.loads(metadata.read_text("utf-8"))
        dates = [d["date"] for d in record["dates"] if d.get("dateType") == "Issued"]
        date = str(dates[0])
    except FileNotFoundError as exc:
        raise InputError(f"{metadata}: not found; every release has one") from exc
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise InputError(f"{metadata}: no Issued date ({exc})") from exc
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise InputError(f"{metadata}: the Issued date {date!r} is not YYYY-MM-DD")
    if not (folder / f"{name}.nq").is_file():
        raise InputError(f"{folder}: no dump {name}.nq in this release")
    return Release(folder.name, date, folder)


def corpus_statements(corpus: Corpus) -> set[bytes]:
    """The statements of the dumps this build writes, as N-Quads lines (:mod:`.diff`)."""
    return statements(ox_quad(s, p, o, g) for s, p, o, g in corpus.statements if g is not None)
