"""The pure parts of the charts: dates at their precision, the timeline's layout, the map's
country codes and geometry, the matrix's order and cut."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from innoproc.build.charts.dates import Span, extent, span
from innoproc.build.charts.europe import code_of, geometry
from innoproc.build.charts.matrix import Head, make_matrix
from innoproc.build.charts.timeline import PLOT, Entry, layout


def test_a_date_is_placed_at_its_precision() -> None:
    year = extent(Literal("2017", datatype=XSD.gYear))
    month = extent(Literal("2017-03", datatype=XSD.gYearMonth))
    day = extent(Literal("2017-03-19", datatype=XSD.date))
    assert year == (2017.0, 2018.0)
    assert month is not None and day is not None
    assert month[0] == pytest.approx(2017 + 59 / 365) and month[1] == pytest.approx(2017 + 90 / 365)
    assert day[0] == pytest.approx(2017 + 77 / 365) and day[1] == pytest.approx(2017 + 78 / 365)
    december = extent(Literal("2016-12", datatype=XSD.gYearMonth))
    new_year = extent(Literal("2016-12-31", datatype=XSD.date))
    assert december is not None and december[1] == 2017.0
    assert new_year is not None and new_year[1] == 2017.0


@pytest.mark.parametrize(
    "literal",
    [
        Literal("2017-02-30", datatype=XSD.date),
        Literal("2017-13", datatype=XSD.gYearMonth),
        Literal("twenty", datatype=XSD.gYear),
        Literal("2017"),
        Literal("2017-03-19", datatype=XSD.dateTime),
    ],
)
def test_what_is_not_a_date_of_the_data_has_no_place(literal: Literal) -> None:
    assert extent(literal) is None


def test_a_period_open_on_one_side_keeps_it_open() -> None:
    assert span(Literal("2024", datatype=XSD.gYear), None) == Span(2024.0, None)
    assert span(None, Literal("2011", datatype=XSD.gYear)) == Span(None, 2012.0)
    assert span(None, None) is None


def test_the_timeline_orders_rows_by_time_and_runs_open_ends_to_now() -> None:
    entries = [
        Entry("name", "Later", None, "from 2017", Span(2017.0, None)),
        Entry("name", "Earlier", None, "1946-2010", Span(1946.0, 2011.0)),
        Entry("event", "Undated", None, "", None),
    ]
    chart = layout(entries, now=2026.9)
    assert chart is not None
    assert [b.entry.text for b in chart.bars] == ["Earlier", "Later"]
    assert [e.text for e in chart.entries] == ["Earlier", "Later", "Undated"]
    assert chart.start <= 1946 and chart.end == 2027
    later = chart.bars[1]
    assert later.open_end and not later.open_start
    assert later.x + later.width == pytest.approx(PLOT[1], abs=0.2)  # to the axis's end
    years = [year for _, year in chart.ticks]
    assert len(years) <= 9 and years == sorted(years)
    assert layout(entries, now=2026.9) == chart
    assert layout([entries[2]], now=None) is None


def test_a_country_is_found_by_its_notation_only() -> None:
    assert code_of(["NLD"]) == "NLD"
    assert code_of(["nld"]) is None
    assert code_of(["NLD", "ITA"]) is None
    assert code_of([]) is None
    countries = geometry()["countries"]
    assert {"NLD", "TUR", "NOR", "FRA", "CYP", "MLT"} <= set(countries)
    path = re.compile(r"(M-?\d+ -?\d+l(-?\d+ -?\d+ ?)+z)+")
    assert all(path.fullmatch(d) for d in countries.values())
    assert json.dumps(geometry(), sort_keys=True)


def test_the_matrix_keeps_the_most_linked_rows_in_the_order_of_their_text() -> None:
    role = Head("partner", "r.html")
    other = Head("chair", "c.html")
    hub = Head("Zeta", "z.html")
    triples = [(hub, Head(f"I{i}", None), role) for i in range(3)]
    triples += [(Head("Alpha", "a.html"), Head("I0", None), other)]
    triples += [(Head("Beta", None), Head("I0", None), role), (hub, Head("I0", None), other)]
    matrix = make_matrix(triples, max_rows=2)
    assert matrix is not None
    assert [r.text for r in matrix.rows] == ["Alpha", "Zeta"]
    assert matrix.total_rows == 3
    assert [r.text for r in matrix.roles] == ["chair", "partner"]
    zeta_i0 = next(c for c in matrix.cells if c.row == 1 and c.column == 0)
    assert [r.text for r in zeta_i0.roles] == ["chair", "partner"]
    assert len({colour for _, _, colour in zeta_i0.stripes()}) == 2
    assert make_matrix([]) is None
