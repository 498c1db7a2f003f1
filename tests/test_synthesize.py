"""scripts/synthesize.py writes a graph of the data's shape: deterministic from its seed, of
about the size asked, and conforming to shapes/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from innoproc.build.load import load_project
from innoproc.build.validate import validate
from innoproc.config import Config

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts/synthesize.py"


def synthesize(out: Path, triples: int, seed: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--triples",
            str(triples),
            "--seed",
            str(seed),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_synthetic_graph_conforms_and_is_about_the_size_asked(tmp_path: Path) -> None:
    for folder in ("ontology", "shapes", "catalogue"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "queries").mkdir()
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    assert synthesize(tmp_path / "data", 10_000, 7).returncode == 0
    corpus = load_project(Config.load(tmp_path))
    statements = sum(1 for _, _, _, g in corpus.statements if g in corpus.source_graphs)
    assert 9_000 <= statements <= 11_000
    report = validate(corpus)
    assert report.conforms, report.text()
    assert report.findings == []


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        assert synthesize(tmp_path / name, 3_000, seed).returncode == 0
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files
    )
    assert any(
        (tmp_path / "a" / f).read_bytes() != (tmp_path / "c" / f).read_bytes() for f in files
    )


def test_a_size_that_cannot_fit_fails_early(tmp_path: Path) -> None:
    done = synthesize(tmp_path / "huge", 10**12, 1)
    assert done.returncode != 0
    assert "would not fit" in done.stderr and "GB available" in done.stderr
    assert not (tmp_path / "huge").exists()
