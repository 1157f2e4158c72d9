"""GDPR duties: consent before use, a person's export in one click, erasure that keeps the
figures true, automatic anonymisation after the retention period, the record of
processing."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import family_data, make_user
from voisins.api.selectors import programme_statistics
from voisins.gdpr.errors import ConsentRequired
from voisins.gdpr.models import Erasure
from voisins.gdpr.selectors import household_export, months_before, require_consent, with_consent
from voisins.gdpr.services import household_erase, purge_inactive
from voisins.gdpr.tasks import purge_inactive_task
from voisins.households.models import FamilyHousehold, Member, VolunteerHousehold
from voisins.households.services import family_create, household_set_status
from voisins.privacy.services import consent_give, consent_withdraw

# --- consent -----------------------------------------------------------------------------

def test_it_refuses_a_use_without_consent(family):
    with pytest.raises(ConsentRequired) as error:
        require_consent(family, "surveys")
    assert error.value.purpose == "surveys"


def test_it_allows_a_use_with_consent_until_withdrawn(family):
    consent = consent_give(household=family, purpose="surveys")
    require_consent(family, "surveys")
    with pytest.raises(ConsentRequired):
        require_consent(family, "photos")
    consent_withdraw(consent=consent)
    with pytest.raises(ConsentRequired):
        require_consent(family, "surveys")


def test_an_unknown_purpose_is_never_consented(family):
    consent_give(household=family, purpose="matching")
    with pytest.raises(ConsentRequired):
        require_consent(family, "marketing")


def test_batch_uses_keep_only_consenting_households(north, family):
    other = family_create(programme=north, **family_data(contact_first_name="B"))
    consent_give(household=family, purpose="matching")
    consent_give(household=family, purpose="surveys")
    assert list(with_consent(FamilyHousehold.objects.all(), "matching")) == [family]
    assert other not in with_consent(FamilyHousehold.objects.all(), "surveys")


# --- export ------------------------------------------------------------------------------

def test_the_export_holds_everything_about_the_person(alice, family):
    family.email = "amina@example.org"
    family.save()
    consent_give(household=family, purpose="matching", interpreter="Service X")
    data = household_export(family)
    assert data["household"]["email"] == "amina@example.org"
    assert data["household"]["contact_last_name"] == "Haddad"
    assert len(data["members"]) == 2 and data["consents"][0]["purpose"] == "matching"
    assert data["status_history"][0]["to"] == "waiting"
    assert data["access_log"], "who saw or changed the data is part of the export"
    json.dumps(data)


def test_a_coordinator_downloads_the_export_in_one_click(client, alice, family):
    client.force_login(alice)
    page = client.get(f"/staff/north/families/{family.pk}/").content.decode()
    assert f"/staff/north/families/{family.pk}/export.pdf" in page
    response = client.get(f"/staff/north/families/{family.pk}/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content)["household"]["contact_first_name"] == "Amina"


def test_the_pdf_export_is_a_readable_pdf(client, alice, family):
    client.force_login(alice)
    response = client.get(f"/staff/north/families/{family.pk}/export.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    if text is not None:
        assert "Amina" in text and "Haddad" in text


def _pdf_text(content: bytes) -> str | None:
    import shutil
    import subprocess
    import tempfile

    tool = shutil.which("pdftotext")
    if not tool:
        import io

        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(content)
        pdf.flush()
        return subprocess.run([tool, pdf.name, "-"], capture_output=True,
                              check=True, text=True).stdout


@pytest.mark.parametrize("persona", ["bob", "rita", "vera", "charlie"])
def test_only_coordinators_export(client, request, family, persona):
    client.force_login(request.getfixturevalue(persona))
    for fmt in ("json", "pdf"):
        assert client.get(f"/staff/north/families/{family.pk}/export.{fmt}").status_code == 404


# --- erasure -----------------------------------------------------------------------------

def test_erasure_removes_the_person_and_keeps_the_figures(alice, north, family, volunteer):
    family.email, family.phone, family.reference = "a@example.org", "+32470123456", "F-1"
    family.wishes_note = "Lives above the bakery"
    family.save()
    Member.objects.filter(family=family).update(first_name="Yara")
    consent_give(household=family, purpose="matching", given_by_name="Hassan",
                 interpreter="Nadia")
    before = programme_statistics(north)
    history = list(family.status_changes.values_list("to_status", "changed_at"))

    household_erase(household=family, by=alice)

    family.refresh_from_db()
    assert family.contact_first_name == "—" and family.contact_last_name == ""
    assert (family.email, family.phone, family.reference, family.wishes_note) == ("",) * 4
    assert set(family.members.values_list("first_name", flat=True)) == {""}
    assert family.consents.get().given_by_name == "" and family.consents.get().interpreter == ""
    text = json.dumps(household_export(family), default=str)
    for secret in ["Amina", "Haddad", "a@example.org", "470123456", "Yara", "Hassan", "Nadia",
                   "bakery"]:
        assert secret not in text, secret
    # The family can no longer be reached: it leaves the waiting list and the current
    # counts (archived), and keeps its status and history for the figures of the past.
    assert family.archived and family.status == "waiting"
    after = programme_statistics(north)
    assert after["families"]["waiting"] == before["families"]["waiting"] - 1
    assert after["families_total"] == before["families_total"] - 1
    assert after["volunteers"] == before["volunteers"]
    assert list(family.status_changes.values_list("to_status", "changed_at")) == history
    assert Erasure.objects.get().reason == "request"


def test_an_erased_household_in_a_live_match_stays_in_the_counts(north, live_match):
    before = programme_statistics(north)
    household_erase(household=live_match.family)
    live_match.family.refresh_from_db()
    assert not live_match.family.archived
    assert programme_statistics(north) == before


def test_erasure_closes_a_volunteers_account(volunteer_user, volunteer):
    from voisins.api.services import token_create

    token_create(user=volunteer_user)
    household_erase(household=volunteer)
    volunteer_user.refresh_from_db()
    assert not volunteer_user.is_active and not volunteer_user.has_usable_password()
    assert "victor" not in volunteer_user.email and not volunteer_user.api_tokens.exists()
    volunteer.refresh_from_db()
    assert volunteer.user is None


def test_erasing_twice_changes_nothing(family):
    first = household_erase(household=family)
    assert household_erase(household=family) == first
    assert Erasure.objects.count() == 1


def test_a_coordinator_erases_after_confirming(client, alice, family):
    client.force_login(alice)
    url = f"/staff/north/families/{family.pk}/erase/"
    assert client.get(url).status_code == 200
    client.post(url, {})
    assert not Erasure.objects.exists()
    response = client.post(url, {"confirm": "erase"})
    assert response.status_code == 302 and Erasure.objects.count() == 1


# --- retention ---------------------------------------------------------------------------

def _age(household, months: int) -> None:
    type(household).objects.filter(pk=household.pk).update(
        last_activity_at=months_before(timezone.now(), months) - timedelta(days=1))


def test_it_anonymises_households_inactive_longer_than_the_retention(north, family, volunteer):
    recent = family_create(programme=north, **family_data(contact_first_name="Recent"))
    _age(family, 24)
    _age(volunteer, 25)
    _age(recent, 23)
    assert purge_inactive(dry_run=True) == {"families": 1, "volunteers": 1, "dry_run": True}
    assert not Erasure.objects.exists()
    assert purge_inactive() == {"families": 1, "volunteers": 1, "dry_run": False}
    assert FamilyHousehold.objects.get(pk=family.pk).contact_first_name == "—"
    assert VolunteerHousehold.objects.get(pk=volunteer.pk).contact_first_name == "—"
    assert FamilyHousehold.objects.get(pk=recent.pk).contact_first_name == "Recent"
    assert set(Erasure.objects.values_list("reason", flat=True)) == {"retention"}
    assert purge_inactive()["families"] == 0


def test_the_retention_period_is_the_programmes(north, family):
    north.retention_months = 6
    north.save()
    _age(family, 7)
    assert purge_inactive()["families"] == 1


def test_a_household_in_a_match_is_not_purged(north, family):
    household_set_status(household=family, status="matched")
    _age(family, 30)
    assert purge_inactive()["families"] == 0


def test_the_task_and_the_command_purge(north, family, volunteer):
    _age(family, 30)
    result = purge_inactive_task.enqueue()
    assert result.return_value == {"families": 1, "volunteers": 0, "dry_run": False}
    _age(volunteer, 30)
    out = StringIO()
    call_command("purge-inactive", stdout=out)
    assert "0 families and 1 volunteer households" in out.getvalue()


def test_months_before_clamps_to_the_end_of_the_month():
    from datetime import datetime

    assert months_before(datetime(2025, 3, 31), 1) == datetime(2025, 2, 28)
    assert months_before(datetime(2025, 1, 15), 24) == datetime(2023, 1, 15)


# --- record of processing ------------------------------------------------------------

def test_the_record_of_processing_comes_from_the_settings(north, alice, settings):
    settings.SESSION_COOKIE_AGE = 1234
    out = StringIO()
    call_command("processing-record", "--format", "json", stdout=out)
    record = json.loads(out.getvalue())
    assert record["retention"]["sessions_seconds"] == 1234
    assert record["controllers"][0]["retention_months_after_last_activity"] == 24
    assert {p["code"] for p in record["purposes"]} >= {"matching", "surveys"}
    markdown = StringIO()
    call_command("processing-record", stdout=markdown)
    assert markdown.getvalue().startswith("# Record of processing activities")


def test_a_coordinator_downloads_the_record(client, alice, north):
    client.force_login(alice)
    assert client.get("/staff/north/privacy/processing-record/").status_code == 200
    response = client.get("/staff/north/privacy/processing-record/?format=json")
    assert json.loads(response.content)["controllers"][0]["slug"] == "north"


def test_a_staff_account_in_the_record_is_counted_not_named(north, alice):
    make_user("x@example.org")
    out = StringIO()
    call_command("processing-record", "--format", "json", stdout=out)
    assert "alice@example.org" not in out.getvalue()
