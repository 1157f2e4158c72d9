"""The published Belgian figures of the flat rate for volunteers (law of 3 July 2005,
article 10; indexed every year), as data: a coordinator or an admin adds the next year's.
Sources in docs/expenses.md."""

from decimal import Decimal

from django.db import migrations

FIGURES = [
    # year, per day, per year, € per km (private car), source
    (2024, "41.48", "1659.29", "0.4265",
     "Indexed ceilings 2024; km: federal civil service rate from 1 April 2024"),
    (2025, "42.31", "1692.51", None,
     "Indexed ceilings 2025 (UVCW, Twizzit); km rate: set the federal rate of the period"),
    (2026, "44.02", "1760.83", "0.4326",
     "Indexed ceilings 2026 (Securex); km: federal civil service rate of 1 January 2026"),
]


def seed(apps, schema_editor):
    CeilingYear = apps.get_model("expenses", "CeilingYear")
    for year, day, whole_year, km_rate, source in FIGURES:
        CeilingYear.objects.get_or_create(year=year, defaults={
            "day_ceiling": Decimal(day), "year_ceiling": Decimal(whole_year),
            "km_rate": Decimal(km_rate) if km_rate else None, "source": source})


def unseed(apps, schema_editor):
    CeilingYear = apps.get_model("expenses", "CeilingYear")
    CeilingYear.objects.filter(year__in=[f[0] for f in FIGURES]).delete()


class Migration(migrations.Migration):

    dependencies = [("expenses", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
