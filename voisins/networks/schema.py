"""The aggregate figures a programme publishes to its network: schema version 1.

This is the whole of what a network ever learns about a programme: counts and sums over
one calendar month, never a record of a household. A programme of this instance writes it
into `Publication` itself (the worker, every night); a programme on another instance sends
it to `POST /api/v1/networks/publications` with a token scoped to "publish aggregates".
A publication with any field outside this schema is refused (`extra="forbid"`), and so is
one whose figures contradict each other (`_consistent`).

Counts under 5 are published as they are and suppressed where they are shown (the
network's dashboard, PDF and XLSX): pooled figures must be able to add up small programmes.

Periods are calendar months, so that any span of months can be pooled by adding up:

- `matches`: matches that started, ended, and were going on at the month's end;
- `persistence`: the life table of the matches that *started* in the month (their cohort),
  by whole months of duration (30.4375 days), as on `measured_on`: per duration month,
  how many were still going at its start (`at_risk`), how many ended in it (`ended`), and
  how many were last seen going in it (`censored`). Kaplan–Meier and the log-rank test of
  the network are computed from these grouped counts;
- `outcomes`: children's answers on the seven IMMERSE indicators for follow-up waves
  answered in the month, as sums (so means pool exactly) and the count of children whose
  answer went up;
- `funnel`: volunteer households reached in the month and how far they went since;
- `hours_given`: hours volunteers recorded for activities in the month (two decimals).
"""

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = 1
INDICATORS = ("identity", "academic", "language", "happiness", "belonging", "bridges",
              "support")
WAVES = ("m6", "m12")
MAX_DURATION_MONTHS = 600
Count = Field(ge=0, le=10_000_000)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Matches(_Strict):
    started: int = Count
    ended: int = Count
    active_at_end: int = Count


class LifeTableRow(_Strict):
    month: int = Field(ge=0, le=MAX_DURATION_MONTHS)
    at_risk: int = Count
    ended: int = Count
    censored: int = Count


class Outcome(_Strict):
    indicator: Literal[INDICATORS]  # type: ignore[valid-type]
    wave: Literal[WAVES]  # type: ignore[valid-type]
    children: int = Count
    start_total: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    follow_total: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    improved: int = Count


class Funnel(_Strict):
    visited: int = Count
    signed_up: int = Count
    screened: int = Count
    trained: int = Count
    matched: int = Count


class Aggregates(_Strict):
    """One programme's figures for one calendar month (see the module's docstring)."""

    schema_version: Literal[1]
    period_start: date
    period_end: date
    measured_on: date
    town: str = Field(default="", max_length=120)
    matches: Matches
    persistence: list[LifeTableRow] = Field(max_length=MAX_DURATION_MONTHS + 1)
    outcomes: list[Outcome] = Field(max_length=len(INDICATORS) * len(WAVES))
    funnel: Funnel
    hours_given: Decimal = Field(ge=0, max_digits=12, decimal_places=2)

    @model_validator(mode="after")
    def _consistent(self) -> "Aggregates":
        start, end = self.period_start, self.period_end
        if start.day != 1 or end.month != start.month or end.year != start.year or (
                date.fromordinal(end.toordinal() + 1).day != 1):
            raise ValueError("period_start and period_end must be the first and last day "
                             "of one calendar month")
        if self.measured_on < start:
            raise ValueError("measured_on comes before the period")
        months = [row.month for row in self.persistence]
        if months != sorted(set(months)):
            raise ValueError("persistence: months must be increasing, each once")
        if self.persistence and self.persistence[0].at_risk != self.matches.started:
            raise ValueError("persistence: at_risk of the first month must equal "
                             "matches.started")
        for before, after in zip(self.persistence, self.persistence[1:], strict=False):
            if after.at_risk > before.at_risk - before.ended - before.censored:
                raise ValueError(f"persistence: at_risk of month {after.month} exceeds "
                                 "those still going")
        for row in self.persistence:
            if row.ended + row.censored > row.at_risk:
                raise ValueError(f"persistence: month {row.month} ends or censors more "
                                 "matches than were at risk")
        cells = [(o.indicator, o.wave) for o in self.outcomes]
        if len(cells) != len(set(cells)):
            raise ValueError("outcomes: each indicator and wave at most once")
        for o in self.outcomes:
            if o.improved > o.children:
                raise ValueError(f"outcomes: {o.indicator} counts more improved than "
                                 "children")
        f = self.funnel
        if not (f.signed_up >= f.screened >= f.trained >= f.matched):
            raise ValueError("funnel: each stage counts at most the one before")
        return self
