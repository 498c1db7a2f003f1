"""Incremental builds on the tiny project: what a page read, and a rebuild's bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

from rdflib import URIRef

from innoproc.build.depends import EVERYTHING, recording
from innoproc.build.gather import Index
from innoproc.build.pipeline import build
from innoproc.build.render import Renderer
from innoproc.config import Config, Description

from .conftest import BASE, PROJECT


def read_by(renderer: Renderer, path: str) -> set[str]:
    render = dict(renderer.pages())[path]
    with recording() as nodes:
        render()
    return nodes


def test_a_page_notes_what_it_reads_and_a_listing_everything(
    tiny_index: Index, tiny_config: Config
) -> None:
    renderer = Renderer(tiny_index, {}, Description.load(tiny_config))
    renderer.prepare()
    alpha = read_by(renderer, "en/initiative/alpha.html")
    # itself, what it links to (its label), the source it cites
    assert {f"{BASE}id/initiative/alpha", f"{BASE}id/initiative/beta"} <= alpha
    assert f"{BASE}id/source/note" in alpha
    assert EVERYTHING not in alpha
    assert EVERYTHING in read_by(renderer, "en/initiative/index.html")
    with recording() as outside:
        tiny_index.label(URIRef(f"{BASE}id/initiative/beta"), "en")
    assert outside == {f"{BASE}id/initiative/beta"}


def files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_a_rebuild_after_an_edit_is_the_clean_build(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    site = tmp_path / "site"
    assert build(Config.load(project), site).reused == 0
    source = project / "data/sources/note.trig"
    source.write_text(source.read_text("utf-8").replace('"Beta"@en', '"Beta two"@en'), "utf-8")
    again = build(Config.load(project), site)
    assert again.reused > 0
    clean = build(Config.load(project), tmp_path / "clean", incremental=False)
    assert files(site) == files(clean.out)
    assert "Beta two" in (site / "en/initiative/alpha.html").read_text("utf-8")


def test_a_data_folder_linked_from_elsewhere_builds_and_rebuilds(tmp_path: Path) -> None:
    """data/ may be a link to a folder outside the project: the cache names its files as the
    corpus does, and a rebuild reuses what no change reaches."""
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns("data"))
    shutil.copytree(PROJECT / "data", tmp_path / "elsewhere")
    (project / "data").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    site = tmp_path / "site"
    assert build(Config.load(project), site).reused == 0
    source = tmp_path / "elsewhere/sources/note.trig"
    source.write_text(source.read_text("utf-8").replace('"Beta"@en', '"Beta two"@en'), "utf-8")
    again = build(Config.load(project), site)
    assert again.reused > 0
    assert "Beta two" in (site / "en/initiative/alpha.html").read_text("utf-8")
