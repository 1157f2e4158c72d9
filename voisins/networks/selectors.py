"""Reads of networks: the networks, their staff and members, and the pooled figures of a
period — from `Publication` rows alone, never from a programme's records."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from voisins.programmes.models import Programme

from . import pooling
from .models import ClosedPeriod, Network, NetworkMember, NetworkStaff, Publication, PublishToken
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
    life_tables: list[list[dict]] = field(default_factory=list)
    town: str = ""


@dataclass
class Pooled:
    """The period's figures, per member and in total (counts as published: suppression is
    the report's)."""

    period: Period
    members: dict[int, MemberFigures]
    per_month: dict[date, dict[str, int]]

    def life_table(self, member_id: int | None = None) -> list[pooling.Row]:
        chosen = [self.members[member_id]] if member_id is not None else list(
            self.members.values())
        return pooling.pool_life_tables(t for m in chosen for t in m.life_tables)

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


def pooled(network: Network, period: Period) -> Pooled:
    """Add up what each member published for the months of `period`.

    Complexity: O(P·r) for P publications of r rows each (their life tables); one query.
    """
    members: dict[int, MemberFigures] = {}
    per_month = {m: dict.fromkeys(("started", "ended"), 0) for m in period.months}
    rows = publications(network, period).order_by("period_start").values_list(
        "member_id", "period_start", "payload")
    for member_id, month, payload in rows:
        figures = members.get(member_id)
        if figures is None:
            figures = members[member_id] = MemberFigures(member_id=member_id)
        add_payload(figures, month, payload)
        if month in per_month:
            per_month[month]["started"] += payload["matches"]["started"]
            per_month[month]["ended"] += payload["matches"]["ended"]
    return Pooled(period=period, members=members, per_month=per_month)


def add_payload(figures: MemberFigures, month: date, payload: dict) -> None:
    """Add one month's publication (a validated `schema.Aggregates` as JSON) to a
    member's figures."""
    matches = payload["matches"]
    figures.months += 1
    figures.started += matches["started"]
    figures.ended += matches["ended"]
    if figures.last_month is None or month >= figures.last_month:
        figures.last_month = month
        figures.active_at_end = matches["active_at_end"]
    funnel = payload["funnel"]
    for stage in FUNNEL:
        figures.funnel[stage] += funnel[stage]
    figures.hours += Decimal(str(payload["hours_given"]))
    for o in payload["outcomes"]:
        cell = figures.outcomes.setdefault((o["indicator"], o["wave"]),
                                           [0, Decimal(0), Decimal(0), 0])
        cell[0] += o["children"]
        cell[1] += Decimal(str(o["start_total"]))
        cell[2] += Decimal(str(o["follow_total"]))
        cell[3] += o["improved"]
    if payload["persistence"]:
        figures.life_tables.append(payload["persistence"])
    if payload.get("town"):
        figures.town = payload["town"]


def published_span(network: Network) -> Period | None:
    """The months from the first to the last any member published, or None."""
    rows = Publication.objects.filter(member__network=network)
    first = rows.order_by("period_start").values_list("period_start", flat=True).first()
    last = rows.order_by("-period_start").values_list("period_start", flat=True).first()
    return period_of(first, last) if first and last else None


INDICATOR_WAVES = [(i, w) for i in INDICATORS for w in WAVES]
