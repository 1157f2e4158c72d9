"""Kaplan–Meier and the log-rank test from grouped life tables agree with lifelines run on
the matches themselves (an independent solver), on hand-solved and seeded random cases."""

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voisins.networks.pooled_survival import (
    Row,
    km_from_life_table,
    log_rank_grouped,
    pool_life_tables,
)


def spells_to_table(spells):
    """[(months, ended)] → life table: an event or censoring in duration month m is at
    time m + 1."""
    rows = []
    at_risk = len(spells)
    for m in range(max((t for t, _e in spells), default=0)):
        d = sum(1 for t, e in spells if t == m + 1 and e)
        c = sum(1 for t, e in spells if t == m + 1 and not e)
        if at_risk:
            rows.append(Row(m, at_risk, d, c))
        at_risk -= d + c
    return rows


def random_spells(rng, n):
    return [(rng.randint(1, 30), rng.random() < 0.6) for _ in range(n)]


def test_a_hand_solved_curve():
    curve = km_from_life_table([Row(0, 4, 1, 0), Row(1, 3, 0, 1), Row(2, 2, 1, 1)])
    assert curve.survival == (1.0, 0.75, 0.375)
    assert curve.median_months == 3.0 and curve.n == 4 and curve.ended == 2
    assert [m.share for m in curve.milestones] == [0.375, None, None, None]


@pytest.mark.parametrize("seed", range(8))
def test_the_curve_is_lifelines_kaplan_meier(seed):
    from lifelines import KaplanMeierFitter

    rng = random.Random(seed)
    spells = random_spells(rng, rng.randint(5, 200))
    curve = km_from_life_table(spells_to_table(spells))
    fitter = KaplanMeierFitter().fit([t for t, _ in spells], [e for _, e in spells])
    for t, s, low, high in zip(curve.months, curve.survival, curve.lower, curve.upper,
                               strict=True):
        assert fitter.survival_function_at_times(t).iloc[0] == pytest.approx(s)
        band = fitter.confidence_interval_survival_function_
        at = band[band.index <= t].iloc[-1]
        if 0 < s < 1:
            assert at.iloc[0] == pytest.approx(low, abs=1e-9)
            assert at.iloc[1] == pytest.approx(high, abs=1e-9)
    median = fitter.median_survival_time_
    assert curve.median_months == (None if median == float("inf") else median)


@pytest.mark.parametrize("seed", range(8))
def test_the_test_is_lifelines_log_rank(seed):
    from lifelines.statistics import multivariate_logrank_test

    rng = random.Random(100 + seed)
    groups = {g: random_spells(rng, rng.randint(5, 80)) for g in "abc"[:rng.randint(2, 3)]}
    ours = log_rank_grouped({g: spells_to_table(s) for g, s in groups.items()})
    durations = [t for s in groups.values() for t, _ in s]
    events = [e for s in groups.values() for _, e in s]
    labels = [g for g, s in groups.items() for _ in s]
    theirs = multivariate_logrank_test(durations, labels, events)
    assert ours.statistic == pytest.approx(theirs.test_statistic)
    assert ours.p_value == pytest.approx(theirs.p_value)
    assert ours.degrees_of_freedom == len(groups) - 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(1, 12), st.booleans()), min_size=1,
                         max_size=30), min_size=1, max_size=6))
def test_pooling_cohorts_is_the_curve_of_all_their_matches(cohorts):
    """Adding the cohorts' life tables gives the curve of every match at once."""
    pooled = pool_life_tables(spells_to_table(c) for c in cohorts)
    together = spells_to_table([s for c in cohorts for s in c])
    assert km_from_life_table(pooled).survival == pytest.approx(
        km_from_life_table(together).survival)


def test_fewer_than_two_groups_or_no_event_has_no_test():
    assert log_rank_grouped({"a": [Row(0, 5, 1, 4)]}) is None
    assert log_rank_grouped({"a": [Row(0, 5, 0, 5)], "b": [Row(0, 5, 0, 5)]}) is None


def test_cohorts_whose_tables_list_different_months_pool_as_those_still_going():
    # Published tables list only the months in which something happened (aggregates'
    # _life_table): cohort A months 0 and 4, cohort B month 2. Read through the
    # dashboard's compact records, A's 3 matches still going after month 0 are at risk in
    # month 2 too, as pooling.pool_life_tables reads them.
    from voisins.networks import pooling, selectors

    def payload(rows):
        return {"matches": {"started": rows[0]["at_risk"], "ended": 0, "active_at_end": 0},
                "funnel": dict.fromkeys(selectors.FUNNEL, 0), "hours_given": "0",
                "persistence": rows, "outcomes": []}

    a = [{"month": 0, "at_risk": 4, "ended": 1, "censored": 0},
         {"month": 4, "at_risk": 3, "ended": 0, "censored": 3}]
    b = [{"month": 2, "at_risk": 2, "ended": 1, "censored": 1}]
    member = selectors.MemberFigures(member_id=1)
    member.add(date(2026, 1, 1), selectors.compact(payload(a)))
    member.add(date(2026, 2, 1), selectors.compact(payload(b)))
    expected = dict(pooling.km_from_life_table(pooling.pool_life_tables([a, b])).points)
    curve = km_from_life_table(member.life_table())
    # Events at the end of months 0 and 2 (times 1 and 3): S = 5/6, then 5/6 · (1 − 1/5),
    # not 5/6 · (1 − 1/2) as when A's matches were forgotten in month 2.
    assert curve.months[:3] == (0.0, 1.0, 3.0)
    assert curve.survival[:3] == pytest.approx((1.0, 5 / 6, 5 / 6 * 4 / 5))
    assert curve.survival[1:3] == pytest.approx((expected[0], expected[2]))
