"""The volunteer portal: my status, trainings, events, offers and availability, pause."""

from datetime import timedelta

import pytest
from django.utils import timezone

from voisins.community import services as community
from voisins.households.services import volunteer_create
from voisins.training import services as training

from ..conftest import make_user, volunteer_data


@pytest.fixture
def marie(north):
    household = volunteer_create(programme=north, **volunteer_data(status="available"))
    household.user = make_user("marie@example.org")
    household.save()
    return household


def session_in(programme, title: str, *, required: bool = False):
    """A session of a new module, in three days."""
    start = timezone.now() + timedelta(days=3)
    module = training.training_module_create(programme=programme, title=title,
                                             required=required)
    return training.training_session_create(
        module=module, starts_at=start, ends_at=start + timedelta(hours=2), place="Hall",
        capacity=3)


def test_it_shows_my_status_trainings_events_and_the_matches_place(client, north, marie):
    start = timezone.now() + timedelta(days=3)
    session = session_in(north, "Asylum procedure", required=True)
    event = community.event_create(programme=north, kind="meetup", title="Apéro",
                                   starts_at=start, ends_at=start + timedelta(hours=1),
                                   place="Café", capacity=None)
    community.invitations_send(event=event, users=[marie.user])
    client.force_login(marie.user)
    response = client.get("/volunteer/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "available" in html and "Asylum procedure" in html and "Apéro" in html
    assert "My proposals and matches" in html
    assert "/community/calendar/" in html
    client.post(f"/volunteer/training/{session.pk}/register/")
    assert session.registrations.filter(volunteer=marie).exists()
    invitation = event.invitations.get()
    client.post(f"/community/invitations/{invitation.pk}/answer/", {"going": "1"})
    invitation.refresh_from_db()
    assert invitation.status == "going"


def test_i_edit_my_offers_and_availability_and_bad_input_names_the_field(
        client, marie):
    client.force_login(marie.user)
    response = client.post("/volunteer/", {"offers": ["transport", "shared-meal"],
                                    "availability": ["sat-am", "sun-pm"], "radius_km": "5",
                                    "capacity": "2"})
    assert response.status_code == 302
    marie.refresh_from_db()
    assert marie.offers == ["transport", "shared-meal"] and marie.capacity == 2
    response = client.post("/volunteer/", {"offers": ["flying"], "availability": ["sat-am"],
                                    "radius_km": "500", "capacity": "2"})
    assert {"offers", "radius_km"} <= set(response.context["form"].errors)
    marie.refresh_from_db()
    assert marie.radius_km == 5


def test_pause_me_and_come_back(client, marie):
    client.force_login(marie.user)
    client.post("/volunteer/pause/")
    marie.refresh_from_db()
    assert marie.status == "paused"
    client.post("/volunteer/pause/", {"resume": "1"})
    marie.refresh_from_db()
    assert marie.status == "available"
    assert [c.to_status for c in marie.status_changes.all()][-2:] == ["paused", "available"]


def test_an_applicant_cannot_pause_yet(client, north):
    household = volunteer_create(programme=north, **volunteer_data(status="applied"))
    household.user = make_user("new@example.org")
    household.save()
    client.force_login(household.user)
    client.post("/volunteer/pause/")
    household.refresh_from_db()
    assert household.status == "applied"


def test_staff_without_a_household_and_visitors_get_no_portal(client, alice):
    assert client.get("/volunteer/").status_code == 302          # to log in
    client.force_login(alice)
    assert client.get("/volunteer/").status_code == 404


def test_i_cannot_register_for_another_programmes_session(client, south, marie):
    session = session_in(south, "South module")
    client.force_login(marie.user)
    assert client.post(f"/volunteer/training/{session.pk}/register/").status_code == 404


def test_after_leaving_i_am_offered_no_session_and_cannot_register(client, north, marie):
    session = session_in(north, "Asylum procedure")
    marie.status = "left"
    marie.save()
    client.force_login(marie.user)
    html = client.get("/volunteer/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Asylum procedure" not in html
    response = client.post(f"/volunteer/training/{session.pk}/register/",
                           HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "You have left the programme" in response.content.decode()
    assert not session.registrations.exists()
