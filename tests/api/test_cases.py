"""Mediation cases through the API: coordinators see every case, a mediator only those
assigned to them and never a safeguarding case; what a case says is read in the detail
only, and each read is audited; bad input names its field and writes nothing."""

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from voisins.mediation.models import Callback, Case, CaseNote
from voisins.mediation.services import callback_request, case_assign, case_open


@pytest.fixture
def case(north, alice, live_match):
    return case_open(programme=north, kind="conflict", summary="They argued about time.",
                     opened_by="staff", by=alice, match=live_match)


@pytest.fixture
def safeguarding(north, alice, live_match):
    return case_open(programme=north, kind="safeguarding", summary="A child seems afraid.",
                     opened_by="volunteer", match=live_match)


def test_a_coordinator_opens_a_case_about_a_match(api_as, alice, live_match):
    response = api_as(alice)("post", "/programmes/north/cases", {
        "kind": "practical", "summary": "The bike is broken.", "match_id": live_match.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["match_id"] == live_match.pk and body["family_id"] == live_match.family_id
    assert "summary" not in body
    assert Case.objects.get(pk=body["id"]).summary == "The bike is broken."


def test_a_mediator_keeps_sight_of_the_case_they_open(api_as, bob):
    api = api_as(bob)
    opened = api("post", "/programmes/north/cases", {"kind": "other", "summary": "A call."})
    assert opened.status_code == 201 and opened.json()["assigned_to_id"] == bob.pk
    assert api("get", f"/cases/{opened.json()['id']}").status_code == 200


def test_a_safeguarding_case_a_mediator_opens_goes_to_the_coordinators(api_as, alice, bob):
    opened = api_as(bob)("post", "/programmes/north/cases",
                         {"kind": "safeguarding", "summary": "A child seems afraid."})
    assert opened.status_code == 201 and opened.json()["assigned_to_id"] is None
    assert api_as(bob)("get", f"/cases/{opened.json()['id']}").status_code == 404
    assert api_as(alice)("get", f"/cases/{opened.json()['id']}").status_code == 200


def test_a_mediator_sees_only_the_cases_assigned_to_them(api_as, alice, bob, case,
                                                         safeguarding):
    api = api_as(bob)
    assert api("get", "/programmes/north/cases").json()["count"] == 0
    assert api("get", f"/cases/{case.pk}").status_code == 404
    case_assign(case=case, mediator=bob, by=alice)
    assert [c["id"] for c in api("get", "/programmes/north/cases").json()["items"]] == [case.pk]
    assert api("get", f"/cases/{case.pk}").status_code == 200
    assert api("get", f"/cases/{safeguarding.pk}").status_code == 404
    assert api_as(alice)("get", "/programmes/north/cases").json()["count"] == 2


def test_a_safeguarding_case_goes_to_a_coordinator_only(api_as, alice, bob, safeguarding):
    response = api_as(alice)("put", f"/cases/{safeguarding.pk}/assignee",
                             {"assigned_to_id": bob.pk})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "assigned_to_id"
    assert Case.objects.get(pk=safeguarding.pk).assigned_to is None
    mine = api_as(alice)("put", f"/cases/{safeguarding.pk}/assignee",
                         {"assigned_to_id": alice.pk})
    assert mine.status_code == 200 and mine.json()["assigned_to_id"] == alice.pk


def test_a_mediator_does_not_assign_cases(api_as, alice, bob, case):
    case_assign(case=case, mediator=bob, by=alice)
    response = api_as(bob)("put", f"/cases/{case.pk}/assignee", {"assigned_to_id": None})
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).assigned_to == bob


def test_reading_a_case_is_audited(api_as, alice, case):
    body = api_as(alice)("get", f"/cases/{case.pk}").json()
    assert body["summary"] == "They argued about time."
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS,
                                    content_type__model="case", object_id=case.pk).get()
    assert entry.actor == alice and entry.remote_addr == "127.0.0.1"
    assert entry.additional_data == {"fields": ["notes", "resolution", "summary"],
                                     "via": "api"}


def test_the_case_list_says_nothing_of_what_happened(api_as, alice, case):
    response = api_as(alice)("get", "/programmes/north/cases", {"kind": "conflict"})
    assert response.json()["count"] == 1
    assert "argued" not in response.content.decode()
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_notes_and_a_call_back(api_as, alice, case):
    callback = callback_request(case=case, requested_by="family", when="after 18:00",
                                language="ar")
    api = api_as(alice)
    note = api("post", f"/cases/{case.pk}/notes", {"text": "Spoke to both.", "kind": "action"})
    assert note.status_code == 201 and note.json()["author_id"] == alice.pk
    call = api("post", f"/cases/{case.pk}/callbacks/{callback.pk}/done",
               {"minutes": 12, "text": "Called back with an interpreter."})
    assert call.status_code == 200 and call.json()["call_language"] == "ar"
    assert Callback.objects.get(pk=callback.pk).status == "done"
    again = api("post", f"/cases/{case.pk}/callbacks/{callback.pk}/done",
                {"minutes": 3, "text": "again"})
    assert again.status_code == 409
    detail = api("get", f"/cases/{case.pk}").json()
    assert [n["kind"] for n in detail["notes"]] == ["action", "call"]


def test_a_call_without_its_length_names_the_field(api_as, alice, case):
    response = api_as(alice)("post", f"/cases/{case.pk}/notes",
                             {"kind": "call", "text": "Called."})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "call_minutes"
    assert not CaseNote.objects.exists()


@pytest.mark.parametrize(("payload", "field"), [
    ({"kind": "gossip", "summary": "x"}, "kind"),
    ({"kind": "other", "summary": ""}, "summary"),
    ({"kind": "other", "summary": "x" * 5001}, "summary"),
    ({"kind": "other", "summary": "A\x00"}, "summary"),
    ({"kind": "other", "summary": "x", "match_id": 0}, "match_id"),
])
def test_a_bad_case_names_the_field_and_writes_nothing(api_as, alice, payload, field):
    response = api_as(alice)("post", "/programmes/north/cases", payload)
    assert response.status_code == 422
    assert field in {e["loc"][-1] for e in response.json()["detail"]}
    assert not Case.objects.exists()


def test_a_case_about_another_programmes_match_is_refused(api_as, charlie, live_match):
    response = api_as(charlie)("post", "/programmes/south/cases", {
        "kind": "other", "summary": "x", "match_id": live_match.pk})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "match_id"
    assert not Case.objects.exists()


def test_resolving_closes_the_callbacks(api_as, alice, case):
    callback = callback_request(case=case, requested_by="family", when="now", language="fr")
    api = api_as(alice)
    resolved = api("post", f"/cases/{case.pk}/resolve", {"resolution": "They agreed."})
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    assert resolved.json()["resolution"] == "They agreed."
    assert Callback.objects.get(pk=callback.pk).status == "cancelled"
    assert api("post", f"/cases/{case.pk}/resolve", {"resolution": "x"}).status_code == 409


def test_another_programmes_cases_are_404(api_as, charlie, case):
    api = api_as(charlie)
    assert api("get", f"/cases/{case.pk}").status_code == 404
    assert api("post", f"/cases/{case.pk}/notes", {"text": "x"}).status_code == 404
    assert api("get", "/programmes/north/cases").status_code == 404
    assert not CaseNote.objects.exists()


def test_the_case_list_runs_a_fixed_number_of_queries(api_as, alice, north, live_match):
    api = api_as(alice)
    api("get", "/programmes")  # the token's first use is written down once

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert api("get", "/programmes/north/cases").status_code == 200
        return len(context.captured_queries)

    case_open(programme=north, kind="other", summary="x", opened_by="staff", match=live_match)
    one = count()
    for i in range(5):
        opened = case_open(programme=north, kind="other", summary=f"x{i}", opened_by="staff")
        callback_request(case=opened, requested_by="family", when="now", language="fr")
    assert count() == one
