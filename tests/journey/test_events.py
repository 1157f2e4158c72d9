"""Events: invitations, answers under capacity with a waiting list, attendance."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from voisins.community import services
from voisins.community.models import Invitation

from ..conftest import make_user


def event_of(programme, capacity=2, days=5, **extra):
    start = timezone.now() + timedelta(days=days)
    return services.event_create(programme=programme, kind="meetup", title="Apéro voisins",
                                 starts_at=start, ends_at=start + timedelta(hours=2),
                                 place="Salle communale", capacity=capacity, **extra)


@pytest.fixture
def people(db):
    return [make_user(f"p{i}@example.org") for i in range(4)]


def answer(event, user, going=True):
    invitation = Invitation.objects.get(event=event, user=user)
    return services.invitation_respond(invitation=invitation, going=going)


def test_beyond_capacity_people_go_on_the_waiting_list(north, people):
    event = event_of(north, capacity=2)
    services.invitations_send(event=event, users=people)
    statuses = [answer(event, u).status for u in people]
    assert statuses == ["going", "going", "waiting", "waiting"]


def test_a_cancellation_moves_the_first_waiting_up_and_tells_them(
        north, people, django_capture_on_commit_callbacks):
    event = event_of(north, capacity=2)
    services.invitations_send(event=event, users=people)
    for u in people:
        answer(event, u)
    with django_capture_on_commit_callbacks(execute=True):
        answer(event, people[0], going=False)
    status = dict(Invitation.objects.filter(event=event).values_list("user__email", "status"))
    assert status == {"p0@example.org": "declined", "p1@example.org": "going",
                      "p2@example.org": "going", "p3@example.org": "waiting"}
    assert [m.to for m in mail.outbox] == [["p2@example.org"]]


def test_answering_twice_keeps_ones_place(north, people):
    event = event_of(north, capacity=1)
    services.invitations_send(event=event, users=people[:2])
    answer(event, people[0])
    assert answer(event, people[0]).status == "going"
    assert answer(event, people[1]).status == "waiting"


def test_more_places_go_to_the_waiting_list_and_fewer_than_coming_is_refused(north, people):
    event = event_of(north, capacity=1)
    services.invitations_send(event=event, users=people)
    for u in people:
        answer(event, u)
    services.event_update_capacity(event=event, capacity=3)
    assert event.invitations.filter(status="going").count() == 3
    with pytest.raises(ValidationError) as exc:
        services.event_update_capacity(event=event, capacity=2)
    assert "capacity" in exc.value.message_dict


def test_no_answer_after_the_event_started(north, people):
    event = event_of(north, capacity=None)
    services.invitations_send(event=event, users=people[:1])
    event.starts_at = timezone.now() - timedelta(minutes=5)
    event.save()
    with pytest.raises(ValidationError):
        answer(event, people[0])


def test_inviting_twice_does_not_duplicate(north, people):
    event = event_of(north)
    assert services.invitations_send(event=event, users=people) == 4
    assert services.invitations_send(event=event, users=people) == 0


def test_only_the_invited_person_answers_through_the_page(client, north, people):
    event = event_of(north)
    services.invitations_send(event=event, users=people[:1])
    invitation = Invitation.objects.get()
    client.force_login(people[1])
    assert client.post(f"/community/invitations/{invitation.pk}/answer/",
                       {"going": "1"}).status_code == 404
    client.force_login(people[0])
    response = client.post(f"/community/invitations/{invitation.pk}/answer/",
                           {"going": "1", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/community/invitations/"
    invitation.refresh_from_db()
    assert invitation.status == "going"
    response = client.post(f"/community/invitations/{invitation.pk}/answer/",
                           {"going": "0", "next": "/volunteer/"})
    assert response["Location"] == "/volunteer/"


def test_anyone_invited_answers_on_their_events_page(client, north, bob):
    event = event_of(north)
    services.invitations_send(event=event, users=[bob])
    client.force_login(bob)
    html = client.get("/community/invitations/").content.decode()
    assert "Apéro voisins" in html and "/community/calendar/" in html


def test_coordinators_invite_screened_volunteers_and_record_attendance(
        client, alice, charlie, north, volunteer, django_capture_on_commit_callbacks):
    volunteer.user = make_user("marie@example.org")
    volunteer.save()
    event = event_of(north)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/community/north/events/{event.pk}/",
                               {"action": "invite", "groups": ["volunteers", "staff"]})
    assert response.status_code == 302
    emails = set(event.invitations.values_list("user__email", flat=True))
    assert emails == {"marie@example.org", "alice@example.org"}
    assert {m.to[0] for m in mail.outbox} == emails
    assert all("http://testserver/community/invitations/" in m.body for m in mail.outbox)
    invitation = event.invitations.get(user=volunteer.user)
    client.post(f"/community/north/events/{event.pk}/",
                {"action": "attendance", "attended": [str(invitation.pk)]})
    invitation.refresh_from_db()
    assert invitation.attended is True
    client.force_login(charlie)
    assert client.get(f"/community/north/events/{event.pk}/").status_code == 404
    assert client.get("/community/north/events/").status_code == 404


def test_the_event_form_names_the_field(client, alice, north):
    client.force_login(alice)
    response = client.post("/community/north/events/", {
        "kind": "meetup", "title": "x", "starts_at": "2030-01-01T10:00",
        "ends_at": "2030-01-01T09:00", "place": "here", "capacity": "0"})
    errors = response.context["form"].errors
    assert "capacity" in errors and "ends_at" in errors
