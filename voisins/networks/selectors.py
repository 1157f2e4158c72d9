"""Reads of networks: the networks, their staff and members, and the pooled figures of a
period — from `Publication` rows alone, never from a programme's records."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext as _

from voisins.programmes.models import Programme

from . import pooled_survival, pooling
from .models import (
    ClosedPeriod,
    Network,
    NetworkMember,
    NetworkStaff,
    PooledMonth,
    Publication,
    PublishToken,
)
from .schema import INDICATORS, WAVES

FUNNEL = ("visited", "signed_up", "screened", "trained", "matched")
MATCHES = ("started", "ended", "active_at_end")


def networks() -> QuerySet[Network]:
    """Every network of this instance (access narrows it)."""
    return Network.objects.all()


def staff_of(network: Network) -> QuerySet[NetworkStaff]:
    return network.staff.select_related("user").order_by("role", "user__email")


def staff_record(network: Network, pk: object) -> NetworkStaff | None:
    try:
        return network.staff.select_related("user").filter(pk=int(pk)).first()  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def members_of(network: Network) -> list[NetworkMember]:
    """Every member, present and past, in the order they joined (that order gives the
    letters of the programmes not named)."""
    return list(network.members.select_related("programme").order_by("joined_at", "pk"))


def member_record(network: Network, pk: object) -> NetworkMember | None:
    try:
        return network.members.select_related("programme").filter(pk=int(pk)).first()  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def tokens_of(network: Network) -> QuerySet[PublishToken]:
    return PublishToken.objects.filter(member__network=network).order_by("-created_at")


def token_record(network: Network, pk: object) -> PublishToken | None:
    try:
        return tokens_of(network).filter(pk=int(pk)).first()  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def closed_periods(network: Network) -> QuerySet[ClosedPeriod]:
    return network.closed_periods.order_by("-period_start")


def memberships_of(programme: Programme) -> QuerySet[NetworkMember]:
    """The programme's memberships still going."""
    return programme.network_memberships.filter(left_at__isnull=True).select_related(
        "network").order_by("network__name")


def networks_to_join(programme: Programme) -> QuerySet[Network]:
    """The networks of this instance the programme is not in."""
    return Network.objects.exclude(members__programme=programme,
                                   members__left_at__isnull=True).order_by("name")


def letter(index: int) -> str:
    """A, B, … Z, AA, AB…: the name of the index-th programme not named."""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def member_labels(members: Iterable[NetworkMember], *, names: bool = False) -> dict[int, str]:
    """How each member is shown: its name when it agreed to be named (or `names`, for
    the network coordinator's list of members), otherwise "programme A", "programme B"…
    by the order of joining, the same letter on every page and export."""
    labels = {}
    for i, member in enumerate(members):
        labels[member.pk] = member.display_name if (member.named or names) else _(
            "programme %(letter)s") % {"letter": letter(i)}
    return labels


# --- Periods --------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """Whole calendar months, from the first day of `start`'s month to the last of `end`'s."""

    start: date
    end: date

    @property
    def months(self) -> list[date]:
        out, month = [], self.start
        while month <= self.end:
            out.append(month)
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        return out


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def period_of(start: date, end: date) -> Period:
    return Period(start.replace(day=1), month_end(end))


def period_default(today: date) -> Period:
    """The last twelve full months before `today`'s month."""
    first = today.replace(day=1)
    end = date.fromordinal(first.toordinal() - 1)
    start = date(end.year, 1, 1) if end.month == 12 else date(end.year - 1, end.month + 1, 1)
    return period_of(start, end)


# --- Pooled figures ---------------------------------------------------------------------
#
# A month's publication is read into a *compact* record (lists of numbers, no keys), the
# form both paths share: straight from the publications, or from the network's
# `PooledMonth` rows that keep the compact records of every member for one month.

def compact(payload: dict) -> list:
    """One publication as [started, ended, active_at_end, [funnel…], hours, town,
    [at_risk…], [ended…], [censored…], [[indicator, wave, children, start_total,
    follow_total, improved]…]]; the life table dense from duration month 0."""
    matches, funnel = payload["matches"], payload["funnel"]
    # A published table lists only the months in which a match ended or was last seen; a
    # month it leaves out still has every match going then at risk (pooling.read_at_months).
    # Read densely so, cohorts add up month by month.
    rows = [pooling.Row(r["month"], r["at_risk"], r["ended"], r["censored"])
            for r in payload["persistence"]]
    read = pooling.read_at_months(rows, range(rows[-1].month + 1)) if rows else {}
    at_risk = [read[m].at_risk for m in sorted(read)]
    ended = [read[m].ended for m in sorted(read)]
    censored = [read[m].censored for m in sorted(read)]
    return [matches["started"], matches["ended"], matches["active_at_end"],
            [funnel[stage] for stage in FUNNEL], str(payload["hours_given"]),
            payload.get("town", ""), at_risk, ended, censored,
            [[o["indicator"], o["wave"], o["children"], str(o["start_total"]),
              str(o["follow_total"]), o["improved"]] for o in payload["outcomes"]]]


@dataclass
class MemberFigures:
    """What one member published for the months of the period, added up."""

    member_id: int
    months: int = 0
    started: int = 0
    ended: int = 0
    active_at_end: int = 0
    last_month: date | None = None
    funnel: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FUNNEL, 0))
    hours: Decimal = Decimal(0)
    # (indicator, wave) -> [children, start_total, follow_total, improved]
    outcomes: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    # the life table, summed over the cohorts: at risk, ended, censored per month
    life: list[list[int]] = field(default_factory=lambda: [[], [], []])
    town: str = ""

    def add(self, month: date, record: list) -> None:
        """Add one month's compact record."""
        started, ended, active, funnel, hours, town, *life, outcomes = record
        self.months += 1
        self.started += started
        self.ended += ended
        if self.last_month is None or month >= self.last_month:
            self.last_month = month
            self.active_at_end = active
            if town:
                self.town = town
        for stage, n in zip(FUNNEL, funnel, strict=True):
            self.funnel[stage] += n
        self.hours += Decimal(hours)
        for indicator, wave, children, start, follow, improved in outcomes:
            cell = self.outcomes.setdefault((indicator, wave), [0, Decimal(0), Decimal(0), 0])
            cell[0] += children
            cell[1] += Decimal(start)
            cell[2] += Decimal(follow)
            cell[3] += improved
        for total, values in zip(self.life, life, strict=True):
            if len(values) > len(total):
                total.extend([0] * (len(values) - len(total)))
            for m, n in enumerate(values):
                if n:
                    total[m] += n

    def life_table(self) -> list[pooled_survival.Row]:
        at_risk, ended, censored = self.life
        return [pooled_survival.Row(m, at_risk[m], ended[m], censored[m])
                for m in range(len(at_risk)) if at_risk[m]]


@dataclass
class Pooled:
    """The period's figures, per member and in total (counts as published: suppression is
    the report's)."""

    period: Period
    members: dict[int, MemberFigures]

    def life_table(self, member_id: int | None = None) -> list[pooled_survival.Row]:
        chosen = [self.members[member_id]] if member_id is not None else list(
            self.members.values())
        return pooled_survival.pool_life_tables(m.life_table() for m in chosen)

    def outcome(self, indicator: str, wave: str) -> list[Any]:
        total: list[Any] = [0, Decimal(0), Decimal(0), 0]
        for m in self.members.values():
            cell = m.outcomes.get((indicator, wave))
            if cell:
                for i in range(4):
                    total[i] += cell[i]
        return total


def publications(network: Network, period: Period) -> QuerySet[Publication]:
    """The publications of every member, present or past, for the months of `period`."""
    return Publication.objects.filter(member__network=network,
                                      period_start__gte=period.start,
                                      period_start__lte=period.end)


def _pool(period: Period, records: Iterable[tuple[int, date, list]]) -> Pooled:
    members: dict[int, MemberFigures] = {}
    for member_id, month, record in records:
        figures = members.get(member_id)
        if figures is None:
            figures = members[member_id] = MemberFigures(member_id=member_id)
        figures.add(month, record)
    return Pooled(period=period, members=members)


def pooled_from_publications(network: Network, period: Period) -> Pooled:
    """Add up what each member published for the months of `period`, from the
    publications themselves. O(P·r) for P publications of r rows; one query."""
    rows = publications(network, period).order_by("period_start").values_list(
        "member_id", "period_start", "payload")
    return _pool(period, ((member_id, month, compact(payload))
                          for member_id, month, payload in rows))


def month_states(network: Network, period: Period) -> dict[date, tuple[int, Any]]:
    """Per month of `period`: how many publications there are and when the latest came
    (what a `PooledMonth` must match to be current). One grouped query."""
    return {row["period_start"]: (row["n"], row["last"]) for row in publications(
        network, period).values("period_start").annotate(n=Count("pk"),
                                                         last=Max("received_at"))}


def stale_months(network: Network, period: Period) -> list[date]:
    """The months whose `PooledMonth` is missing or no longer matches the publications."""
    states = month_states(network, period)
    kept = {row.month: (row.publications, row.last_received) for row in
            PooledMonth.objects.filter(network=network, month__gte=period.start,
                                       month__lte=period.end).only(
                "month", "publications", "last_received")}
    return sorted(m for m in set(states) | set(kept) if states.get(m) != kept.get(m))


def month_records(network: Network, month: date) -> dict[str, list]:
    """The compact records of every member for `month`, by member id (as text, JSON)."""
    return {str(member_id): compact(payload) for member_id, payload in Publication.objects
            .filter(member__network=network, period_start=month)
            .values_list("member_id", "payload")}


def pooled(network: Network, period: Period) -> Pooled:
    """The period's figures from the network's `PooledMonth` rows (refresh them first:
    `services.pooled_months_refresh`). O(months × members × r); one query."""
    rows = PooledMonth.objects.filter(network=network, month__gte=period.start,
                                      month__lte=period.end).order_by("month").values_list(
        "month", "figures")
    return _pool(period, ((int(member_id), month, record) for month, figures in rows
                          for member_id, record in figures.items()))


def published_span(network: Network) -> Period | None:
    """The months from the first to the last any member published, or None."""
    rows = Publication.objects.filter(member__network=network)
    first = rows.order_by("period_start").values_list("period_start", flat=True).first()
    last = rows.order_by("-period_start").values_list("period_start", flat=True).first()
    return period_of(first, last) if first and last else None


INDICATOR_WAVES = [(i, w) for i in INDICATORS for w in WAVES]
