"""The GDPR duties reach every app: a person's export holds their proposals, matches,
check-ins, activities, cases, surveys, sign-ups, screening, training, events, links and
mail; erasure leaves none of their details in any table (encrypted ones included) while
every figure — statistics, persistence, survival, surveys — stays the same."""

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from tests.conftest import FAMILY_SECRETS, VOLUNTEER_SECRETS
from voisins.api.selectors import programme_statistics
from voisins.evaluation.selectors import persistence, survey_results
from voisins.gdpr.selectors import audit_entries, household_export, months_before
from voisins.gdpr.services import household_erase, purge_inactive
from voisins.mediation.models import Case, CaseNote


def everything_stored() -> str:
    """Every row of every table of Voisins as text, encrypted texts decrypted."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table == "auditlog_logentry":
                continue  # holds no value of a masked field; checked in test_audit.py
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            parts.append(repr(cursor.fetchall()))
    parts += [repr([c.summary, c.resolution]) for c in Case.objects.all()]
    parts += [n.text for n in CaseNote.objects.all()]
    return "\n".join(parts)


def figures(programme) -> dict:
    return {"statistics": programme_statistics(programme),
            "persistence": repr(persistence(programme=programme)),
            "surveys": repr(survey_results(programme=programme, wave="start"))}


def test_the_family_export_holds_what_every_app_keeps(whole_programme):
    data = household_export(whole_programme["family"])
    assert data["proposals"][0]["answer"] == "accepted"
    assert data["matches"][0]["introduction_place"] == "Rue des Palais 12"
    assert [c["worry"] for c in data["check_ins"] if c["answered_at"]] == [
        "Yara's teacher is worried"]
    assert data["activities"][0]["text"] == "Victor drives Yara to school"
    assert data["contact_details_shown"][0]["shown_to"] == "volunteer"
    assert data["surveys"][0]["answers"] == {"happiness": 4, "belonging": 3}
    assert data["personal_links"] and "key" not in data["personal_links"][0]
    assert "amina@example.org" in {m["to"] for m in data["messages"]}
    assert [(t["to_programme"], t["status"], t["direction"]) for t in data["transfers"]] == [
        ("Voisins Sud", "consented", "out")]
    cases = {c["kind"]: c for c in data["cases"]}
    assert cases["conflict"]["summary"] == "Victor told us Amina cries"
    assert cases["conflict"]["notes"][0].endswith("Called Amina's husband")
    # A child-protection report is not handed to the household it is about.
    assert "Yara's teacher called" not in json.dumps(cases["safeguarding"])
    json.dumps(data)


def test_the_volunteer_export_holds_its_own_side(whole_programme):
    data = household_export(whole_programme["volunteer"])
    assert [c["worry"] for c in data["check_ins"] if c["answered_at"]] == [
        "Victor's back hurts"]
    assert data["training"][0]["module"] == "Welcome"
    assert data["events"][0]["answer"] == "going"
    assert data["signups"][0]["answers"]["phone"] == "+32470112233"
    assert data["screening"][0]["notes"] == "Victor drives well"
    assert data["evaluation_meetings"][0]["what_works"] == "Victor drives a lot"
    assert data["matches"][0]["family_first_name"] == "Amina"


def test_the_pdf_export_shows_every_section(client, alice, whole_programme):
    from tests.test_gdpr import _pdf_text

    client.force_login(alice)
    family = whole_programme["family"]
    response = client.get(f"/staff/north/families/{family.pk}/export.pdf",
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    if text is not None:
        for shown in ["Matches", "Check-ins", "Mediation cases", "Rue des Palais 12",
                      "Yara's teacher is worried", "happiness: 4"]:
            assert shown in text, shown


@pytest.mark.parametrize(("kind", "secrets"), [("family", FAMILY_SECRETS),
                                               ("volunteer", VOLUNTEER_SECRETS)])
def test_erasure_leaves_no_detail_in_any_table_and_keeps_the_figures(
        north, whole_programme, kind, secrets):
    household = whole_programme[kind]
    stored = everything_stored()
    assert all(secret in stored for secret in secrets), "the fixture writes every secret"
    before = figures(north)
    household_erase(household=household)
    stored = everything_stored()
    assert [secret for secret in secrets if secret in stored] == []
    assert figures(north) == before
    match = whole_programme["match"]
    match.refresh_from_db()
    assert match.status == "active" and match.checkins.filter(rating=4).count() == 2


def test_erasure_cancels_a_move_agreed_and_not_made(whole_programme):
    from voisins.transfers.models import Transfer

    household_erase(household=whole_programme["family"])
    transfer = Transfer.objects.get()
    assert transfer.status == "cancelled"
    assert transfer.consent_transfer.given_by_name == ""  # "Hassan" is gone


def test_a_move_made_is_in_both_exports_and_its_audit_logs(whole_programme, alice):
    from voisins.transfers.models import Transfer
    from voisins.transfers.services import household_transfer

    family = whole_programme["family"]
    south = Transfer.objects.get().to_programme
    new = household_transfer(household=family, to_programme=south, postcode="1000",
                             by=alice).new_family
    assert household_export(family)["transfers"][0]["status"] == "done"
    assert household_export(new)["transfers"][0]["direction"] == "in"
    assert "transfer" in {e.content_type.model for e in audit_entries(family)}
    assert "transfer" in {e.content_type.model for e in audit_entries(new)}
    # The old programme keeps nothing that names the family.
    family.refresh_from_db()
    assert family.contact_first_name == "—" and family.email == "" and family.archived


def test_erasure_stops_every_key_the_person_held(client, whole_programme):
    from voisins.community.models import CalendarToken
    from voisins.familypages.models import FamilyLink

    household_erase(household=whole_programme["family"])
    household_erase(household=whole_programme["volunteer"])
    assert not FamilyLink.objects.filter(revoked_at__isnull=True).exists()
    assert not CalendarToken.objects.filter(user__email__startswith="erased").exists()


def test_the_audit_log_of_a_household_includes_its_matches_and_cases(whole_programme):
    entries = audit_entries(whole_programme["family"])
    models = {e.content_type.model for e in entries}
    assert {"familyhousehold", "consent", "match", "proposal", "checkin", "case",
            "casenote"} <= models
    volunteer = {e.content_type.model for e in audit_entries(whole_programme["volunteer"])}
    assert "checkin" in volunteer


# --- retention ------------------------------------------------------------------------------

def _long_ago(household, months: int = 30) -> None:
    type(household).objects.filter(pk=household.pk).update(
        last_activity_at=months_before(timezone.now(), months))


def test_a_volunteer_in_a_live_match_is_not_purged_whatever_its_status(north, live_match):
    from voisins.households.models import VolunteerHousehold

    volunteer = live_match.volunteer
    VolunteerHousehold.objects.filter(pk=volunteer.pk).update(status="paused")
    _long_ago(volunteer)
    assert purge_inactive(dry_run=True)["volunteers"] == 0


def test_a_match_that_ended_lately_is_activity(north, alice, live_match):
    from voisins.matches.services import match_end

    match_end(match=live_match, reason="moved-away", by=alice)
    _long_ago(live_match.family)
    _long_ago(live_match.volunteer)
    assert purge_inactive(dry_run=True) == {"families": 0, "volunteers": 0, "dry_run": True}
    later = timezone.now() + timedelta(days=31 * 25)
    assert purge_inactive(dry_run=True, now=later) == {"families": 1, "volunteers": 1,
                                                        "dry_run": True}


@pytest.mark.parametrize("activity", ["checkin", "case", "training", "link"])
def test_other_apps_activity_keeps_a_household(north, alice, whole_programme, activity):
    from voisins.matches.services import match_end

    family, volunteer = whole_programme["family"], whole_programme["volunteer"]
    match_end(match=whole_programme["match"], reason="goal-reached", by=alice)
    # The match ended long ago, and so did every other sign of life but one.
    long_ago = months_before(timezone.now(), 30).date()
    whole_programme["match"].__class__.objects.update(started_on=long_ago, ended_on=long_ago)
    _quiet_everything(but=activity)
    _long_ago(family)
    _long_ago(volunteer)
    result = purge_inactive(dry_run=True)
    assert (result["families"], result["volunteers"]) == _expected(activity)


def _expected(activity: str) -> tuple[int, int]:
    """(families, volunteers) the purge erases when only `activity` is recent."""
    return {"checkin": (0, 0), "case": (0, 0), "training": (1, 0), "link": (0, 1)}[activity]


def _quiet_everything(but: str) -> None:
    """Move every sign of life of the fixture 30 months back, except `but`."""
    from voisins.community.models import Event, Invitation
    from voisins.evaluation.models import MeetingFeedback, MeetingInvitation, SurveyResponse
    from voisins.familypages.models import FamilyLink
    from voisins.matches.models import Activity, CheckIn, Proposal
    from voisins.recruitment.models import Screening, Signup
    from voisins.training.models import Registration, TrainingSession

    old = months_before(timezone.now(), 30)
    Proposal.objects.update(created_at=old, closed_at=old)
    Activity.objects.update(created_at=old)
    SurveyResponse.objects.update(answered_at=old)
    MeetingInvitation.objects.update(invited_at=old)
    MeetingFeedback.objects.update(submitted_at=old)
    Signup.objects.update(created_at=old, confirmed_at=old)
    Screening.objects.update(decided_at=None, interview_held_at=None)
    Invitation.objects.update(responded_at=old)
    Event.objects.update(starts_at=old, ends_at=old + timedelta(hours=1))
    if but != "checkin":
        CheckIn.objects.filter(answered_at__isnull=False).update(answered_at=old)
    if but != "case":
        Case.objects.update(opened_at=old, status="resolved", resolved_at=old)
    if but != "training":
        Registration.objects.update(registered_at=old)
        TrainingSession.objects.update(starts_at=old, ends_at=old + timedelta(hours=1))
    if but != "link":
        FamilyLink.objects.update(last_used_at=None)
    else:
        FamilyLink.objects.update(last_used_at=timezone.now())


def test_every_table_of_voisins_is_filled_by_the_whole_programme(whole_programme):
    empty = [model._meta.label for config in apps.get_app_configs()
             if config.name.startswith("voisins.") for model in config.get_models()
             if not model.objects.exists()]
    assert empty == []


def test_an_erased_household_is_never_matched_again(north, family, volunteer):
    from tests.conftest import agreed_to_matching
    from voisins.matches.selectors import matchable_volunteers, waiting_families

    agreed_to_matching(family, volunteer)
    assert family in waiting_families(north) and volunteer in matchable_volunteers(north)
    household_erase(household=family)
    household_erase(household=volunteer)
    # They keep their place in the figures (status, consent dates), not in matching.
    assert family not in waiting_families(north)
    assert volunteer not in matchable_volunteers(north)


def test_the_record_of_processing_names_what_every_app_keeps(north, settings):
    from django.utils import translation

    from voisins.gdpr.selectors import processing_record

    settings.VOISINS = {**settings.VOISINS, "FAMILY_LINK_DAYS": 45}
    with translation.override("en"):
        record = processing_record(north)
    kept = record["personal_data"]["kept_with_each_household"]
    assert {"Matches", "Mediation cases", "Children's survey answers", "Training",
            "Sign-up forms", "Events"} <= set(kept)
    assert record["retention"]["family_link_days"] == 45
    assert set(record["consent_checked_before"]) == {"matching", "share_contact", "surveys"}
