"""A timeline: one row per thing that has a time (a period, an event, a name, a membership),
each a bar from its start to its end at the dates' precision, with an axis of years. Open
sides run to the edge of the axis, drawn dashed. Pure layout: the rows come in with their
text, the SVG's coordinates come out, rounded."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from innoproc.build.charts.dates import Span

WIDTH = 720
LABEL_WIDTH = 270
PLOT = (LABEL_WIDTH + 10, WIDTH - 20)
ROW = 22
TOP = 28
STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)
MAX_TICKS = 8
MAX_CHARS = 38


@dataclass(frozen=True)
class Entry:
    """One row as the data gives it: what it is (``kind``: period, event, name, membership),
    its text, its link, the text of its period, its span and the times of the events marked
    on it."""

    kind: str
    text: str
    href: str | None
    when: str
    span: Span | None
    marks: tuple[tuple[float, str], ...] = ()


@dataclass
class Bar:
    entry: Entry
    y: float
    x: float
    width: float
    open_start: bool
    open_end: bool
    short: str
    """The text, cut to fit beside the plot (the table behind has it whole)."""
    marks: list[float] = field(default_factory=list)


@dataclass
class Timeline:
    width: int
    height: int
    ticks: list[tuple[float, int]]
    """(x, year) of each labelled tick."""
    bars: list[Bar]
    entries: list[Entry]
    """Every entry, in order: the table behind the picture lists them all."""
    start: int
    end: int
    label_x: int = LABEL_WIDTH


def cut(text: str, limit: int = MAX_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def layout(entries: list[Entry], now: float | None) -> Timeline | None:
    """The timeline of ``entries`` (sorted by time, then text), or None when none has a time.
    ``now`` ends the axis for open-ended rows (else the latest date does)."""
    timed = [e for e in entries if e.span is not None or e.marks]
    if not timed:
        return None
    times = [t for e in timed if e.span for t in (e.span.start, e.span.end) if t is not None]
    times += [t for e in timed for t, _ in e.marks]
    if any(e.span and e.span.end is None for e in timed) and now is not None:
        times.append(now)
    start, end = math.floor(min(times)), math.ceil(max(times))
    if end <= start:
        end = start + 1
    step = next((s for s in STEPS if (end - start) / s <= MAX_TICKS), STEPS[-1])
    start -= start % step
    left, right = PLOT

    def x(t: float) -> float:
        return round(left + (t - start) / (end - start) * (right - left), 1)

    ordered = sorted(timed, key=_order)
    bars = []
    for row, entry in enumerate(ordered):
        y = TOP + row * ROW
        span = entry.span
        x1 = x(span.start) if span and span.start is not None else float(left)
        x2 = x(span.end) if span and span.end is not None else float(right)
        bars.append(
            Bar(
                entry=entry,
                y=y,
                x=x1,
                width=round(max(x2 - x1, 3.0), 1) if span else 0.0,
                open_start=bool(span and span.start is None),
                open_end=bool(span and span.end is None),
                short=cut(entry.text),
                marks=[x(t) for t, _ in entry.marks],
            )
        )
    ticks = [(x(year), year) for year in range(start, end + 1, step)]
    if end - ticks[-1][1] >= step / 2:
        ticks.append((x(end), end))
    height = TOP + len(bars) * ROW + 4
    untimed = [e for e in entries if e not in timed]
    return Timeline(
        width=WIDTH,
        height=height,
        ticks=ticks,
        bars=bars,
        entries=ordered + untimed,
        start=start,
        end=end,
    )


def _order(entry: Entry) -> tuple[float, float, str, str]:
    span = entry.span
    first = span.known if span else min(t for t, _ in entry.marks)
    last = span.end if span and span.end is not None else math.inf
    return first, last, entry.text.casefold(), entry.href or ""
