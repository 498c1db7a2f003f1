"""``innoproc build --from-endpoint``: the site built from a real Oxigraph server, loaded with
``innoproc load``, is byte for byte the site built from the files; a store that stops answering
mid-build fails the build and leaves the previous site as it was."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, free_port, start_oxigraph
from innoproc.build.pipeline import build
from innoproc.cli import main
from innoproc.config import Config
from innoproc.errors import InputError


def tree(site: Path) -> dict[str, str]:
    """Every file of ``site`` (relative path) with the SHA-256 of its bytes."""
    return {
        str(path.relative_to(site)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def cli(project: Path, *arguments: str) -> None:
    result = CliRunner().invoke(main, ["--project", str(project), *arguments])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose data/ is the 100,000-triple synthetic graph."""
    folder = tmp_path_factory.mktemp("synthetic")
    for name in ("ontology", "shapes", "queries", "catalogue"):
        shutil.copytree(ROOT / name, folder / name)
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/synthesize.py"),
            "--triples",
            "100000",
            "--seed",
            "7",
            "--out",
            str(folder / "data"),
        ],
        check=True,
        capture_output=True,
    )
    (folder / "pyproject.toml").write_text(
        '[tool.innoproc]\nbase_iri = "https://w3id.org/innoproc/"\n'
    )
    return folder


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    process, endpoint = start_oxigraph(tmp_path / "oxigraph")
    try:
        yield process, endpoint
    finally:
        process.kill()
        process.wait()


def test_build_from_a_store_equals_the_build_from_files(
    synthetic: Path, store: tuple[subprocess.Popen[bytes], str], tmp_path: Path
) -> None:
    _, endpoint = store
    cli(synthetic, "build", "--out", str(tmp_path / "from-files"))
    cli(synthetic, "load", "--endpoint", endpoint)
    cli(synthetic, "build", "--from-endpoint", endpoint, "--out", str(tmp_path / "from-store"))
    files = tree(tmp_path / "from-files")
    assert len(files) > 60_000
    assert tree(tmp_path / "from-store") == files


def test_a_store_that_stops_mid_build_leaves_the_previous_site(
    project: Path, store: tuple[subprocess.Popen[bytes], str]
) -> None:
    process, endpoint = store
    cli(project, "load", "--endpoint", endpoint)
    cli(project, "build")
    site = project / "site"
    before = tree(site)
    read: list[str] = []

    def done(stage: str) -> None:
        if stage.startswith("graph "):
            read.append(stage)
            if len(read) == 5:  # the store goes away while the build reads it
                process.kill()
                process.wait()

    with pytest.raises(InputError) as failure:
        build(Config.load(project), done=done, endpoint=endpoint)
    assert len(read) == 5
    message = str(failure.value)
    assert message.startswith(f"{endpoint}: stopped answering at <https://w3id.org/innoproc/id/")
    assert tree(site) == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []


def test_build_from_a_store_that_is_down_exits_2(project: Path) -> None:

    endpoint = f"http://127.0.0.1:{free_port()}/query"
    result = CliRunner().invoke(
        main, ["--project", str(project), "build", "--from-endpoint", endpoint]
    )
    assert result.exit_code == 2
    assert endpoint in result.output
    assert not (project / "site").exists()
