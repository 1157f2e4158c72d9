"""Benchmark: why a family waits, and whom to recruit, from the database (issue 16).

Uses the 10,000 × 10,000 programme of ``bench/pages.py`` (filled under var/bench-pages the
first time: a minute or so). For a sample of waiting families, times
``voisins.matches.waiting.family_waits`` (the households around the family read from the
database, the engine's answer, the answer in words), first with nothing kept (a new
process, an empty cache), then after a change to the pool (the engine's records of the
unchanged households kept, the index rebuilt), then again (the index is kept between
requests, never stale: its key is a digest of what was read), and the section of the
family's page through the test client (the whole stack); then
``voisins.matches.waiting.recruitment_gaps`` for the whole programme, in the same three states.

Each figure: median and best wall time, and the median CPU time of this process
(time.process_time: with SQLite it includes the database's work), and the ratio to the
baseline measured in the same process and the same rounds (the staff import page: the
same shell and access checks, no analysis). Targets: the section under 200 ms median, the
recruitment gaps under 1 s.

    .venv/bin/python bench/waiting_db.py [--families 15] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pages import SLUG, prepare  # noqa: E402  (sets Django up, as bench/pages.py)


def timed(call, rounds: int) -> dict[str, float]:
    """Median and best wall ms, median CPU ms of ``call()`` over ``rounds`` calls."""
    walls, cpus = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    return {"median": statistics.median(walls), "best": min(walls),
            "cpu": statistics.median(cpus)}


def line(label: str, m: dict[str, float], baseline: dict[str, float]) -> str:
    return (f"| {label} | {m['median']:.0f} | {m['best']:.0f} | {m['cpu']:.0f} | "
            f"{m['median'] / baseline['median']:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=15,
                        help="how many waiting families to ask about (default 15)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="rounds of each warm measure (default 5)")
    args = parser.parse_args()

    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from voisins.households.models import FamilyHousehold
    from voisins.matches import waiting
    from voisins.programmes.constants import Role
    from voisins.programmes.models import Membership

    settings.ALLOWED_HOSTS = ["*"]
    programme = prepare()
    coordinator = Membership.objects.filter(programme=programme,
                                            role=Role.COORDINATOR).first().user
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(coordinator)
    ids = list(FamilyHousehold.objects.filter(programme=programme, status="waiting")
               .order_by("id").values_list("id", flat=True))
    step = max(1, len(ids) // args.families)
    sample = list(FamilyHousehold.objects.filter(pk__in=ids[::step][:args.families])
                  .select_related("programme").order_by("id"))
    base_url = f"/staff/{SLUG}/import/"
    client.get(base_url)
    waiting.family_waits(sample[0])  # warm-up: imports, first calls
    waiting.recruitment_gaps(programme)

    baseline = timed(lambda: client.get(base_url), args.families)
    cold, warm, section = [], [], []
    def forget(records: bool = True) -> None:
        """Empty the cache and what this process keeps of it; the engine's records of
        unchanged households stay with ``records=False`` (the first question after a
        change to the pool)."""
        cache.clear()
        waiting._memo.clear()
        if records:
            waiting._made.clear()

    changed = []
    for family in sample:
        forget()
        cold.append(timed(lambda f=family: waiting.family_waits(f), 1))
        forget(records=False)
        changed.append(timed(lambda f=family: waiting.family_waits(f), 1))
        warm.append(timed(lambda f=family: waiting.family_waits(f), args.repeat))
        url = f"/staff/{SLUG}/families/{family.pk}/why-waiting/"
        section.append(timed(lambda u=url: client.get(u, HTTP_HX_REQUEST="true"), args.repeat))

    def summary(ms: list[dict[str, float]]) -> dict[str, float]:
        return {"median": statistics.median(m["median"] for m in ms),
                "best": min(m["best"] for m in ms),
                "cpu": statistics.median(m["cpu"] for m in ms)}

    forget()
    gaps_cold = timed(lambda: waiting.recruitment_gaps(programme), 1)
    forget(records=False)
    gaps_changed = timed(lambda: waiting.recruitment_gaps(programme), 1)
    gaps_warm = timed(lambda: waiting.recruitment_gaps(programme), args.repeat)
    forget()
    gaps_page = timed(lambda: client.get(f"/staff/{SLUG}/matching/gaps/"), args.repeat)
    load = os.getloadavg()
    gaps = waiting.recruitment_gaps(programme)
    print(f"\n{connection.vendor}, programme {SLUG!r} (10,000 families, 10,000 volunteer "
          f"households); {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} "
          f"{load[2]:.1f}; {timezone.now():%Y-%m-%d %H:%M} UTC\n")
    print("| measure | median ms | best ms | CPU ms | median × baseline |\n"
          "| --- | ---: | ---: | ---: | ---: |")
    print(line("baseline: the staff import page", baseline, baseline))
    print(line(f"why a family waits, nothing kept ({len(sample)} families)", summary(cold),
               baseline))
    print(line(f"why a family waits, after a change to the pool ({len(sample)} families)",
               summary(changed), baseline))
    print(line(f"why a family waits, again ({len(sample)} families × {args.repeat})",
               summary(warm), baseline))
    print(line("the family's why-waiting section (htmx request)", summary(section), baseline))
    print(line("whom to recruit, where: nothing kept", gaps_cold, baseline))
    print(line("whom to recruit, where: after a change", gaps_changed, baseline))
    print(line(f"whom to recruit, where: again (× {args.repeat})", gaps_warm, baseline))
    print(line(f"whom to recruit, where: the page (× {args.repeat}, the first with an empty cache)",
               gaps_page, baseline))
    print(f"\nGaps: {gaps['waiting']:,} waiting, {gaps['unmet']:,} without a household, "
          f"{len(gaps['lines'])} lines, {len(gaps['areas']):,} areas.")
    print("Targets: the section < 200 ms median; whom to recruit < 1 s.")


if __name__ == "__main__":
    main()
