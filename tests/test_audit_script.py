"""scripts/audit.py lists, per source, every statement its graph makes, on the real data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from innoproc.build.load import Corpus
from innoproc.config import Config

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts/audit.py"


def audit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_one_source_lists_each_of_its_statements(corpus: Corpus, config: Config) -> None:
    result = audit("pianoo-page")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "## pianoo-page" in out
    assert '- title: "Internationale activiteiten Innovatiegericht Inkopen"@nl' in out
    assert "- address: <https://www.pianoo.nl/nl/themas/" in out
    assert '- [ ] foaf:name "Mutual Learing Exercise (MLE) on Innovation Procurement"@en' in out
    assert '- [ ] ip:participatingCountryCount "16" (xsd:integer)' in out
    graph = config.base_iri + "id/source/pianoo-page"
    head = sum(1 for s, *_ in corpus.statements if str(s) == graph)
    total = sum(1 for *_, g in corpus.statements if str(g) == graph)
    assert out.count("\n- [ ] ") == total - head
    assert f"- statements: {total}" in out


def test_all_sources_and_an_untitled_one(tmp_path: Path, corpus: Corpus) -> None:
    out = tmp_path / "audit.md"
    result = audit("--all", "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text("utf-8")
    assert text.count("\n## ") == len(corpus.source_graphs)
    assert "- title: (none: the document has no title)" in text


def test_unknown_source_is_refused() -> None:
    result = audit("no-such-source")
    assert result.returncode != 0
    assert "no source 'no-such-source'" in result.stderr
