"""Kaplan–Meier and the log-rank test from life tables (what a network pools) agree with
lifelines on the matches themselves, measured in whole months."""

import doctest
import random

import pytest
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test

from voisins.networks import pooling
from voisins.networks.pooling import (
    Row,
    km_from_life_table,
    log_rank_grouped,
    pool_life_tables,
)


def life_table(durations, ended):
    """The life table of spells given in whole months (what programme_month publishes)."""
    months = sorted(set(durations))
    rows = []
    for m in months:
        rows.append(Row(m, sum(1 for d in durations if d >= m),
                        sum(1 for d, e in zip(durations, ended, strict=True) if d == m and e),
                        sum(1 for d, e in zip(durations, ended, strict=True) if d == m and not e)))
    return rows


def test_the_docstring_examples_run():
    assert doctest.testmod(pooling).failed == 0


def test_a_hand_solved_table():
    # Ten matches: 2 end in month 0, 1 censored in month 1, 3 end and 1 censored in
    # month 3, the last 3 censored in month 5.
    rows = [Row(0, 10, 2, 0), Row(1, 8, 0, 1), Row(3, 7, 3, 1), Row(5, 3, 0, 3)]
    km = km_from_life_table(rows)
    # S(0) = 8/10; S(1) = 0.8; S(3) = 0.8 × 4/7 = 0.457142…; S(5) unchanged.
    assert [m for m, _ in km.points] == [0, 1, 3, 5]
    assert km.points[0][1] == pytest.approx(0.8)
    assert km.points[2][1] == pytest.approx(0.8 * 4 / 7)
    assert km.median == 3


def test_the_median_is_none_while_more_than_half_go_on():
    assert km_from_life_table([Row(0, 4, 1, 0), Row(2, 3, 0, 3)]).median is None


def test_pooling_reads_a_missing_month_as_those_still_going():
    # Cohort A lists months 0 and 4; cohort B only month 2. A's 3 matches still going
    # after month 0 are at risk in month 2 as well; B's 2 were at risk in month 0 (they
    # lasted longer), and none of them is left in month 4.
    pooled = pool_life_tables([[Row(0, 4, 1, 0), Row(4, 3, 0, 3)], [Row(2, 2, 1, 1)]])
    assert pooled == (Row(0, 6, 1, 0), Row(2, 5, 1, 1), Row(4, 3, 0, 3))


def test_a_contradictory_table_is_refused():
    with pytest.raises(ValueError, match="month 0"):
        km_from_life_table([Row(0, 1, 2, 0)])
    with pytest.raises(ValueError, match="increasing"):
        km_from_life_table([Row(1, 1, 0, 1), Row(0, 1, 0, 1)])
    with pytest.raises(ValueError, match="two groups"):
        log_rank_grouped([[Row(0, 1, 1, 0)]])


def test_a_hand_solved_log_rank():
    # Month 0: 4 at risk (2 + 2), 2 ended, both in group 1. E1 = 1, O1 − E1 = 1,
    # V = 2·2/3 · ½ · ½ = 1/3, χ² = 3.
    test = log_rank_grouped([[Row(0, 2, 2, 0)], [Row(0, 2, 0, 2)]])
    assert test.statistic == pytest.approx(3.0)
    assert test.degrees_of_freedom == 1
    assert test.p_value == pytest.approx(0.0832645, abs=1e-6)


def random_spells(rng, n):
    durations = [rng.randint(0, 30) for _ in range(n)]
    ended = [rng.random() < 0.6 for _ in range(n)]
    return durations, ended


@pytest.mark.parametrize("seed", range(12))
def test_kaplan_meier_matches_lifelines_on_random_cohorts(seed):
    rng = random.Random(seed)
    # Several cohorts (as several months of one programme, or several programmes),
    # pooled from their tables; lifelines fitted on all the spells at once.
    cohorts = [random_spells(rng, rng.randint(1, 60)) for _ in range(rng.randint(1, 6))]
    durations = [d for c in cohorts for d in c[0]]
    ended = [e for c in cohorts for e in c[1]]
    km = km_from_life_table(pool_life_tables([life_table(*c) for c in cohorts]))
    fitter = KaplanMeierFitter().fit(durations, ended)
    expected = fitter.survival_function_.iloc[:, 0]
    for month, survival in km.points:
        assert survival == pytest.approx(float(expected.loc[month]), abs=1e-12)
    median = fitter.median_survival_time_
    assert km.median == (None if median == float("inf") else int(median))


@pytest.mark.parametrize("seed", range(12))
def test_log_rank_matches_lifelines_on_random_groups(seed):
    rng = random.Random(100 + seed)
    groups = [random_spells(rng, rng.randint(2, 80)) for _ in range(rng.randint(2, 5))]
    ours = log_rank_grouped([life_table(*g) for g in groups])
    theirs = multivariate_logrank_test(
        [d for g in groups for d in g[0]],
        [i for i, g in enumerate(groups) for _ in g[0]],
        [e for g in groups for e in g[1]])
    assert ours.statistic == pytest.approx(float(theirs.test_statistic), rel=1e-9, abs=1e-9)
    assert ours.p_value == pytest.approx(float(theirs.p_value), rel=1e-9, abs=1e-12)
    assert ours.degrees_of_freedom == len(groups) - 1
