"""Attendance is recorded for sessions that took place; walk-ins are added on the day and
afterwards (issue 14, item 7)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from voisins.training import selectors, services
from voisins.training.models import Registration, TrainingSession

from .test_training_gate import held, household, session_of


@pytest.fixture
def required(north):
    return services.training_module_create(programme=north, title="Role and limits",
                                           required=True)


def test_attendance_for_a_session_that_has_not_started_is_refused(north, required):
    volunteer = household(north, 1)
    session = session_of(required, days=3)
    services.registration_create(session=session, volunteer=volunteer)
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(session=session, attended=[volunteer.pk])
    assert "session" in exc.value.message_dict
    assert not Registration.objects.filter(attended=True).exists()
    volunteer.refresh_from_db()
    assert volunteer.status == "screened"
    assert not selectors.has_completed_required_training(volunteer)


def test_attendance_once_the_session_began_trains_the_household(north, required):
    volunteer = household(north, 1)
    session = session_of(required, days=3)
    services.registration_create(session=session, volunteer=volunteer)
    assert services.attendance_record(session=held(session), attended=[volunteer.pk]) == [
        volunteer]


def test_a_walk_in_is_added_after_the_session_started_even_when_it_is_full(north, required):
    session = session_of(required, days=3, capacity=1)
    services.registration_create(session=session, volunteer=household(north, 1))
    held(session)
    walk_in = household(north, 2)
    registration = services.registration_add_walk_in(session=session, volunteer=walk_in)
    assert registration.session == session and session.registrations.count() == 2
    services.attendance_record(session=session, attended=[walk_in.pk])
    walk_in.refresh_from_db()
    assert walk_in.status == "trained"


def test_a_walk_in_is_added_on_the_day_before_the_session_starts(north, required):
    start = timezone.localtime() + timedelta(minutes=5)
    if start.date() != timezone.localdate():
        pytest.skip("five minutes before midnight")
    session = services.training_session_create(module=required, starts_at=start,
                                               ends_at=start + timedelta(hours=1),
                                               place="Hall", capacity=1)
    services.registration_create(session=session, volunteer=household(north, 1))
    services.registration_add_walk_in(session=session, volunteer=household(north, 2))
    assert session.registrations.count() == 2


def test_before_its_day_a_coordinator_registers_within_the_places(north, required):
    session = session_of(required, days=3, capacity=1)
    services.registration_add_walk_in(session=session, volunteer=household(north, 1))
    with pytest.raises(ValidationError) as exc:
        services.registration_add_walk_in(session=session, volunteer=household(north, 2))
    assert "session" in exc.value.message_dict


def test_the_session_page_refuses_early_attendance_with_the_reason(client, alice, north,
                                                                    required):
    volunteer = household(north, 1)
    session = session_of(required, days=3)
    services.registration_create(session=session, volunteer=volunteer)
    client.force_login(alice)
    url = reverse("training:session", args=["north", session.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Save attendance" not in page and "once the session has begun" in page
    response = client.post(url, {"action": "attendance", "attended": [str(volunteer.pk)]},
                           HTTP_ACCEPT_LANGUAGE="fr", follow=True)
    text = response.content.decode()
    assert "Séance" in text and "pas encore commencé" in text
    assert not Registration.objects.filter(attended=True).exists()


def test_the_session_page_adds_a_walk_in_after_the_start(client, alice, north, required):
    session = held(session_of(required, days=3))
    volunteer = household(north, 1)
    client.force_login(alice)
    url = reverse("training:session", args=["north", session.pk])
    assert "Add a walk-in" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(url, {"action": "register", "volunteer": str(volunteer.pk)})
    assert TrainingSession.objects.get(pk=session.pk).registrations.filter(
        volunteer=volunteer).exists()


@pytest.mark.parametrize("volunteer", ["abc", "1.5", "-3", "99999999"])
def test_a_walk_in_that_is_no_household_of_the_list_is_refused_by_name(
        client, north, alice, required, volunteer):
    session = held(session_of(required, days=3))
    client.force_login(alice)
    response = client.post(reverse("training:session", args=[north.slug, session.pk]),
                           {"action": "register", "volunteer": volunteer}, follow=True)
    assert response.status_code == 200
    assert "Volunteer household" in response.content.decode() or \
        "Ménage bénévole" in response.content.decode()
    assert not session.registrations.exists()
