"""Demo data for a network's pages: a network, its members, and months of plausible
publications (hand-made aggregate figures in schema version 1), through the services only.

The merge wires it into `voisins demo`; the figures of local programmes can be replaced
by real ones (`aggregates.publish_local`) where that exists.
"""

from __future__ import annotations

import calendar
import random
from datetime import date
from typing import Any

from voisins.programmes.constants import NetworkRole

from . import services
from .models import Network, NetworkMember
from .schema import INDICATORS


def _months_back(until: date, months: int) -> list[date]:
    first = until.replace(day=1)
    out = []
    for i in range(months, 0, -1):
        index = first.year * 12 + first.month - 1 - i
        out.append(date(index // 12, index % 12 + 1, 1))
    return out


def payload_for(month: date, rng: random.Random, *, scale: int = 8, town: str = "",
                follow_months: int = 24) -> dict[str, Any]:
    """One month's plausible figures: about `scale` matches started, their life table
    followed up to `follow_months` months, outcomes every third month."""
    end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    started = rng.randint(max(0, scale - 4), scale + 4)
    rows, at_risk = [], started
    for m in range(follow_months):
        if not at_risk:
            break
        ended = min(at_risk, int(at_risk * rng.uniform(0.02, 0.08) + rng.random()))
        censored = at_risk - ended if m == follow_months - 1 else 0
        rows.append({"month": m, "at_risk": at_risk, "ended": ended, "censored": censored})
        at_risk -= ended + censored
    outcomes = []
    if month.month % 3 == 0:
        for indicator in INDICATORS:
            children = rng.randint(3, 3 * scale)
            start = round(children * rng.uniform(2.2, 3.0), 2)
            follow = round(children * rng.uniform(2.6, 3.8), 2)
            outcomes.append({"indicator": indicator, "wave": "m6", "children": children,
                             "start_total": f"{start:.2f}", "follow_total": f"{follow:.2f}",
                             "improved": rng.randint(0, children)})
    visited = rng.randint(2 * scale, 5 * scale)
    signed = rng.randint(scale, 2 * scale)
    screened = rng.randint(scale // 2, signed)
    trained = rng.randint(scale // 3, screened)
    return {
        "schema_version": 1, "period_start": month.isoformat(), "period_end": end.isoformat(),
        "measured_on": end.isoformat(), "town": town,
        "matches": {"started": started, "ended": rng.randint(0, scale // 2 + 1),
                    "active_at_end": rng.randint(3 * scale, 6 * scale)},
        "persistence": rows, "outcomes": outcomes,
        "funnel": {"visited": visited, "signed_up": signed, "screened": screened,
                   "trained": trained, "matched": rng.randint(0, trained)},
        "hours_given": f"{rng.uniform(20, 40) * scale:.2f}",
    }


def network_demo(*, programmes: list[Any], by: Any, until: date, name: str = "Réseau Voisins",
                 remote: tuple[str, str] | None = ("Voisins Liège", "Liège"),
                 named: tuple[bool, ...] = (True, False), months: int = 24, seed: int = 1,
                 viewer: Any = None) -> tuple[Network, list[NetworkMember]]:
    """A network started by `by`, joined by `programmes` (named as `named` says, in
    order), with a remote member, and `months` months of figures before `until`.

    Call it from the demo: ``network_demo(programmes=[north, south], by=coordinator,
    until=timezone.localdate())``.
    """
    rng = random.Random(seed)
    network = services.network_create(name=name, by=by)
    if viewer is not None:
        services.network_staff_set(network=network, user=viewer, role=NetworkRole.VIEWER)
    members = [services.member_join(network=network, programme=p, by=by,
                                    named=named[i] if i < len(named) else False)
               for i, p in enumerate(programmes)]
    if remote:
        members.append(services.remote_member_add(network=network, name=remote[0],
                                                  town=remote[1], by=by))
    towns = ["Bruxelles", "Namur", "Liège", "Gent", "Mons"]
    for i, member in enumerate(members):
        scale = 4 + 3 * i
        for month in _months_back(until, months):
            services.publication_store(member=member, payload=payload_for(
                month, rng, scale=scale, town=towns[i % len(towns)]))
    return network, members
