"""Every staff list exports to CSV and XLSX as its filters show it: only the columns the
role may see, audited, streamed, and a nonsense parameter is a 400 naming it."""

import csv
import io
import tracemalloc
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from voisins.households.models import FamilyHousehold
from voisins.households.services import family_create
from voisins.mediation.models import Case

from ..conftest import family_data

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

# Every exportable list: its URL name, and a filter that its page understands.
LISTS = {
    "families": ("staff:families", {"status": "waiting"}),
    "volunteers": ("staff:volunteers", {"status": "available"}),
    "proposals": ("matches:proposals", {"status": "all"}),
    "matches": ("matches:matches", {"status": "all"}),
    "checkins": ("matches:checkins_overdue", {}),
    "cases": ("mediation:cases", {"status": "all"}),
    "referrals": ("recruitment:referrals", {}),
}


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def export(client, list_name: str, export_format: str, **params):
    url_name, defaults = LISTS[list_name]
    return client.get(reverse(url_name, args=["north"]),
                      {**defaults, **params, "export": export_format}, **EN)


@pytest.fixture
def waiting(north):
    """Three waiting families and one matched: the oldest waits longest."""
    made = []
    for n, (last, days) in enumerate((("Zeroual", 100), ("Abadi", 10), ("Moreau", 50))):
        family = family_create(programme=north, **family_data(
            contact_last_name=last, phone=f"+3247011223{n}", email=f"{last.lower()}@example.org"))
        FamilyHousehold.objects.filter(pk=family.pk).update(
            waiting_since=timezone.now() - timedelta(days=days))
        made.append(family)
    family_create(programme=north, **family_data(contact_last_name="Matched", status="matched"))
    return made


def test_the_waiting_list_exports_as_filtered_and_sorted_in_csv_and_xlsx(client, alice,
                                                                         waiting):
    client.force_login(alice)
    for export_format, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        response = export(client, "families", export_format)
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        rows = read(response)
        header = rows[0]
        assert header[:3] == ["Reference", "First name", "Last name"]
        assert "Phone" in header and "E-mail" in header
        # Filtered (no matched family) and longest-waiting first, as the page shows it.
        assert [r[header.index("Last name")] for r in rows[1:]] == ["Zeroual", "Moreau", "Abadi"]
        assert rows[1][header.index("E-mail")] == "zeroual@example.org"


def test_the_waiting_list_page_shows_the_longest_waiting_first(client, alice, waiting):
    client.force_login(alice)
    response = client.get(reverse("staff:families", args=["north"]), {"status": "waiting"},
                          **EN)
    assert [h["contact_last_name"] for h in response.context["page"]] == [
        "Zeroual", "Moreau", "Abadi"]
    assert "export=csv" in response.content.decode()


def test_a_chosen_sort_is_the_files_order(client, alice, waiting):
    client.force_login(alice)
    rows = csv_rows(export(client, "families", "csv", sort="name"))
    assert [r[2] for r in rows[1:]] == ["Abadi", "Moreau", "Zeroual"]


@pytest.mark.parametrize("list_name", sorted(LISTS))
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_every_list_exports(client, alice, whole_programme, list_name, export_format):
    client.force_login(alice)
    response = export(client, list_name, export_format)
    assert response.status_code == 200
    rows = csv_rows(response) if export_format == "csv" else xlsx_rows(response)
    assert rows[0]  # a header, then the rows
    entry = LogEntry.objects.filter(additional_data__via="export").latest("pk")
    assert entry.additional_data["list"] == list_name
    assert entry.additional_data["rows"] == len(rows) - 1
    assert entry.actor == alice


def test_the_export_is_audited_with_its_filters_and_row_count(client, alice, waiting):
    client.force_login(alice)
    body(export(client, "families", "csv", postcode="10"))
    entry = LogEntry.objects.get(additional_data__via="export")
    assert entry.actor == alice
    assert entry.additional_data["list"] == "families"
    assert entry.additional_data["format"] == "csv"
    assert entry.additional_data["filters"] == {"status": "waiting", "postcode": "10"}
    assert entry.additional_data["rows"] == 3
    assert "phone" in entry.additional_data["fields"]


def test_a_mediator_exports_only_their_matches_without_contact_columns(
        client, bob, alice, whole_programme):
    client.force_login(bob)
    rows = csv_rows(export(client, "matches", "csv"))
    assert rows[0] == ["Family", "Volunteer household", "Since", "Status", "Needs attention"]
    # The fixture's match is not assigned to Bob.
    assert len(rows) == 1 + whole_programme_matches_of(bob)
    # Bob may not see households at all: the households list is not his to export.
    assert export(client, "families", "csv").status_code == 404


def whole_programme_matches_of(user) -> int:
    from voisins.matches.models import Match

    return Match.objects.filter(mediator=user).count()


def test_contact_columns_follow_the_access_rules(alice, north):
    from voisins import access
    from voisins.lists.exports import LISTS as EXPORTS

    families = EXPORTS["families"].columns
    assert {c.key for c in access.visible_columns(alice, north, families)} >= {
        "phone", "e_mail", "last_name"}
    assert all(c.needs in ("", "view_contact_details") for c in families)


def test_another_programme_gets_nothing(client, charlie, waiting):
    client.force_login(charlie)
    for list_name in LISTS:
        assert export(client, list_name, "csv").status_code == 404
    assert not LogEntry.objects.filter(additional_data__via="export").exists()


@pytest.mark.parametrize("params, field", [
    ({"export": "pdf"}, "export"),
    ({"export": ""}, "export"),
    ({"export": "csv", "waiting_days": "-4"}, "waiting_days"),
    ({"export": "csv", "waiting_days": "lots"}, "waiting_days"),
    ({"export": "xlsx", "status": "nonsense"}, "status"),
    ({"export": "csv", "sort": "password"}, "sort"),
    ({"export": "csv", "need": "x" * 500}, "need"),
])
def test_nonsense_parameters_answer_400_naming_the_field(client, alice, waiting, params,
                                                         field):
    client.force_login(alice)
    response = client.get(reverse("staff:families", args=["north"]), params, **EN)
    assert response.status_code == 400
    assert field in response.content.decode()
    assert not LogEntry.objects.filter(additional_data__via="export").exists()


def test_nonsense_on_the_other_lists_is_a_400_too(client, alice, whole_programme):
    client.force_login(alice)
    for list_name in ("proposals", "matches", "cases", "checkins", "referrals"):
        response = export(client, list_name, "ods")
        assert response.status_code == 400, list_name
        response = export(client, list_name, "csv", sort="nonsense")
        assert response.status_code == 400, list_name
        assert "sort" in response.content.decode()


def test_the_case_list_reads_only_what_it_shows(alice, north):
    from voisins.mediation.selectors import cases_for_list, cases_visible

    query = str(cases_for_list(cases_visible(north, alice)).query).split(" FROM ")[0]
    assert "summary" not in query and "resolution" not in query
    assert "phone" not in query and "members" not in query and "last_name" not in query


def test_the_case_list_names_the_households_of_each_case(client, alice, whole_programme):
    from voisins.mediation.models import Case

    client.force_login(alice)
    response = client.get(reverse("mediation:cases", args=["north"]), {"status": ""}, **EN)
    html = response.content.decode()
    for case in Case.objects.select_related("match__family", "match__volunteer", "family",
                                            "volunteer"):
        family = case.family or (case.match.family if case.match else None)
        if family:
            assert family.contact_first_name in html


def _stream_peak(client, alice, north, rows: int) -> int:
    """Make the programme hold `rows` families, export the list as CSV, and return the
    peak memory of the streamed export (its lines are counted and its reading audited)."""
    template = FamilyHousehold.objects.filter(programme=north).first() or \
        FamilyHousehold.objects.get(pk=family_create(
            programme=north, **family_data(contact_last_name="=cmd|' /C calc'!A0")).pk)
    now = timezone.now()
    fields = {f.attname: getattr(template, f.attname) for f in FamilyHousehold._meta.concrete_fields
              if not f.primary_key}
    have = FamilyHousehold.objects.filter(programme=north).count()
    FamilyHousehold.objects.bulk_create(
        [FamilyHousehold(**{**fields, "reference": f"R{i}", "contact_first_name": f"F{i}",
                            "created_at": now}) for i in range(have, rows)], batch_size=5_000)
    client.force_login(alice)
    tracemalloc.start()
    try:
        response = client.get(reverse("staff:families", args=["north"]),
                              {"export": "csv"}, **EN)
        assert response.streaming
        lines = 0
        for chunk in response.streaming_content:
            lines += chunk.count(b"\n")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert lines == rows + 1
    entry = LogEntry.objects.filter(additional_data__via="export").latest("pk")
    assert entry.additional_data["rows"] == rows
    return peak


def test_an_export_streams_in_memory_that_does_not_grow_with_its_rows(client, alice, north,
                                                                     monkeypatch):
    """The same peak for 5 chunks as for 25 (chunks made small so that this is a few
    thousand rows, not 100,000): rows are read a chunk at a time and written out as they
    come; holding them as model instances would add kilobytes per row."""
    from voisins.lists import exports

    monkeypatch.setattr(exports, "CHUNK_SIZE", 200)
    _stream_peak(client, alice, north, 200)  # warm-up: imports and caches of a first call
    small = _stream_peak(client, alice, north, 1_000)
    large = _stream_peak(client, alice, north, 5_000)
    assert large < small + 512 * 1024, (small, large)
    assert large < 40 * 1024 * 1024, large


def test_a_case_number_is_a_number_in_the_xlsx(client, alice, whole_programme):
    client.force_login(alice)
    rows = xlsx_rows(export(client, "cases", "xlsx"))
    numbers = [r[0] for r in rows[1:]]
    assert numbers and all(isinstance(n, int) for n in numbers)
    assert set(numbers) <= set(Case.objects.values_list("pk", flat=True))
