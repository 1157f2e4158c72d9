"""Required training modules gate matching: only households that attended a session of
each required module are seen by the matching side."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from voisins.households.services import volunteer_create
from voisins.training import selectors, services

from ..conftest import volunteer_data


def session_of(module, days=7, capacity=10):
    start = timezone.now() + timedelta(days=days)
    return services.training_session_create(module=module, starts_at=start,
                                            ends_at=start + timedelta(hours=2),
                                            place="Maison de quartier", capacity=capacity)


@pytest.fixture
def modules(north):
    role = services.training_module_create(programme=north, title="Role and limits",
                                           required=True)
    asylum = services.training_module_create(programme=north, title="Asylum", required=True)
    culture = services.training_module_create(programme=north, title="Intercultural")
    return role, asylum, culture


def household(north, n, status="screened"):
    return volunteer_create(programme=north, **volunteer_data(
        email=f"v{n}@example.org", status=status))


def held(session):
    """The session's day came and it took place (attendance is recorded afterwards)."""
    from voisins.training.models import TrainingSession

    now = timezone.now()
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1))
    session.refresh_from_db()
    return session


def attend(module, volunteer):
    session = session_of(module)
    services.registration_create(session=session, volunteer=volunteer)
    return services.attendance_record(session=held(session), attended=[volunteer.pk])


def test_only_households_that_attended_every_required_module_pass(north, modules):
    role, asylum, culture = modules
    both, one, optional_only, nothing = (household(north, i) for i in range(4))
    attend(role, both)
    attend(asylum, both)
    attend(role, one)
    attend(culture, optional_only)
    passed = selectors.volunteers_who_completed_required_training(north)
    assert set(passed) == {both}
    assert selectors.has_completed_required_training(both)
    assert [m.title for m in selectors.missing_required_modules(one)] == ["Asylum"]
    assert not selectors.has_completed_required_training(nothing)


def test_registered_but_absent_does_not_count(north, modules):
    role, asylum, _ = modules
    v = household(north, 1)
    attend(role, v)
    session = session_of(asylum)
    services.registration_create(session=session, volunteer=v)
    services.attendance_record(session=held(session), attended=[])
    assert not selectors.volunteers_who_completed_required_training(north).exists()


def test_without_required_modules_nobody_is_held_back(north):
    v = household(north, 1)
    assert list(selectors.volunteers_who_completed_required_training(north)) == [v]


def test_the_gate_composes_with_another_queryset(north, south, modules):
    role, asylum, _ = modules
    available = household(north, 1, status="available")
    screened = household(north, 2)
    for v in (available, screened):
        attend(role, v)
        attend(asylum, v)
    from voisins.households.models import VolunteerHousehold
    matchable = VolunteerHousehold.objects.filter(programme=north, status="available")
    assert list(selectors.restrict_to_trained(matchable, north)) == [available]


def test_making_a_module_required_later_holds_back_those_who_missed_it(north, modules):
    role, asylum, culture = modules
    v = household(north, 1)
    attend(role, v)
    attend(asylum, v)
    assert selectors.volunteers_who_completed_required_training(north).exists()
    services.training_module_update(module=culture, required=True)
    assert not selectors.volunteers_who_completed_required_training(north).exists()


def test_completing_the_required_training_moves_a_screened_household_to_trained(
        north, modules):
    role, asylum, _ = modules
    v = household(north, 1)
    assert attend(role, v) == []
    moved = attend(asylum, v)
    assert moved == [v]
    v.refresh_from_db()
    assert v.status == "trained"
    assert v.status_changes.last().to_status == "trained"


def test_a_full_session_refuses_more_registrations(north, modules):
    session = session_of(modules[0], capacity=1)
    services.registration_create(session=session, volunteer=household(north, 1))
    with pytest.raises(ValidationError) as exc:
        services.registration_create(session=session, volunteer=household(north, 2))
    assert "session" in exc.value.message_dict
    assert session.registrations.count() == 1


def test_a_session_needs_a_place_or_a_link_and_to_end_after_it_starts(modules):
    start = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.training_session_create(module=modules[0], starts_at=start,
                                         ends_at=start - timedelta(hours=1), capacity=5)
    assert {"ends_at", "place"} <= set(exc.value.message_dict)


def test_another_programmes_household_cannot_register(north, south, modules):
    from voisins.households.services import volunteer_create as create
    stranger = create(programme=south, **volunteer_data(email="s@example.org"))
    with pytest.raises(ValidationError):
        services.registration_create(session=session_of(modules[0]), volunteer=stranger)


def test_coordinators_manage_training_and_others_get_404(client, alice, charlie, bob, modules):
    session = session_of(modules[0])
    client.force_login(alice)
    assert client.get("/training/north/").status_code == 200
    assert client.get(f"/training/north/sessions/{session.pk}/").status_code == 200
    response = client.post(f"/training/north/modules/{modules[2].pk}/required/",
                           {"required": "1"})
    assert response.status_code == 302
    modules[2].refresh_from_db()
    assert modules[2].required
    for user in (charlie, bob):
        client.force_login(user)
        assert client.get("/training/north/").status_code == 404
        assert client.get(f"/training/north/sessions/{session.pk}/").status_code == 404


def test_the_session_form_names_the_field(client, alice, modules):
    client.force_login(alice)
    response = client.post("/training/north/", {
        "session-module": modules[0].pk, "session-starts_at": "2030-01-01T10:00",
        "session-ends_at": "2030-01-01T09:00", "session-place": "", "session-video_url": "",
        "session-capacity": "0"}, HTTP_ACCEPT_LANGUAGE="en")
    errors = response.context["session_form"].errors
    assert "capacity" in errors
    response = client.post("/training/north/", {
        "session-module": modules[0].pk, "session-starts_at": "2030-01-01T10:00",
        "session-ends_at": "2030-01-01T09:00", "session-place": "", "session-video_url": "",
        "session-capacity": "5"}, HTTP_ACCEPT_LANGUAGE="en")
    errors = response.context["session_form"].errors
    assert "ends_at" in errors or "place" in errors


def test_the_matching_engine_only_sees_volunteers_who_completed_required_training(north):
    """matchable_volunteers (what batch matching feeds the engine) applies the gate."""
    from voisins.households.services import volunteer_create
    from voisins.matches.selectors import matchable_volunteers
    from voisins.training.models import TrainingModule

    from ..conftest import agreed_to_matching, volunteer_data

    volunteer = volunteer_create(programme=north, **volunteer_data())
    agreed_to_matching(volunteer)
    assert volunteer in matchable_volunteers(north)
    module = TrainingModule.objects.create(programme=north, title="Role and limits",
                                           required=True)
    assert module.required
    assert volunteer not in matchable_volunteers(north)


def test_a_household_that_left_cannot_register(north, modules):
    gone = household(north, 1, status="left")
    session = session_of(modules[0])
    with pytest.raises(ValidationError) as exc:
        services.registration_create(session=session, volunteer=gone)
    assert "session" in exc.value.message_dict
    assert not session.registrations.exists()
