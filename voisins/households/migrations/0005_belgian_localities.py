"""Households of Belgian programmes named after their postcode's municipality (Statbel's
table, data/be_postcodes.csv) instead of the sub-locality stored before (4000 "Glain")."""

import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parents[1] / "data" / "be_postcodes.csv"


def rename(apps, schema_editor):
    with open(CSV, encoding="utf-8", newline="") as f:
        names = {row["postcode"]: row["name"] for row in csv.DictReader(f)}
    for model in ("FamilyHousehold", "VolunteerHousehold"):
        Model = apps.get_model("households", model)
        rows = Model.objects.filter(programme__country="BE", postcode__in=list(names))
        for postcode, locality in rows.values_list("postcode", "locality").distinct():
            if names[postcode] != locality:
                rows.filter(postcode=postcode, locality=locality).update(locality=names[postcode])


class Migration(migrations.Migration):
    dependencies = [("households", "0004_phones_e164"), ("programmes", "0001_initial")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
