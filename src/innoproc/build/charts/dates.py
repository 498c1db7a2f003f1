"""Dates as the data has them (``xsd:date``, ``xsd:gYearMonth``, ``xsd:gYear``), placed at their
precision: a year is the span of that year, a month the span of that month, a day one day.
Times are fractional years, so ``2017`` spans ``[2017.0, 2018.0)``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rdflib import Literal
from rdflib.namespace import XSD
from rdflib.term import Node

PATTERNS = {
    XSD.date: re.compile(r"(-?\d{4,})-(\d\d)-(\d\d)(?:Z|[+-]\d\d:\d\d)?"),
    XSD.gYearMonth: re.compile(r"(-?\d{4,})-(\d\d)(?:Z|[+-]\d\d:\d\d)?"),
    XSD.gYear: re.compile(r"(-?\d{4,})(?:Z|[+-]\d\d:\d\d)?"),
}


@dataclass(frozen=True)
class Span:
    """From ``start`` to ``end`` in fractional years; None where the data leaves a side open."""

    start: float | None
    end: float | None

    @property
    def known(self) -> float:
        """A time the span certainly covers (for ordering)."""
        return self.start if self.start is not None else self.end  # type: ignore[return-value]


def _fraction(year: int, month: int, day: int) -> float:
    first = date(year, 1, 1).toordinal()
    days = date(year + 1, 1, 1).toordinal() - first
    return year + (date(year, month, day).toordinal() - first) / days


def extent(node: Node | None) -> tuple[float, float] | None:
    """The span a date literal covers at its precision, or None for anything else (another
    datatype, a malformed or impossible date)."""
    if not isinstance(node, Literal) or node.datatype not in PATTERNS:
        return None
    match = PATTERNS[node.datatype].fullmatch(str(node).strip())
    if match is None:
        return None
    parts = [int(g) for g in match.groups()]
    try:
        if node.datatype == XSD.gYear:
            return float(parts[0]), float(parts[0] + 1)
        if node.datatype == XSD.gYearMonth:
            year, month = parts
            after = (year + 1, 1) if month == 12 else (year, month + 1)
            return _fraction(year, month, 1), _fraction(*after, 1)
        tomorrow = date.fromordinal(date(*parts).toordinal() + 1)
        return _fraction(*parts), _fraction(tomorrow.year, tomorrow.month, tomorrow.day)
    except ValueError:
        return None


def span(start: Node | None, end: Node | None) -> Span | None:
    """The span of a period from its start and end dates (each at its precision); None when
    neither is a date."""
    first, last = extent(start), extent(end)
    if first is None and last is None:
        return None
    return Span(
        start=first[0] if first else None,
        end=last[1] if last else None,
    )
