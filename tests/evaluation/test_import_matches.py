import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from voisins.evaluation.importers import import_matches
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.matches.models import Match, Proposal

from ..test_import import csv_bytes, xlsx_bytes
from .conftest import make_family, make_volunteer

HEADER = ["family", "volunteer", "start", "end", "end_reason", "family_postcode",
          "volunteer_postcode", "needs"]


def run(programme, data, filename="matches.csv"):
    with translation.override("en"):
        return import_matches(programme=programme, upload=io.BytesIO(data), filename=filename)


def test_it_imports_history_and_creates_unknown_households_as_archived(north):
    known = make_family(north, 1)
    rows = [
        ["F1", "V9", "2019-03-01", "2020-03-15", "moved-away", "", "1000", ""],
        ["F7", "V9", "15/09/2020", "", "", "4000", "", "homework:3"],
        ["F8", "V10", "2018-01-10", "2018-06-01", "", "1030", "1030", ""],
    ]
    result = run(north, csv_bytes(HEADER, rows))
    assert result.ok, result.errors
    assert result.created == 3
    first = Match.objects.get(family=known)
    assert first.status == "ended" and first.ended_on.isoformat() == "2020-03-15"
    assert first.end_reason == "moved-away"
    assert first.proposal.status == Proposal.Status.ACCEPTED
    active = Match.objects.get(family__reference="F7")
    assert active.status == "active" and active.ended_on is None
    f7 = FamilyHousehold.objects.get(reference="F7")
    assert f7.archived and f7.status == "matched" and f7.postcode == "4000"
    assert f7.needs == {"homework": 3}
    f8 = FamilyHousehold.objects.get(reference="F8")
    assert f8.archived and f8.status == "ended"
    # An end without a reason counts as "other".
    assert Match.objects.get(family=f8).end_reason == "other"
    v9 = VolunteerHousehold.objects.get(reference="V9")
    assert v9.archived and v9.status == "matched"
    assert not FamilyHousehold.objects.get(pk=known.pk).archived


def test_it_reads_xlsx_with_real_dates_and_other_column_names(north):
    from datetime import date

    make_family(north, 1)
    make_volunteer(north, 1)
    header = ["Family reference", "Volunteer reference", "Start date", "End date", "Reason"]
    data = xlsx_bytes(header, [["F1", "V1", date(2021, 5, 1), date(2022, 1, 2), "Goal reached"]])
    result = run(north, data, "history.xlsx")
    assert result.ok, result.errors
    match = Match.objects.get()
    assert match.started_on == date(2021, 5, 1) and match.end_reason == "goal-reached"


def test_it_lists_every_bad_row_and_writes_nothing(north):
    make_family(north, 1)
    make_volunteer(north, 1)
    rows = [
        ["F1", "V1", "2020-01-01", "2021-01-01", "moved-away", "", "", ""],    # good
        ["F1", "V1", "not a date", "", "", "", "", ""],                          # bad start
        ["F1", "V1", "2020-05-01", "2020-04-01", "", "", "", ""],                # end < start
        ["F404", "V1", "2020-01-01", "", "", "", "", ""],                        # no postcode
        ["F1", "V1", "2020-01-01", "", "bored", "", "", ""],                     # reason
        ["F2", "V1", "2020-01-01", "", "", "9999", "", ""],                      # postcode
        ["F1", "V1", "2020-01-01", "2021-01-01", "", "", "", ""],                # duplicate
        ["F1", "V1", "2099-01-01", "", "", "", "", ""],                          # future
        ["F1", "V1", "2020-01-01", "", "other", "", "", ""],                     # reason, no end
    ]
    result = run(north, csv_bytes(HEADER, rows))
    assert not result.ok
    found = {(e.row, e.column) for e in result.errors}
    assert found >= {(3, "start"), (4, "end"), (5, "family_postcode"), (6, "end_reason"),
                     (7, "family_postcode"), (8, "start"), (9, "start"), (10, "end_reason")}
    assert (2, "start") not in found
    assert Match.objects.count() == 0 and Proposal.objects.count() == 0
    assert FamilyHousehold.objects.count() == 1 and VolunteerHousehold.objects.count() == 1


def test_it_refuses_two_active_matches_for_one_family(north):
    rows = [["F1", "V1", "2020-01-01", "", "", "1000", "1000", ""],
            ["F1", "V2", "2021-01-01", "", "", "", "1000", ""]]
    result = run(north, csv_bytes(HEADER, rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "end")]
    assert Match.objects.count() == 0


def test_it_refuses_a_match_already_recorded(north):
    rows = [["F1", "V1", "2020-01-01", "2020-06-01", "", "1000", "1000", ""]]
    assert run(north, csv_bytes(HEADER, rows)).ok
    again = run(north, csv_bytes(HEADER, rows))
    assert [(e.row, e.column) for e in again.errors] == [(2, "start")]
    assert Match.objects.count() == 1


def test_it_names_missing_columns(north):
    result = run(north, csv_bytes(["family", "start"], [["F1", "2020-01-01"]]))
    assert {(e.row, e.column) for e in result.errors} == {(1, "volunteer")}


def test_it_keeps_households_of_another_programme_apart(north, south):
    make_family(south, 1)
    rows = [["F1", "V1", "2020-01-01", "", "", "", "1000", ""]]
    result = run(north, csv_bytes(HEADER, rows))
    # F1 exists only in "south": for "north" it is unknown and needs a postcode.
    assert [(e.row, e.column) for e in result.errors] == [(2, "family_postcode")]


def test_the_command_imports_matches(north, tmp_path):
    path = tmp_path / "history.csv"
    path.write_bytes(csv_bytes(HEADER, [["F1", "V1", "2020-01-01", "", "", "1000", "1000", ""]]))
    call_command("import", "matches", str(path), "--programme", "north")
    assert Match.objects.filter(programme=north).count() == 1


def test_the_command_lists_problems_and_fails(north, tmp_path):
    path = tmp_path / "history.csv"
    path.write_bytes(csv_bytes(HEADER, [["F1", "V1", "yesterday", "", "", "1000", "1000", ""]]))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", "matches", str(path), "--programme", "north")
    assert Match.objects.count() == 0


def test_the_upload_page_imports_for_a_coordinator(client, alice, north):
    client.force_login(alice)
    data = csv_bytes(HEADER, [["F1", "V1", "2020-01-01", "", "", "1000", "1000", ""]])
    upload = io.BytesIO(data)
    upload.name = "history.csv"
    url = reverse("evaluation:import_matches", args=["north"])
    response = client.post(url, {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert Match.objects.filter(programme=north).count() == 1


def test_the_upload_page_shows_every_problem(client, alice, north):
    client.force_login(alice)
    data = csv_bytes(HEADER, [["F1", "V1", "2020-13-01", "", "", "1000", "1000", ""],
                              ["F2", "V1", "2020-01-01", "", "", "", "", ""]])
    upload = io.BytesIO(data)
    upload.name = "history.csv"
    url = reverse("evaluation:import_matches", args=["north"])
    response = client.post(url, {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    errors = response.context["result"].errors
    assert {(e.row, e.column) for e in errors} == {(2, "start"), (3, "family_postcode"),
                                                   (3, "volunteer_postcode")}
    assert Match.objects.count() == 0


@pytest.mark.parametrize("persona", ["bob", "rita", "vera", "charlie"])
def test_only_the_programmes_coordinator_may_import(client, request, north, persona):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("evaluation:import_matches", args=["north"])
    assert client.get(url).status_code == 404


def test_imported_history_counts_in_every_figure(north):
    """Matches imported from a spreadsheet, and the archived households they create, count
    in the persistence curve, its district split, the dashboard and the practice sheet."""
    from datetime import date

    from voisins.evaluation import practice, selectors

    rows = [[f"H{i}", f"HV{i}", f"2019-0{1 + i % 9}-01", "2020-06-30" if i % 2 else "",
             "", "4000" if i < 6 else "1030", "4000", ""] for i in range(10)]
    assert run(north, csv_bytes(HEADER, rows)).ok
    today = date(2021, 1, 1)
    curve = selectors.persistence(programme=north, today=today).overall
    assert curve.n == 10 and curve.ended == 5
    split = selectors.persistence(programme=north, split="district", today=today)
    assert {c.label: c.n for c in split.comparison.curves} == {"40xx": 6}
    assert split.comparison.hidden == ("10xx",)  # 4 matches: too few to draw

    board = selectors.dashboard(programme=north, period=selectors.Period(date(2019, 1, 1),
                                                                         date(2020, 12, 31)),
                                today=today)
    assert board.started == 10 and board.ended == 5
    families = {code: n for code, _label, n in board.families}
    assert families["matched"] == 5 and families["ended"] == 5
    volunteers = {code: n for code, _label, n in board.volunteers}
    assert volunteers["matched"] == 5 and volunteers["left"] == 5
    assert {code: (f, v) for code, _place, f, v in board.postcodes} == {
        "4000": (6, 10), "1030": (4, 0)}

    figures = practice.figures(programme=north, today=today)
    assert figures.families_met == 10 and figures.volunteers_met == 10
    assert figures.matches == 10 and figures.matches_active == 5


# --- Imported history keeps the live state right (issue 14, item 4) ---------------------------

def test_an_active_imported_match_makes_its_family_matched_and_fills_the_volunteer(north):
    from voisins.matches.selectors import matchable_volunteers, room_left, waiting_families
    from voisins.privacy.services import consent_give

    family = make_family(north, 1, status="waiting")
    volunteer = make_volunteer(north, 1)
    for household in (family, volunteer):
        consent_give(household=household, purpose="matching")
    assert family in waiting_families(north) and volunteer in matchable_volunteers(north)
    rows = [["F1", "V1", "2024-03-01", "", "", "", "", ""]]
    assert run(north, csv_bytes(HEADER, rows)).ok
    family.refresh_from_db()
    volunteer.refresh_from_db()
    assert family.status == "matched" and volunteer.status == "matched"
    assert family.status_changes.filter(to_status="matched").exists()
    # Neither can be proposed again: the family is matched, the household is full.
    assert family not in waiting_families(north)
    assert [room_left(v) for v in matchable_volunteers(north) if v.pk == volunteer.pk] in (
        [], [0])


def test_a_volunteer_household_beyond_its_capacity_is_refused_with_its_rows(north):
    make_volunteer(north, 1, capacity=1)
    make_family(north, 1)
    make_family(north, 2)
    rows = [["F1", "V1", "2023-01-01", "", "", "", "", ""],
            ["F2", "V1", "2023-06-01", "", "", "", "", ""]]
    result = run(north, csv_bytes(HEADER, rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "volunteer")]
    assert "row" in result.errors[0].message and "2" in result.errors[0].message
    assert Match.objects.count() == 0
    assert VolunteerHousehold.objects.get(reference="V1").status == "available"


def test_a_volunteer_household_takes_as_many_families_as_its_capacity(north):
    make_volunteer(north, 1, capacity=2)
    make_family(north, 1)
    make_family(north, 2)
    rows = [["F1", "V1", "2023-01-01", "", "", "", "", ""],
            ["F2", "V1", "2023-06-01", "", "", "", "", ""]]
    assert run(north, csv_bytes(HEADER, rows)).ok
    assert Match.objects.filter(volunteer__reference="V1", status="active").count() == 2


def test_overlapping_matches_of_one_family_are_refused_with_their_rows(north):
    make_family(north, 1)
    rows = [["F1", "V1", "2020-01-01", "2020-12-31", "", "", "1000", ""],
            ["F1", "V2", "2020-06-01", "2021-03-01", "", "", "1000", ""],
            # Back to back is fine: a match may start the day the previous one ended.
            ["F1", "V3", "2021-03-01", "2021-09-01", "", "", "1000", ""]]
    result = run(north, csv_bytes(HEADER, rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "start")]
    assert "row 2" in result.errors[0].message
    assert Match.objects.count() == 0


def test_a_near_duplicate_row_is_refused(north):
    rows = [["F1", "V1", "2020-01-01", "2020-12-31", "", "1000", "1000", ""],
            ["F1", "V1", "2020-01-03", "2020-12-31", "moved-away", "1000", "1000", ""]]
    result = run(north, csv_bytes(HEADER, rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "start")]
    assert Match.objects.count() == 0 and FamilyHousehold.objects.count() == 0


def test_a_match_overlapping_one_already_recorded_is_refused(north):
    rows = [["F1", "V1", "2020-01-01", "2020-12-31", "", "1000", "1000", ""]]
    assert run(north, csv_bytes(HEADER, rows)).ok
    again = run(north, csv_bytes(HEADER, [["F1", "V2", "2020-05-01", "2020-08-01", "",
                                           "", "1000", ""]]))
    assert [(e.row, e.column) for e in again.errors] == [(2, "start")]
    assert "already recorded" in again.errors[0].message
    assert Match.objects.count() == 1


def test_a_future_end_date_with_a_reason_gets_only_the_true_error(north):
    make_family(north, 1)
    make_volunteer(north, 1)
    rows = [["F1", "V1", "2020-01-01", "2099-01-01", "moved-away", "", "", ""]]
    result = run(north, csv_bytes(HEADER, rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "end")]
    assert "future" in result.errors[0].message
