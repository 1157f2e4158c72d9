"""The note, acknowledgements and policies through the web API, with the same checks as
the pages: a superseded version, a policy ending before it starts, a household of
another programme are refused naming the field."""

from datetime import timedelta

from django.utils import timezone

from tests.conftest import volunteer_data
from tests.volunteering.conftest import NOTE
from voisins.households.services import volunteer_create
from voisins.volunteering.models import Acknowledgement
from voisins.volunteering.services import information_note_publish


def test_a_coordinator_publishes_and_lists_versions(api_as, alice, north):
    call = api_as(alice)
    response = call("post", "/programmes/north/information-notes", NOTE)
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 1
    bad = call("post", "/programmes/north/information-notes", {**NOTE, "legal_status": "de_facto"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "responsible_persons"
    listed = call("get", "/programmes/north/information-notes").json()
    assert [n["version"] for n in listed["items"]] == [1]


def test_a_household_reads_and_acknowledges_its_note(api_as, north, note, victor, policy):
    call = api_as(victor.user)
    mine = call("get", "/me/information-note").json()
    assert mine["note_id"] == note.pk and "Ethias" in mine["text"]
    assert mine["acknowledged_at"] is None and mine["received_at"]
    response = call("post", "/me/information-note/acknowledge", {"note_id": note.pk})
    assert response.status_code == 200 and response.json()["channel"] == "api"
    again = call("post", "/me/information-note/acknowledge", {"note_id": note.pk})
    assert again.status_code == 422
    assert again.json()["detail"][0]["loc"][-1] == "note_id"


def test_a_superseded_version_is_refused_naming_the_field(api_as, north, note, victor):
    information_note_publish(programme=north, **NOTE)
    response = api_as(victor.user)("post", "/me/information-note/acknowledge",
                                   {"note_id": note.pk})
    assert response.status_code == 422
    assert "superseded" in response.json()["detail"][0]["msg"]
    assert not Acknowledgement.objects.filter(acknowledged_at__isnull=False).exists()


def test_paper_acknowledgements_and_who_has_not(api_as, alice, north, note, volunteer, south):
    call = api_as(alice)
    pending = call("get", "/programmes/north/information-notes/not-acknowledged").json()
    assert [h["id"] for h in pending["items"]] == [volunteer.pk]
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    path = f"/information-notes/{note.pk}/acknowledgements"
    bad = call("post", path, {"volunteer_id": volunteer.pk, "acknowledged_on": future})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "acknowledged_on"
    other = volunteer_create(programme=south, **volunteer_data())
    assert call("post", path, {"volunteer_id": other.pk, "acknowledged_on": future}
                ).status_code == 404
    ok = call("post", path, {"volunteer_id": volunteer.pk,
                             "acknowledged_on": timezone.localdate().isoformat()})
    assert ok.status_code == 201 and ok.json()["channel"] == "paper"
    assert call("get", path).json()["count"] == 1
    assert call("get", "/programmes/north/information-notes/not-acknowledged"
                ).json()["count"] == 0


def test_policies_are_checked_as_on_the_pages(api_as, alice, north, volunteer, south):
    call = api_as(alice)
    body = {"insurer": "Ethias", "policy_number": "1", "covers": ["civil_liability"],
            "valid_from": "2026-01-01", "valid_to": "2025-12-31"}
    bad = call("post", "/programmes/north/insurance-policies", body)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "valid_to"
    other = volunteer_create(programme=south, **volunteer_data())
    bad = call("post", "/programmes/north/insurance-policies",
               {**body, "valid_to": None, "covers_all": False, "household_ids": [other.pk]})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "household_ids"
    ok = call("post", "/programmes/north/insurance-policies",
              {**body, "valid_to": None, "covers_all": False, "household_ids": [volunteer.pk]})
    assert ok.status_code == 201 and ok.json()["household_ids"] == [volunteer.pk]
    assert call("get", "/programmes/north/insurance-policies").json()["count"] == 1
