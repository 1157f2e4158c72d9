"""Benchmark of evaluation: a programme with 10,000 matches over 8 years.

Targets: the dashboard renders in under 300 ms and the PDF report in under 10 s.

    .venv/bin/python bench/evaluation.py [--matches N] [--repeat R]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/voisins_eval_bench \\
        .venv/bin/python bench/evaluation.py

The database (a fresh SQLite file, or the PostgreSQL database of DATABASE_URL, emptied
first) gets 10,000 matches started over 8 years, 10,000 families, 5,000 volunteer
households and 20,000 activities. Pages go through Django's test client: middleware,
access checks, queries, template. Every figure is printed as wall time and CPU time of
this process, and as a ratio against a baseline measured in the same process: the same
dashboard for a programme with no data at all (same middleware, template and queries,
nothing to count or draw).

The cache is a file cache in the benchmark's temporary directory: it stands in for the
shared Redis of a deployment, so that a second process can find what the first one left
(the "new process" lines). Results go in docs/benchmarks.md under "## Evaluation".
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if "VOISINS_VAR_DIR" not in os.environ:  # the child process reuses its parent's
    os.environ["VOISINS_VAR_DIR"] = tempfile.mkdtemp(prefix="voisins-bench-evaluation-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
VAR = Path(os.environ["VOISINS_VAR_DIR"])
HEAVY = ("lifelines", "pandas", "matplotlib", "weasyprint")


def setup() -> None:
    import django
    from django.conf import settings

    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR / "cache")}}
    django.setup()
    settings.ALLOWED_HOSTS = ["*"]
    # WeasyPrint logs every step at INFO; the benchmark's own lines are enough.
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)


class Clock:
    """Wall and CPU time of a block, in seconds."""

    def __enter__(self) -> "Clock":
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def timed_get(client, url: str, **params: str) -> Clock:
    with Clock() as clock:
        response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200, response.status_code
    return clock


def median(clocks: list[Clock]) -> tuple[float, float]:
    return (statistics.median(c.wall for c in clocks), statistics.median(c.cpu for c in clocks))


def show(label: str, wall: float, cpu: float, baseline: float | None = None,
         unit: str = "ms") -> None:
    scale = 1000 if unit == "ms" else 1
    ratio = f"  ×{wall / baseline:.1f} baseline" if baseline else ""
    print(f"{label:<58} {wall * scale:8.{0 if unit == 'ms' else 2}f} {unit} wall "
          f"{cpu * scale:8.{0 if unit == 'ms' else 2}f} {unit} CPU{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matches", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup()
    if args.child:
        return child()

    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    cache.clear()  # the benchmark's own file cache, nothing shared
    programme, empty, user = build(args.matches, args.seed)
    print(f"database: {connection.vendor}; load average {os.getloadavg()[0]:.1f} "
          f"{os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}; {os.cpu_count()} CPUs\n")

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = reverse("evaluation:dashboard", args=[programme.slug])
    empty_url = reverse("evaluation:dashboard", args=[empty.slug])

    cold = timed_get(client, url)
    imported = [m for m in HEAVY if m in sys.modules]
    for _ in range(2):
        timed_get(client, empty_url)
    baseline, baseline_cpu = median([timed_get(client, empty_url) for _ in range(args.repeat)])
    warm = median([timed_get(client, url) for _ in range(args.repeat)])

    # A match ends today: new spells, so the curve is refitted and two charts redrawn.
    from django.utils import timezone

    from voisins.matches.models import Match

    today = timezone.localdate()
    match = Match.objects.filter(programme=programme, started_on__gte=today - timedelta(
        days=300)).exclude(status="ended").order_by("id").first()
    Match.objects.filter(pk=match.pk).update(status="ended", ended_on=today,
                                             end_reason="other")
    changed = timed_get(client, url)
    history_cold = timed_get(client, url, start="", end="")
    history = median([timed_get(client, url, start="", end="") for _ in range(args.repeat)])

    show("baseline: dashboard of an empty programme (median)", baseline, baseline_cpu)
    show("dashboard, first request of the process (empty cache)", cold.wall, cold.cpu,
         baseline)
    print(f"    imported on the way: {', '.join(imported) or 'nothing heavy'}")
    show(f"dashboard, last 12 months (median of {args.repeat})", *warm, baseline)
    show("dashboard after a match ended (curve refitted, 2 charts)", changed.wall,
         changed.cpu, baseline)
    show("dashboard, all 8 years, first time", history_cold.wall, history_cold.cpu, baseline)
    show(f"dashboard, all 8 years (median of {args.repeat})", *history, baseline)

    from voisins.evaluation import reports, selectors

    period = selectors.default_period()
    for label in ("cold (empty cache)", "warm (figures and charts cached)"):
        if label.startswith("cold"):
            cache.clear()
        with Clock() as pdf_clock:
            report = reports.report_build(programme=programme, period=period, language="fr")
            pdf = reports.report_pdf(report)
        show(f"PDF report, {label}, {len(pdf) // 1024} KiB", pdf_clock.wall, pdf_clock.cpu,
             baseline)
    with Clock() as xlsx_clock:
        xlsx = reports.report_xlsx(reports.report_build(programme=programme, period=period,
                                                        language="fr"))
    show(f"XLSX report, {len(xlsx) // 1024} KiB", xlsx_clock.wall, xlsx_clock.cpu, baseline)

    # A new process (a restarted web worker) that finds the shared cache filled.
    result = subprocess.run([sys.executable, __file__, "--child"], capture_output=True,
                            text=True, env=os.environ, check=True)
    fresh = json.loads(result.stdout.strip().splitlines()[-1])
    show("new process: first dashboard request, cache filled", fresh["dashboard_wall"],
         fresh["dashboard_cpu"], baseline)
    print(f"    imported on the way: {', '.join(fresh['dashboard_imported']) or 'nothing heavy'}")
    show("new process: first PDF report, cache filled", fresh["pdf_wall"], fresh["pdf_cpu"],
         baseline, unit="s")


def child() -> None:
    """Time the first dashboard request and the first PDF of a new process."""
    from django.test import Client
    from django.urls import reverse

    from voisins.accounts.models import User
    from voisins.evaluation import reports, selectors
    from voisins.programmes.models import Programme

    programme = Programme.objects.get(slug="bench")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email="bench@example.org"))
    dashboard = timed_get(client, reverse("evaluation:dashboard", args=[programme.slug]))
    imported = [m for m in HEAVY if m in sys.modules]
    with Clock() as pdf:
        reports.report_pdf(reports.report_build(programme=programme,
                                                period=selectors.default_period(),
                                                language="fr"))
    print(json.dumps({"dashboard_wall": dashboard.wall, "dashboard_cpu": dashboard.cpu,
                      "dashboard_imported": imported, "pdf_wall": pdf.wall,
                      "pdf_cpu": pdf.cpu}))


def build(n: int, seed: int):
    """n matches over 8 years, families and volunteers across Brussels and Wallonia, with
    the history every part of the dashboard reads (status changes, activities, mediation
    cases, training, recruitment campaigns); and a second programme with nothing in it
    (the baseline)."""
    import random
    from datetime import datetime
    from datetime import time as daytime

    from django.db import transaction
    from django.utils import timezone

    from voisins.accounts.models import User
    from voisins.households.models import FamilyHousehold, StatusChange, VolunteerHousehold
    from voisins.matches.models import Activity, Match, Proposal
    from voisins.mediation.models import Case, CaseKind
    from voisins.places import find_postcode
    from voisins.programmes.constants import Role
    from voisins.programmes.services import membership_grant, programme_create
    from voisins.recruitment.models import Campaign, Channel, Visit, VolunteerOrigin
    from voisins.training.models import Registration, TrainingModule, TrainingSession

    rng = random.Random(seed)
    postcodes = ["1000", "1030", "1040", "1050", "1060", "1070", "1080", "1190", "1200",
                 "4000", "5000", "6000", "7000", "1300", "1348"]
    places = {p: find_postcode("BE", p) for p in postcodes}
    needs = ["homework", "paperwork", "french-conversation", "discover-area", "transport"]
    today = timezone.localdate()
    first = today - timedelta(days=8 * 365)

    def moment(day):
        return timezone.make_aware(datetime.combine(day, daytime(10)))

    def place(i):
        p = places[postcodes[i % len(postcodes)]]
        return {"postcode": p.postcode, "locality": p.locality, "lat": p.lat, "lon": p.lon}

    plans = []
    for _ in range(n):
        started = first + timedelta(days=rng.randrange(8 * 365))
        ended = started + timedelta(days=int(rng.expovariate(1 / 420)))
        if ended > today or rng.random() < 0.1:
            ended = None
        plans.append((started, ended, rng.randrange(10, 200)))  # days on the waiting list
    with Clock() as clock, transaction.atomic():
        programme = programme_create(name="Bench", slug="bench")
        empty = programme_create(name="Empty", slug="bench-empty")
        user = User.objects.create_user(email="bench@example.org", password="x" * 12)
        membership_grant(user=user, programme=programme, role=Role.COORDINATOR)
        membership_grant(user=user, programme=empty, role=Role.COORDINATOR)
        common = {"programme": programme, "languages": [{"code": "fr", "level": "fluent"}],
                  "availability": ["wed-pm"]}
        families = FamilyHousehold.objects.bulk_create(
            [FamilyHousehold(**common, **place(i), reference=f"F{i}", contact_first_name="F",
                             status="ended" if e else "matched", needs={rng.choice(needs): 3},
                             created_at=moment(s - timedelta(days=w + 14)))
             for i, (s, e, w) in enumerate(plans)], batch_size=2000)
        volunteers = VolunteerHousehold.objects.bulk_create(
            [VolunteerHousehold(**common, **place(i * 7), reference=f"V{i}",
                                contact_first_name="V", status="available", offers=needs,
                                created_at=moment(first + timedelta(days=rng.randrange(2900))))
             for i in range(n // 2)], batch_size=2000)
        changes = []
        for family, (s, e, w) in zip(families, plans, strict=True):
            changes += [StatusChange(family=family, from_status="intake_done",
                                     to_status="waiting", changed_at=moment(s - timedelta(w))),
                        StatusChange(family=family, from_status="waiting", to_status="matched",
                                     changed_at=moment(s))]
            if e:
                changes.append(StatusChange(family=family, from_status="matched",
                                            to_status="ended", changed_at=moment(e)))
        for volunteer in volunteers:
            joined = timezone.localdate(volunteer.created_at)
            changes += [StatusChange(volunteer=volunteer, to_status=status,
                                     changed_at=moment(joined + timedelta(days=days)))
                        for status, days in (("applied", 0), ("screened", 10),
                                             ("trained", 30), ("available", 31))]
        StatusChange.objects.bulk_create(changes, batch_size=5000)
        proposals = Proposal.objects.bulk_create(
            [Proposal(programme=programme, family=family, volunteer=volunteers[i % len(volunteers)],
                      status="accepted", volunteer_answer="accepted", family_answer="accepted")
             for i, family in enumerate(families)], batch_size=2000)
        matches = Match.objects.bulk_create(
            [Match(programme=programme, proposal=p, family=p.family, volunteer=p.volunteer,
                   status="ended" if e else "active", started_on=s, ended_on=e,
                   end_reason="other" if e else "")
             for p, (s, e, _w) in zip(proposals, plans, strict=True)], batch_size=2000)
        Activity.objects.bulk_create(
            [Activity(match=m, side="volunteer", category=rng.choice(needs),
                      done_on=m.started_on + timedelta(days=rng.randrange(60)))
             for m in matches for _ in range(2)], batch_size=5000)
        Case.objects.bulk_create(
            [Case(programme=programme, match=m, kind=rng.choice(CaseKind.values),
                  opened_by="staff", opened_at=moment(m.started_on + timedelta(days=20)),
                  summary="-") for m in rng.sample(matches, n // 20)], batch_size=1000)
        modules = [TrainingModule.objects.create(programme=programme, title=title,
                                                 required=required, position=i)
                   for i, (title, required) in enumerate((("Welcome", True),
                                                          ("Intercultural", True),
                                                          ("Homework help", False)))]
        sessions = TrainingSession.objects.bulk_create(
            [TrainingSession(module=modules[i % 3],
                             starts_at=moment(first + timedelta(days=10 * i)),
                             ends_at=moment(first + timedelta(days=10 * i)) + timedelta(hours=2),
                             place="Room 1", capacity=200) for i in range(290)])
        by_module = {m.pk: [s for s in sessions if s.module_id == m.pk] for m in modules}
        registrations = []
        for volunteer in volunteers:
            for module in modules[:2] + ([modules[2]] if rng.random() < 0.3 else []):
                later = [s for s in by_module[module.pk] if s.starts_at >= volunteer.created_at]
                if later:
                    registrations.append(Registration(volunteer=volunteer, session=later[0],
                                                      attended=rng.random() < 0.9))
        Registration.objects.bulk_create(registrations, batch_size=5000)
        campaigns = Campaign.objects.bulk_create(
            [Campaign(programme=programme, name=f"Campaign {i}", channel=channel)
             for i, channel in enumerate(Channel.values)])
        VolunteerOrigin.objects.bulk_create(
            [VolunteerOrigin(volunteer=v, campaign=c, channel=c.channel if c else "")
             for v in volunteers for c in [rng.choice(campaigns + [None])]], batch_size=5000)
        Visit.objects.bulk_create(
            [Visit(programme=programme, campaign=rng.choice(campaigns + [None]),
                   visited_at=moment(first + timedelta(days=rng.randrange(2920))))
             for _ in range(4 * n)], batch_size=5000)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would soon after such a load
    print(f"data: {n} matches, {n} families, {n // 2} volunteer households, {2 * n} "
          f"activities, {len(changes)} status changes, {n // 20} mediation cases, "
          f"{len(registrations)} training registrations, {4 * n} visits; built in "
          f"{clock.wall:.1f} s")
    return programme, empty, user


if __name__ == "__main__":
    main()
