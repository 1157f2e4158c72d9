"""Time every staff list page with 10,000 families and 10,000 volunteer households.

    .venv/bin/python bench/pages.py                      # SQLite, in var/bench-pages/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/voisins_pages_bench \\
        .venv/bin/python bench/pages.py                  # PostgreSQL

The first run fills the database (a few minutes): `voisins demo --families 10000
--volunteers 10000`, then the life of a programme of that size, written in bulk — 2,000
draft proposals, 1,500 live matches of which 150 need attention, their check-ins (a tenth
overdue), 400 mediation cases with call-backs, 1,000 referred families, 60 events,
20 training sessions, 30 campaigns, 40 news posts, 50 resources. Later runs reuse it.

Each page is requested through Django's test client (the whole stack: middleware,
session, access checks, queries, templates), warmed up once, then timed REPEAT times
(round-robin: each round requests every page once):
best, median and worst wall time; median CPU time of this process (with SQLite it includes
the database's work, with PostgreSQL not); median time spent waiting for SQL; the number
of SQL queries; and the ratio of the best time to the baseline's best, measured in the same
process: the staff import page, the same shell and access checks with no list on it. On
a shared machine the best time is the least disturbed. Results go in docs/benchmarks.md,
"## Staff pages".

Then, for each staff list, the Django admin's changelist of the same rows (a plain
ModelAdmin with the same columns, `list_per_page = 50`, on an admin site mounted for this
benchmark only), measured in the same rounds: the ratio of the staff list's CPU to the
admin's is printed at every run (target: at most 0.45).

    .venv/bin/python bench/pages.py --lists             # only the lists the admin matches

`--lists` measures only the baseline and the lists compared with the admin's changelist
(a quicker run while working on them).
"""

import os
import platform
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("VOISINS_VAR_DIR", str(ROOT / "var" / "bench-pages"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voisins.settings")
os.environ.setdefault("STATIC_MANIFEST", "false")
# The coordinator logs in without a second factor here: the pages are measured, not the
# two-factor gate in front of them (voisins.security.middleware).
os.environ.setdefault("VOISINS_REQUIRE_MFA_ROLES", "")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from voisins.households.models import FamilyHousehold, VolunteerHousehold  # noqa: E402
from voisins.programmes.constants import Role  # noqa: E402
from voisins.programmes.models import Membership, Programme  # noqa: E402

FAMILIES = VOLUNTEERS = 10_000
REPEAT = 15
SLUG = "bench"


def prepare() -> Programme:
    call_command("migrate", verbosity=0)
    programme = Programme.objects.filter(slug=SLUG).first()
    if programme is None or FamilyHousehold.objects.filter(programme=programme).count() < FAMILIES:
        print(f"Creating {FAMILIES} families and {VOLUNTEERS} volunteer households…")
        call_command("demo", families=FAMILIES, volunteers=VOLUNTEERS, seed=1, programme=SLUG)
        programme = Programme.objects.get(slug=SLUG)
    if not programme.matches.exists():
        print("Adding proposals, matches, check-ins, cases, referrals, events…")
        with transaction.atomic():
            add_programme_life(programme)
    return programme


def add_programme_life(programme: Programme) -> None:
    """The records a programme of this size would have, written in bulk (no mail)."""
    from voisins.community.models import Event, Resource
    from voisins.matches.models import CheckIn, Match, Proposal
    from voisins.mediation.models import Callback, Case
    from voisins.recruitment.models import Campaign, NewsPost
    from voisins.training.models import TrainingModule, TrainingSession

    rng = random.Random(7)
    now, today = timezone.now(), timezone.localdate()
    coordinator = Membership.objects.filter(programme=programme,
                                            role=Role.COORDINATOR).first().user
    families = list(FamilyHousehold.objects.filter(programme=programme, status="waiting")
                    .order_by("id")[:4500])
    volunteers = list(VolunteerHousehold.objects.filter(programme=programme,
                                                        status="available").order_by("id"))
    matched, drafts = families[:1500], families[1500:3500]
    proposals = Proposal.objects.bulk_create([
        Proposal(programme=programme, family=f, volunteer=volunteers[i % len(volunteers)],
                 status="accepted", volunteer_answer="accepted", family_answer="accepted",
                 score=rng.uniform(3, 9), distance_km=rng.uniform(0, 4))
        for i, f in enumerate(matched)])
    Proposal.objects.bulk_create([
        Proposal(programme=programme, family=f, volunteer=rng.choice(volunteers),
                 score=rng.uniform(3, 9), distance_km=rng.uniform(0, 4)) for f in drafts])
    matches = Match.objects.bulk_create([
        Match(programme=programme, proposal=p, family=p.family, volunteer=p.volunteer,
              status="active", started_on=today - timedelta(days=rng.randint(30, 700)),
              needs_attention=i % 10 == 0, attention_reasons=["worry"] if i % 10 == 0 else [])
        for i, p in enumerate(proposals)])
    FamilyHousehold.objects.filter(pk__in=[f.pk for f in matched]).update(status="matched")
    CheckIn.objects.bulk_create([
        CheckIn(match=m, side=side, day_offset=offset,
                due_on=m.started_on + timedelta(days=offset),
                answered_at=None if (i + offset) % 10 == 0 else now,
                rating=None if (i + offset) % 10 == 0 else 4)
        for i, m in enumerate(matches) for offset in (14, 90, 180)
        for side in ("family", "volunteer")])
    cases = Case.objects.bulk_create([
        Case(programme=programme, match=m, kind=rng.choice(["practical", "misunderstanding"]),
             opened_by="staff", summary="Synthetic case", status="open")
        for m in matches[:400]])
    Callback.objects.bulk_create([
        Callback(case=c, requested_by="family", when="evening", language="ar")
        for c in cases[:100]])
    FamilyHousehold.objects.filter(pk__in=[f.pk for f in families[3500:4500]]).update(
        referrer=coordinator)
    start = now + timedelta(days=3)
    Event.objects.bulk_create([
        Event(programme=programme, kind="shared-meal", title=f"Event {i}",
              starts_at=start + timedelta(days=i), ends_at=start + timedelta(days=i, hours=2),
              place="Hall", capacity=30) for i in range(60)])
    module = TrainingModule.objects.create(programme=programme, title="Welcome")
    TrainingSession.objects.bulk_create([
        TrainingSession(module=module, starts_at=start + timedelta(days=7 * i),
                        ends_at=start + timedelta(days=7 * i, hours=2), place="Hall",
                        capacity=15) for i in range(20)])
    for i in range(30):
        Campaign.objects.create(programme=programme, name=f"Campaign {i}", channel="press")
    NewsPost.objects.bulk_create([
        NewsPost(programme=programme, language="fr", title=f"News {i}", body="…",
                 published_at=now - timedelta(days=i)) for i in range(40)])
    Resource.objects.bulk_create([
        Resource(programme=programme, kind="guide", title=f"Guide {i}", body="…",
                 languages=["fr"], target_group="volunteers") for i in range(50)])


def pages(programme: Programme) -> list[tuple[str, str]]:
    family = FamilyHousehold.objects.filter(programme=programme, status="waiting").first()
    s, p = f"/staff/{SLUG}", SLUG
    return [
        ("programme overview", f"{s}/"),
        ("families, newest first", f"{s}/families/"),
        ("waiting families, longest first", f"{s}/families/?status=waiting&sort=waiting"),
        ("families, by name, page 100", f"{s}/families/?sort=name&page=100"),
        ("families, search by name", f"{s}/families/?q=ahmad"),
        ("families, need + postcode", f"{s}/families/?need=homework&postcode=10"),
        ("volunteers, newest first", f"{s}/volunteers/"),
        ("volunteers, by postcode, page 50", f"{s}/volunteers/?sort=postcode&page=50"),
        ("follow-up dashboard", f"{s}/follow-up/"),
        ("proposals to review", f"{s}/proposals/"),
        ("proposals, all, by distance, page 20", f"{s}/proposals/?status=&sort=distance"
                                                 "&page=20"),
        ("matches, running", f"{s}/matches/"),
        ("matches needing attention", f"{s}/matches/?attention=1"),
        ("matches, search by name", f"{s}/matches/?q=haddad"),
        ("check-ins overdue", f"{s}/check-ins/"),
        ("cases, open", f"{s}/cases/"),
        ("cases, all, by kind", f"{s}/cases/?status=&sort=kind"),
        ("referrals", f"/recruitment/{p}/referrals/"),
        ("recruitment funnel", f"/recruitment/{p}/"),
        ("campaigns", f"/recruitment/{p}/campaigns/"),
        ("events", f"/community/{p}/events/"),
        ("trainings", f"/training/{p}/"),
        ("resources", f"/community/{p}/resources/"),
        ("global search, postcode", "/search/?q=1030"),
        ("global search, name", "/search/?q=rahimi"),
        ("map page", f"{s}/map/"),
        ("map areas (GeoJSON)", f"{s}/map/households.geojson"),
        ("family radius, 3 km", f"{s}/map/family/{family.pk}/?km=3"),
        ("a waiting family", f"{s}/families/{family.pk}/"),
        ("why a family waits (section)", f"{s}/families/{family.pk}/why-waiting/"),
        ("who could help a family", f"{s}/families/{family.pk}/suggestions/"),
        ("whom to recruit, where", f"{s}/matching/gaps/"),
    ]


# --- The Django admin's changelist of the same rows, for comparison (issue 16) -----------
#
# What a Django user could use instead of each staff list: a plain ModelAdmin showing the
# same columns, 50 rows a page (`list_per_page = 50`), on an admin site of its own mounted
# beside the app's URLs for this benchmark only, requested by a superuser in the same
# process and the same rounds. Each staff list's CPU is printed as a ratio of its admin
# changelist's (target: at most 0.45).

def _admin_site():
    from django.contrib import admin

    from voisins.matches.models import CheckIn, Match, Proposal
    from voisins.mediation.models import Case

    site = admin.AdminSite(name="bench_admin")

    def plain(model, columns, related=(), ordering=None):
        attrs = {"list_display": columns, "list_per_page": 50,
                 "list_select_related": related or False,
                 # Filtering by the programme through a relation in the URL, as the staff
                 # lists do, without adding a filter sidebar that would slow the admin.
                 "lookup_allowed": lambda self, *args, **kwargs: True}
        if ordering:
            attrs["ordering"] = ordering
        site.register(model, type(f"Bench{model.__name__}Admin", (admin.ModelAdmin,), attrs))

    household = ("__str__", "postcode", "locality", "status")
    plain(FamilyHousehold, (*household, "waiting_since"), ordering=("-created_at", "-id"))
    plain(VolunteerHousehold, (*household, "capacity"), ordering=("-created_at", "-id"))
    plain(Proposal, ("family", "volunteer", "distance_km", "score", "status"),
          ("family", "volunteer"), ordering=("-score", "id"))
    plain(Match, ("family", "volunteer", "started_on", "status", "needs_attention"),
          ("family", "volunteer"), ordering=("-started_on", "-id"))
    plain(CheckIn, ("match", "side", "due_on", "notified_at"),
          ("match__family", "match__volunteer"), ordering=("due_on", "id"))
    plain(Case, ("id", "kind", "match", "opened_at", "assigned_to", "status"),
          ("match__family", "match__volunteer", "assigned_to"), ordering=("-opened_at", "-id"))
    return site


BENCH_ADMIN = _admin_site()


def _urlpatterns():
    from django.urls import include, path

    return [path("bench-admin/", BENCH_ADMIN.urls), path("", include(settings.ROOT_URLCONF))]


# Each staff list and the admin changelist of the same rows.
ADMIN_PAIRS = [
    ("families, newest first", "households/familyhousehold/?programme__id__exact={p}"),
    ("waiting families, longest first",
     "households/familyhousehold/?programme__id__exact={p}&status__exact=waiting&o=5"),
    ("volunteers, newest first", "households/volunteerhousehold/?programme__id__exact={p}"),
    ("proposals to review",
     "matches/proposal/?programme__id__exact={p}&status__exact=draft"),
    ("matches, running", "matches/match/?programme__id__exact={p}&status__in=active,paused"),
    ("matches needing attention",
     "matches/match/?programme__id__exact={p}&needs_attention__exact=1"),
    ("check-ins overdue", "matches/checkin/?match__programme__id__exact={p}"
                          "&answered_at__isnull=True"),
    ("cases, open", "mediation/case/?programme__id__exact={p}&status__exact=open"),
    ("referrals", "households/familyhousehold/?programme__id__exact={p}"
                  "&referrer__isnull=False"),
]


def measure(client: Client, urls: list[str]) -> list[dict[str, float]]:
    """For each URL: best, median and worst wall ms, median CPU ms of this process, median
    ms spent waiting for SQL, and the queries of one request.

    Every URL is requested once per round, REPEAT rounds, so that a burst of load from
    elsewhere on the machine falls on all pages alike rather than on a few."""
    for url in urls:
        response = client.get(url)  # warm-up
        assert response.status_code == 200, (url, response.status_code)
    walls, cpus, sqls = ([[] for _ in urls] for _ in range(3))
    queries = [0] * len(urls)
    spent = [0.0]

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - start

    for _ in range(REPEAT):
        for i, url in enumerate(urls):
            spent[0] = 0.0
            with CaptureQueriesContext(connection) as captured, \
                    connection.execute_wrapper(timed):
                wall, cpu = time.perf_counter(), time.process_time()
                client.get(url)
                cpus[i].append((time.process_time() - cpu) * 1000)
                walls[i].append((time.perf_counter() - wall) * 1000)
            sqls[i].append(spent[0] * 1000)
            queries[i] = len(captured.captured_queries)
    return [{"best": min(w), "median": statistics.median(w), "worst": max(w),
             "cpu": statistics.median(c), "sql": statistics.median(q), "queries": n}
            for w, c, q, n in zip(walls, cpus, sqls, queries, strict=True)]


def measure_both(client: Client, urls: list[str], admin_client: Client,
                 admin_urls: list[str]) -> tuple[list[dict], list[dict]]:
    """`measure` of the staff pages and of the admin changelists in the same rounds."""
    clients = [client] * len(urls) + [admin_client] * len(admin_urls)

    class Both:
        def get(self, url):
            return clients[all_urls.index(url)].get(url)

    all_urls = [*urls, *admin_urls]
    results = measure(Both(), all_urls)  # type: ignore[arg-type]
    return results[:len(urls)], results[len(urls):]


def main() -> None:
    settings.ALLOWED_HOSTS = ["*"]
    programme = prepare()
    coordinator = Membership.objects.filter(programme=programme,
                                            role=Role.COORDINATOR).first().user
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(coordinator)
    chosen = pages(programme)
    if "--lists" in sys.argv[1:]:
        compared = {label for label, _path in ADMIN_PAIRS}
        chosen = [(label, url) for label, url in chosen if label in compared]
    labels, urls = zip(*[("baseline", f"/staff/{SLUG}/import/"), *chosen], strict=True)
    # The admin changelists, measured in the same rounds as the staff pages.
    from django.urls import clear_url_caches

    module = sys.modules[__name__]
    module.urlpatterns = _urlpatterns()
    settings.ROOT_URLCONF = __name__
    clear_url_caches()
    from voisins.accounts.models import User

    superuser = User.objects.filter(email="bench-admin@example.org").first() or \
        User.objects.create_superuser(email="bench-admin@example.org", password=None)
    admin_client = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin_client.force_login(superuser)
    admin_urls = [f"/bench-admin/{path.format(p=programme.pk)}" for _label, path in ADMIN_PAIRS]
    before = os.getloadavg()
    results, admin_results = measure_both(client, list(urls), admin_client, admin_urls)
    baseline = results[0]
    load = os.getloadavg()
    print(f"\n{connection.vendor} {connection.Database.__name__}, {FAMILIES} families, "
          f"{VOLUNTEERS} volunteer households; {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; "
          f"{timezone.localdate()}; {REPEAT} requests each\n")
    print(f"Baseline (the import page: same shell, no list): best {baseline['best']:.0f} ms, "
          f"median {baseline['median']:.0f} ms, CPU {baseline['cpu']:.0f} ms, "
          f"{baseline['queries']} queries\n")
    print("| page | best ms | median ms | worst ms | CPU ms | SQL ms | best × baseline "
          "| queries |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    slow = []
    for label, m in zip(labels[1:], results[1:], strict=True):
        print(f"| {label} | {m['best']:.0f} | {m['median']:.0f} | {m['worst']:.0f} | "
              f"{m['cpu']:.0f} | {m['sql']:.0f} | {m['best'] / baseline['best']:.1f} | "
              f"{m['queries']} |")
        if m["median"] >= 200:
            slow.append(label)
    print(f"\n{len(slow)} page(s) at or over 200 ms (median): {', '.join(slow) or 'none'}")
    by_label = dict(zip(labels, results, strict=True))
    print("\nAgainst the Django admin's changelist of the same rows (list_per_page = 50), "
          "same process, same rounds; target: CPU ratio at most 0.45\n")
    print("| list | staff CPU ms | admin CPU ms | CPU ratio | staff best ms | admin best ms "
          "| best ratio |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    over = []
    for (label, _path), admin_m in zip(ADMIN_PAIRS, admin_results, strict=True):
        m = by_label[label]
        ratio = m["cpu"] / admin_m["cpu"]
        print(f"| {label} | {m['cpu']:.0f} | {admin_m['cpu']:.0f} | {ratio:.2f} | "
              f"{m['best']:.0f} | {admin_m['best']:.0f} | "
              f"{m['best'] / admin_m['best']:.2f} |")
        if ratio > 0.45:
            over.append(label)
    print(f"\n{len(over)} list(s) over 0.45× the admin's CPU: {', '.join(over) or 'none'}")
    print(f"Load average before: {before[0]:.1f}, after: {load[0]:.1f}")


if __name__ == "__main__":
    main()
