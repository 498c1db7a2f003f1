"""How to cite the dataset: one citation (title, publisher, version, date, IRI, licence), written
as BibTeX, as RIS and as DataCite metadata (the JSON of DataCite's kernel 4.5, which data
repositories such as Zenodo accept for a deposit).

The site's root holds the files for the configured version; each release's folder, those for
that release.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from innoproc.config import Config, Description

FILES = ("citation.bib", "citation.ris", "datacite.json")


@dataclass(frozen=True)
class Citation:
    """What a citation of the dataset (or of one release of it) says."""

    title: str
    publisher: str
    version: str
    date: str
    iri: str
    licence: str
    description: str
    key: str
    """The BibTeX key: the dataset's name and its version."""

    @classmethod
    def of(
        cls, config: Config, described: Description, version: str, date: str, iri: str
    ) -> Citation:
        lang = "en" if "en" in config.languages else config.default_language
        key = "".join(c if c.isalnum() else "_" for c in f"{described.name}_{version}")
        return cls(
            title=described.texts[lang]["title"],
            publisher=config.publisher,
            version=version,
            date=date,
            iri=iri,
            licence=config.licence,
            description=described.texts[lang]["intro"],
            key=key.strip("_"),
        )

    def bibtex(self) -> str:
        fields = [
            ("title", "{" + _bib(self.title) + "}"),
            ("author", "{" + _bib(self.publisher) + "}"),
            ("publisher", _bib(self.publisher)),
        ]
        if self.version:
            fields.append(("version", _bib(self.version)))
        if self.date:
            fields += [("year", self.date[:4]), ("month", self.date[5:7]), ("date", self.date)]
        fields += [("url", self.iri), ("note", "Licence: " + _bib(self.licence))]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{self.key},\n{body}\n}}\n"

    def ris(self) -> str:
        lines = [("TY", "DATA"), ("TI", self.title), ("AU", self.publisher), ("PB", self.publisher)]
        if self.version:
            lines.append(("ET", self.version))
        if self.date:
            lines += [("PY", self.date[:4]), ("DA", self.date.replace("-", "/"))]
        lines += [("UR", self.iri), ("AB", self.description), ("N1", "Licence: " + self.licence)]
        lines.append(("ER", ""))
        return "".join(f"{tag}  - {_line(value)}\r\n" for tag, value in lines)

    def datacite(self) -> dict[str, object]:
        """DataCite metadata (kernel 4.5, JSON); the repository that mints a DOI adds it."""
        record: dict[str, object] = {
            "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Linked data"},
            "creators": [{"name": self.publisher, "nameType": "Organizational"}],
            "titles": [{"title": self.title}],
            "publisher": {"name": self.publisher},
            "publicationYear": self.date[:4],
            "url": self.iri,
            "alternateIdentifiers": [
                {"alternateIdentifier": self.iri, "alternateIdentifierType": "URL"}
            ],
            "rightsList": [{"rightsUri": self.licence}],
            "descriptions": [{"description": self.description, "descriptionType": "Abstract"}],
            "formats": ["application/n-quads", "application/trig", "text/turtle"],
            "schemaVersion": "http://datacite.org/schema/kernel-4",
        }
        if self.version:
            record["version"] = self.version
        record["dates"] = [{"date": self.date, "dateType": "Issued"}]
        return record


def write(
    config: Config, described: Description, folder: Path, version: str, date: str, iri: str
) -> None:
    """The citation files of ``version`` (of ``date``, identified by ``iri``) in ``folder``;
    DataCite's needs a date."""
    citation = Citation.of(config, described, version, date, iri)
    (folder / "citation.bib").write_text(citation.bibtex(), "utf-8")
    (folder / "citation.ris").write_bytes(citation.ris().encode("utf-8"))
    if date:
        text = json.dumps(citation.datacite(), ensure_ascii=False, indent=2, sort_keys=True)
        (folder / "datacite.json").write_text(text + "\n", "utf-8")


def _bib(text: str) -> str:
    """``text`` for a braced BibTeX field: braces and backslashes cannot open or close one."""
    out = text
    for char in "\\{}":
        out = out.replace(char, "")
    return out


def _line(text: str) -> str:
    """``text`` on one line, as a RIS field must be."""
    return " ".join(text.split())
