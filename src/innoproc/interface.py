"""The interface the build and the server render with: the template tree (autoescape and
strict undefined on) and the interface strings of ``templates/ui.toml``, one table per language.
What the site says of the dataset is content (``catalogue/dataset.toml``), not an interface
string."""

from __future__ import annotations

import tomllib
from collections.abc import Collection
from importlib import resources
from typing import Any

import jinja2

from innoproc.config import Config


def interface_strings() -> dict[str, Any]:
    """``templates/ui.toml``: a table per language, and ``kinds`` (the kinds' names)."""
    text = resources.files("innoproc").joinpath("templates/ui.toml").read_text("utf-8")
    return tomllib.loads(text)


NAVIGATION: tuple[tuple[str, str], ...] = (
    ("initiatives", "{lang}/initiative/index.html"),
    ("nav_organisations", "{lang}/organisation/index.html"),
    ("nav_people", "{lang}/person/index.html"),
    ("nav_events", "{lang}/event/index.html"),
    ("nav_documents", "{lang}/document/index.html"),
    ("nav_all", "{lang}/search.html"),
    ("queries", "{lang}/index.html#queries"),
    ("sparql", "sparql"),
    ("ontology", "{lang}/ontology.html"),
    ("downloads", "{lang}/index.html#downloads"),
    ("nav_about", "{lang}/about.html"),
)
"""The site's top navigation, in order: each entry's interface string and its target (a path
from the site's root, ``{lang}`` the page's language). Every page's header reads it here."""


def navigation(kinds: Collection[str]) -> tuple[tuple[str, str], ...]:
    """The navigation of a site whose resources are of ``kinds``: a kind's listing is linked
    only where the site has one."""
    return tuple(
        (key, target)
        for key, target in NAVIGATION
        if not (len(parts := target.split("/")) == 3 and parts[2] == "index.html")
        or parts[1] in kinds
    )


def environment(config: Config) -> jinja2.Environment:
    """The template tree: the project's own templates first (if configured), then ours."""
    loader: jinja2.BaseLoader = jinja2.PackageLoader("innoproc", "templates")
    if config.templates_dir:
        own = jinja2.FileSystemLoader(config.path(config.templates_dir))
        loader = jinja2.ChoiceLoader([own, loader])
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change while a build or a server runs
    )
    env.globals["navigation"] = NAVIGATION
    return env
