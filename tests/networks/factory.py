"""Hand-made publications for the network's tests: payloads in schema version 1."""

from __future__ import annotations

import calendar
import random
from datetime import date

from voisins.networks import services
from voisins.networks.schema import INDICATORS


def month_payload(month: date, *, started: int = 0, ended: int = 0, active: int = 0,
                  table: list[tuple[int, int, int]] | None = None,
                  outcomes: list[dict] | None = None, funnel: tuple = (0, 0, 0, 0, 0),
                  hours: str = "0.00", town: str = "") -> dict:
    """One month's payload; `table` is [(ended, censored)] per duration month from 0, the
    at-risk counts derived from `started`."""
    end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    rows, at_risk = [], started
    for m, (d, c) in enumerate(table or ([(0, started)] if started else [])):
        rows.append({"month": m, "at_risk": at_risk, "ended": d, "censored": c})
        at_risk -= d + c
    visited, signed, screened, trained, matched = funnel
    return {"schema_version": 1, "period_start": month.isoformat(),
            "period_end": end.isoformat(), "measured_on": end.isoformat(), "town": town,
            "matches": {"started": started, "ended": ended, "active_at_end": active},
            "persistence": rows, "outcomes": outcomes or [],
            "funnel": {"visited": visited, "signed_up": signed, "screened": screened,
                       "trained": trained, "matched": matched},
            "hours_given": hours}


def random_table(rng: random.Random, started: int, months: int) -> list[tuple[int, int]]:
    """A life table of `started` matches followed `months` months at most."""
    left, table = started, []
    for m in range(months):
        if not left:
            break
        d = rng.randint(0, left // 3)
        c = left - d if m == months - 1 else rng.randint(0, (left - d) // 4)
        table.append((d, c))
        left -= d + c
    if left and table:
        d, c = table[-1]
        table[-1] = (d, c + left)
    return table


def publish_year(member, year: int, *, seed: int, scale: int = 10, town: str = "") -> None:
    """Twelve months of plausible figures for `member`."""
    rng = random.Random(seed)
    for month in range(1, 13):
        started = rng.randint(0, scale)
        outcomes = [{"indicator": i, "wave": "m6", "children": scale,
                     "start_total": f"{scale * 2.5:.2f}", "follow_total": f"{scale * 3.1:.2f}",
                     "improved": scale // 2} for i in INDICATORS] if month % 3 == 0 else []
        services.publication_store(member=member, payload=month_payload(
            date(year, month, 1), started=started, ended=rng.randint(0, scale // 2),
            active=rng.randint(scale, 4 * scale),
            table=random_table(rng, started, 13 - month) if started else None,
            outcomes=outcomes, funnel=(scale * 3, scale * 2, scale, scale, scale // 2),
            hours=f"{rng.randint(0, 400)}.50", town=town))
