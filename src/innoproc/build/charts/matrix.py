"""Who takes part in what, in which role, as a matrix: a row per member, a column per
initiative (or per role), each cell coloured by the roles the data gives. A matrix needs no
layout algorithm (its order is the labels' order, so it is the same every time) and stays
readable where a drawn network of a few hundred nodes would be a tangle."""

from __future__ import annotations

from dataclasses import dataclass

from innoproc.build.charts.timeline import cut

CELL = 18
ROW_LABELS = 230
COLUMN_LABELS = 150
MAX_CHARS = 34
ROLE_COLOURS = (
    "#0072b2",
    "#b34700",
    "#007a5a",
    "#a8487f",
    "#8a6d00",
    "#2a6f97",
    "#5a5a5a",
    "#6a3d9a",
)


@dataclass(frozen=True)
class Head:
    """A row's or a column's resource: its text and its link."""

    text: str
    href: str | None

    @property
    def short(self) -> str:
        return cut(self.text, MAX_CHARS)


@dataclass(frozen=True)
class Role:
    text: str
    href: str | None
    colour: str


@dataclass
class Cell:
    row: int
    column: int
    x: int
    y: int
    roles: list[Role]

    def stripes(self) -> list[tuple[float, float, str]]:
        """(x, width, colour) of the cell's slices, one per role."""
        width = CELL / len(self.roles)
        return [
            (round(self.x + i * width, 2), round(width, 2), r.colour)
            for i, r in enumerate(self.roles)
        ]


@dataclass
class Matrix:
    rows: list[Head]
    columns: list[Head]
    cells: list[Cell]
    roles: list[Role]
    width: int
    height: int
    left: int
    top: int
    total_rows: int
    """How many rows there were before the matrix was cut to its largest."""
    total_columns: int

    def row_cells(self, row: int) -> list[Cell]:
        return [c for c in self.cells if c.row == row]


def make_matrix(
    triples: list[tuple[Head, Head, Head]], max_rows: int = 80, max_columns: int = 40
) -> Matrix | None:
    """The matrix of ``triples`` (row, column, role), the rows and columns with most links
    first when there are more than ``max_rows`` or ``max_columns`` (the rest are counted), else
    in the order of their text. Each role gets a colour, in the order of their text."""
    if not triples:
        return None
    heads = sorted(
        {role for _, _, role in triples}, key=lambda h: (h.text.casefold(), h.href or "")
    )
    colour = {h: ROLE_COLOURS[i % len(ROLE_COLOURS)] for i, h in enumerate(heads)}
    links = [(r, c, Role(role.text, role.href, colour[role])) for r, c, role in triples]
    rows = _heads([row for row, _, _ in links], max_rows)
    columns = _heads([column for _, column, _ in links], max_columns)
    row_index = {h: i for i, h in enumerate(rows)}
    column_index = {h: i for i, h in enumerate(columns)}
    cells: dict[tuple[int, int], list[Role]] = {}
    for row, column, role in links:
        if row in row_index and column in column_index:
            roles = cells.setdefault((row_index[row], column_index[column]), [])
            if role not in roles:
                roles.append(role)
    left, top = ROW_LABELS, COLUMN_LABELS
    return Matrix(
        rows=rows,
        columns=columns,
        cells=[
            Cell(
                row=r,
                column=c,
                x=left + c * CELL,
                y=top + r * CELL,
                roles=sorted(roles, key=lambda role: role.text.casefold()),
            )
            for (r, c), roles in sorted(cells.items())
        ],
        roles=[Role(h.text, h.href, colour[h]) for h in heads],
        width=left + len(columns) * CELL + COLUMN_LABELS,
        height=top + len(rows) * CELL + 10,
        left=left,
        top=top,
        total_rows=len({row for row, _, _ in links}),
        total_columns=len({column for _, column, _ in links}),
    )


def _heads(heads: list[Head], limit: int) -> list[Head]:
    counts: dict[Head, int] = {}
    for head in heads:
        counts[head] = counts.get(head, 0) + 1
    chosen = sorted(counts, key=lambda h: (-counts[h], h.text.casefold(), h.href or ""))[:limit]
    return sorted(chosen, key=lambda h: (h.text.casefold(), h.href or ""))
