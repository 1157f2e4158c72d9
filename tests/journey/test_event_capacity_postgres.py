"""Capacity holds under parallel answers: many people answer at the same moment through
the real page, each request on its own database connection. PostgreSQL only: SQLite
serialises every write and has no row locks to prove anything with."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from voisins.community import services
from voisins.community.models import Invitation
from voisins.programmes.services import programme_create

from ..conftest import make_user
from ..threads import in_parallel

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL (DATABASE_URL=postgres://...)"),
    pytest.mark.django_db(transaction=True),
]

PEOPLE, CAPACITY = 50, 20


def test_parallel_answers_never_go_over_capacity():
    programme = programme_create(name="Parallel", slug="parallel")
    start = timezone.now() + timedelta(days=3)
    event = services.event_create(programme=programme, kind="shared-meal", title="Meal",
                                  starts_at=start, ends_at=start + timedelta(hours=3),
                                  place="Hall", capacity=CAPACITY)
    users = [make_user(f"par{i}@example.org") for i in range(PEOPLE)]
    services.invitations_send(event=event, users=users)
    invitations = {i.user_id: i.pk for i in Invitation.objects.filter(event=event)}
    barrier = threading.Barrier(PEOPLE)
    results: list[int] = []
    errors: list[BaseException] = []

    def answer(user):
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=20)
            response = client.post(f"/community/invitations/{invitations[user.pk]}/answer/",
                                   {"going": "1"})
            results.append(response.status_code)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    in_parallel(answer, ((u,) for u in users), timeout=90)
    assert not errors, errors
    assert results == [302] * PEOPLE
    statuses = list(Invitation.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count("going") == CAPACITY
    assert statuses.count("waiting") == PEOPLE - CAPACITY

    # Parallel cancellations move exactly as many people up as places were freed.
    going = list(Invitation.objects.filter(event=event, status="going")[:3])
    barrier = threading.Barrier(3)

    def cancel(invitation):
        try:
            barrier.wait(timeout=20)
            services.invitation_respond(invitation=invitation, going=False)
        except BaseException as exc:
            errors.append(exc)

    in_parallel(cancel, ((i,) for i in going), timeout=60)
    assert not errors, errors
    statuses = list(Invitation.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count("going") == CAPACITY
    assert statuses.count("declined") == 3
    assert statuses.count("waiting") == PEOPLE - CAPACITY - 3


def test_fifty_parallel_answers_through_the_api_never_go_over_capacity():
    from tests.conftest import bearer

    programme = programme_create(name="Parallel API", slug="parallel-api")
    start = timezone.now() + timedelta(days=3)
    event = services.event_create(programme=programme, kind="meetup", title="Meet-up",
                                  starts_at=start, ends_at=start + timedelta(hours=2),
                                  place="Hall", capacity=CAPACITY)
    users = [make_user(f"api{i}@example.org") for i in range(PEOPLE)]
    services.invitations_send(event=event, users=users)
    invitations = {i.user_id: i.pk for i in Invitation.objects.filter(event=event)}
    tokens = {user.pk: bearer(user) for user in users}
    barrier = threading.Barrier(PEOPLE)
    answers: list[str] = []
    errors: list[BaseException] = []

    def answer(user):
        try:
            barrier.wait(timeout=20)
            response = Client().post(f"/api/v1/me/invitations/{invitations[user.pk]}/answer",
                                     data={"going": True}, content_type="application/json",
                                     **tokens[user.pk])
            answers.append(response.json()["status"])
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    in_parallel(answer, ((u,) for u in users), timeout=90)
    assert not errors, errors
    assert sorted(answers) == ["going"] * CAPACITY + ["waiting"] * (PEOPLE - CAPACITY)
    statuses = list(Invitation.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count("going") == CAPACITY
