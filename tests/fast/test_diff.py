"""The difference of two datasets: statements by their canonical N-Quads lines, resources by
their subjects, errors that name the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from innoproc.build.diff import Diff, compare, nquads, read_statements
from innoproc.errors import InputError

OLD = """<http://e/a> <http://e/p> "1" <http://e/g1> .
<http://e/a> <http://e/q> "x"@en <http://e/g1> .
<http://e/b> <http://e/p> "2" <http://e/g1> .
"""
# The same statements written differently (TriG, prefixes, another order), then changed: a's
# value of p changed in g1, b removed, c new in g2.
NEW = """@prefix e: <http://e/> .
e:g2 { e:c e:p "3" . }
e:g1 { e:a e:q "x"@en ; e:p "one" . }
"""


def write(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.nq", tmp_path / "new.trig"
    old.write_text(OLD)
    new.write_text(NEW)
    return old, new


def test_statements_compare_whatever_the_syntax(tmp_path: Path) -> None:
    old, new = write(tmp_path)
    change = compare(old, new)
    assert sorted(change.added_lines) == [
        b'<http://e/a> <http://e/p> "one" <http://e/g1> .',
        b'<http://e/c> <http://e/p> "3" <http://e/g2> .',
    ]
    assert sorted(change.removed_lines) == [
        b'<http://e/a> <http://e/p> "1" <http://e/g1> .',
        b'<http://e/b> <http://e/p> "2" <http://e/g1> .',
    ]
    assert change.resources() == (["http://e/c"], ["http://e/b"], ["http://e/a"])
    assert change.per_graph() == [("http://e/g1", 1, 2), ("http://e/g2", 1, 0)]
    assert change.summary() == (
        "+2 -2 statements in 2 graph(s)\n"
        "resources: 1 new, 1 removed, 1 changed\n"
        "  +1 -2 <http://e/g1>\n"
        "  +1 -0 <http://e/g2>\n"
    )
    same = Diff.between(read_statements(old), read_statements(old))
    assert same.summary().startswith("+0 -0 statements in 0 graph(s)\n")
    change.write(tmp_path / "changes")
    assert (tmp_path / "changes" / "added.nq").read_bytes() == nquads(change.added_lines)
    assert (tmp_path / "changes" / "removed.nq").read_bytes().count(b"\n") == 2


def test_a_bad_dump_is_named(tmp_path: Path) -> None:
    old, _ = write(tmp_path)
    broken = tmp_path / "broken.nq"
    broken.write_text('<http://e/a> <http://e/p> "1 <http://e/g> .\n')
    with pytest.raises(InputError, match=r"broken\.nq"):
        compare(old, broken)
    turtle = tmp_path / "triples.ttl"
    turtle.write_text("")
    with pytest.raises(InputError, match=r"triples\.ttl: not a dump of quads"):
        compare(turtle, old)
    with pytest.raises(InputError, match=r"no dump"):
        compare(tmp_path / "nowhere", old)
