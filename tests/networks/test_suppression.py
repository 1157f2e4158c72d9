"""Small counts are "< 5", and no hidden cell can be worked out from the totals shown:
checked by brute force over every value the reader could think of."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from voisins.networks.suppression import HIDDEN, SMALL, recoverable, suppress, suppress_column


def possible_values(values, marks, total):
    """Every value each hidden cell could have, given what is shown: a "< 5" is 1–4, a
    hidden cell 5 or more; found by trying every assignment (independent of the
    interval reasoning of `recoverable`)."""
    hidden = [i for i, m in enumerate(marks) if m]
    rest = total - sum(v for v, m in zip(values, marks, strict=True) if not m)
    domains = [range(1, 5) if marks[i] == SMALL else range(5, rest + 1) for i in hidden]
    seen = {i: set() for i in hidden}
    for combo in itertools.product(*domains):
        if sum(combo) == rest:
            for i, v in zip(hidden, combo, strict=True):
                seen[i].add(v)
    return seen


tables = st.integers(1, 6).flatmap(lambda rows: st.lists(
    st.lists(st.integers(0, 14), min_size=rows, max_size=rows), min_size=1, max_size=3
).map(lambda columns: [list(r) for r in zip(*columns, strict=True)]))


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_hidden_cell_can_be_worked_out_from_the_totals(rows):
    table = suppress(rows)
    for c, total in enumerate(table.totals):
        values = [r[c] for r in rows]
        marks = [m[c] for m in table.marks]
        # Every count of 1 to 4 is "< 5", and nothing else is.
        assert [m == SMALL for m in marks] == [0 < v < 5 for v in values]
        assert all(values[i] > 0 for i, m in enumerate(marks) if m == HIDDEN)
        if total is None:
            continue
        assert total == sum(values)
        # Never a lone hidden cell under a shown total…
        assert sum(1 for m in marks if m) != 1
        # …and no assignment of hidden cells consistent with the page pins any of them.
        for i, options in possible_values(values, marks, total).items():
            assert values[i] in options
            assert len(options) >= 2, (rows, c, i, options)


def test_a_lone_small_count_takes_the_smallest_other_cell_with_it():
    assert suppress_column([3, 10, 12, 0]) == (["small", "hidden", None, None], True)


def test_two_ones_are_not_left_alone():
    marks, shown = suppress_column([1, 1, 20])
    assert marks == ["small", "small", "hidden"] and shown
    assert recoverable([1, 1, 20], ["small", "small", None]) == [0, 1]


def test_a_network_of_one_programme_hides_its_total():
    assert suppress_column([3]) == (["small"], False)
    assert suppress([[3, 7]]).totals == (None, 7)


def test_nothing_small_nothing_hidden():
    table = suppress([[0, 5], [12, 40]])
    assert table.marks == ((None, None), (None, None)) and table.totals == (12, 45)
