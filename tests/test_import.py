import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from voisins.households.models import FamilyHousehold, Member, VolunteerHousehold
from voisins.ops.household_import import import_households

FAMILY_HEADER = ["reference", "first_name", "last_name", "postcode", "languages", "needs",
                 "availability", "children", "adults", "phone", "radius_km"]
GOOD_FAMILIES = [
    ["F1", "Amina", "Haddad", "1030", "ar:native, fr:basic", "homework:3, paperwork",
     "wed-pm; sat-am", "2016:primary, 2019:nursery", "1985", "+32 470 11 22 33", "2"],
    ["F2", "Olena", "Kovalenko", "4000", "uk:native, ru", "french-conversation",
     "mon-eve", "", "1990", "", ""],
]


def csv_bytes(header, rows, sep=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(header, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(programme, data, filename="families.csv", kind="families"):
    return import_households(programme=programme, kind=kind, upload=io.BytesIO(data),
                             filename=filename)


def test_it_imports_a_good_csv_file(north):
    result = run(north, csv_bytes(FAMILY_HEADER, GOOD_FAMILIES))
    assert result.ok, result.errors
    assert result.created == 2
    amina = FamilyHousehold.objects.get(reference="F1")
    assert amina.needs == {"homework": 3, "paperwork": 2}
    assert amina.availability == ["wed-pm", "sat-am"]
    assert amina.locality == "Schaerbeek" and amina.status == "waiting"
    assert amina.radius_km == 2
    assert sorted(amina.members.values_list("kind", "birth_year", "school_level")) == [
        ("adult", 1985, ""), ("child", 2016, "primary"), ("child", 2019, "nursery")]
    olena = FamilyHousehold.objects.get(reference="F2")
    assert olena.radius_km == north.default_radius_km
    assert olena.languages == [{"code": "uk", "level": "native"},
                               {"code": "ru", "level": "fluent"}]


def test_it_imports_a_semicolon_separated_file_as_excel_writes_it(north):
    rows = [[cell.replace(";", ",") for cell in row] for row in GOOD_FAMILIES]
    result = run(north, csv_bytes(FAMILY_HEADER, rows, sep=";"))
    assert result.ok, result.errors


def test_it_imports_a_good_xlsx_file(north):
    rows = [row[:-1] + [2] for row in GOOD_FAMILIES]  # a number cell, as Excel stores it
    result = run(north, xlsx_bytes(FAMILY_HEADER, rows), filename="families.xlsx")
    assert result.ok, result.errors
    assert FamilyHousehold.objects.count() == 2


def test_a_file_with_bad_rows_writes_nothing_and_lists_every_problem(north):
    rows = GOOD_FAMILIES + [
        ["F3", "Yonas", "Haile", "9999", "ti:native", "homework", "wed-pm", "", "", "", ""],
        ["F4", "", "Ahmadi", "1000", "prs:native", "astrology", "noon", "", "", "", ""],
        ["F1", "Rania", "Saleh", "1000", "ar", "paperwork", "wed-pm", "20x6", "", "", "99"],
    ]
    result = run(north, csv_bytes(FAMILY_HEADER, rows))
    assert not result.ok
    found = {(e.row, e.column) for e in result.errors}
    assert {(4, "postcode"), (5, "first_name"), (5, "needs"), (5, "availability"),
            (6, "children"), (6, "radius_km")} <= found
    assert any("9999" in e.message for e in result.errors if e.row == 4)
    assert FamilyHousehold.objects.count() == 0
    assert Member.objects.count() == 0


def test_a_reference_twice_in_a_file_or_already_known_is_refused(north):
    run(north, csv_bytes(FAMILY_HEADER, GOOD_FAMILIES[:1]))
    result = run(north, csv_bytes(FAMILY_HEADER, GOOD_FAMILIES))
    assert [(e.row, e.column) for e in result.errors] == [(2, "reference")]
    assert FamilyHousehold.objects.count() == 1


def test_a_missing_column_is_named(north):
    header = [h for h in FAMILY_HEADER if h != "postcode"]
    rows = [[c for h, c in zip(FAMILY_HEADER, row, strict=True) if h != "postcode"]
            for row in GOOD_FAMILIES]
    result = run(north, csv_bytes(header, rows))
    assert [(e.row, e.column) for e in result.errors] == [(1, "postcode")]


@pytest.mark.parametrize("filename,data", [
    ("families.pdf", b"%PDF-1.4"),
    ("families.xlsx", b"not a workbook"),
    ("families.csv", b""),
    ("families.csv", b"reference,first_name\n"),
    ("families.csv", b"\xff\xfe\x00garbage"),
])
def test_an_unreadable_file_is_refused_with_a_message(north, filename, data):
    result = run(north, data, filename=filename)
    assert not result.ok and result.errors[0].message
    assert FamilyHousehold.objects.count() == 0


def test_names_in_any_script_round_trip_unchanged(north):
    names = [("محمد", "الحلبي"), ("Олена", "Мельник"), ("ሰላም", "ተስፋማርያም"),
             ("Zoë", "N’Diaye-Ó Briain")]
    rows = [[f"N{i}", first, last, "1000", "ar", "paperwork", "mon-am", "", "", "", ""]
            for i, (first, last) in enumerate(names)]
    assert run(north, csv_bytes(FAMILY_HEADER, rows)).ok
    assert run(north, xlsx_bytes(FAMILY_HEADER, [[f"X{r[0]}"] + r[1:] for r in rows]),
               filename="f.xlsx").ok
    stored = set(FamilyHousehold.objects.values_list("contact_first_name", "contact_last_name"))
    assert stored == set(names)
    assert FamilyHousehold.objects.count() == 2 * len(names)


def test_volunteers_are_imported_with_offers_and_capacity(north):
    header = ["first_name", "last_name", "postcode", "languages", "offers", "availability",
              "capacity", "email"]
    rows = [["Marie", "Dubois", "1050", "fr:native, en", "homework, transport", "sat-am", "2",
             "marie@example.org"]]
    result = run(north, csv_bytes(header, rows), kind="volunteers", filename="v.csv")
    assert result.ok, result.errors
    volunteer = VolunteerHousehold.objects.get()
    assert volunteer.capacity == 2 and volunteer.offers == ["homework", "transport"]
    assert volunteer.status == "available"


cell = st.text(max_size=60)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell, min_size=len(FAMILY_HEADER),
                              max_size=len(FAMILY_HEADER)), min_size=1, max_size=4))
def test_arbitrary_cells_give_clear_errors_or_a_full_import(north, rows):
    before = FamilyHousehold.objects.count()
    result = run(north, csv_bytes(FAMILY_HEADER, rows))
    after = FamilyHousehold.objects.count()
    if result.ok:
        assert after == before + result.created
    else:
        assert after == before
        assert all(e.row >= 1 and e.message for e in result.errors)
    FamilyHousehold.objects.filter(programme=north).delete()


def test_the_command_imports_a_file(north, tmp_path, capsys):
    path = tmp_path / "families.csv"
    path.write_bytes(csv_bytes(FAMILY_HEADER, GOOD_FAMILIES))
    call_command("import", "families", str(path))
    assert "Imported 2 families" in capsys.readouterr().out


def test_the_command_lists_problems_and_fails(north, tmp_path, capsys):
    path = tmp_path / "families.csv"
    path.write_bytes(csv_bytes(FAMILY_HEADER, [GOOD_FAMILIES[0][:3] + ["0000"]
                                               + GOOD_FAMILIES[0][4:]]))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", "families", str(path))
    assert "0000" in capsys.readouterr().err
    assert FamilyHousehold.objects.count() == 0


def test_the_upload_page_lists_problems_and_keeps_nothing(client, alice, north):
    client.force_login(alice)
    data = csv_bytes(FAMILY_HEADER, [GOOD_FAMILIES[0][:3] + ["0000"] + GOOD_FAMILIES[0][4:]])
    upload = io.BytesIO(data)
    upload.name = "families.csv"
    response = client.post("/staff/north/import/", {"kind": "families", "file": upload})
    assert response.status_code == 200
    assert "0000" in response.content.decode()
    assert FamilyHousehold.objects.count() == 0


def test_the_upload_page_imports_a_good_file(client, alice, north):
    client.force_login(alice)
    upload = io.BytesIO(csv_bytes(FAMILY_HEADER, GOOD_FAMILIES))
    upload.name = "families.csv"
    response = client.post("/staff/north/import/", {"kind": "families", "file": upload},
                           follow=True)
    assert response.status_code == 200
    assert FamilyHousehold.objects.filter(programme=north).count() == 2


def test_the_upload_page_refuses_another_file_type(client, alice, north):
    client.force_login(alice)
    upload = io.BytesIO(b"MZ\x90\x00")
    upload.name = "virus.exe"
    response = client.post("/staff/north/import/", {"kind": "families", "file": upload})
    assert response.status_code == 200
    assert "CSV" in response.content.decode()


CONSENT_HEADER = FAMILY_HEADER + ["consents", "consent_date", "consent_given_by"]


def test_consents_given_on_paper_are_recorded_with_their_date_and_who_agreed(north, alice):
    from datetime import date

    from voisins.gdpr.selectors import require_consent
    from voisins.privacy.models import Consent, PrivacyNotice

    PrivacyNotice.objects.create(programme=north, version="2023", text="…",
                                 published_at="2023-01-01T00:00:00Z")
    PrivacyNotice.objects.create(programme=north, version="2025", text="…",
                                 published_at="2025-01-01T00:00:00Z")
    rows = [GOOD_FAMILIES[0] + ["matching, share_contact", "15/03/2024", "Karim Haddad"],
            GOOD_FAMILIES[1] + ["", "", ""]]
    result = import_households(programme=north, kind="families", filename="f.csv", by=alice,
                               upload=io.BytesIO(csv_bytes(CONSENT_HEADER, rows)))
    assert result.ok, result.errors
    amina = FamilyHousehold.objects.get(reference="F1")
    consents = Consent.objects.filter(family=amina).order_by("purpose")
    assert [c.purpose for c in consents] == ["matching", "share_contact"]
    for consent in consents:
        assert consent.given_at.date() == date(2024, 3, 15)
        assert consent.given_by_name == "Karim Haddad" and consent.recorded_by == alice
        assert consent.notice.version == "2023"  # the notice in force that day
    require_consent(amina, "matching")  # may be matched without recording it again
    assert not Consent.objects.filter(family__reference="F2").exists()


@pytest.mark.parametrize(("cells", "column", "message"), [
    (["matching, newsletter", "", ""], "consents", "Unknown consent purpose: newsletter."),
    (["matching", "2999-01-01", ""], "consent_date", "cannot be given in the future"),
    (["matching", "yesterday", ""], "consent_date", "Enter a valid date."),
    (["", "2024-03-15", ""], "consent_date", "Say in the column consents what was agreed"),
    (["", "", "Karim"], "consent_given_by", "Say in the column consents what was agreed"),
])
def test_bad_consent_cells_are_named_and_nothing_is_written(north, cells, column, message):
    from django.utils import translation

    from voisins.privacy.models import Consent

    rows = [GOOD_FAMILIES[0] + ["matching", "", ""], GOOD_FAMILIES[1] + cells]
    with translation.override("en"):
        result = run(north, csv_bytes(CONSENT_HEADER, rows))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert message in result.errors[0].message
    assert not FamilyHousehold.objects.exists() and not Consent.objects.exists()


def test_volunteers_bring_their_consents_too(north):
    from voisins.privacy.models import Consent

    header = ["first_name", "postcode", "languages", "offers", "availability", "consents"]
    rows = [["Marie", "1050", "fr:native", "homework", "sat-am", "matching; photos"]]
    result = run(north, csv_bytes(header, rows), kind="volunteers", filename="v.csv")
    assert result.ok, result.errors
    assert sorted(Consent.objects.filter(volunteer__isnull=False)
                  .values_list("purpose", flat=True)) == ["matching", "photos"]
