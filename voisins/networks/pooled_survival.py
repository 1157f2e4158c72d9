"""How long matches last, from grouped life tables (the curves the network's pages draw,
with their confidence band and milestones; main's `pooling.py` has the same estimator
without them): the Kaplan–Meier curve and the log-rank test of a network, computed from
what the programmes publish (per cohort, per whole month of duration: at risk, ended,
censored — `schema.LifeTableRow`), never from a match.

Durations are whole months. A match that ended in duration month ``m`` (0 = its first
month) is an event at the end of that month, time ``m + 1``; one last seen going in month
``m`` is censored at the same time and, as in lifelines and in most software, still
counted at risk at the events of that time. With that convention the curve and the test
are exactly those lifelines gives for the matches themselves (the tests compare them).

Nothing here imports Django.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from voisins.evaluation.survival import MILESTONE_MONTHS, Curve, LogRank, Milestone

Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Row:
    """One duration month of a (pooled) life table."""

    month: int
    at_risk: int
    ended: int
    censored: int


def pool_life_tables(tables: Iterable[Iterable[Mapping[str, int] | Row]]) -> list[Row]:
    """The sum of life tables, month by month (cohorts pool by adding their counts).

    Complexity: O(total rows + m log m), m the distinct months.

    >>> pool_life_tables([[{"month": 0, "at_risk": 3, "ended": 1, "censored": 0}],
    ...                   [Row(0, 2, 0, 2)]])
    [Row(month=0, at_risk=5, ended=1, censored=2)]
    """
    sums: dict[int, list[int]] = {}
    for table in tables:
        for row in table:
            if isinstance(row, Row):
                m, n, d, c = row.month, row.at_risk, row.ended, row.censored
            else:
                m, n, d, c = row["month"], row["at_risk"], row["ended"], row["censored"]
            cell = sums.setdefault(m, [0, 0, 0])
            cell[0] += n
            cell[1] += d
            cell[2] += c
    return [Row(m, *sums[m]) for m in sorted(sums)]


def km_from_life_table(rows: Sequence[Row], label: str = "") -> Curve:
    """The Kaplan–Meier curve of a grouped life table, with its 95 % band (Greenwood's
    variance on the log(−log) scale, as lifelines draws it).

    Parameters
    ----------
    rows : the life table, months increasing (`pool_life_tables` gives one).
    label : the curve's name.

    Returns
    -------
    Curve
        Time in months; ``n`` the matches at risk in month 0, ``ended`` the events;
        ``median_months`` the first time the curve is at or under one half.

    Notes
    -----
    O(m), m the rows.

    Examples
    --------
    >>> curve = km_from_life_table([Row(0, 4, 1, 0), Row(1, 3, 0, 1), Row(2, 2, 1, 1)])
    >>> curve.survival
    (1.0, 0.75, 0.375)
    >>> curve.median_months
    3.0
    """
    rows = [r for r in rows if r.at_risk > 0]
    n = rows[0].at_risk if rows and rows[0].month == 0 else sum(
        r.ended + r.censored for r in rows)
    months, survival, lower, upper = [0.0], [1.0], [1.0], [1.0]
    s, greenwood, median = 1.0, 0.0, None
    reached: dict[int, float] = {}
    for r in rows:
        if r.ended:
            s *= 1 - r.ended / r.at_risk
            if r.at_risk > r.ended:
                greenwood += r.ended / (r.at_risk * (r.at_risk - r.ended))
            low, high = _band(s, greenwood)
            months.append(float(r.month + 1))
            survival.append(s)
            lower.append(low)
            upper.append(high)
            if median is None and s <= 0.5:
                median = float(r.month + 1)
        reached[r.month + 1] = s
    followed = max(reached, default=0)
    milestones = []
    for m in MILESTONE_MONTHS:
        if followed < m:
            milestones.append(Milestone(m, None, None, None))
            continue
        i = max(j for j, t in enumerate(months) if t <= m)
        milestones.append(Milestone(m, survival[i], lower[i], upper[i]))
    if followed and months[-1] < followed:  # the curve runs on, flat, to the last seen
        months.append(float(followed))
        survival.append(survival[-1])
        lower.append(lower[-1])
        upper.append(upper[-1])
    return Curve(label=label, n=n, ended=sum(r.ended for r in rows), months=tuple(months),
                 survival=tuple(survival), lower=tuple(lower), upper=tuple(upper),
                 median_months=median, milestones=tuple(milestones))


def _band(s: float, greenwood: float) -> tuple[float, float]:
    if s <= 0 or s >= 1 or greenwood <= 0:
        return (s, s) if s <= 0 else (s, 1.0)
    log_s = math.log(s)
    spread = Z_95 * math.sqrt(greenwood) / abs(log_s)
    return s ** math.exp(spread), s ** math.exp(-spread)


def log_rank_grouped(groups: Mapping[str, Sequence[Row]]) -> LogRank | None:
    """The log-rank test that the groups' curves are the same, from their life tables.

    Parameters
    ----------
    groups : a life table per group (two or more).

    Returns
    -------
    LogRank or None
        χ² with k − 1 degrees of freedom and its p-value; None with fewer than two groups
        or no event.

    Notes
    -----
    O(m·k²) for m months and k groups (plus a k×k solve).

    Examples
    --------
    >>> test = log_rank_grouped({"a": [Row(0, 10, 5, 0)], "b": [Row(0, 10, 0, 10)]})
    >>> round(test.statistic, 3), test.degrees_of_freedom
    (6.333, 1)
    """
    import numpy as np
    from scipy.stats import chi2

    names = [g for g in groups if any(r.at_risk for r in groups[g])]
    if len(names) < 2:
        return None
    k = len(names)
    tables = [{r.month: r for r in groups[g]} for g in names]
    months = sorted({m for table in tables for m in table})
    observed_minus_expected = np.zeros(k)
    variance = np.zeros((k, k))
    events = 0
    for m in months:
        at_risk = np.array([t[m].at_risk if m in t else 0 for t in tables], dtype=float)
        ended = np.array([t[m].ended if m in t else 0 for t in tables], dtype=float)
        n, d = at_risk.sum(), ended.sum()
        if d == 0 or n == 0:
            continue
        events += d
        share = at_risk / n
        observed_minus_expected += ended - d * share
        if n > 1:
            scale = d * (n - d) / (n - 1)
            variance += scale * (np.diag(share) - np.outer(share, share))
    if events == 0:
        return None
    u, v = observed_minus_expected[:-1], variance[:-1, :-1]
    try:
        statistic = float(u @ np.linalg.solve(v, u))
    except np.linalg.LinAlgError:
        statistic = float(u @ np.linalg.pinv(v) @ u)
    df = k - 1
    return LogRank(statistic=statistic, p_value=float(chi2.sf(statistic, df)),
                   degrees_of_freedom=df)
