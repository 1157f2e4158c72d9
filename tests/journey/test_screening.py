"""Screening: interview planned and held, coordinators' notes, versioned charter, decision
moving the household along its pipeline with history."""

import pytest

from voisins.households.services import volunteer_create
from voisins.recruitment import services

from ..conftest import make_user, volunteer_data


@pytest.fixture
def applicant(north):
    household = volunteer_create(programme=north, **volunteer_data(status="applied"))
    household.user = make_user("marie@example.org")
    household.save()
    return household


def test_a_coordinator_screens_and_accepts(client, alice, north, applicant):
    services.charter_publish(programme=north, version="2024-1", text="I respect.")
    client.force_login(alice)
    url = f"/recruitment/north/volunteers/{applicant.pk}/screening/"
    assert client.get(url).status_code == 200
    client.post(url, {"interview_at": "2030-03-01T10:00", "interview_place": "Office",
                      "notes": "Calm, experienced."})
    # Accepting before the interview was held and the charter accepted is refused.
    response = client.post(url + "decision/", {"decision": "accepted"}, follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert "Interview held on" in text and "Charter" in text
    applicant.refresh_from_db()
    assert applicant.status == "applied"
    client.post(url, {"interview_at": "2030-03-01T10:00", "interview_place": "Office",
                      "interview_held_at": "2030-03-01T11:00", "notes": "Calm."})
    client.post(url + "charter/")
    client.post(url + "decision/", {"decision": "accepted", "note": "ok"})
    applicant.refresh_from_db()
    assert applicant.status == "screened"
    screening = applicant.screening
    assert screening.decision == "accepted" and screening.charter.version == "2024-1"
    assert screening.decided_by == alice
    assert [c.to_status for c in applicant.status_changes.all()] == ["applied", "screened"]


def test_declining_moves_the_household_out(north, applicant, alice):
    services.screening_decide(volunteer=applicant, decision="declined", by=alice)
    applicant.refresh_from_db()
    assert applicant.status == "left"


def test_the_volunteer_accepts_the_newest_charter_version_in_the_portal(
        client, north, applicant):
    services.charter_publish(programme=north, version="1", text="Version one text")
    client.force_login(applicant.user)
    assert "Version one text" in client.get("/volunteer/").content.decode()
    client.post("/volunteer/charter/")
    applicant.refresh_from_db()  # creating the household cached "no screening yet"
    assert applicant.screening.charter.version == "1"
    assert "Version one text" not in client.get("/volunteer/").content.decode()
    services.charter_publish(programme=north, version="2", text="Version two text")
    assert "Version two text" in client.get("/volunteer/").content.decode()
    client.post("/volunteer/charter/")
    applicant.screening.refresh_from_db()
    assert applicant.screening.charter.version == "2"


def test_notes_are_for_coordinators_only(client, north, applicant, bob, vera, charlie):
    services.screening_update(volunteer=applicant, notes="Private remark")
    client.force_login(applicant.user)
    assert "Private remark" not in client.get("/volunteer/").content.decode()
    for user in (bob, vera, charlie):
        client.force_login(user)
        assert client.get(
            f"/recruitment/north/volunteers/{applicant.pk}/screening/").status_code == 404


def test_a_charter_version_is_published_once(north):
    services.charter_publish(programme=north, version="1", text="a")
    from django.core.exceptions import ValidationError
    with pytest.raises(ValidationError):
        services.charter_publish(programme=north, version="1", text="b")


def test_the_database_refuses_an_acceptance_without_interview(north, applicant):
    from django.db import IntegrityError, transaction

    from voisins.recruitment.models import Screening
    with pytest.raises(IntegrityError), transaction.atomic():
        Screening.objects.create(volunteer=applicant, decision="accepted")
