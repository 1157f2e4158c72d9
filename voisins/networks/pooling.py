"""Persistence from grouped counts: Kaplan–Meier and the log-rank test on life tables.

A network never sees a programme's matches, only the life tables each programme publishes
(`schema.LifeTableRow`: per whole month of duration, how many matches were still going at
its start, how many ended in it, how many were last seen going in it). Grouped by month,
these are exactly the numbers Kaplan–Meier and the log-rank test need, so the network's
figures equal what the programmes would compute on their matches measured in whole months
(`tests/networks/test_pooling.py` checks it against lifelines).

Pure Python and numpy/scipy: no Django, so the pages, the PDF and the benchmark share it.

Conventions (lifelines' own, so that the two agree): a match that ended in month m and
one censored in month m were both at risk in month m; the survival after month m is
S(m) = Π_{j ≤ m} (1 − ended_j / at_risk_j); the median is the first month where S ≤ 0.5.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from scipy.stats import chi2

__all__ = ["Row", "KaplanMeier", "LogRank", "pool_life_tables", "km_from_life_table",
           "log_rank_grouped", "read_at_months"]


@dataclass(frozen=True)
class Row:
    """One month of a life table (the plain form of `schema.LifeTableRow`)."""

    month: int
    at_risk: int
    ended: int
    censored: int


class KaplanMeier(NamedTuple):
    """Survival after each month of the table, and the median duration in months."""

    points: tuple[tuple[int, float], ...]  # (month, survival after that month)
    median: int | None  # None while more than half are still going


class LogRank(NamedTuple):
    statistic: float
    p_value: float
    degrees_of_freedom: int


def _as_row(row: Any) -> Row:
    if isinstance(row, Row):
        return row
    if isinstance(row, Mapping):
        return Row(int(row["month"]), int(row["at_risk"]), int(row["ended"]),
                   int(row["censored"]))
    return Row(int(row.month), int(row.at_risk), int(row.ended), int(row.censored))


def _check(rows: Sequence[Row]) -> None:
    months = [r.month for r in rows]
    if months != sorted(set(months)):
        raise ValueError("life table: months must be increasing, each once")
    for r in rows:
        if min(r.month, r.at_risk, r.ended, r.censored) < 0:
            raise ValueError(f"life table: negative count in month {r.month}")
        if r.ended + r.censored > r.at_risk:
            raise ValueError(f"life table: month {r.month} ends or censors more than "
                             "were at risk")


def read_at_months(rows: Sequence[Row], months: Sequence[int]) -> dict[int, Row]:
    """The table read at every month of `months`: a month the table does not list had no
    ending and no censoring, and as many at risk as were still going after the month
    before it (all of the first row's before the first row)."""
    out: dict[int, Row] = {}
    i = 0
    still = rows[0].at_risk if rows else 0
    for m in months:
        while i < len(rows) and rows[i].month < m:
            still = rows[i].at_risk - rows[i].ended - rows[i].censored
            i += 1
        if i < len(rows) and rows[i].month == m:
            out[m] = rows[i]
        else:
            out[m] = Row(m, still, 0, 0)
    return out


def pool_life_tables(tables: Iterable[Iterable[Any]]) -> tuple[Row, ...]:
    """Add up life tables month by month (several cohorts, several programmes).

    Parameters
    ----------
    tables : iterable of life tables
        Each a sequence of rows (`Row`, `schema.LifeTableRow` or mappings with `month`,
        `at_risk`, `ended`, `censored`), months increasing.

    Returns
    -------
    tuple of Row
        One row per month listed by any table, months increasing.

    Raises
    ------
    ValueError
        A table whose months are not increasing or whose counts contradict each other.

    Notes
    -----
    O(T · M) for T tables over M distinct months.

    Examples
    --------
    >>> pool_life_tables([[Row(0, 3, 1, 0), Row(1, 2, 0, 2)], [Row(1, 4, 4, 0)]])
    (Row(month=0, at_risk=7, ended=1, censored=0), Row(month=1, at_risk=6, ended=4, censored=2))
    """
    parsed = [[_as_row(r) for r in table] for table in tables]
    for rows in parsed:
        _check(rows)
    months = sorted({r.month for rows in parsed for r in rows})
    total = {m: [0, 0, 0] for m in months}
    for rows in parsed:
        if not rows:
            continue
        for m, r in read_at_months(rows, months).items():
            t = total[m]
            t[0] += r.at_risk
            t[1] += r.ended
            t[2] += r.censored
    return tuple(Row(m, *total[m]) for m in months)


def km_from_life_table(rows: Iterable[Any]) -> KaplanMeier:
    """The Kaplan–Meier estimate from a (pooled) life table.

    Parameters
    ----------
    rows : iterable of rows
        `Row`, `schema.LifeTableRow` or mappings, months increasing (pool several tables
        with `pool_life_tables` first).

    Returns
    -------
    KaplanMeier
        ``points``: (month, survival after that month) for every month of the table with
        anyone at risk; ``median``: the first month where survival is at most 0.5, None if
        it never falls that low.

    Raises
    ------
    ValueError
        A table whose months are not increasing or whose counts contradict each other.

    Notes
    -----
    O(M) for M months. Equal to lifelines' `KaplanMeierFitter` on the matches' durations in
    whole months (ties: those ended and those censored in a month were both at risk in it).

    Examples
    --------
    Five matches: one ended in month 0, one censored in month 1, two ended in month 2 and
    one was still going in month 3 when last seen:

    >>> km = km_from_life_table([Row(0, 5, 1, 0), Row(1, 4, 0, 1), Row(2, 3, 2, 0),
    ...                          Row(3, 1, 0, 1)])
    >>> [(m, round(s, 4)) for m, s in km.points]
    [(0, 0.8), (1, 0.8), (2, 0.2667), (3, 0.2667)]
    >>> km.median
    2
    """
    table = pool_life_tables([list(rows)])
    survival = 1.0
    points: list[tuple[int, float]] = []
    median: int | None = None
    for r in table:
        if r.at_risk == 0:
            continue
        survival *= 1.0 - r.ended / r.at_risk
        points.append((r.month, survival))
        if median is None and survival <= 0.5:
            median = r.month
    return KaplanMeier(tuple(points), median)


def log_rank_grouped(tables: Sequence[Iterable[Any]]) -> LogRank:
    """The log-rank test that several groups last alike, from their life tables.

    Parameters
    ----------
    tables : sequence of life tables
        One per group (a programme, or several of its cohorts pooled), at least two.

    Returns
    -------
    LogRank
        The χ² statistic with (groups − 1) degrees of freedom and its p-value.

    Raises
    ------
    ValueError
        Fewer than two groups, or a table that contradicts itself.

    Notes
    -----
    The Mantel–Haenszel form with the hypergeometric variance for ties, as lifelines'
    `multivariate_logrank_test` (and its pseudo-inverse, for groups without events):
    O(G² · M) for G groups over M months.

    Examples
    --------
    Two groups of two; in the first both end in month 0, in the second both go on:

    >>> test = log_rank_grouped([[Row(0, 2, 2, 0)], [Row(0, 2, 0, 2)]])
    >>> round(test.statistic, 4), round(test.p_value, 4), test.degrees_of_freedom
    (3.0, 0.0833, 1)
    """
    if len(tables) < 2:
        raise ValueError("the log-rank test needs at least two groups")
    groups = [pool_life_tables([list(t)]) for t in tables]
    months = sorted({r.month for rows in groups for r in rows})
    if not months:
        return LogRank(0.0, 1.0, len(groups) - 1)
    read = [read_at_months(rows, months) if rows else {m: Row(m, 0, 0, 0) for m in months}
            for rows in groups]
    n = np.array([[read[g][m].at_risk for m in months] for g in range(len(groups))],
                 dtype=float)
    d = np.array([[read[g][m].ended for m in months] for g in range(len(groups))],
                 dtype=float)
    n_all, d_all = n.sum(axis=0), d.sum(axis=0)
    keep = n_all > 0
    n, d, n_all, d_all = n[:, keep], d[:, keep], n_all[keep], d_all[keep]
    share = n / n_all
    observed_minus_expected = (d - share * d_all).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        tie = np.where(n_all > 1, d_all * (n_all - d_all) / (n_all - 1), 0.0)
    k = len(groups)
    variance = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            delta = 1.0 if i == j else 0.0
            variance[i, j] = (tie * share[i] * (delta - share[j])).sum()
    z = observed_minus_expected[:-1]
    statistic = float(z @ np.linalg.pinv(variance[:-1, :-1]) @ z)
    statistic = max(statistic, 0.0)
    return LogRank(statistic, float(chi2.sf(statistic, k - 1)), k - 1)
