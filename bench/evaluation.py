"""Benchmark of evaluation: a programme with 10,000 matches over 8 years.

Measures the dashboard page (target < 300 ms) and the PDF report (target < 10 s), cold
(first drawing of the charts) and warm (charts in the cache), on a fresh SQLite database
(or DATABASE_URL). Run: `.venv/bin/python bench/evaluation.py [--matches N]`; results go
in docs/benchmarks.md under "## Evaluation".
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
VAR = tempfile.mkdtemp(prefix="voisins-bench-evaluation-")
os.environ.setdefault("VOISINS_VAR_DIR", VAR)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matches", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    programme, user = build(args.matches, args.seed)

    from django.test import Client
    from django.urls import reverse

    from voisins.evaluation import reports, selectors

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = reverse("evaluation:dashboard", args=[programme.slug])
    timings = []
    for _ in range(6):
        start = time.perf_counter()
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    print(f"dashboard cold (first request, charts drawn): {timings[0] * 1000:.0f} ms")
    print(f"dashboard warm (median of 5): {statistics.median(timings[1:]) * 1000:.0f} ms")

    period = selectors.Period(date.today() - timedelta(days=365), date.today())
    for label in ("cold", "warm"):
        if label == "cold":
            from django.core.cache import cache

            cache.clear()
        start = time.perf_counter()
        report = reports.report_build(programme=programme, period=period, language="fr")
        pdf = reports.report_pdf(report)
        elapsed = time.perf_counter() - start
        print(f"PDF report {label}: {elapsed:.2f} s ({len(pdf) // 1024} KiB)")
    start = time.perf_counter()
    xlsx = reports.report_xlsx(report)
    print(f"XLSX report (figures already built): {time.perf_counter() - start:.2f} s "
          f"({len(xlsx) // 1024} KiB)")


def build(n: int, seed: int):
    """n matches over 8 years, families and volunteers across Brussels and Wallonia."""
    from django.db import transaction
    from django.utils import timezone

    from voisins.accounts.models import User
    from voisins.households.geocoding import find_postcode
    from voisins.households.models import FamilyHousehold, VolunteerHousehold
    from voisins.matches.models import Activity, Match, Proposal
    from voisins.programmes.constants import Role
    from voisins.programmes.services import membership_grant, programme_create

    rng = random.Random(seed)
    postcodes = ["1000", "1030", "1040", "1050", "1060", "1070", "1080", "1190", "1200",
                 "4000", "5000", "6000", "7000", "1300", "1348"]
    places = {p: find_postcode("BE", p) for p in postcodes}
    needs = ["homework", "paperwork", "french-conversation", "discover-area", "transport"]
    start = time.perf_counter()
    with transaction.atomic():
        programme = programme_create(name="Bench", slug="bench")
        user = User.objects.create_user(email="bench@example.org", password="x" * 12)
        membership_grant(user=user, programme=programme, role=Role.COORDINATOR)
        common = {"programme": programme, "languages": [{"code": "fr", "level": "fluent"}],
                  "availability": ["wed-pm"]}

        def place(i):
            p = places[postcodes[i % len(postcodes)]]
            return {"postcode": p.postcode, "locality": p.locality, "lat": p.lat, "lon": p.lon}

        families = FamilyHousehold.objects.bulk_create(
            [FamilyHousehold(**common, **place(i), reference=f"F{i}", contact_first_name="F",
                             status="ended", needs={rng.choice(needs): 3})
             for i in range(n)], batch_size=2000)
        volunteers = VolunteerHousehold.objects.bulk_create(
            [VolunteerHousehold(**common, **place(i * 7), reference=f"V{i}",
                                contact_first_name="V", status="available", offers=needs)
             for i in range(n // 2)], batch_size=2000)
        today = timezone.localdate()
        first = today - timedelta(days=8 * 365)
        proposals, plans = [], []
        for i, family in enumerate(families):
            volunteer = volunteers[i % len(volunteers)]
            started = first + timedelta(days=rng.randrange(8 * 365))
            ended = started + timedelta(days=int(rng.expovariate(1 / 420)))
            if ended > today or rng.random() < 0.1:
                ended = None
            proposals.append(Proposal(programme=programme, family=family, volunteer=volunteer,
                                      status="accepted", volunteer_answer="accepted",
                                      family_answer="accepted"))
            plans.append((started, ended))
        Proposal.objects.bulk_create(proposals, batch_size=2000)
        matches = Match.objects.bulk_create(
            [Match(programme=programme, proposal=p, family=p.family, volunteer=p.volunteer,
                   status="ended" if e else "active", started_on=s, ended_on=e,
                   end_reason="other" if e else "")
             for p, (s, e) in zip(proposals, plans, strict=True)], batch_size=2000)
        Activity.objects.bulk_create(
            [Activity(match=m, side="volunteer", category=rng.choice(needs),
                      done_on=m.started_on + timedelta(days=rng.randrange(60)))
             for m in matches for _ in range(2)], batch_size=5000)
    print(f"data: {n} matches, {n} families, {n // 2} volunteer households, {2 * n} "
          f"activities, built in {time.perf_counter() - start:.1f} s")
    return programme, user


if __name__ == "__main__":
    main()
