"""Import memory is a small constant (issue 19, item 2): rows are read, checked and
written a chunk at a time in one transaction, problems are kept up to a bound, so the
peak of an import does not grow with its rows; and a problem on the very last row still
leaves nothing written."""

import io
import tracemalloc

import pytest
from django.urls import reverse
from django.utils import translation

from voisins.evaluation import importers as history
from voisins.households import importers
from voisins.households.models import FamilyHousehold, Member, StatusChange, VolunteerHousehold
from voisins.matches.models import Match, Proposal
from voisins.ops import household_import

FAMILY_HEADER = "reference,first_name,last_name,postcode,languages,needs,availability,children"
MATCH_HEADER = "family,volunteer,start,end,end_reason,family_postcode,volunteer_postcode,needs"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def families_csv(rows: int, last: str | None = None) -> bytes:
    lines = [FAMILY_HEADER] + [
        f"F{i:06d},Amina{i},Haddad,1030,\"ar:native, fr:basic\",homework:3,wed-pm,2016:primary"
        for i in range(rows)]
    if last is not None:
        lines[-1] = last
    return ("\n".join(lines) + "\n").encode()


def matches_csv(rows: int, last: str | None = None) -> bytes:
    # Every row a new family and volunteer household (archived records made by the import).
    lines = [MATCH_HEADER] + [
        f"F{i:06d},V{i:06d},2019-0{1 + i % 9}-01,2020-06-30,moved-away,1030,1000,homework"
        for i in range(rows)]
    if last is not None:
        lines[-1] = last
    return ("\n".join(lines) + "\n").encode()


def peak_of(call):
    """The highest memory the call allocated (its file given as bytes beforehand)."""
    tracemalloc.start()
    try:
        result = call()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def households(north, data):
    return household_import.import_households(programme=north, kind="families",
                                       upload=io.BytesIO(data), filename="families.csv")


def match_history(north, data):
    return history.import_matches(programme=north, upload=io.BytesIO(data),
                                  filename="matches.csv")




# The chunks are made small here so that a few hundred rows are many chunks: what a row
# costs would show as growth between the two sizes, at a fraction of the time of 50,000.
CHUNK = 10
# Growth allowed between the small and the large file: noise (caches, the allocator).
MARGIN = 128 * 1024


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(household_import, "CHUNK_ROWS", CHUNK)
    monkeypatch.setattr(history, "CHUNK_ROWS", CHUNK)


def test_reading_the_largest_file_allowed_takes_the_memory_of_a_small_one():
    """50,000 rows (the limit), read through both passes, against 5,000: the file is read
    from the upload as the rows come, never held or decoded whole."""
    def read(rows):
        data = families_csv(rows)
        count, peak = peak_of(lambda: sum(1 for _row in importers.read_rows(
            io.BytesIO(data), "families.csv")))
        assert count == rows
        return peak, len(data)

    read(100)  # warm-up: imports and caches that any first call fills
    small, _size = read(5_000)
    large, size = read(importers.MAX_ROWS)
    assert size > 4_000_000
    assert large < small + MARGIN, (small, large)


def test_the_households_import_takes_the_same_memory_for_12_chunks_as_for_3(north,
                                                                            small_chunks):
    households(north, families_csv(CHUNK).replace(b"F0", b"W0"))  # warm-up
    FamilyHousehold.objects.all().delete()
    small_data, large_data = families_csv(3 * CHUNK), families_csv(12 * CHUNK)
    small, small_peak = peak_of(lambda: households(north, small_data))
    assert small.created == 3 * CHUNK
    FamilyHousehold.objects.all().delete()
    large, large_peak = peak_of(lambda: households(north, large_data))
    assert large.created == 12 * CHUNK, large.errors[:3]
    assert FamilyHousehold.objects.count() == 12 * CHUNK
    assert Member.objects.count() == 12 * CHUNK
    assert large_peak < small_peak + MARGIN, (small_peak, large_peak)


def test_the_match_history_import_takes_the_same_memory_for_12_chunks_as_for_3(north,
                                                                               small_chunks):
    match_history(north, matches_csv(CHUNK).replace(b"F0", b"W0").replace(b"V0", b"X0"))
    small_data = matches_csv(3 * CHUNK).replace(b"F0", b"G0").replace(b"V0", b"H0")
    large_data = matches_csv(12 * CHUNK)
    small, small_peak = peak_of(lambda: match_history(north, small_data))
    assert small.created == 3 * CHUNK
    large, large_peak = peak_of(lambda: match_history(north, large_data))
    assert large.created == 12 * CHUNK, large.errors[:3]
    assert Match.objects.filter(family__reference__startswith="F").count() == 12 * CHUNK
    assert large_peak < small_peak + MARGIN, (small_peak, large_peak)


def test_problems_are_listed_up_to_a_bound_and_the_others_counted(north, monkeypatch,
                                                                  small_chunks):
    monkeypatch.setattr(importers, "MAX_ERRORS", 10)
    bad = families_csv(30).replace(b",1030,", b",9999,")
    small, small_peak = peak_of(lambda: households(north, bad))
    worse = families_csv(150).replace(b",1030,", b",9999,")
    large, large_peak = peak_of(lambda: households(north, worse))
    assert [e.row for e in large.errors] == list(range(2, 12))
    assert all(e.column == "postcode" for e in large.errors)
    assert large.omitted == 140 and large.problem_count == 150
    assert large_peak < small_peak + MARGIN, (small_peak, large_peak)
    assert not FamilyHousehold.objects.exists()


# --- A problem on the last row, after many chunks were written ------------------------------

def test_a_bad_last_row_of_a_big_households_file_writes_nothing(north, small_chunks):
    data = families_csv(6 * CHUNK, last="F999999,Rania,Saleh,9999,ar,homework,wed-pm,")
    result = households(north, data)
    assert [(e.row, e.column) for e in result.errors] == [(6 * CHUNK + 1, "postcode")]
    assert result.created == 0
    assert not FamilyHousehold.objects.exists()
    assert not Member.objects.exists() and not StatusChange.objects.exists()


def test_a_reference_repeated_chunks_later_names_the_first_row(north, small_chunks):
    data = families_csv(5 * CHUNK, last="F000003,Rania,Saleh,1030,ar,homework,wed-pm,")
    result = households(north, data)
    assert [(e.row, e.column) for e in result.errors] == [(5 * CHUNK + 1, "reference")]
    assert result.errors[0].message == "Reference “F000003” is also on row 5."
    assert not FamilyHousehold.objects.exists()


def test_a_bad_last_row_of_a_big_match_history_writes_nothing(north, small_chunks):
    data = matches_csv(6 * CHUNK, last="F999999,V999999,2019-01-01,2018-01-01,,1030,1000,")
    result = match_history(north, data)
    assert [(e.row, e.column) for e in result.errors] == [(6 * CHUNK + 1, "end")]
    assert result.created == 0
    assert not Match.objects.exists() and not Proposal.objects.exists()
    assert not FamilyHousehold.objects.exists() and not VolunteerHousehold.objects.exists()
    assert not StatusChange.objects.exists()


def test_a_match_overlapping_one_chunks_earlier_names_its_row(north, small_chunks):
    # Row 4 is F000002 with V000002 from 2019-03-01 to 2020-06-30.
    data = matches_csv(5 * CHUNK, last="F000002,V999999,2019-05-01,2019-08-01,,,1000,")
    result = match_history(north, data)
    assert [(e.row, e.column) for e in result.errors] == [(5 * CHUNK + 1, "start")]
    assert "on row 4" in result.errors[0].message
    again = match_history(north, matches_csv(5 * CHUNK, last=(
        "F000002,V000002,2019-03-01,2020-06-30,,,,")))
    assert [(e.row, e.column) for e in again.errors] == [(5 * CHUNK + 1, "start")]
    assert again.errors[0].message == "The same match is also on row 4."
    assert not Match.objects.exists()


def test_an_archived_family_gets_what_later_chunks_say_of_it(north, small_chunks):
    """A family that an earlier chunk created is matched when a later row's match is
    active, starts when its first match starts, and gets the needs a later row gives."""
    lines = [MATCH_HEADER, "N1,M1,2020-01-01,2020-06-01,,1030,1000,"]
    lines += [f"F{i},V{i},2019-01-01,2019-02-01,,1030,1000," for i in range(CHUNK)]
    lines += ["N1,M2,2021-01-01,,,,1000,homework:3", "N1,M3,2018-01-01,2018-03-01,,,1000,"]
    result = match_history(north, ("\n".join(lines) + "\n").encode())
    assert result.ok, result.errors
    family = FamilyHousehold.objects.get(reference="N1")
    assert family.archived and family.status == "matched"
    assert family.needs == {"homework": 3}
    assert family.created_at.date().isoformat() == "2018-01-01"
    assert list(family.status_changes.values_list("to_status", flat=True)) == ["matched"]


def test_the_upload_page_says_how_many_problems_are_not_listed(client, alice, north,
                                                               monkeypatch):
    monkeypatch.setattr(importers, "MAX_ERRORS", 3)
    client.force_login(alice)
    upload = io.BytesIO(families_csv(8).replace(b",1030,", b",9999,"))
    upload.name = "families.csv"
    response = client.post(reverse("staff:import", args=["north"]),
                           {"kind": "families", "file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "8 problems found, nothing was imported" in page
    assert "Problems not listed here: 5." in page
    assert not FamilyHousehold.objects.exists()
