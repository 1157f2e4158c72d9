"""Benchmark of a network's dashboard: 100 programmes × 120 months of publications, about
1,000,000 matches in their counts.

Target: the dashboard under 1 s from precomputed aggregates (`PooledMonth`), the default
period (12 months) and the whole history (120 months); pooling everything again from the
publications under 30 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/voisins_network_bench \\
        .venv/bin/python bench/network_dashboard.py [--programmes 100] [--months 120]

The database (a fresh SQLite file, or the PostgreSQL database of DATABASE_URL, emptied
first) gets one network, 100 member programmes (remote ones: the network never reads a
programme's records), and a publication per programme and month (bulk_create): about 83
matches started per programme and month, each month's cohort with its life table as
measured at the end of the history (so the oldest cohorts have 120 rows), outcomes and
funnel. Pages go through Django's test client (middleware, access, queries, template,
charts). Figures: wall and CPU time of this process, and a ratio against a baseline in the
same process: the dashboard of a network with one member and one month.
Results go in docs/benchmarks.md under "## Network dashboard".
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("VOISINS_VAR_DIR", tempfile.mkdtemp(prefix="voisins-bench-network-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


class Clock:
    def __enter__(self) -> "Clock":
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def show(label: str, clocks: list, baseline: float | None = None) -> float:
    wall = statistics.median(c.wall for c in clocks)
    cpu = statistics.median(c.cpu for c in clocks)
    ratio = f"  ×{wall / baseline:.1f} baseline" if baseline else ""
    print(f"{label:<62} {wall * 1000:8.0f} ms wall {cpu * 1000:8.0f} ms CPU{ratio}")
    return wall


def months_back(end: date, n: int) -> list[date]:
    index = end.year * 12 + end.month - 1
    return [date((index - i) // 12, (index - i) % 12 + 1, 1) for i in range(n - 1, -1, -1)]


def build(programmes: int, months: int, seed: int):
    """The network, its members and their publications, written with bulk_create."""
    from django.contrib.auth import get_user_model

    from voisins.networks import services
    from voisins.networks.demo import payload_for
    from voisins.networks.models import Publication

    user = get_user_model().objects.create_user(email="bench@example.org", password="x")
    network = services.network_create(name="Réseau banc d'essai", by=user)
    small = services.network_create(name="Petit réseau", by=user)
    members = [services.remote_member_add(network=network, name=f"Programme {i:03d}",
                                          town=f"Ville {i % 40}", by=user, named=i % 2 == 0)
               for i in range(programmes)]
    rng = random.Random(seed)
    calendar = months_back(date(2026, 11, 1), months)
    last = calendar[-1]
    matches = 0
    rows = []
    for member in members:
        for month in calendar:
            follow = (last.year - month.year) * 12 + last.month - month.month + 1
            payload = payload_for(month, rng, scale=83, town=member.remote_town,
                                  follow_months=follow)
            payload["measured_on"] = "2026-11-30"
            matches += payload["matches"]["started"]
            rows.append(Publication(member=member, period_start=month,
                                    period_end=date.fromisoformat(payload["period_end"]),
                                    schema_version=1, payload=payload))
        if len(rows) >= 2000:
            Publication.objects.bulk_create(rows)
            rows = []
    Publication.objects.bulk_create(rows)
    one = services.remote_member_add(network=small, name="Seul", by=user)
    services.publication_store(member=one, payload=payload_for(last, rng, scale=83,
                                                              follow_months=1))
    return network, small, user, matches, calendar


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--programmes", type=int, default=100)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from voisins.networks import reports, selectors, services
    from voisins.networks.models import PooledMonth

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    with Clock() as made:
        network, small, user, matches, calendar = build(args.programmes, args.months,
                                                        args.seed)
    load = os.getloadavg()
    print(f"database: {connection.vendor}; load average {load[0]:.1f} {load[1]:.1f} "
          f"{load[2]:.1f}; {os.cpu_count()} CPUs")
    print(f"{args.programmes} programmes × {args.months} months: "
          f"{args.programmes * args.months:,} publications, {matches:,} matches started "
          f"(written in {made.wall:.1f} s)\n")

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    start, end = calendar[-12], calendar[-1]
    year = {"start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"}
    whole = {"start": f"{calendar[0]:%Y-%m}", "end": f"{end:%Y-%m}"}

    def get(net, params):
        with Clock() as clock:
            response = client.get(reverse("networks:dashboard", args=[net.slug]), params,
                                  HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 200, response.status_code
        return clock

    get(small, year)  # imports, templates and the chart code loaded once
    baseline = show("baseline: a network of 1 programme × 1 month (page)",
                    [get(small, year) for _ in range(args.repeat)])

    period_all = selectors.period_of(calendar[0], end)
    with Clock() as pooling:
        services.pooled_months_refresh(network=network, start=calendar[0], end=end)
    print(f"{'pool every month into PooledMonth (the worker, once)':<62} "
          f"{pooling.wall * 1000:8.0f} ms wall {pooling.cpu * 1000:8.0f} ms CPU  "
          f"({PooledMonth.objects.filter(network=network).count()} rows)")
    show("dashboard, last 12 months, first view (charts drawn)", [get(network, year)],
         baseline)
    show("dashboard, last 12 months (precomputed, charts cached)",
         [get(network, year) for _ in range(args.repeat)], baseline)
    show("dashboard, 120 months, first view (charts drawn)", [get(network, whole)],
         baseline)
    show("dashboard, 120 months (precomputed, charts cached)",
         [get(network, whole) for _ in range(args.repeat)], baseline)

    def recompute():
        with Clock() as clock:
            fresh = selectors.pooled_from_publications(network, period_all)
            report = reports.report_build(network=network, period=period_all,
                                          language="fr", pooled=fresh)
            report.figures()
        return clock, report

    clock, recomputed = recompute()
    show("recompute 120 months from the 12,000 publications (no page)", [clock], baseline)
    kept = reports.report_build(network=network, period=period_all, language="fr")
    assert kept.figures() == recomputed.figures(), "precomputed and recomputed differ"
    print("\nprecomputed and recomputed figures agree "
          f"({len(kept.figures())} figures compared)")
    overall = kept.overall
    print(f"pooled: {overall.n:,} matches in the curve, median "
          f"{overall.median_months} months; log-rank over {len(kept.curves)} programmes: "
          f"χ² = {kept.test.statistic:.1f}")


if __name__ == "__main__":
    main()
