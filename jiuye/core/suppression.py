"""Small counts in published tables: what the public may see of a table of counts of persons.

A figure shown to the public (the disclosure page, the public summary) must not let a reader
single out a person: "one blind graduate in this village". Two rules protect a table of counts
published with its row and column totals:

* **Primary suppression.** Every count below the threshold (``JIUYE_PUBLIC_MIN_COUNT``, default
  5) is published as ``<5``, totals included. Zero is suppressed too: if 0 were shown, every
  ``<5`` would read "1 to 4", which says that somebody is there (the blind graduate exists),
  and a shown 0 is one more known number to subtract from a total.
* **Secondary suppression.** A total minus the published cells of its row gives away a lone
  hidden cell, and the bounds the reader knows (a ``<5`` is 0–4, a hidden figure is at least
  5, nothing is negative) can pin down several. So further figures are hidden (shown ``*``) until
  no small count can be worked out exactly from everything published. In the rare table where
  no choice of hidden figures is enough, nothing of it is published (``Table.withheld``).

How "cannot be worked out" is decided. A table with its totals is a flow: one node per row, per
column, a source and a sink; a cell is the edge row → column, a row total source → row, a
column total column → sink and the grand total sink → source. The published table says which
edges are known and gives bounds for the others, and every table consistent with it is a
circulation within those bounds. A hidden count can take another value in some consistent table
exactly when a cycle through its edge can be pushed by one unit within the bounds of the hidden
edges (the difference of two consistent tables is a circulation, and a circulation splits into
such cycles). So for each small count we look for that cycle, and when there is none we hide the
cheapest published figures that make one: a shortest path, preferring inner cells to totals and
small figures to large. Hiding more only widens what a reader can imagine, so a count once safe
stays safe and the loop ends.

This knows tables of counts, not what they count; the callers name rows and columns.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings

Number = int | Decimal
# The symbol of a figure hidden to protect a small one (a screen reader gets the words instead).
HIDDEN_TEXT = "*"


class Mark(StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # below the threshold: "<5"
    HIDDEN = "hidden"  # at or above it, hidden so that a small one cannot be worked out


@dataclass(frozen=True)
class Figure:
    """One published figure: its text, and its number only when that is shown."""

    text: str
    mark: Mark
    value: Number | None = None

    def __str__(self) -> str:
        return self.text

    @property
    def shown(self) -> bool:
        return self.mark == Mark.SHOWN

    @property
    def cell(self) -> Number | str:
        """What a spreadsheet cell holds: the number when shown, else the text."""
        return self.value if self.value is not None else self.text


def threshold() -> int:
    return settings.JIUYE_PUBLIC_MIN_COUNT


def small_text(limit: int | None = None) -> str:
    return f"<{threshold() if limit is None else limit}"


def figure(
    value: Number, *, limit: int | None = None, show: Callable[[Number], str] = str
) -> Figure:
    """A count published on its own, with no total beside it: primary suppression only."""
    limit = threshold() if limit is None else limit
    if limit > 1 and value < limit:
        return Figure(small_text(limit), Mark.SMALL)
    return Figure(show(value), Mark.SHOWN, value)


@dataclass(frozen=True)
class Table:
    """A protected table: ``cells[row][column]``, the totals of each row and column and the
    grand total, every one a ``Figure``."""

    cells: list[list[Figure]]
    row_totals: list[Figure]
    column_totals: list[Figure]
    total: Figure
    limit: int

    @property
    def withheld(self) -> bool:
        """Nothing is published: no way was found to show the table without giving away a small
        count (see ``_withhold``)."""
        return all(f.mark == Mark.HIDDEN for f in self._all())

    @property
    def hidden(self) -> int:
        """How many figures were hidden to protect small ones (secondary suppressions)."""
        return sum(f.mark == Mark.HIDDEN for f in self._all())

    @property
    def small(self) -> int:
        return sum(f.mark == Mark.SMALL for f in self._all())

    def _all(self) -> list[Figure]:
        return [f for row in self.cells for f in row] + [
            *self.row_totals,
            *self.column_totals,
            self.total,
        ]


# --- the flow of a table with its totals -----------------------------------------------------

SOURCE, SINK = "s", "t"
# Ranks of a figure's cost of hiding: an inner cell, a row or column total, the grand total.
INNER, MARGIN, GRAND = 0, 1, 2


@dataclass
class _Entry:
    tail: str
    head: str
    value: Number
    rank: int
    mark: Mark = Mark.SHOWN


def _entries(cells: Sequence[Sequence[Number]]) -> dict[tuple[int, int], _Entry]:
    """The table and its totals as edges; key (row, column), where row == len(cells) is the
    column totals' line and column == width the row totals'."""
    height, width = len(cells), len(cells[0]) if cells else 0
    out: dict[tuple[int, int], _Entry] = {}
    for i, row in enumerate(cells):
        for j, value in enumerate(row):
            out[i, j] = _Entry(f"r{i}", f"c{j}", value, INNER)
        out[i, width] = _Entry(SOURCE, f"r{i}", sum(row, start=0), MARGIN)
    for j in range(width):
        out[height, j] = _Entry(f"c{j}", SINK, sum((row[j] for row in cells), start=0), MARGIN)
    out[height, width] = _Entry(SINK, SOURCE, sum((sum(r, start=0) for r in cells), start=0), GRAND)
    return out


def _can_rise(entry: _Entry, limit: int) -> bool:
    """Whether a reader could believe this figure one higher: a shown one cannot move, a small
    one stays below the limit, a hidden one has no ceiling."""
    if entry.mark == Mark.SMALL:
        return entry.value + 1 < limit
    return entry.mark == Mark.HIDDEN


def _can_fall(entry: _Entry, limit: int) -> bool:
    """Whether a reader could believe it one lower: never below 0, and a hidden figure is known
    to be at least the limit (else it would read "<5")."""
    if entry.mark == Mark.SMALL:
        return entry.value - 1 >= 0
    return entry.mark == Mark.HIDDEN and entry.value - 1 >= limit


def _steps(
    entries: dict[tuple[int, int], _Entry], skip: tuple[int, int], limit: int, *, priced: bool
) -> dict[str, list[tuple[str, tuple[int, ...], tuple[int, int] | None]]]:
    """Arcs along which a unit could move: hidden figures free, and (``priced``) shown ones at
    the cost of hiding them, ordered by rank then by size."""
    arcs: dict[str, list[tuple[str, tuple[int, ...], tuple[int, int] | None]]] = {}
    for key, entry in entries.items():
        if key == skip:
            continue
        if entry.mark != Mark.SHOWN:
            if _can_rise(entry, limit):
                arcs.setdefault(entry.tail, []).append((entry.head, (0, 0, 0), None))
            if _can_fall(entry, limit):
                arcs.setdefault(entry.head, []).append((entry.tail, (0, 0, 0), None))
            continue
        if not priced:
            continue
        cost = (int(entry.rank == GRAND), int(entry.rank == MARGIN), int(entry.value))
        arcs.setdefault(entry.tail, []).append((entry.head, cost, key))
        if entry.value - 1 >= limit:
            arcs.setdefault(entry.head, []).append((entry.tail, cost, key))
    return arcs


def _cheapest_path(
    arcs: dict[str, list[tuple[str, tuple[int, ...], tuple[int, int] | None]]],
    start: str,
    goal: str,
) -> tuple[tuple[int, ...], list[tuple[int, int]]] | None:
    """Dijkstra from start to goal: the cost and the shown figures to hide on the way."""
    best: dict[str, tuple[int, ...]] = {start: (0, 0, 0)}
    queue: list[tuple[tuple[int, ...], str, list[tuple[int, int]]]] = [((0, 0, 0), start, [])]
    while queue:
        cost, node, hides = heapq.heappop(queue)
        if node == goal:
            return cost, hides
        if cost > best.get(node, cost):
            continue
        for target, step, key in arcs.get(node, []):
            total = tuple(a + b for a, b in zip(cost, step, strict=True))
            if target not in best or total < best[target]:
                best[target] = total
                heapq.heappush(queue, (total, target, hides + ([key] if key else [])))
    return None


def _protect(entries: dict[tuple[int, int], _Entry], key: tuple[int, int], limit: int) -> bool:
    """Make the small figure ``key`` impossible to work out: nothing to do if a reader could
    already believe another value (a cycle through hidden figures), else hide the fewest and
    smallest shown figures that give it one. False if even hiding everything would not."""
    entry = entries[key]
    options = []
    for priced in (False, True):
        arcs = _steps(entries, key, limit, priced=priced)
        if _can_rise(entry, limit):  # a unit up the edge comes back from head to tail
            options.append(_cheapest_path(arcs, entry.head, entry.tail))
        if _can_fall(entry, limit):
            options.append(_cheapest_path(arcs, entry.tail, entry.head))
        found = [o for o in options if o is not None]
        if found:
            _cost, hides = min(found)
            for hidden in hides:
                entries[hidden].mark = Mark.HIDDEN
            return True
    return False


def protect(
    cells: Sequence[Sequence[Number]],
    *,
    limit: int | None = None,
    show: Callable[[Number], str] = str,
) -> Table:
    """Protect a table of counts of persons published with its row, column and grand totals
    (computed here, so they add up). ``cells`` is a list of rows of non-negative counts."""
    limit = threshold() if limit is None else limit
    if any(value < 0 for row in cells for value in row):
        raise ValueError("counts cannot be negative")
    if len({len(row) for row in cells}) > 1:
        raise ValueError("every row needs the same number of columns")
    entries = _entries(cells)
    if limit > 1:
        for entry in entries.values():
            if entry.value < limit:
                entry.mark = Mark.SMALL
        small = [key for key, entry in entries.items() if entry.mark == Mark.SMALL]
        for key in small:
            if not _protect(entries, key, limit):
                _withhold(entries)
                break
    return _table(entries, len(cells), len(cells[0]) if cells else 0, limit, show)


def _withhold(entries: dict[tuple[int, int], _Entry]) -> None:
    """The last resort when no choice of hidden figures protects a small one. It happens when a
    line's small figures are pinned by their bounds: two persons in a row whose cells read
    "<2" and "<2" are one each, whatever the total shows, since a hidden total is known to be
    at least 2. Then the whole table is withheld: every figure, small ones included, is "*",
    so a "*" here bounds nothing."""
    for entry in entries.values():
        entry.mark = Mark.HIDDEN


def _published(entry: _Entry, limit: int, show: Callable[[Number], str]) -> Figure:
    if entry.mark == Mark.SMALL:
        return Figure(small_text(limit), Mark.SMALL)
    if entry.mark == Mark.HIDDEN:
        return Figure(HIDDEN_TEXT, Mark.HIDDEN)
    return Figure(show(entry.value), Mark.SHOWN, entry.value)


def _table(
    entries: dict[tuple[int, int], _Entry],
    height: int,
    width: int,
    limit: int,
    show: Callable[[Number], str],
) -> Table:
    def at(i: int, j: int) -> Figure:
        return _published(entries[i, j], limit, show)

    return Table(
        cells=[[at(i, j) for j in range(width)] for i in range(height)],
        row_totals=[at(i, width) for i in range(height)],
        column_totals=[at(height, j) for j in range(width)],
        total=at(height, width),
        limit=limit,
    )


def as_rows(table: Table, row_names: Sequence[Any], total_name: Any) -> list[list[Any]]:
    """The table as spreadsheet rows (name, cells…, total), the totals' row last; shown figures
    as numbers, the others as their text."""
    rows = [
        [str(name), *(f.cell for f in cells), total.cell]
        for name, cells, total in zip(row_names, table.cells, table.row_totals, strict=True)
    ]
    rows.append([str(total_name), *(f.cell for f in table.column_totals), table.total.cell])
    return rows
