"""Actions whose POST is the point of the page: only the right person's POST has an effect.

The matrix (tests/test_access_matrix.py) checks that GET is refused on them; here each is
posted by the person it is for and by the others, and the records say who changed what.
Victor and Valentin are two volunteer households of "north" with their own logins.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from voisins.community import services as community
from voisins.community.models import CalendarToken, Rsvp
from voisins.households.services import volunteer_create
from voisins.recruitment.models import Screening
from voisins.recruitment.services import charter_publish
from voisins.training import services as training
from voisins.training.models import Registration

from .conftest import make_user, volunteer_data

SOON = timedelta(days=10)


@pytest.fixture
def session(north):
    module = training.training_module_create(programme=north, title="Role and limits")
    starts = timezone.now() + SOON
    return training.training_session_create(module=module, starts_at=starts,
                                            ends_at=starts + timedelta(hours=2), place="Hall")


@pytest.fixture
def south_volunteer_user(south):
    user = make_user("sam@example.org")
    volunteer_create(programme=south, user=user, **volunteer_data(contact_first_name="Sam"))
    return user


def post_as(client, user, url, data=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.post(url, data or {})


def test_only_the_invited_person_answers_an_invitation(client, north, alice, bob, charlie,
                                                       victor, volunteer_user):
    starts = timezone.now() + SOON
    event = community.event_create(programme=north, kind="meetup", title="Apéro",
                                   starts_at=starts, ends_at=starts + timedelta(hours=2),
                                   place="Hall")
    community.invitations_send(event=event, users=[victor.user])
    invitation = event.invitations.get()
    url = f"/community/invitations/{invitation.pk}/answer/"
    for someone in (alice, bob, charlie, volunteer_user):
        assert post_as(client, someone, url, {"going": "1"}).status_code == 404, someone
    assert post_as(client, None, url, {"going": "1"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Rsvp.INVITED
    assert post_as(client, victor.user, url, {"going": "1"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Rsvp.GOING


def test_a_pause_is_taken_by_the_household_itself_only(client, alice, charlie, victor,
                                                       volunteer, volunteer_user):
    for someone in (alice, charlie):
        assert post_as(client, someone, "/volunteer/pause/").status_code == 404
    assert post_as(client, None, "/volunteer/pause/").status_code == 302
    victor.refresh_from_db()
    assert victor.status == "available"
    assert post_as(client, victor.user, "/volunteer/pause/").status_code == 302
    victor.refresh_from_db()
    volunteer.refresh_from_db()
    assert (victor.status, volunteer.status) == ("paused", "available")


def test_the_charter_is_accepted_by_the_household_itself_only(client, north, alice, victor,
                                                              volunteer, volunteer_user):
    charter_publish(programme=north, version="1", text="We respect the family's choices.")
    assert post_as(client, alice, "/volunteer/charter/").status_code == 404
    assert not Screening.objects.exists()
    assert post_as(client, volunteer_user, "/volunteer/charter/").status_code == 302
    assert Screening.objects.get().volunteer == volunteer
    assert not Screening.objects.filter(volunteer=victor).exists()


def test_only_a_volunteer_household_of_the_programme_registers_for_its_session(
        client, alice, charlie, victor, session, south_volunteer_user):
    url = f"/volunteer/training/{session.pk}/register/"
    for someone in (alice, charlie, south_volunteer_user):
        assert post_as(client, someone, url).status_code == 404, someone
    assert not Registration.objects.exists()
    assert post_as(client, victor.user, url).status_code == 302
    assert list(Registration.objects.values_list("volunteer", flat=True)) == [victor.pk]


def test_only_the_registered_household_cancels_its_registration(client, alice, victor,
                                                                volunteer_user, session):
    registration = training.registration_create(session=session, volunteer=victor)
    url = f"/volunteer/training/registrations/{registration.pk}/cancel/"
    for someone in (alice, volunteer_user):
        assert post_as(client, someone, url).status_code == 404, someone
    assert Registration.objects.filter(pk=registration.pk).exists()
    assert post_as(client, victor.user, url).status_code == 302
    assert not Registration.objects.filter(pk=registration.pk).exists()


def test_renewing_the_calendar_link_replaces_ones_own_only(client, alice, victor):
    alice_before = community.calendar_token_for(user=alice).token
    victor_before = community.calendar_token_for(user=victor.user).token
    assert post_as(client, None, "/community/calendar/renew/").status_code == 302
    assert CalendarToken.objects.get(user=alice).token == alice_before
    assert post_as(client, alice, "/community/calendar/renew/").status_code == 302
    assert CalendarToken.objects.get(user=alice).token != alice_before
    assert CalendarToken.objects.get(user=victor.user).token == victor_before
    assert client.get(f"/community/calendar/{alice_before}.ics").status_code == 404
    assert client.get(f"/community/calendar/{victor_before}.ics").status_code == 200


def test_a_mediator_is_shown_only_the_follow_up_links_they_may_use(client, bob, north):
    from django.urls import reverse

    client.force_login(bob)
    page = client.get(reverse("matches:matches", args=["north"])).content.decode()
    for name in ("matches:matches", "mediation:cases"):
        assert f'href="{reverse(name, args=["north"])}"' in page
    for name in ("matches:dashboard", "matches:matching", "matches:proposals",
                 "matches:checkins_overdue"):
        assert f'href="{reverse(name, args=["north"])}"' not in page, name
