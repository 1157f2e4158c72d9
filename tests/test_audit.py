"""The audit log: writes and sensitive reads, who/when/what/where; coordinators read it
per record; nobody can edit it; it holds no names or contact details."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission

from voisins.audit.services import audit_read
from voisins.households.services import household_set_status
from voisins.privacy.services import consent_give, consent_withdraw


def test_it_logs_creating_changing_and_deleting_a_household(family):
    household_set_status(household=family, status="ended")
    pk = family.pk
    family.delete()
    actions = list(LogEntry.objects.filter(object_id=pk, content_type__model="familyhousehold")
                   .order_by("id").values_list("action", flat=True))
    assert actions[0] == LogEntry.Action.CREATE and actions[-1] == LogEntry.Action.DELETE
    assert LogEntry.Action.UPDATE in actions


def test_it_logs_consent_given_and_withdrawn(alice, family):
    consent = consent_give(household=family, purpose="surveys", recorded_by=alice,
                           given_by_name="Hassan Haddad")
    consent_withdraw(consent=consent)
    entries = LogEntry.objects.filter(content_type__model="consent", object_id=consent.pk)
    assert entries.count() == 2
    assert "Hassan" not in str(list(entries.values_list("changes", "object_repr")))


def test_the_log_holds_no_name_or_contact(family):
    family.email = "amina@example.org"
    family.phone = "+32470123456"
    family.save()
    text = str(list(LogEntry.objects.values_list("object_repr", "changes", "changes_text")))
    for secret in ["Amina", "Haddad", "amina@example.org", "+32470123456"]:
        assert secret not in text


def test_a_read_records_who_when_what_and_from_where(rf, alice, family):
    request = rf.get("/staff/north/families/1/", REMOTE_ADDR="203.0.113.9")
    request.user = alice
    entry = audit_read(by=request, record=family, fields=["phone", "email"])
    assert entry.action == LogEntry.Action.ACCESS and entry.actor == alice
    assert entry.remote_addr == "203.0.113.9" and entry.timestamp is not None
    assert entry.additional_data == {"fields": ["email", "phone"], "via": "page"}


def test_it_accepts_a_user_outside_a_request(alice, family):
    entry = audit_read(by=alice, record=family, fields=["notes"], via="task")
    assert entry.actor == alice and entry.remote_addr is None


def test_opening_a_family_page_is_audited(client, alice, family):
    client.force_login(alice)
    client.get(f"/staff/north/families/{family.pk}/")
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=alice,
                                   object_id=family.pk).exists()


def test_a_coordinator_reads_the_log_of_a_record(client, alice, family):
    client.force_login(alice)
    client.get(f"/staff/north/families/{family.pk}/")
    response = client.get(f"/staff/north/families/{family.pk}/audit/",
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert "access" in body and "Alice" in body and "127.0.0.1" in body


@pytest.mark.parametrize("persona", ["bob", "rita", "vera", "charlie"])
def test_others_cannot_read_the_log(client, request, family, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/staff/north/families/{family.pk}/audit/").status_code == 404


def test_nobody_can_edit_the_log_in_the_admin(client, family):
    from tests.conftest import make_user

    root = make_user("root@example.org", is_staff=True, is_superuser=True)
    client.force_login(root)
    entry = LogEntry.objects.first()
    assert client.get("/admin/auditlog/logentry/").status_code == 200
    assert client.post(f"/admin/auditlog/logentry/{entry.pk}/change/", {}).status_code == 403
    assert client.post(f"/admin/auditlog/logentry/{entry.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert client.get("/admin/auditlog/logentry/add/").status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_a_staff_user_with_every_permission_still_cannot_delete(client, family):
    from tests.conftest import make_user

    staff = make_user("staff@example.org", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="auditlog"))
    client.force_login(staff)
    entry = LogEntry.objects.first()
    client.post(f"/admin/auditlog/logentry/{entry.pk}/delete/", {"post": "yes"})
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_opening_a_case_page_is_audited(client, alice, north, live_match):
    from voisins.mediation.services import case_open

    case = case_open(programme=north, kind="conflict", summary="They argued.",
                     opened_by="staff", match=live_match)
    client.force_login(alice)
    assert client.get(f"/staff/north/cases/{case.pk}/").status_code == 200
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, content_type__model="case")
    assert entry.actor == alice and entry.object_id == case.pk
    assert entry.additional_data == {"fields": ["notes", "resolution", "summary"],
                                     "via": "page"}


def test_reading_check_in_answers_on_a_match_page_is_audited(client, alice, live_match):
    from datetime import timedelta

    from django.utils import timezone

    from voisins.matches.services import checkin_answer, introduction_plan, introduction_record

    client.force_login(alice)
    url = f"/staff/north/matches/{live_match.pk}/"
    client.get(url)
    answers = LogEntry.objects.filter(action=LogEntry.Action.ACCESS,
                                      content_type__model="match")
    assert not answers.exists()
    introduction_plan(match=live_match, planned_at=timezone.now(), place="Parc", by=alice)
    live_match.started_on = timezone.localdate() - timedelta(days=20)
    live_match.save()
    introduction_record(match=live_match, held_on=timezone.localdate() - timedelta(days=15),
                        by=alice)
    checkin_answer(checkin=live_match.checkins.get(side="family", day_offset=14), rating=3,
                   frequency="weekly", worry="Tired", by=alice)
    client.get(url)
    entry = answers.get()
    assert entry.object_id == live_match.pk
    assert "checkins.worry" in entry.additional_data["fields"]


def test_the_log_of_match_life_holds_no_name_or_free_text(whole_programme):
    from tests.conftest import FAMILY_SECRETS, VOLUNTEER_SECRETS

    text = str(list(LogEntry.objects.values_list("object_repr", "changes", "changes_text",
                                                 "additional_data")))
    assert [s for s in FAMILY_SECRETS + VOLUNTEER_SECRETS if s in text] == []
    logged = set(LogEntry.objects.values_list("content_type__model", flat=True))
    assert {"proposal", "match", "introduction", "checkin", "activity", "case", "casenote",
            "callback", "consent", "familyhousehold", "volunteerhousehold"} <= logged


def test_free_text_of_match_life_is_masked_in_the_log(alice, victor, sent_proposal):
    from voisins.matches.services import proposal_answer

    proposal_answer(proposal=sent_proposal, side="volunteer", accept=False, reason="no-time",
                    comment="Victor's mother is ill", by=victor.user)
    entry = LogEntry.objects.filter(content_type__model="proposal").order_by("id").last()
    assert entry.changes_dict["volunteer_comment"][1] == "••••"
    assert "mother" not in str(entry.changes)
