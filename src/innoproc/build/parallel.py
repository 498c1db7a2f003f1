"""Spread a stage's work over the machine's cores.

The work is split into shares by position (every n-th item), which keeps the shares balanced
and the output independent of how many there are. The first share runs in this process, the
others in forked processes: they see this process's memory as it is, so the gathered graph is
neither pickled nor copied up front.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

_WORK: Callable[[int, int], Any] | None = None


def in_parallel(work: Callable[[int, int], T], shares: int) -> list[T]:
    """``[work(0, shares), work(1, shares), ...]``, computed side by side; an exception in
    any share is raised here."""
    global _WORK
    if shares <= 1:
        return [work(0, 1)]
    _WORK = work
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(shares - 1, mp_context=context) as pool:
            others = [pool.submit(_run_share, share, shares) for share in range(1, shares)]
            first = work(0, shares)
            return [first, *(future.result() for future in others)]
    finally:
        _WORK = None


def _run_share(share: int, shares: int) -> Any:
    assert _WORK is not None
    return _WORK(share, shares)
