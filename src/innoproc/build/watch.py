"""``build --watch``: build again whenever a file of the project is saved, for people editing data.

The project's files (``pyproject.toml`` and every file of the content folders and of the
configured templates) are looked at every ``interval`` seconds; when one is added, removed or
saved, the build runs again, incrementally (:mod:`innoproc.build.incremental`). A build that
fails reports why and leaves the last good site in place: the next save tries again. Polling
needs nothing from the operating system and sees every editor's way of saving (in place, or a
new file renamed over the old).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from innoproc.config import Config

Snapshot = dict[str, tuple[int, int]]


def snapshot(config: Config) -> Snapshot:
    """Each file the build reads from the project, with its size and modification time."""
    folders = [
        config.ontology_dir,
        config.data_dir,
        config.shapes_dir,
        config.queries_dir,
        config.catalogue_dir,
    ]
    if config.templates_dir:
        folders.append(config.templates_dir)
    out: Snapshot = {}
    for path in [config.path("pyproject.toml")] + [
        p for folder in folders for p in sorted(config.path(folder).rglob("*"))
    ]:
        try:
            found = path.stat()
        except OSError:
            continue
        if path.is_file() and not path.name.startswith("."):
            out[str(path)] = (found.st_size, found.st_mtime_ns)
    return out


def watch(
    root: Path,
    configure: Callable[[Path], Config],
    build_once: Callable[[Config], None],
    interval: float = 0.5,
    rounds: int | None = None,
) -> None:
    """Build, then build again after every change, until interrupted (or after ``rounds``
    builds). ``configure`` reads the configuration again before each build (pyproject.toml
    may be what changed); ``build_once`` builds and reports, errors included."""
    seen: Snapshot | None = None
    built = 0
    while rounds is None or built < rounds:
        config = configure(root)
        now = snapshot(config)
        if now != seen:
            # wait for the editor to finish writing: the same files twice in a row
            time.sleep(interval)
            settled = snapshot(config)
            if settled != now:
                continue
            seen = now
            build_once(config)
            built += 1
            continue
        time.sleep(interval)
