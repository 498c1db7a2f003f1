"""Incremental builds: reuse the pages and files of the previous site that no change can reach.

The cache lives beside the output folder, in ``.innoproc-cache/{output}/``
(``.innoproc-cache/site/`` for ``site/``), and holds:

- ``statements/{sha256}.nq``: the statements of each data file, as N-Quads, under the SHA-256
  of the file's bytes (content-addressed: a file changed back finds its old entry);
- ``validation.nt``: the site's validation report;
- ``site.pickle``: the site the cache describes: the key it was built with, the hash of each
  data file, what each page and each resource's description read (its nodes, see
  :mod:`innoproc.build.depends`), and each of those files' inode, size and modification time.

A build reuses the previous site only if the key is the same: the hash of the engine's own
files (code, templates, assets, interface strings), of the libraries' versions, of the
configuration, of every file of ``ontology/``, ``shapes/``, ``queries/``, ``catalogue/`` and
the configured templates, and of the output folder's path. Any change there, or ``build
--clean``, is a clean build, which fills the cache for the next; a release build and a build from
a SPARQL store neither reuse nor record anything.

Then the nodes that changed are those of every statement a changed, added or deleted data file
adds or removes (its subject and object, and what its source's graph holds), diffed against
the cached statements of the file's previous version. A page or description is written again
if it read one of them, if it read a whole table (a listing, the home page, a question's
answer), if it is new, or if its file in the previous site is not the one the cache recorded;
every other one is linked (hard-linked, or copied where links cannot be made) from the previous
site into the fresh folder that is swapped in at the end, so a failed build still leaves the
old site whole. What pages read across the whole graph without a node to note (the kinds in
the navigation, the ontology's terms labelled in the data, the single-valued and name
properties, the prefixes, the releases) forms a fingerprint: if it differs, every page is
written again.

Validation starts from the previous site's report (``validation.nt``, canonical, as
N-Triples): the statements the changed lines add or remove are the changes of the data graph,
and :func:`innoproc.build.validate.validate_again` checks again only the focus nodes whose
shapes can reach them (:mod:`innoproc.build.reach`), or validates the whole graph when the
shapes read what cannot be bounded. Stages 1 and 3 (load, gather), the dumps and the catalogue
run in full on every build.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import pickle
import shutil
from array import array
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

import innoproc
from innoproc import formats
from innoproc.build.depends import EVERYTHING, in_graph
from innoproc.build.gather import Index
from innoproc.build.load import Corpus, project_path
from innoproc.build.release import Releases
from innoproc.config import Config

FORMAT = 1
"""The layout of the cache; another one is ignored."""

LIBRARIES = ("rdflib", "pyoxigraph", "jinja2", "pyshacl-turbo", "pyshacl")


def cache_folder(target: Path) -> Path:
    """Where the cache of the site at ``target`` lives: beside it, hidden, and out of the way
    of the folders the build makes beside it (``.{output}-new-…``, ``.{output}-old-…``)."""
    return target.parent / ".innoproc-cache" / target.name


def build_key(config: Config, target: Path) -> str:
    """The hash of everything but ``data/`` that a site's bytes depend on."""
    digest = hashlib.sha256(f"innoproc cache {FORMAT}\n{target}\n{config!r}\n".encode())
    for name in LIBRARIES:
        try:
            digest.update(f"{name} {importlib.metadata.version(name)}\n".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name} none\n".encode())
    _hash_tree(digest, Path(innoproc.__file__).parent)
    folders = [config.ontology_dir, config.shapes_dir, config.queries_dir, config.catalogue_dir]
    if config.templates_dir:
        folders.append(config.templates_dir)
    for folder in folders:
        _hash_tree(digest, config.path(folder))
    return digest.hexdigest()


def _hash_tree(digest: hashlib._Hash, root: Path) -> None:
    digest.update(f"tree {root}\n".encode())
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(f"{path.relative_to(root)} {path.stat().st_size}\n".encode())
            digest.update(path.read_bytes())


def data_hashes(config: Config) -> dict[str, str]:
    """The SHA-256 of each data file, by its path in the project (as the corpus names it)."""
    root = config.path(config.data_dir)
    out = {}
    for path in sorted(root.rglob("*.trig")) if root.is_dir() else []:
        if path.is_file():
            name = str(project_path(config, path))
            out[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def fingerprint(
    index: Index, terms: Iterable[Node], prefixes: dict[str, str], releases: Releases
) -> str:
    """What pages read of the whole graph without noting a node: the kinds (the navigation
    links each kind's listing), the project's terms that the data labels, the single-valued
    and name properties, the prefixes of RDF files, and the releases (each resource's history)."""
    digest = hashlib.sha256()
    for part in (
        sorted({r.kind for r in index.resources.values()}),
        sorted(str(t) for t in terms),
        sorted(str(p) for p in index.single_valued),
        sorted(str(p) for p in index.name_properties),
        sorted(prefixes.items()),
        [(r.version, r.date, str(r.folder)) for r in releases.found],
        str(releases.current),
    ):
        digest.update(repr(part).encode() + b"\n")
    for release in releases.found:
        _hash_tree(digest, release.folder)
    return digest.hexdigest()


def statements_of(corpus: Corpus, only: Container[str] | None = None) -> dict[str, bytes]:
    """Each data file's statements (or those of the files ``only`` names) as sorted N-Quads
    lines, by its path in the project: its graph as the corpus's store writes it (canonical
    N-Triples, in Rust), each line given the graph's name."""
    ontology = URIRef(corpus.config.ontology_iri)
    out = {}
    for name, path in corpus.graph_files.items():
        if name == ontology or (only is not None and str(path) not in only):
            continue
        graph = ox.NamedNode(name)
        data = corpus.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
        end = f" {graph} .\n".encode()
        out[str(path)] = b"".join(sorted(line[:-3] + end for line in data.splitlines(True)))
    return out


def _nodes(lines: Iterable[bytes]) -> set[str]:
    """The subjects and objects of N-Quads ``lines``, and the content of their graphs, as
    dependencies are named (:func:`innoproc.build.depends.key`). The source itself changes
    only where it is the subject or object: its graph changing is not its title changing."""
    out = set()
    for quad in ox.parse(b"".join(lines), format=ox.RdfFormat.N_QUADS):
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.NamedNode):
                out.add(term.value)
            elif isinstance(term, ox.BlankNode):
                out.add(f"_:{term.value}")
        if isinstance(quad.graph_name, ox.NamedNode):
            out.add(in_graph(quad.graph_name.value))
    return out


def unit_files(unit: str) -> list[str]:
    """The files of one unit of reuse: a page is its own file; ``id/{path}`` stands for the
    resource's description in every described format."""
    if unit.endswith(".html"):
        return [unit]
    return [f"{unit}.{fmt.extension}" for fmt in formats.described()]


@dataclass
class State:
    """What the cache knows of the site it describes."""

    key: str
    fingerprint: str
    data: dict[str, str]
    """Each data file's SHA-256."""
    nodes: list[str] = field(default_factory=list)
    units: dict[str, array] = field(default_factory=dict)  # type: ignore[type-arg]
    """What each page (``en/…/x.html``) or description (``id/…/x``) read, as node numbers."""
    files: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    """Each unit's file: inode, size and modification time (ns) in the site."""


class Cache:
    """The cache of one output folder: the plan of an incremental build, and its record."""

    def __init__(self, config: Config, target: Path, enabled: bool = True) -> None:
        self.config = config
        self.target = target
        self.folder = cache_folder(target)
        self.key = build_key(config, target)
        self.previous: State | None = None
        if enabled and target.is_dir():
            self.previous = self._read()
        self.changed: set[str] | None = None
        """The nodes the data's changes touch; None for a clean build."""
        self.data = data_hashes(config)
        """The data files' hashes before they are read; :meth:`record` checks they still are."""
        self.fingerprint = ""
        self._statements: dict[str, bytes] = {}
        self._changes: set[bytes] | None = None
        self._diffed = False

    def _read(self) -> State | None:
        try:
            with (self.folder / "site.pickle").open("rb") as stream:
                state = pickle.load(stream)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            return None
        if not isinstance(state, State) or state.key != self.key:
            return None
        return state

    # ------------------------------------------------------------------ planning

    def compare(self, corpus: Corpus, fingerprint: str) -> None:
        """Find the nodes the data's changes touch (or decide on a clean build)."""
        self.fingerprint = fingerprint
        old = self.previous
        if old is None or old.fingerprint != fingerprint:
            self.changed = None
            return
        lines = self.changes(corpus)
        self.changed = None if lines is None else _nodes(lines)

    def changes(self, corpus: Corpus) -> set[bytes] | None:
        """The N-Quads lines (sorted N-Quads of each data file, as :func:`statements_of`
        writes them) that the data files' changes since the previous build add or remove;
        None if there is no previous build to compare with."""
        if self._diffed:
            return self._changes
        self._diffed = True
        old = self.previous
        if old is None:
            return None
        files = {str(path) for name, path in corpus.graph_files.items()}
        if files - {self.config.ontology_dir} != set(self.data):
            return None  # read other files than were hashed: be safe
        edited = {p for p in set(old.data) | set(self.data) if old.data.get(p) != self.data.get(p)}
        current = statements_of(corpus, edited)
        changed: set[bytes] = set()
        for path in sorted(edited):
            before = self._cached(old.data[path]) if path in old.data else b""
            if before is None:
                return None
            after = current.get(path, b"")
            changed |= set(before.splitlines(keepends=True)) ^ set(after.splitlines(True))
        self._statements = {self.data[p]: current[p] for p in current}
        self._changes = changed
        return changed

    def report(self) -> bytes | None:
        """The previous site's validation report (canonical, as N-Triples), if recorded."""
        if self.previous is None:
            return None
        try:
            return (self.folder / "validation.nt").read_bytes()
        except OSError:
            return None

    def _cached(self, sha: str) -> bytes | None:
        try:
            return (self.folder / "statements" / f"{sha}.nq").read_bytes()
        except OSError:
            return None

    def kept(self, units: Iterable[str]) -> set[str]:
        """The units of the new site that can be linked from the previous one unchanged."""
        old = self.previous
        if old is None or self.changed is None:
            return set()
        number = {node: i for i, node in enumerate(old.nodes)}
        hit = {number[n] for n in self.changed | {EVERYTHING} if n in number}
        out = set()
        for unit in units:
            read = old.units.get(unit)
            if read is None or not hit.isdisjoint(read):
                continue
            if all(_stat(self.target, f) == old.files.get(f) for f in unit_files(unit)):
                out.add(unit)
        return out

    def link(self, units: Iterable[str], fresh: Path) -> None:
        """Put the kept units' files from the previous site into ``fresh``."""
        folders: set[Path] = set()
        for unit in sorted(units):
            for name in unit_files(unit):
                source, target = self.target / name, fresh / name
                if target.parent not in folders:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    folders.add(target.parent)
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copy2(source, target)

    # ------------------------------------------------------------------ recording

    def record(
        self,
        corpus: Corpus,
        read: dict[str, list[str]],
        kept: Iterable[str],
        report: Graph | None = None,
    ) -> None:
        """Write the cache of the site just swapped in: ``read`` holds what each unit written
        read; the ``kept`` ones read what they read before; ``report`` is the validation
        report (canonical), for the next build to validate only what changes can affect.
        Nothing is written if a data file changed while the build read it (the next build is
        then a clean one)."""
        if data_hashes(self.config) != self.data:
            return
        state = State(self.key, self.fingerprint, self.data)
        number: dict[str, int] = {}

        def numbered(nodes: Iterable[str]) -> array:  # type: ignore[type-arg]
            return array("l", sorted(number.setdefault(n, len(number)) for n in nodes))

        old = self.previous
        for unit in kept:
            assert old is not None
            state.units[unit] = numbered(old.nodes[i] for i in old.units[unit])
        for unit, nodes in read.items():
            state.units[unit] = numbered(nodes)
        state.nodes = list(number)
        for unit in state.units:
            for name in unit_files(unit):
                found = _stat(self.target, name)
                if found is not None:
                    state.files[name] = found
        statements = self.folder / "statements"
        statements.mkdir(parents=True, exist_ok=True)
        if self.changed is None:
            # after a clean build every entry is written again: one left by a build with
            # another key (another base IRI, say) may hold other statements for the same bytes
            current = statements_of(corpus)
            if set(current) != set(self.data):
                return
            self._statements = {self.data[path]: text for path, text in current.items()}
        for sha, text in self._statements.items():
            _write(statements / f"{sha}.nq", text)
        wanted = set(self.data.values())
        if not all((statements / f"{sha}.nq").is_file() for sha in wanted):
            return
        for old_file in statements.iterdir():
            if old_file.stem not in wanted:
                old_file.unlink()
        if report is not None:
            _write(self.folder / "validation.nt", report.serialize(format="nt", encoding="utf-8"))
        else:
            (self.folder / "validation.nt").unlink(missing_ok=True)
        _write(self.folder / "site.pickle", pickle.dumps(state, pickle.HIGHEST_PROTOCOL))

    def forget(self) -> None:
        """Drop the record of the site (before it is replaced: a build that fails after the
        swap must not leave a record of another site)."""
        (self.folder / "site.pickle").unlink(missing_ok=True)


def _stat(site: Path, name: str) -> tuple[int, int, int] | None:
    """The inode, size and time of the file ``name`` (a unit's file, :func:`unit_files`) of
    ``site``, or None. The path is joined as text: at a million triples the site has 877,000
    files, and a ``Path`` made for each costs twice the ``stat`` itself."""
    try:
        found = os.stat(f"{site}/{name}")
    except OSError:
        return None
    return (found.st_ino, found.st_size, found.st_mtime_ns)


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` whole or not at all."""
    partial = path.with_name(f".{path.name}.part")
    partial.write_bytes(data)
    partial.replace(path)
