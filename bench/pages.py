"""Time every staff list page with 10,000 families and 10,000 volunteer households.

    .venv/bin/python bench/pages.py                      # SQLite, in var/bench-pages/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/voisins_bench .venv/bin/python bench/pages.py

The first run fills the database with `voisins demo --families 10000 --volunteers 10000`
(a few minutes); later runs reuse it. Each page is requested through Django's test client
(the whole stack: middleware, access checks, queries, template), warmed up once, then
timed REPEAT times; the median and the worst are printed with the number of SQL queries.
Results are kept in docs/benchmarks.md under "## Staff pages".
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("VOISINS_VAR_DIR", str(ROOT / "var" / "bench-pages"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voisins.settings")
os.environ.setdefault("STATIC_MANIFEST", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from voisins.households.models import FamilyHousehold  # noqa: E402
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
    return programme


def main() -> None:
    settings.ALLOWED_HOSTS = ["*"]
    programme = prepare()
    coordinator = Membership.objects.filter(programme=programme,
                                            role=Role.COORDINATOR).first().user
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(coordinator)
    family = FamilyHousehold.objects.filter(programme=programme, status="waiting").first()
    s = f"/staff/{SLUG}"
    pages = [
        ("families, newest first", f"{s}/families/"),
        ("waiting families, longest first", f"{s}/families/?status=waiting&sort=waiting"),
        ("families, by name, page 100", f"{s}/families/?sort=name&page=100"),
        ("families, search by name", f"{s}/families/?q=ahmad"),
        ("families, need + postcode", f"{s}/families/?need=homework&postcode=10"),
        ("volunteers, newest first", f"{s}/volunteers/"),
        ("volunteers, by postcode, page 50", f"{s}/volunteers/?sort=postcode&page=50"),
        ("programme overview", f"{s}/"),
        ("global search", "/search/?q=1030"),
        ("map page", f"{s}/map/"),
        ("map areas (GeoJSON)", f"{s}/map/households.geojson"),
        ("family radius, 3 km", f"/staff/{SLUG}/map/family/{family.pk}/?km=3"),
    ]
    vendor = connection.vendor
    print(f"\n{vendor}: {FAMILIES} families, {VOLUNTEERS} volunteer households, "
          f"median of {REPEAT}\n")
    print("| page | median ms | worst ms | queries |\n| --- | ---: | ---: | ---: |")
    for label, url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(REPEAT):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
        print(f"| {label} | {statistics.median(times):.0f} | {max(times):.0f} | "
              f"{len(queries.captured_queries)} |")


if __name__ == "__main__":
    main()
