"""Benchmark of networks, part 1: recomputing every programme's monthly aggregates.

Target (issue 20): under 30 s to recompute all the aggregates of 100 programmes with
1,000,000 matches of history.

    .venv/bin/python bench/networks.py [--programmes 100] [--matches 1000000] [--years 10]

The data is made fast, NOT through the services: bulk inserts (`executemany` of rows
completed with the model's defaults for the million proposals and matches and their
households, `bulk_create` for the rest) into a throwaway SQLite database (a fresh file
under a temporary VOISINS_VAR_DIR, or the database of DATABASE_URL, emptied first): per
programme its families, volunteer households (each with its sign-up origin and two steps
of status history), proposals and matches (started over `--years` years, ending after an
exponential time of mean 14 months, 10 % still going), 2,000 activities with hours and
1,000 visits of the sign-up form. Outcome surveys are left out (they need children and
answers per match; their query is one grouped read like the others). What it measures:

- "recompute": `aggregates.programme_months` for every month of every programme's
  history, measured as on today: what the nightly job computes (no writes);
- "recompute and store": `aggregates.publish_local` for every programme, a member of one
  network: the same plus one `Publication` row per month (what the job does);
- baselines in the same process: `SELECT COUNT(*)` over the matches table, and reading
  every match's two dates (the least any recompute must read).

Every figure is wall time and CPU time of this process. Results go in docs/benchmarks.md
under "## Networks: recomputing the aggregates (`bench/networks.py`)". The dashboard part
of the benchmark (reading the precomputed aggregates) is bench/network_dashboard.py.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if "VOISINS_VAR_DIR" not in os.environ:
    os.environ["VOISINS_VAR_DIR"] = tempfile.mkdtemp(prefix="voisins-bench-networks-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voisins.settings")


class Clock:
    """Wall and CPU time of a block, in seconds."""

    def __enter__(self) -> "Clock":
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0


def show(label: str, clock: Clock, baseline: Clock | None = None) -> None:
    ratio = f"   × {clock.wall / baseline.wall:,.0f} the baseline" if baseline else ""
    print(f"{label:<58} {clock.wall:8.2f} s wall {clock.cpu:8.2f} s CPU{ratio}")


class Inserter:
    """Rows of one model written by `executemany` with their ids given: the fields not
    named take the values of a template instance (their defaults), as Django would write
    them. Some ten times faster than bulk_create, which builds a model per row."""

    def __init__(self, model, **common) -> None:
        from django.db import connection

        self.connection = connection
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        template = model(**common)
        self.template = [self._prep(f, getattr(template, f.attname)) for f in self.fields]
        self.index = {f.attname: i for i, f in enumerate(self.fields)}
        self.by_name = {f.attname: f for f in self.fields}
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {table}")
            self.next_id = (cursor.fetchone()[0] or 0) + 1

    def _prep(self, field, value):
        if field.primary_key:
            return None
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            from django.utils import timezone

            value = value or timezone.now()
        return field.get_db_prep_save(value, self.connection)

    def write(self, rows: list[dict]) -> list[int]:
        """Insert `rows` (attname → value); their ids, in order."""
        ids, batch = [], []
        for row in rows:
            values = list(self.template)
            values[self.index["id"]] = self.next_id
            for name, value in row.items():
                values[self.index[name]] = self._prep(self.by_name[name], value)
            ids.append(self.next_id)
            self.next_id += 1
            batch.append(values)
        with self.connection.cursor() as cursor:
            for i in range(0, len(batch), 10_000):
                cursor.executemany(self.sql, batch[i:i + 10_000])
        return ids


def build(*, programmes: int, matches: int, years: int, seed: int) -> list:
    """The programmes and their history, by bulk inserts (see the module's docstring)."""
    from django.db import transaction
    from django.utils import timezone

    from voisins.households.models import FamilyHousehold, StatusChange, VolunteerHousehold
    from voisins.matches.models import Activity, Match, Proposal
    from voisins.programmes.services import programme_create
    from voisins.recruitment.models import Visit, VolunteerOrigin

    rng = random.Random(seed)
    today = timezone.localdate()
    first = today - timedelta(days=365 * years)
    days = (today - first).days
    per = matches // programmes
    common = {"languages": [{"code": "fr", "level": "fluent"}], "availability": ["wed-pm"],
              "postcode": "1030", "locality": "Schaerbeek", "lat": 50.86, "lon": 4.38,
              "contact_first_name": "X"}

    def moment(day):
        return timezone.make_aware(datetime.combine(day, datetime.min.time())
                                   + timedelta(hours=10))

    made = []
    for p in range(programmes):
        with transaction.atomic():
            programme = programme_create(name=f"Bench {p}", slug=f"bench-{p}")
            plans = []
            for _ in range(per):
                started = first + timedelta(days=rng.randrange(days))
                ended = started + timedelta(days=int(rng.expovariate(1 / 426)))
                plans.append((started, None if ended > today or rng.random() < 0.1
                              else ended))
            live = sum(1 for _s, e in plans if e is None)
            families = Inserter(FamilyHousehold, programme=programme, status="matched",
                                **common).write(
                [{"reference": f"F{i}"} for i in range(max(live, per // 5))])
            n_volunteers = max(1, per // 10)
            created_at = [moment(first + timedelta(days=rng.randrange(days)))
                          for _ in range(n_volunteers)]
            volunteers = Inserter(VolunteerHousehold, programme=programme,
                                  status="available", offers=["homework"], **common).write(
                [{"reference": f"V{i}", "created_at": created_at[i]}
                 for i in range(n_volunteers)])
            VolunteerOrigin.objects.bulk_create(
                [VolunteerOrigin(volunteer_id=v, channel="press") for v in volunteers],
                batch_size=5000)
            StatusChange.objects.bulk_create(
                [StatusChange(volunteer_id=v, from_status=a, to_status=b,
                              changed_at=at + timedelta(days=10 * k))
                 for v, at in zip(volunteers, created_at, strict=True)
                 for k, (a, b) in enumerate([("applied", "screened"),
                                             ("screened", "trained")][:rng.randrange(3)])],
                batch_size=5000)
            pairs = [(families[i % len(families)], volunteers[i % n_volunteers])
                     for i in range(per)]
            proposals = Inserter(Proposal, programme=programme, status="accepted",
                                 volunteer_answer="accepted", family_answer="accepted",
                                 ).write([{"family_id": f, "volunteer_id": v}
                                          for f, v in pairs])
            # A family has one match going at a time: the live ones get a family each.
            spare = iter(families)
            rows = []
            for (started, ended), proposal, (family, volunteer) in zip(
                    plans, proposals, pairs, strict=True):
                rows.append({"proposal_id": proposal, "volunteer_id": volunteer,
                             "family_id": next(spare) if ended is None else family,
                             "status": "ended" if ended else "active",
                             "started_on": started, "ended_on": ended,
                             "end_reason": "other" if ended else ""})
            created = Inserter(Match, programme=programme).write(rows)
            starts = dict(zip(created, (s for s, _e in plans), strict=True))
            Activity.objects.bulk_create(
                [Activity(match_id=m, side="volunteer", category="homework",
                          done_on=starts[m] + timedelta(days=rng.randrange(1, 60)),
                          hours=rng.choice(["1.50", "2.00", "0.75", "3.25"]))
                 for m in rng.sample(created, min(2000, len(created)))
                 if starts[m] + timedelta(days=60) <= today], batch_size=5000)
            Visit.objects.bulk_create(
                [Visit(programme=programme,
                       visited_at=moment(first + timedelta(days=rng.randrange(days))))
                 for _ in range(1000)], batch_size=5000)
        made.append(programme)
        if (p + 1) % 10 == 0:
            print(f"  built {p + 1} programmes", flush=True)
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--programmes", type=int, default=100)
    parser.add_argument("--matches", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true",
                        help="measure again on the database of VOISINS_VAR_DIR, built by "
                             "an earlier run (the build takes minutes)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from voisins.accounts.models import User
    from voisins.matches.models import Match
    from voisins.networks import aggregates, services

    if args.reuse:
        from voisins.programmes.models import Programme

        programmes = list(Programme.objects.filter(slug__startswith="bench-")
                          .order_by("pk"))
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), "
              f"reused: {len(programmes)} programmes")
    else:
        with Clock() as migrate:
            call_command("migrate", verbosity=0)
            call_command("flush", interactive=False, verbosity=0)
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        show("migrate and flush", migrate)
        with Clock() as built:
            programmes = build(programmes=args.programmes, matches=args.matches,
                               years=args.years, seed=args.seed)
        show(f"build {args.programmes} programmes, {args.matches:,} matches (bulk)",
             built)
    print(f"{os.cpu_count()} CPUs; load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    today = timezone.localdate()

    with Clock() as count:
        total = Match.objects.count()
    with Clock() as dates:
        read = sum(1 for _ in Match.objects.order_by().values_list(
            "started_on", "ended_on").iterator(chunk_size=10_000))
    assert total == read
    print(f"\nmatches in the table: {total:,}; load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    show("baseline: SELECT COUNT(*) over the matches", count)
    show("baseline: read every match's two dates", dates)

    months = 0
    with Clock() as recompute:
        for programme in programmes:
            first = aggregates.first_month(programme=programme)
            figures = aggregates.programme_months(
                programme=programme, months=aggregates.months_between(first, today),
                measured_on=today)
            months += len(figures)
    show(f"recompute: {months:,} programme-months", recompute, count)
    print(f"{'':<58} {recompute.wall / dates.wall:8.1f} × reading the dates")

    stamp = time.strftime("%Y%m%d%H%M%S")
    boss = User.objects.create_user(email=f"bench-network-{stamp}@example.org",
                                    password="x" * 16)
    network = services.network_create(name=f"Bench network {stamp}", by=boss)
    members = [services.member_join(network=network, programme=p, by=boss)
               for p in programmes]
    with Clock() as publish:
        stored = sum(aggregates.publish_local(member=m, until=today) for m in members)
    show(f"recompute and store: {stored:,} publications", publish, count)
    with Clock() as again:
        stored_again = sum(aggregates.publish_local(member=m, until=today)
                           for m in members)
    show(f"the next night (every publication replaced): {stored_again:,}", again, count)
    target = 30.0
    print(f"\ntarget: recompute all under {target:.0f} s: "
          f"{'met' if recompute.wall < target else 'NOT met'} ({recompute.wall:.1f} s); "
          f"with the writes {'met' if publish.wall < target else 'NOT met'} "
          f"({publish.wall:.1f} s)")


if __name__ == "__main__":
    main()
