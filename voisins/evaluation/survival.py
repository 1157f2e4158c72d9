"""How long matches last: Kaplan–Meier curves and log-rank tests, computed by lifelines.

A match's duration runs from its start to its end; an ended match is an *event*, one still
active (or paused) is *censored* at today. Nothing here imports Django: the selectors turn
matches into `Spell`s and these functions turn spells into figures.
"""

from __future__ import annotations

import hashlib
import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

DAYS_PER_MONTH = 365.25 / 12
MILESTONE_MONTHS = (3, 6, 12, 24)
# A group smaller than this is neither drawn nor tested: too few matches say nothing, and
# in a small programme they could point at one family.
MIN_GROUP = 5


@dataclass(frozen=True)
class Spell:
    """One match: how many days it lasted (or has lasted so far), and whether it ended."""

    days: int
    ended: bool
    group: str = ""


@dataclass(frozen=True)
class Milestone:
    months: int
    share: float | None  # None when no match was followed that long
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class Curve:
    """A Kaplan–Meier curve with its 95 % confidence band, time in months."""

    label: str
    n: int
    ended: int
    months: tuple[float, ...]
    survival: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    median_months: float | None  # None while more than half are still going
    milestones: tuple[Milestone, ...]

    @property
    def active(self) -> int:
        return self.n - self.ended


@dataclass(frozen=True)
class LogRank:
    statistic: float
    p_value: float
    degrees_of_freedom: int


@dataclass(frozen=True)
class Comparison:
    """Curves of several groups, the log-rank test of their difference, and the groups left
    out because they were smaller than MIN_GROUP."""

    curves: tuple[Curve, ...]
    test: LogRank | None
    hidden: tuple[str, ...] = field(default_factory=tuple)


def fingerprint(spells: Sequence[Spell]) -> str:
    """A digest of the spells, in their order: equal for equal data, so that a fitted curve
    can be kept under it (see voisins.evaluation.caching).

    Notes
    -----
    O(n); about 1 ms for 10,000 spells (the durations are hashed as one block of bytes).
    """
    digest = hashlib.sha256()
    digest.update(array("q", [s.days * 2 + s.ended for s in spells]).tobytes())
    digest.update("\x1f".join(s.group for s in spells).encode())
    return digest.hexdigest()[:40]


def kaplan_meier(spells: Sequence[Spell], label: str = "", alpha: float = 0.05) -> Curve:
    """The Kaplan–Meier estimate of match duration.

    Parameters
    ----------
    spells : sequence of Spell
        At least one.
    label : str
        Name of the curve (a group, or the whole programme).
    alpha : float
        1 − confidence level of the band (lifelines' exponential Greenwood interval).

    Returns
    -------
    Curve
        Survival and band at each distinct duration (in months), the median duration, and
        the share still going at 3, 6, 12 and 24 months (None past the longest follow-up).

    Raises
    ------
    ValueError
        When `spells` is empty.

    Notes
    -----
    O(n log n) for n spells (lifelines sorts the durations).

    Examples
    --------
    >>> curve = kaplan_meier([Spell(30, True), Spell(60, False), Spell(90, True),
    ...                       Spell(120, False), Spell(150, True)])
    >>> [round(s, 3) for s in curve.survival]
    [1.0, 0.8, 0.8, 0.533, 0.533, 0.0]
    """
    if not spells:
        raise ValueError("no spells")
    from lifelines import KaplanMeierFitter

    fitter = KaplanMeierFitter(alpha=alpha)
    fitter.fit([s.days for s in spells], [s.ended for s in spells], label="s")
    timeline = fitter.survival_function_.index.to_numpy()
    survival = fitter.survival_function_["s"].to_numpy()
    band = fitter.confidence_interval_survival_function_.to_numpy()
    lower, upper = band[:, 0], band[:, 1]
    median = fitter.median_survival_time_
    longest = max(s.days for s in spells)
    milestones = []
    for months in MILESTONE_MONTHS:
        day = round(months * DAYS_PER_MONTH)
        if day > longest:
            milestones.append(Milestone(months, None, None, None))
            continue
        # The estimate holds from one event time to the next: take the last time <= day.
        i = int((timeline <= day).sum()) - 1
        milestones.append(Milestone(months, float(survival[i]), _finite(lower[i]),
                                    _finite(upper[i])))
    return Curve(
        label=label,
        n=len(spells),
        ended=sum(1 for s in spells if s.ended),
        months=tuple(float(t) / DAYS_PER_MONTH for t in timeline),
        survival=tuple(float(v) for v in survival),
        lower=tuple(_finite(v, 0.0) for v in lower),
        upper=tuple(_finite(v, 1.0) for v in upper),
        median_months=None if math.isinf(median) else float(median) / DAYS_PER_MONTH,
        milestones=tuple(milestones),
    )


def _finite(value: float, default: float | None = None) -> float | None:
    value = float(value)
    return default if math.isnan(value) else value


def log_rank(spells: Sequence[Spell]) -> LogRank | None:
    """The log-rank test that the groups of `spells` last alike (None with fewer than 2 groups).

    Notes
    -----
    lifelines' multivariate test: a χ² with (groups − 1) degrees of freedom; O(n log n).
    """
    groups = {s.group for s in spells}
    if len(groups) < 2:
        return None
    from lifelines.statistics import multivariate_logrank_test

    result = multivariate_logrank_test([s.days for s in spells], [s.group for s in spells],
                                       [s.ended for s in spells])
    return LogRank(float(result.test_statistic), float(result.p_value), len(groups) - 1)


def compare(spells: Iterable[Spell], order: Sequence[str] | None = None,
            min_group: int = MIN_GROUP) -> Comparison:
    """Kaplan–Meier curves per group and the log-rank test between the groups shown.

    Groups with fewer than `min_group` spells are left out of the curves and the test and
    named in ``hidden``. `order` fixes the order of the groups (default: sorted by name).
    """
    by_group: dict[str, list[Spell]] = {}
    for spell in spells:
        by_group.setdefault(spell.group, []).append(spell)
    names = list(order) if order is not None else sorted(by_group)
    names = [n for n in names if n in by_group] + sorted(set(by_group) - set(names))
    shown = [n for n in names if len(by_group[n]) >= min_group]
    hidden = tuple(n for n in names if len(by_group[n]) < min_group)
    curves = tuple(kaplan_meier(by_group[n], label=n) for n in shown)
    kept = [s for n in shown for s in by_group[n]]
    return Comparison(curves=curves, test=log_rank(kept), hidden=hidden)
