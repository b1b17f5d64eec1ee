"""Small-count suppression (core.suppression): the rules on worked examples, and an attacker who
reads only what is published and tries to work out every hidden small count."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiuye.core.suppression import HIDDEN_TEXT, Mark, Table, as_rows, figure, protect


def _texts(table: Table) -> list[list[str]]:
    """The published grid with the totals: each row with its total, the totals' row last."""
    rows = [[f.text for f in r] + [t.text] for r, t in zip(table.cells, table.row_totals)]
    return [*rows, [f.text for f in table.column_totals] + [table.total.text]]


def test_a_lone_small_cell_gets_the_smallest_partner_in_its_row_and_column() -> None:
    table = protect([[10, 2, 30], [20, 30, 40], [7, 8, 9]], limit=5)
    assert _texts(table) == [
        ["*", "<5", "30", "42"],
        ["20", "30", "40", "90"],
        ["*", "*", "9", "24"],
        ["37", "40", "79", "156"],
    ]


def test_zero_is_suppressed_like_any_small_count() -> None:
    table = protect([[0, 12], [9, 20]], limit=5)
    assert table.cells[0][0].text == "<5" and table.cells[0][0].mark == Mark.SMALL
    # Its row and column each got a second hidden figure, so 12 - (a hidden one) is no answer.
    assert [f.mark for f in table.cells[0]].count(Mark.SHOWN) == 0
    assert [row[0].mark for row in table.cells].count(Mark.SHOWN) == 0


def test_small_totals_are_shown_as_small_and_keep_their_cells_hidden() -> None:
    table = protect([[1, 2], [30, 40]], limit=5)
    assert table.row_totals[0].text == "<5"
    assert [f.text for f in table.cells[0]] == ["<5", "<5"]
    assert table.total.text == "73"


def test_a_total_is_hidden_when_the_cells_alone_cannot_protect_a_small_one() -> None:
    # 4 + 4 = 8: with "<5" meaning at most 4, both would be 4 whatever else is hidden.
    table = protect([[4, 4], [10, 12]], limit=5)
    assert table.row_totals[0].mark == Mark.HIDDEN
    assert table.row_totals[0].text == HIDDEN_TEXT


def test_a_table_that_cannot_be_protected_is_withheld() -> None:
    # Two persons, one in each column: "<2" and "<2" beside any total of 2 or more are 1 each.
    table = protect([[1, 1]], limit=2)
    assert table.withheld
    assert {text for row in _texts(table) for text in row} == {HIDDEN_TEXT}
    assert not protect([[1, 1]], limit=5).withheld


def test_a_safe_row_is_not_touched() -> None:
    table = protect([[1, 2, 30]], limit=5)
    # Two small cells (sum 3) beside a shown 30: each is 0–3, so nothing more needs hiding.
    assert table.hidden == 0
    assert _texts(table) == [["<5", "<5", "30", "33"], ["<5", "<5", "30", "33"]]
    # Beside a second row, the column total would give the 1 away (21 - 20): it is protected.
    assert protect([[1, 2, 30], [20, 30, 40]], limit=5).hidden == 2


def test_shown_figures_are_the_true_ones_and_the_totals_add_up() -> None:
    cells = [[12, 7, 30], [20, 3, 40]]
    table = protect(cells, limit=5)
    for row, published in zip(cells, table.cells):
        for value, f in zip(row, published):
            assert f.value is None if not f.shown else f.value == value
    assert table.total.value == 112
    assert [f.cell for f in table.column_totals] == [32, 10, 70]


def test_the_threshold_is_a_setting(settings) -> None:  # noqa: ANN001
    settings.JIUYE_PUBLIC_MIN_COUNT = 10
    table = protect([[12, 7], [20, 30]])
    assert table.cells[0][1].text == "<10"
    assert figure(9).text == "<10" and figure(10).text == "10"
    settings.JIUYE_PUBLIC_MIN_COUNT = 1
    assert protect([[0, 1]]).small == 0


def test_a_lone_figure_is_suppressed_below_the_threshold_and_formatted_above() -> None:
    assert figure(Decimal("4.5"), limit=5).text == "<5"
    assert figure(Decimal("4.5"), limit=5).value is None
    shown = figure(Decimal("5.50"), limit=5, show=lambda v: f"{v.normalize()}")
    assert (shown.text, shown.value) == ("5.5", Decimal("5.50"))


def test_bad_tables_are_refused() -> None:
    with pytest.raises(ValueError):
        protect([[1, -1]])
    with pytest.raises(ValueError):
        protect([[1, 2], [3]])


def test_as_rows_writes_numbers_and_texts_for_a_spreadsheet() -> None:
    table = protect([[12, 2], [20, 30]], limit=5)
    rows = as_rows(table, ["甲", "乙"], "合计")
    assert rows[0][0] == "甲" and rows[0][2] == "<5" and rows[-1][0] == "合计"
    assert rows[-1][-1] == 64


# --- the attacker ------------------------------------------------------------------------------


def _knowledge(table: Table, cap: int) -> tuple[list[list[tuple[int, int]]], list[list[tuple]]]:
    """What a reader knows: bounds of every figure of the grid with totals, and the lines that
    sum (each a list of (row, column) with the total last)."""
    limit = table.limit

    def bounds(text: str) -> tuple[int, int]:
        if text == f"<{limit}":
            return (0, limit - 1)
        if text == HIDDEN_TEXT:
            return (limit, cap)  # a hidden figure is not small, else it would read "<5"
        return (int(text), int(text))

    grid = [[bounds(text) for text in row] for row in _texts(table)]
    height, width = len(grid) - 1, len(grid[0]) - 1
    lines = [[(i, j) for j in range(width + 1)] for i in range(height + 1)]
    lines += [[(i, j) for i in range(height + 1)] for j in range(width + 1)]
    return grid, lines


def _tighten(grid: list[list[tuple[int, int]]], lines: list[list[tuple]]) -> bool:
    """Row and column subtraction with intervals until nothing changes; False if the bounds
    contradict each other."""
    changed = True
    while changed:
        changed = False
        for line in lines:
            *parts, total = line
            (tlo, thi) = grid[total[0]][total[1]]
            lo_sum = sum(grid[i][j][0] for i, j in parts)
            hi_sum = sum(grid[i][j][1] for i, j in parts)
            new_total = (max(tlo, lo_sum), min(thi, hi_sum))
            updates = {total: new_total}
            for i, j in parts:
                lo, hi = grid[i][j]
                others_lo, others_hi = lo_sum - lo, hi_sum - hi
                updates[i, j] = (max(lo, tlo - others_hi), min(hi, thi - others_lo))
            for (i, j), (lo, hi) in updates.items():
                if lo > hi:
                    return False
                if (lo, hi) != grid[i][j]:
                    grid[i][j] = (lo, hi)
                    changed = True
    return True


def _solvable(grid: list[list[tuple[int, int]]], lines: list[list[tuple]]) -> bool:
    """Whether some table of non-negative whole numbers fits every bound (exhaustive search)."""
    grid = [list(row) for row in grid]
    if not _tighten(grid, lines):
        return False
    open_ = [(hi - lo, i, j) for i, row in enumerate(grid) for j, (lo, hi) in enumerate(row)]
    open_ = [o for o in open_ if o[0] > 0]
    if not open_:
        return True
    _width, i, j = min(open_)
    lo, hi = grid[i][j]
    for value in range(lo, hi + 1):
        grid[i][j] = (value, value)
        if _solvable(grid, lines):
            return True
    return False


def _recovered(cells: list[list[int]], table: Table) -> list[tuple[int, int, str]]:
    """Every small figure the attacker pins to one value, and how."""
    truth = [[*row, sum(row)] for row in cells]
    truth.append([sum(col) for col in zip(*truth)])
    grid, lines = _knowledge(table, cap=truth[-1][-1] + table.limit)
    found = []
    by_subtraction = [list(row) for row in grid]
    assert _tighten(by_subtraction, lines), "the published table contradicts itself"
    for i, row in enumerate(grid):
        for j, (lo, hi) in enumerate(row):
            if lo == hi or hi >= table.limit:
                continue  # shown, or not a small figure
            tlo, thi = by_subtraction[i][j]
            if tlo == thi:
                found.append((i, j, "subtraction"))
                continue
            other_values = [v for v in range(tlo, thi + 1) if v != truth[i][j]]
            if not _any_other(grid, lines, i, j, other_values):
                found.append((i, j, "search"))
    return found


def _any_other(grid: list, lines: list, i: int, j: int, values: list[int]) -> bool:
    """Whether some whole-number table fitting everything published gives (i, j) another value."""
    for value in values:
        trial = [list(r) for r in grid]
        trial[i][j] = (value, value)
        if _solvable(trial, lines):
            return True
    return False


counts = st.one_of(st.integers(0, 6), st.integers(0, 40))
tables = st.integers(1, 3).flatmap(
    lambda h: st.integers(1, 4).flatmap(
        lambda w: st.lists(st.lists(counts, min_size=w, max_size=w), min_size=h, max_size=h)
    )
)


@settings(max_examples=400, deadline=None)
@given(cells=tables, limit=st.sampled_from([2, 3, 5]))
def test_no_small_count_can_be_worked_out_from_what_is_published(
    cells: list[list[int]], limit: int
) -> None:
    table = protect(cells, limit=limit)
    truth = [[*row, sum(row)] for row in cells]
    truth.append([sum(col) for col in zip(*truth)])
    published = _texts(table)
    if table.withheld:
        assert {text for row in published for text in row} == {HIDDEN_TEXT}
        return  # nothing published, nothing to work out
    for true_row, shown_row in zip(truth, published):
        for value, text in zip(true_row, shown_row):
            if value < limit:
                assert text == f"<{limit}"  # every small count, zero and totals included
            else:
                assert text in (str(value), HIDDEN_TEXT)
    assert _recovered(cells, table) == []


def test_the_attacker_recovers_a_lone_small_cell_when_nothing_else_is_hidden() -> None:
    """The attacker is not blind: with only primary suppression it finds what it should."""
    cells = [[10, 2, 30], [20, 30, 40]]
    table = protect(cells, limit=5)
    naive = Table(
        cells=[[figure(v, limit=5) for v in row] for row in cells],
        row_totals=table.row_totals,
        column_totals=[figure(sum(c), limit=5) for c in zip(*cells)],
        total=table.total,
        limit=5,
    )
    assert _recovered(cells, naive) == [(0, 1, "subtraction")]
    # 4 + 4 = 8 with both "<5": the bounds give both away, though neither is alone in its row.
    naive = Table(
        cells=[
            [figure(4, limit=5), figure(4, limit=5)],
            [figure(10, limit=5), figure(12, limit=5)],
        ],
        row_totals=[figure(8, limit=5), figure(22, limit=5)],
        column_totals=[figure(14, limit=5), figure(16, limit=5)],
        total=figure(30, limit=5),
        limit=5,
    )
    assert {(i, j) for i, j, _how in _recovered([[4, 4], [10, 12]], naive)} == {(0, 0), (0, 1)}
