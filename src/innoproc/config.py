"""Typed configuration, read from ``[tool.innoproc]`` in the project's ``pyproject.toml``.

Every setting has a default here; the table overrides any of them. An unknown key or a value
of the wrong type is an error that names the key, so a typo never passes silently.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from innoproc.errors import InputError

VERSION = r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}"
"""The form of a release's version: a slug, also the name of its folder in ``releases/``."""

SHACL_ENGINES = ("turbo", "pyshacl")
"""The SHACL engines a build can validate with (:mod:`innoproc.build.shacl`)."""


@dataclass(frozen=True)
class Config:
    """The settings of one innoproc project."""

    root: Path
    """The project folder: the one holding ``pyproject.toml``, ``ontology/``, ``data/`` ..."""

    base_iri: str = "https://w3id.org/innoproc/"
    """Every relative IRI in ``ontology/``, ``data/``, ``shapes/`` and ``queries/`` resolves
    against this; resources are ``{base_iri}id/{kind}/{slug}``. Must end with ``/``."""

    languages: tuple[str, ...] = ("nl", "en")
    """The languages every resource is labelled in, in the order pages offer them."""

    default_language: str = "nl"
    """The language of the site's root pages."""

    title: str = "innoproc"
    """The site's title."""

    licence: str = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    """The licence of the published data, an IRI."""

    licence_label: str = ""
    """How the pages name the licence (default: its IRI)."""

    publisher: str = "innoproc"
    """Who publishes the site, as the pages name it."""

    release_date: str = ""
    """The release's date (``YYYY-MM-DD``), the only date the site shows; none by default, so
    that two builds of the same input are byte-identical."""

    version: str = ""
    """The release's version (``1.0``, ``2026.11`` ...: letters, digits, ``.``, ``_`` and
    ``-``), which the catalogue, the citation blocks and ``releases/{version}/`` carry; none
    by default. A release (``innoproc build --release``) needs it and ``release_date``."""

    releases_dir: str = ""
    """A folder of earlier releases (each ``{version}/`` as a release wrote it into the site's
    ``releases/``) that a build keeps beside those it finds in the site it replaces; none by
    default."""

    output: str = "site"
    """Where ``innoproc build`` writes the site, relative to the project folder."""

    query_timeout: float = 10.0
    """Seconds a SPARQL query may run on the endpoint before it is stopped (answer 503)."""

    row_limit: int = 10_000
    """Rows (or triples) an endpoint answer holds at most; beyond it, it is cut and says so."""

    max_body: int = 1_000_000
    """Bytes a request to the endpoint may carry."""

    workers: int = 2
    """Query worker processes of the endpoint: a slow query holds one, the others keep answering."""

    server_lookups: bool = True
    """Answer lookups (a SELECT of one triple pattern with a constant subject or object) in the
    server process, from a copy of the default graph held there (about a third of the memory a
    worker's store takes), which spares them the hop to a worker process and back; off, every
    query goes to the workers."""

    idle_timeout: float = 10.0
    """Seconds the server waits for a request's head on an open connection (idle, or sending
    it slowly) before it closes the connection."""

    client_timeout: float = 60.0
    """Seconds a request to another SPARQL server (``query --endpoint``, ``load``, ``link``,
    ``build --from-endpoint``) may take in all, from connecting to the last byte of the
    answer; then it is given up (exit 2). The commands' ``--timeout`` overrides it."""

    worker_memory: int = 4096
    """Megabytes of address space a query worker may use (0: no limit); a query that needs more
    fails, and a worker that dies of it is replaced."""

    build_workers: int = 0
    """Processes that write pages and resource files during a build; 0 means one per core."""

    dcat_ap_shapes: str = ""
    """A folder holding the official DCAT-AP 3 SHACL shapes (``shapes.ttl``, ``range.ttl`` ...);
    when set, every build checks its catalogue with them and fails on a violation. None by
    default: the build does not depend on files outside the project, and the tests make that
    check."""

    sparql_store: str = ""
    """The query URL of the SPARQL store (an http(s) URL, ``http://localhost:7878/query``) that
    the nginx and Apache rules the build writes (``deploy/nginx.conf``, ``.htaccess``) pass
    ``/sparql`` to; none by default: those rules then serve no ``/sparql``, and
    ``innoproc serve`` never reads it."""

    ontology_dir: str = "ontology"
    data_dir: str = "data"
    shapes_dir: str = "shapes"
    queries_dir: str = "queries"
    catalogue_dir: str = "catalogue"
    """What the site and catalogue say about the dataset (``dataset.toml``) and the codes of
    the EU authority tables that the catalogue uses (``authority-codes.ttl``)."""
    templates_dir: str = ""
    """A folder of templates that replace the built-in ones of the same name (none by default)."""
    report: str = "validation-report.ttl"
    """Where ``innoproc validate`` writes its report, relative to the project folder."""
    shacl_engine: str = "turbo"
    """The SHACL engine that validates: ``turbo`` (pyshacl-turbo, in Rust) or ``pyshacl``
    (pySHACL, the reference); the report is the same, byte for byte, from either."""

    @property
    def ontology_iri(self) -> str:
        return self.base_iri + "ontology"

    @property
    def vocab(self) -> str:
        """The namespace of the project's own terms (``ip:``)."""
        return self.base_iri + "ontology#"

    @property
    def processes(self) -> int:
        """How many processes a build and ``innoproc validate`` run side by side."""
        return self.build_workers or len(os.sched_getaffinity(0))

    def path(self, name: str) -> Path:
        return self.root / name

    @classmethod
    def load(cls, root: Path | None = None) -> Config:
        """Read the configuration of the project at ``root`` (default: the nearest folder,
        from the current one upwards, that holds a ``pyproject.toml`` with ``[tool.innoproc]``)."""
        root = (root or _find_root(Path.cwd())).resolve()
        pyproject = root / "pyproject.toml"
        table: dict[str, Any] = {}
        if pyproject.is_file():
            try:
                table = (
                    tomllib.loads(pyproject.read_text("utf-8")).get("tool", {}).get("innoproc", {})
                )
            except tomllib.TOMLDecodeError as exc:
                raise InputError(f"{pyproject}: {exc}") from exc
        return cls.from_table(root, table, source=str(pyproject))

    @classmethod
    def from_table(cls, root: Path, table: dict[str, Any], source: str = "") -> Config:
        fields = {f.name: f for f in dataclasses.fields(cls) if f.name != "root"}
        values: dict[str, Any] = {}
        for key, value in table.items():
            if key not in fields:
                raise InputError(f"{source}: [tool.innoproc] has an unknown setting {key!r}")
            default = getattr(cls, key)
            if isinstance(default, tuple):
                if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                    raise InputError(f"{source}: [tool.innoproc] {key} must be a list of strings")
                value = tuple(value)
            elif (
                isinstance(default, float)
                and isinstance(value, int)
                and not isinstance(value, bool)
            ):
                value = float(value)
            elif not isinstance(value, type(default)) or isinstance(value, bool) != isinstance(
                default, bool
            ):
                raise InputError(
                    f"{source}: [tool.innoproc] {key} must be a {type(default).__name__}"
                )
            values[key] = value
        config = cls(root=root, **values)
        for problem in config.problems():
            raise InputError(f"{source}: [tool.innoproc] {problem}")
        return config

    def problems(self) -> list[str]:
        """What is wrong with the values (each a range, a form or a language without
        interface strings), in the words of the setting."""
        out = []
        if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`#?]+/", self.base_iri):
            out.append("base_iri must be an http(s) IRI that ends with '/'")
        strings = interface_languages()
        if not self.languages:
            out.append("languages must name at least one language")
        if len(set(self.languages)) != len(self.languages):
            out.append("languages must not repeat a language")
        missing = [lang for lang in self.languages if lang not in strings]
        if missing:
            out.append(
                f"languages: no interface strings for {', '.join(missing)} "
                f"(there are for {', '.join(sorted(strings))})"
            )
        if self.default_language not in self.languages:
            out.append("default_language must be in languages")
        if self.release_date:
            try:
                valid = date.fromisoformat(self.release_date).isoformat() == self.release_date
            except ValueError:
                valid = False
            if not valid:
                out.append(f"release_date must be a date as YYYY-MM-DD, not {self.release_date!r}")
        if self.version and not re.fullmatch(VERSION, self.version):
            out.append(
                f"version must be letters, digits, '.', '_' and '-' (from a letter or digit),"
                f" not {self.version!r}"
            )
        if self.query_timeout <= 0:
            out.append("query_timeout must be above 0 seconds")
        if self.idle_timeout <= 0:
            out.append("idle_timeout must be above 0 seconds")
        if not 0 < self.client_timeout < float("inf"):
            out.append("client_timeout must be above 0 seconds (and finite)")
        for key in ("row_limit", "max_body", "workers"):
            if getattr(self, key) < 1:
                out.append(f"{key} must be at least 1")
        if self.sparql_store and not re.fullmatch(
            r"https?://(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~!$&()*+,=:@%/-]*)?",
            self.sparql_store,
        ):
            out.append(
                "sparql_store must be an http(s) URL (host, port and path; no query, fragment,"
                f" quote, space or ';'), not {self.sparql_store!r}"
            )
        if self.build_workers < 0:
            out.append("build_workers must be 0 (one per core) or more")
        if self.worker_memory < 0:
            out.append("worker_memory must be 0 (no limit) or more megabytes")
        if self.shacl_engine not in SHACL_ENGINES:
            out.append(f"shacl_engine must be one of {', '.join(SHACL_ENGINES)}")
        return out


def interface_languages() -> set[str]:
    """The languages that ``templates/ui.toml`` has interface strings for."""
    text = resources.files("innoproc").joinpath("templates/ui.toml").read_text("utf-8")
    return {key for key in tomllib.loads(text) if key != "kinds"}


def _find_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.innoproc]" in pyproject.read_text("utf-8"):
            return folder
    return start


@dataclass(frozen=True)
class Linkset:
    """An external dataset the graph links to: the statements whose object's IRI starts with
    ``uri_space`` (and whose subject's does not)."""

    slug: str
    title: str
    uri_space: str


@dataclass(frozen=True)
class Description:
    """What the site and the catalogue say about the dataset, from ``catalogue/dataset.toml``."""

    name: str
    """The dataset's short name: the dumps are ``dumps/{name}.{extension}``."""
    agent: str
    """The publisher's IRI, relative to the base IRI."""
    themes: tuple[str, ...]
    """EU data themes, IRIs."""
    texts: dict[str, dict[str, str]]
    """By language: ``title``, ``intro`` (the home page's, and the dataset's description) and
    ``catalogue`` (the catalogue's description)."""
    keywords: dict[str, tuple[str, ...]]
    linksets: tuple[Linkset, ...]

    @property
    def dump(self) -> str:
        """The dumps' path without extension, relative to the site."""
        return f"dumps/{self.name}"

    @classmethod
    def load(cls, config: Config) -> Description:
        path = config.path(config.catalogue_dir) / "dataset.toml"
        where = f"{config.catalogue_dir}/dataset.toml"
        try:
            table = tomllib.loads(path.read_text("utf-8"))
        except FileNotFoundError as exc:
            raise InputError(f"{where}: file not found in {config.root}") from exc
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"{where}: {exc}") from exc

        def text(value: Any, key: str) -> str:
            if not isinstance(value, str) or not value:
                raise InputError(f"{where}: {key} must be a non-empty string")
            return value

        def texts(value: Any, key: str) -> tuple[str, ...]:
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise InputError(f"{where}: {key} must be a list of strings")
            return tuple(value)

        by_language: dict[str, dict[str, str]] = {}
        keywords: dict[str, tuple[str, ...]] = {}
        for lang in config.languages:
            part = table.get(lang)
            if not isinstance(part, dict):
                raise InputError(f"{where}: no [{lang}] table, and {lang} is a configured language")
            by_language[lang] = {
                key: text(part.get(key), f"{lang}.{key}") for key in ("title", "intro", "catalogue")
            }
            keywords[lang] = texts(part.get("keywords"), f"{lang}.keywords")
        linksets = []
        for slug, entry in sorted(dict(table.get("linksets", {})).items()):
            if not isinstance(entry, dict):
                raise InputError(f"{where}: [linksets.{slug}] must be a table")
            linksets.append(
                Linkset(
                    slug,
                    text(entry.get("title"), f"linksets.{slug}.title"),
                    text(entry.get("uri_space"), f"linksets.{slug}.uri_space"),
                )
            )
        return cls(
            name=text(table.get("name"), "name"),
            agent=text(table.get("agent"), "agent"),
            themes=texts(table.get("themes", []), "themes"),
            texts=by_language,
            keywords=keywords,
            linksets=tuple(linksets),
        )
