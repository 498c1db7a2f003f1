"""Stage 6, **deploy**: the rules with which nginx or Apache serve the built site as
``innoproc serve`` does, written into it: ``deploy/nginx.conf`` (an include for a ``server {}``
block) and ``.htaccess`` (Apache's mod_rewrite, mod_headers and mod_mime).

Both come from the tables the server reads: the documents of every negotiated IRI
(:func:`innoproc.formats.resource_documents`, :func:`~innoproc.formats.fixed_documents`), the
types of the site's files (:func:`innoproc.formats.file_types`), the headers of every answer
(:mod:`innoproc.headers`) and the grammar of resource IRIs (:mod:`innoproc.iris`).

A static server cannot parse ``Accept``; it matches regular expressions. The negotiation is
written as an ordered list of rules, each the regular expression of one element of the header
(a media range, or a language tag, at a quality) and the offer it chooses; the first rule that
matches wins. The rules go by quality, highest first, then (at one quality) exact ranges before
``type/*`` before ``*/*``, then by the server's order of offers, and an offer takes the quality
of the most specific range that names it: the way the server's negotiator
(:mod:`innoproc.serve.negotiation`) decides. What they cannot do: qualities are told apart to
their first decimal only (``q=0.55`` counts as ``q=0.5``, all below 0.1 as one, and the
server's order of offers then decides).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from innoproc import iris
from innoproc.config import Config
from innoproc.formats import Documents, file_types, fixed_documents, resource_documents
from innoproc.headers import VARY, security
from innoproc.interface import environment

NGINX = "deploy/nginx.conf"
APACHE = ".htaccess"

QUALITIES: tuple[tuple[str, str], ...] = (
    ("1", r"1(?:\.0{0,3})?"),
    *((f"0.{d}", rf"0\.{d}[0-9]{{0,2}}") for d in range(9, 0, -1)),
    ("0.0x", r"0\.0(?:0[1-9]|[1-9][0-9]?)"),
)
"""The qualities the rules tell apart, highest first, each with the regular expression of its
values (``q=0``, and a malformed quality, match none: such an element accepts nothing, as on
the server)."""

RESOURCE = rf"(?:{iris.KIND.pattern})/(?:{iris.SLUG.pattern})|country/{iris.COUNTRY_CODE.pattern}"
"""The path of a resource (``{kind}/{slug}``, or ``country/{CODE}``) after ``/id/``."""


@dataclass(frozen=True)
class Rule:
    pattern: str
    """A regular expression (PCRE, matched without regard to case) on the whole header."""
    choice: str
    """The offer it chooses."""


def element(value: str, quality: str) -> str:
    """The regular expression of one element of an ``Accept`` or ``Accept-Language`` header:
    ``value`` (itself a regular expression) with a quality that ``quality`` matches (the
    highest quality may also be left out), and no other parameter."""
    q = rf";\s*q\s*=\s*{quality}\s*"
    if quality in (QUALITIES[0][1], ANY_QUALITY):
        q = f"(?:{q})?"
    return rf"(?:^|,)\s*{value}\s*{q}(?:,|$)"


def literal(text: str) -> str:
    """``text`` as a regular expression that matches it (media types and language tags)."""
    return re.sub(r"([.+*?^$()\[\]{}|\\])", r"\\\1", text)


ANY_QUALITY = r"(?:1(?:\.0{0,3})?|0(?:\.[0-9]{0,3})?)"
"""Every valid quality, 0 too."""


def absent(*values: str) -> str:
    """The start of a regular expression that matches only a header where none of ``values``
    (regular expressions of media ranges or tags) is an element, at any quality."""
    return "^" + "".join(f"(?!.*{element(value, ANY_QUALITY)})" for value in values) + ".*"


def accept_rules(offers: Sequence[str]) -> list[Rule]:
    """The rules that choose among ``offers`` (media types, in the server's order) by
    ``Accept``, first match wins; a header that matches none accepts none of them. As on the
    server, an offer takes the quality of the most specific range that names it (``text/turtle``
    over ``text/*`` over ``*/*``, so ``text/turtle;q=0, */*`` refuses Turtle only)."""
    rules = [Rule(r"^\s*$", offers[0])]  # no preference: the first offer
    for _, quality in QUALITIES:
        rules += [Rule(element(literal(offer), quality), offer) for offer in offers]
        for offer in offers:
            kind = offer.split("/")[0]
            pattern = absent(literal(offer)) + element(literal(kind) + r"/\*", quality)
            rules.append(Rule(pattern, offer))
        for offer in offers:
            kind = offer.split("/")[0]
            pattern = absent(literal(offer), literal(kind) + r"/\*") + element(r"\*/\*", quality)
            rules.append(Rule(pattern, offer))
    return rules


def language_rules(languages: Sequence[str]) -> list[Rule]:
    """The rules that choose a language of ``languages`` by ``Accept-Language``, first match
    wins (none: the default language): a tag itself at any quality, then ``*`` (for a language
    the header does not name), before a tag
    whose region is not offered (``en-GB`` for ``en``), before an offered tag's primary
    language (``en`` for ``en-GB``)."""
    rules = []
    for _, quality in QUALITIES:
        rules += [Rule(element(literal(lang), quality), lang) for lang in languages]
        rules += [Rule(absent(literal(lang)) + element(r"\*", quality), lang) for lang in languages]
    for _, quality in QUALITIES:
        rules += [
            Rule(element(literal(lang) + r"[-_][a-z0-9_-]*", quality), lang) for lang in languages
        ]
    for _, quality in QUALITIES:
        rules += [
            Rule(element(literal(re.split("[-_]", lang)[0]), quality), lang)
            for lang in languages
            if re.search("[-_]", lang)
        ]
    return rules


@dataclass(frozen=True)
class Negotiated:
    """A negotiated IRI (or the family of resource IRIs), as both servers' rules write it."""

    prefix: str
    """Its path without the leading ``/`` (of a resource: the path before ``{kind}/{slug}``)."""
    capture: str
    """A regular expression of a resource's ``{kind}/{slug}`` after ``prefix``; empty for a
    fixed IRI."""
    documents: Documents
    rules: list[Rule]

    @property
    def resource(self) -> bool:
        """True for the resources' IRIs: an unknown one answers 404."""
        return bool(self.capture)

    @property
    def by_language(self) -> bool:
        """True when a document depends on the language."""
        return any("{lang}" in target for _, target in self.documents)

    def targets(self, lang: str, path: str) -> list[tuple[str, str]]:
        """(media type, ``/target``) of every document, with ``lang`` and ``path`` (a server's
        variables) filled in."""
        return [
            (media, "/" + target.replace("{lang}", lang).replace("{path}", path))
            for media, target in self.documents
        ]

    def links(self, lang: str, path: str) -> str:
        """The ``Link`` header that names every document."""
        return ", ".join(
            f'<{target}>; rel="alternate"; type="{media}"'
            for media, target in self.targets(lang, path)
        )

    def available(self) -> str:
        """The body of a 406, as the server words it."""
        return "Not acceptable. Available: " + ", ".join(m for m, _ in self.documents)

    def choices(self, lang: str, path: str) -> list[tuple[str, str]]:
        """(pattern, ``/target``) of every rule, first match wins."""
        targets = dict(self.targets(lang, path))
        return [(rule.pattern, targets[rule.choice]) for rule in self.rules]


def negotiated() -> list[Negotiated]:
    """Every negotiated IRI: the resources, then the fixed documents, in the server's order."""
    found = [Negotiated("id/", RESOURCE, resource_documents(), _rules(resource_documents()))]
    for path, documents in fixed_documents().items():
        found.append(Negotiated(path.lstrip("/"), "", documents, _rules(documents)))
    return found


def _rules(documents: Documents) -> list[Rule]:
    return accept_rules([media for media, _ in documents])


def types() -> tuple[dict[str, list[str]], list[str]]:
    """The media types of the site's files and their extensions (sorted), and the media types
    served with ``charset=utf-8``."""
    by_type: dict[str, list[str]] = {}
    charset = set()
    for ext, content_type in file_types().items():
        media, _, parameter = content_type.partition(";")
        by_type.setdefault(media, []).append(ext)
        if parameter.strip() == "charset=utf-8":
            charset.add(media)
    return dict(sorted(by_type.items())), sorted(charset | {"text/plain"})


def nginx_string(value: str) -> str:
    """``value`` quoted for nginx's configuration, whose quoted strings keep a backslash unless
    it escapes a quote, a backslash or ``t``, ``r``, ``n`` (a newline is written ``\\n``)."""
    if re.search(r"\\[\\\"'trn]", value):
        raise ValueError(f"cannot quote {value!r} for nginx")
    value = value.replace("\n", "\\n")
    quote = "'" if '"' in value else '"'
    if quote in value:
        raise ValueError(f"cannot quote {value!r} for nginx")
    return quote + value + quote


def apache_string(value: str) -> str:
    """``value`` quoted for Apache's configuration."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_deploy(config: Config, out: Path) -> list[Path]:
    """Write ``deploy/nginx.conf`` and ``.htaccess`` into the site at ``out``; the same
    configuration gives the same bytes."""
    templates = environment(config)
    templates.filters["nginx"] = nginx_string
    templates.filters["apache"] = apache_string
    by_type, charset = types()
    context = {
        "config": config,
        "negotiated": negotiated(),
        "languages": language_rules(config.languages),
        "types": by_type,
        "charset": charset,
        "vary": VARY,
        "page": security(html=True),
        "other": security(html=False),
        "store": config.sparql_store,
    }
    written = []
    for name, template in ((NGINX, "deploy/nginx.conf"), (APACHE, "deploy/htaccess")):
        target = iris.inside(out, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(templates.get_template(template).render(context), "utf-8")
        written.append(target)
    return written
