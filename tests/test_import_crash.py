"""A crash in the middle of an import (an exception injected half-way through the writes)
leaves the database exactly as it was, table by table."""

import io

import pytest
from django.db import connection

from voisins.households import importers
from voisins.households.models import Member

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = "\n".join(
    ["first_name,postcode,languages,availability,needs,children"]
    + [f"Name{i},1030,ar:native,mon-pm,homework:2,2016:primary" for i in range(10)]
)


def snapshot() -> dict[str, list]:
    with connection.cursor() as cursor:
        tables = {}
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            tables[table] = sorted(tuple(map(repr, row)) for row in cursor.fetchall())
        return tables


class Crash(Exception):
    pass


def test_a_crash_half_way_leaves_the_database_as_before(north, family, monkeypatch):
    before = snapshot()
    saved = []
    real_save = importers.FamilyHousehold.save

    def save_then_crash(self, *args, **kwargs):
        real_save(self, *args, **kwargs)
        saved.append(self.pk)
        if len(saved) == 5:
            raise Crash("power cut")

    monkeypatch.setattr(importers.FamilyHousehold, "save", save_then_crash)
    with pytest.raises(Crash):
        importers.import_households(programme=north, kind="families",
                                    upload=io.BytesIO(ROWS.encode()), filename="f.csv")
    assert len(saved) == 5, "the crash came half-way, after real writes"
    assert snapshot() == before


def test_a_crash_while_writing_members_leaves_the_database_as_before(north, monkeypatch):
    before = snapshot()

    def crash(*args, **kwargs):
        raise Crash("disk full")

    monkeypatch.setattr(Member.objects, "bulk_create", crash)
    with pytest.raises(Crash):
        importers.import_households(programme=north, kind="families",
                                    upload=io.BytesIO(ROWS.encode()), filename="f.csv")
    assert snapshot() == before
