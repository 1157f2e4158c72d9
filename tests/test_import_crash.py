"""A crash in the middle of an import (an exception injected half-way through the writes)
leaves the database exactly as it was, table by table."""

import io

import pytest
from django.db import connection

from voisins.households.models import Member
from voisins.ops import household_import as importers

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


# --- Batch matching and the match-history import -----------------------------------------

def _pool(north, alice):
    """Waiting families, volunteers with room, and a draft of an earlier run."""
    from tests.conftest import agreed_to_matching, family_data, volunteer_data
    from voisins.households.services import family_create, volunteer_create
    from voisins.matches.models import Proposal

    families = [family_create(programme=north, **family_data(contact_first_name=f"F{i}"))
                for i in range(6)]
    volunteers = [volunteer_create(programme=north, **volunteer_data(capacity=2))
                  for _i in range(3)]
    agreed_to_matching(*families, *volunteers)
    Proposal.objects.create(programme=north, family=families[0], volunteer=volunteers[0],
                            score=1, distance_km=0.2, created_by=alice)


def test_a_crash_half_way_through_batch_matching_leaves_the_database_as_before(
        north, alice, monkeypatch):
    """The drafts of the earlier run were discarded and the new proposals written when the
    crash comes: all of it is undone; only the run itself says that it failed."""
    from voisins.matches import services
    from voisins.matches.models import MatchingRun, Proposal

    _pool(north, alice)
    run = MatchingRun.objects.create(programme=north, created_by=alice)
    before = snapshot()
    written = []
    real_bulk_create = Proposal.objects.bulk_create

    def bulk_create_then_crash(objects, *args, **kwargs):
        created = real_bulk_create(objects, *args, **kwargs)
        written.extend(created)
        raise Crash("power cut")

    monkeypatch.setattr(Proposal.objects, "bulk_create", bulk_create_then_crash)
    with pytest.raises(Crash):
        services.matching_run_execute(run_id=run.pk)
    assert written, "the crash came after real writes"
    after = snapshot()
    run.refresh_from_db()
    assert run.status == "failed" and run.error == "Crash"
    assert {t for t in before if after[t] != before[t]} == {"matches_matchingrun"}
    assert Proposal.objects.get().status == "draft"


def test_a_crash_half_way_through_the_match_history_import_leaves_the_database_as_before(
        north, monkeypatch):
    from voisins.evaluation import importers as history
    from voisins.matches.models import Match

    rows = "\n".join(["family,volunteer,start,end,end_reason,family_postcode,"
                      "volunteer_postcode"]
                     + [f"F{i},V{i},2021-01-0{i + 1},2022-03-01,moved-away,1030,1030"
                        for i in range(5)])
    before = snapshot()
    real_full_clean = Match.full_clean
    checked = []

    def full_clean_then_crash(self, *args, **kwargs):
        real_full_clean(self, *args, **kwargs)
        checked.append(self)
        if len(checked) == 3:
            raise Crash("disk full")

    monkeypatch.setattr(Match, "full_clean", full_clean_then_crash)
    with pytest.raises(Crash):
        history.import_matches(programme=north, upload=io.BytesIO(rows.encode()),
                               filename="history.csv")
    assert len(checked) == 3, "households and proposals were written before the crash"
    assert snapshot() == before
