"""What a page read: the nodes whose gathered data went into one page or file.

An incremental build (:mod:`innoproc.build.incremental`) reuses a page of the previous site
only if nothing it read has changed. Rather than listing by hand what each page shows (labels
of linked resources, memberships, periods of events, claims of other sources ...), which
would silently go stale as pages grow, the gathered index records every lookup itself: its
tables are :class:`Tracked` dictionaries, and its methods :func:`note` the nodes whose data
they answer from. While :func:`recording`, each lookup by key notes that key; anything that
walks a whole table (its values, its length, a listing's members) notes :data:`EVERYTHING`, and
such a page is rendered again on every build.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from sys import intern
from typing import Any, TypeVar

from rdflib import BNode, URIRef

K = TypeVar("K")
V = TypeVar("V")

EVERYTHING = "*"
"""The dependency of a page that read a whole table: it depends on every node."""

_seen: set[Any] | None = None


def note(node: object) -> None:
    """Record that the page being rendered reads ``node``'s data."""
    if _seen is not None:
        _seen.add(node)


def in_graph(source: object) -> str:
    """The dependency on what a source's graph holds (which statements, about which nodes), as
    distinct from the source's own description (its title, its publisher): a page that cites a
    source reads the latter only. No IRI holds a space, so this names no node."""
    return f"graph {source}"


def note_all() -> None:
    """Record that the page being rendered reads data of every node."""
    if _seen is not None:
        _seen.add(EVERYTHING)


@contextmanager
def recording() -> Iterator[set[str]]:
    """Record the nodes read inside the ``with`` block; the set yielded holds them, as
    :func:`key` names them, once the block is done."""
    global _seen
    outer, _seen = _seen, set()
    found: set[str] = set()
    try:
        yield found
    finally:
        seen, _seen = _seen, outer
        if EVERYTHING in seen:  # every other node is in it: a listing needs no list
            found.add(EVERYTHING)
        else:
            found.update(k for k in (key(n) for n in seen) if k is not None)
        if outer is not None:
            outer.update(seen)


def key(node: object) -> str | None:
    """The name a dependency is stored under: an IRI as itself, a blank node as ``_:id``,
    :data:`EVERYTHING` and :func:`in_graph`'s names as themselves; None for a literal (no page
    looks one up for its data) or anything else."""
    if type(node) is str:  # EVERYTHING, or a source graph's content (see in_graph)
        return intern(node)
    # one string per node, however many pages read it: what a build's pages read is some
    # fifty nodes a page, and the names come back from the writers to be kept to the end
    if isinstance(node, URIRef):
        return intern(str(node))
    if isinstance(node, BNode):
        return intern(f"_:{node}")
    if isinstance(node, tuple) and node:  # the index of label statements is keyed by triples
        return key(node[0])
    return None


class Tracked(dict[K, V]):
    """A dictionary that notes the keys looked up in it, and notes :data:`EVERYTHING` when
    walked whole."""

    def get(self, k: K, default: Any = None) -> Any:
        note(k)
        return super().get(k, default)

    def __getitem__(self, k: K) -> V:
        note(k)
        return super().__getitem__(k)

    def __contains__(self, k: object) -> bool:
        note(k)
        return super().__contains__(k)

    def __iter__(self) -> Iterator[K]:
        note_all()
        return super().__iter__()

    def __len__(self) -> int:
        note_all()
        return super().__len__()

    def keys(self) -> Any:
        note_all()
        return super().keys()

    def values(self) -> Any:
        note_all()
        return super().values()

    def items(self) -> Any:
        note_all()
        return super().items()


class TrackedList(list[V]):
    """A list that notes :data:`EVERYTHING` when read: its items are every node's."""

    def __iter__(self) -> Iterator[V]:
        note_all()
        return super().__iter__()

    def __getitem__(self, i: Any) -> Any:
        note_all()
        return super().__getitem__(i)

    def __len__(self) -> int:
        note_all()
        return super().__len__()

    def __contains__(self, item: object) -> bool:
        note_all()
        return super().__contains__(item)


def tracked(items: Iterable[V]) -> TrackedList[V]:
    return TrackedList(items)
