"""The interface the build and the server render with: the template tree (autoescape and
strict undefined on) and the interface strings of ``templates/ui.toml``, one table per language.
What the site says of the dataset is content (``catalogue/dataset.toml``), not an interface
string."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import jinja2

from innoproc.config import Config


def interface_strings() -> dict[str, Any]:
    """``templates/ui.toml``: a table per language, and ``kinds`` (the kinds' names)."""
    text = resources.files("innoproc").joinpath("templates/ui.toml").read_text("utf-8")
    return tomllib.loads(text)


def environment(config: Config) -> jinja2.Environment:
    """The template tree: the project's own templates first (if configured), then ours."""
    loader: jinja2.BaseLoader = jinja2.PackageLoader("innoproc", "templates")
    if config.templates_dir:
        own = jinja2.FileSystemLoader(config.path(config.templates_dir))
        loader = jinja2.ChoiceLoader([own, loader])
    return jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
