"""Events through the API: coordinators plan and invite, anyone invited answers for
themselves only, places are never exceeded and the waiting list moves up."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import make_user
from voisins.community.models import Event, Invitation
from voisins.community.services import event_create, invitations_send


@pytest.fixture
def event(north, alice):
    starts = timezone.now() + timedelta(days=7)
    return event_create(programme=north, by=alice, kind="meetup", title="Apéro",
                        starts_at=starts, ends_at=starts + timedelta(hours=2),
                        place="Maison de quartier", capacity=1)


def new_event(**overrides):
    return {"kind": "shared-meal", "title": "Couscous", "starts_at": "2099-05-01T18:00:00Z",
            "ends_at": "2099-05-01T21:00:00Z", "place": "Salle"} | overrides


def test_a_coordinator_plans_an_event(api_as, alice, north):
    response = api_as(alice)("post", "/programmes/north/events", new_event(capacity=20))
    assert response.status_code == 201, response.content
    assert response.json()["capacity"] == 20 and response.json()["coming"] == 0
    assert Event.objects.get(pk=response.json()["id"]).created_by == alice


@pytest.mark.parametrize(("change", "field"), [
    ({"ends_at": "2099-05-01T17:00:00Z"}, "ends_at"),
    ({"kind": "party"}, "kind"),
    ({"title": ""}, "title"),
    ({"capacity": 0}, "capacity"),
    ({"starts_at": "tomorrow"}, "starts_at"),
])
def test_a_bad_event_names_the_field_and_writes_nothing(api_as, alice, north, change, field):
    response = api_as(alice)("post", "/programmes/north/events", new_event(**change))
    assert response.status_code == 422
    assert field in {e["loc"][-1] for e in response.json()["detail"]}
    assert not Event.objects.exists()


def test_invitations_reach_the_staff_and_answers_fill_the_places(api_as, alice, bob, event):
    api = api_as(alice)
    assert api("post", f"/events/{event.pk}/invitations",
               {"groups": ["staff"]}).json() == {"invited": 2}
    assert api("post", f"/events/{event.pk}/invitations",
               {"groups": ["staff"]}).json() == {"invited": 0}
    mine = {user: Invitation.objects.get(event=event, user=user).pk for user in (alice, bob)}
    first = api_as(bob)("post", f"/me/invitations/{mine[bob]}/answer", {"going": True})
    assert first.json()["status"] == "going"
    second = api("post", f"/me/invitations/{mine[alice]}/answer", {"going": True})
    assert second.json()["status"] == "waiting" and second.json()["waiting_position"] == 1
    # Bob cancels: Alice moves up.
    api_as(bob)("post", f"/me/invitations/{mine[bob]}/answer", {"going": False})
    assert Invitation.objects.get(pk=mine[alice]).status == "going"
    listed = api("get", f"/events/{event.pk}").json()
    assert (listed["coming"], listed["waiting"], listed["invited"]) == (1, 0, 2)


def test_nobody_answers_for_someone_else(api_as, alice, bob, event):
    invitations_send(event=event, users=[bob])
    theirs = Invitation.objects.get(user=bob)
    response = api_as(alice)("post", f"/me/invitations/{theirs.pk}/answer", {"going": True})
    assert response.status_code == 404
    assert Invitation.objects.get(pk=theirs.pk).status == "invited"
    assert api_as(alice)("get", "/me/invitations").json()["count"] == 0


def test_an_event_that_started_cannot_be_answered(api_as, bob, event):
    invitations_send(event=event, users=[bob])
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    invitation = Invitation.objects.get(user=bob)
    response = api_as(bob)("post", f"/me/invitations/{invitation.pk}/answer", {"going": True})
    assert response.status_code == 409


def test_fewer_places_than_people_coming_is_refused(api_as, alice, bob, event):
    from voisins.community.services import invitation_respond

    invitations_send(event=event, users=[bob])
    invitation_respond(invitation=Invitation.objects.get(user=bob), going=True)
    response = api_as(alice)("put", f"/events/{event.pk}/capacity", {"capacity": 1})
    assert response.status_code == 200
    Event.objects.filter(pk=event.pk).update(capacity=None)
    invitations_send(event=event, users=[make_user("x@example.org")])
    invitation_respond(invitation=Invitation.objects.get(user__email="x@example.org"),
                       going=True)
    too_few = api_as(alice)("put", f"/events/{event.pk}/capacity", {"capacity": 1})
    assert too_few.status_code == 422
    assert too_few.json()["detail"][0]["loc"][-1] == "capacity"
    assert Event.objects.get(pk=event.pk).capacity is None


def test_attendance_names_only_this_events_invitations(api_as, alice, bob, event):
    invitations_send(event=event, users=[alice, bob])
    api = api_as(alice)
    came = Invitation.objects.get(user=bob).pk
    bad = api("put", f"/events/{event.pk}/attendance", {"attended": [came, 999999]})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "attended"
    assert not Invitation.objects.filter(attended__isnull=False).exists()
    good = api("put", f"/events/{event.pk}/attendance", {"attended": [came]})
    assert good.json() == {"attended": 1, "invited": 2}
    assert dict(Invitation.objects.values_list("user", "attended")) == {alice.pk: False,
                                                                        bob.pk: True}


def test_another_programmes_events_are_404(api_as, charlie, event):
    api = api_as(charlie)
    assert api("get", f"/events/{event.pk}").status_code == 404
    assert api("put", f"/events/{event.pk}/capacity", {"capacity": 9}).status_code == 404
    assert api("get", "/programmes/north/events").status_code == 404
    assert Event.objects.get(pk=event.pk).capacity == 1


def test_event_lists_run_a_fixed_number_of_queries(api_as, alice, north, event):
    api = api_as(alice)
    api("get", "/programmes")  # the token's first use is written down once
    invitations_send(event=event, users=[alice])
    paths = ["/programmes/north/events", f"/events/{event.pk}/invitations", "/me/invitations"]

    def counts() -> list[int]:
        result = []
        for path in paths:
            with CaptureQueriesContext(connection) as context:
                assert api("get", path).status_code == 200
            result.append(len(context.captured_queries))
        return result

    one = counts()
    for i in range(4):
        other = event_create(programme=north, kind="other", title=f"E{i}",
                             starts_at=event.starts_at, ends_at=event.ends_at, place="x")
        invitations_send(event=other, users=[alice])
        invitations_send(event=event, users=[make_user(f"u{i}@example.org")])
    assert counts() == one


def test_an_invitation_number_that_cannot_be_names_the_field(api_as, alice, event):
    response = api_as(alice)("put", f"/events/{event.pk}/attendance", {"attended": [0]})
    assert response.status_code == 422
    assert "attended" in response.json()["detail"][0]["loc"]


def test_times_are_read_in_any_zone_and_kept_in_utc(api_as, alice, north):
    from datetime import UTC, datetime

    api = api_as(alice)
    far = api("post", "/programmes/north/events", new_event(
        starts_at="2099-05-01T18:00:00+14:30", ends_at="2099-05-01T21:00:00+14:30"))
    assert far.status_code == 201, far.content
    event = Event.objects.get(pk=far.json()["id"])
    assert event.starts_at == datetime(2099, 5, 1, 3, 30, tzinfo=UTC)
    odd = api("get", "/programmes/north/events", {"starts_after": "1368-10-14T07:55:58+21:58"})
    assert odd.status_code == 200 and odd.json()["count"] == 1
    before_year_one = api("post", "/programmes/north/events", new_event(
        starts_at="0001-01-01T00:00:00+05:00"))
    assert before_year_one.status_code == 422
    assert before_year_one.json()["detail"][0]["loc"][-1] == "starts_at"
    assert Event.objects.count() == 1
