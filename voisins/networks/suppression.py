"""Small-number suppression of the network's tables, and the complementary suppression
that keeps a hidden count from being worked out from the totals.

A network's table has a row per programme and a column per figure (matches started,
ended, going on; the stages of the funnel), and under each column the network's total.
A count of 1 to 4 (`voisins.rounding.small_count`) is shown "< 5" (*small*). That alone
is not enough: with the column's total shown, a lone "< 5" is the total minus the other
cells. So more cells of the column are hidden (*hidden*, not "< 5": they are not small)
until no hidden cell can be worked out.

What a reader knows, and what the check below assumes he knows: the shown cells, the
shown total, that a "< 5" is 1 to 4, and that a hidden cell is 5 or more (we hide only
cells above zero, and a cell of 1–4 would be "< 5"). A hidden cell is *recoverable* when
those facts leave it one possible value (a lone "< 5" under a total; two "< 5" adding up
to 2; a "< 5" and a hidden cell adding up to 6). When no cell of the column is left to
hide, the column's total is hidden instead.

The columns are independent: no row total is shown (the figures of a row are of
different kinds). Nothing here imports Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voisins.rounding import small_count

SMALL = "small"
HIDDEN = "hidden"
INFINITY = float("inf")


@dataclass(frozen=True)
class Suppressed:
    """A table after suppression: `marks[row][column]` is None (shown), SMALL or HIDDEN;
    `totals[column]` is the column's total, or None when it is hidden."""

    values: tuple[tuple[int, ...], ...]
    marks: tuple[tuple[str | None, ...], ...]
    totals: tuple[int | None, ...]

    def shown(self, row: int, column: int) -> int | None:
        """The cell's count, or None when it is not shown."""
        return None if self.marks[row][column] else self.values[row][column]


def _bounds(value: int, mark: str | None) -> tuple[float, float]:
    if mark == SMALL:
        return 1, 4
    if mark == HIDDEN:
        return 5, INFINITY
    return value, value


def recoverable(values: Sequence[int], marks: Sequence[str | None],
                total_shown: bool = True) -> list[int]:
    """The rows of one column whose hidden value the reader can work out (see the module).

    The sums of whole numbers in intervals are the whole numbers of an interval, so a
    cell's possible values are ``[max(low, s − others' high), min(high, s − others'
    low)]``, with ``s`` the total less the shown cells. O(n).

    >>> recoverable([3, 10, 12], ["small", None, None])
    [0]
    >>> recoverable([3, 10, 12], ["small", "hidden", None])
    []
    >>> recoverable([1, 5, 12], ["small", "hidden", None])
    [0, 1]
    """
    hidden = [i for i, mark in enumerate(marks) if mark]
    if not total_shown or not hidden:
        return []
    rest = sum(values[i] for i in hidden)
    bounds = {i: _bounds(values[i], marks[i]) for i in hidden}
    low_sum = sum(b[0] for b in bounds.values())
    high_sum = sum(b[1] for b in bounds.values())
    pinned = []
    for i, (low, high) in bounds.items():
        others_low, others_high = low_sum - low, high_sum - high
        if high == INFINITY:  # inf − inf: count the others' highs again
            others_high = sum(b[1] for j, b in bounds.items() if j != i)
        lowest = max(low, rest - others_high)
        highest = min(high, rest - others_low)
        if lowest == highest:
            pinned.append(i)
    return pinned


def suppress_column(values: Sequence[int]) -> tuple[list[str | None], bool]:
    """The marks of one column and whether its total may be shown.

    Small counts first; then, while a hidden cell is recoverable, the smallest cell above
    zero still shown is hidden too; with none left, the total is hidden. O(n²) at worst.

    >>> suppress_column([3, 10, 12, 0])
    (['small', 'hidden', None, None], True)
    >>> suppress_column([3, 0])
    (['small', None], False)
    """
    marks: list[str | None] = [SMALL if small_count(v) is None else None for v in values]
    while recoverable(values, marks):
        candidates = sorted((v, i) for i, v in enumerate(values) if not marks[i] and v > 0)
        if not candidates:
            return marks, False
        marks[candidates[0][1]] = HIDDEN
    return marks, True


def suppress(rows: Sequence[Sequence[int]]) -> Suppressed:
    """Suppress a table of counts, a row per programme, a column per figure; the column
    totals are the network's figures.

    >>> table = suppress([[3, 20], [10, 2], [12, 30]])
    >>> table.marks
    ((\'small\', \'hidden\'), (\'hidden\', \'small\'), (None, None))
    >>> table.totals
    (25, 52)
    """
    values = tuple(tuple(int(v) for v in row) for row in rows)
    width = len(values[0]) if values else 0
    marks = [[None] * width for _ in values]
    totals: list[int | None] = []
    for c in range(width):
        column = [row[c] for row in values]
        column_marks, total_shown = suppress_column(column)
        for r, mark in enumerate(column_marks):
            marks[r][c] = mark
        total = sum(column)
        totals.append(total if total_shown else None)
    return Suppressed(values=values, marks=tuple(tuple(m) for m in marks),
                      totals=tuple(totals))
