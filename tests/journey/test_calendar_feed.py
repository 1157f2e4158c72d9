"""A person's calendar feed: iCalendar, parsed back with the icalendar library, reached by
a secret link that can be replaced."""

from datetime import timedelta

import icalendar
from django.utils import timezone

from voisins.community import services
from voisins.households.services import volunteer_create
from voisins.training import services as training

from ..conftest import make_user, volunteer_data


def test_the_feed_holds_the_events_and_trainings_of_that_person_only(client, north):
    marie = make_user("marie@example.org")
    other = make_user("other@example.org")
    household = volunteer_create(programme=north, **volunteer_data(status="screened"))
    household.user = marie
    household.save()
    start = timezone.now() + timedelta(days=4)
    meal = services.event_create(programme=north, kind="shared-meal", title="Repas partagé",
                                 starts_at=start, ends_at=start + timedelta(hours=2),
                                 place="Rue de la Paix 1", capacity=1,
                                 description="Chacun apporte un plat.")
    full = services.event_create(programme=north, kind="meetup", title="Intervision",
                                 starts_at=start, ends_at=start + timedelta(hours=1),
                                 place="Salle", capacity=1)
    declined = services.event_create(programme=north, kind="meetup", title="Declined",
                                     starts_at=start, ends_at=start + timedelta(hours=1),
                                     place="Salle", capacity=None)
    for event in (meal, full, declined):
        services.invitations_send(event=event, users=[marie, other])
    services.invitation_respond(invitation=full.invitations.get(user=other), going=True)
    services.invitation_respond(invitation=meal.invitations.get(user=marie), going=True)
    services.invitation_respond(invitation=full.invitations.get(user=marie), going=True)
    services.invitation_respond(invitation=declined.invitations.get(user=marie), going=False)
    module = training.training_module_create(programme=north, title="Role and limits")
    session = training.training_session_create(
        module=module, starts_at=start + timedelta(days=1),
        ends_at=start + timedelta(days=1, hours=2), video_url="https://video.example/room",
        capacity=5)
    training.registration_create(session=session, volunteer=household)

    token = services.calendar_token_for(user=marie).token
    response = client.get(f"/community/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Repas partagé", "Intervision", "Role and limits"}
    assert str(events["Repas partagé"]["STATUS"]) == "CONFIRMED"
    assert str(events["Intervision"]["STATUS"]) == "TENTATIVE"   # on the waiting list
    assert str(events["Repas partagé"]["LOCATION"]) == "Rue de la Paix 1"
    assert events["Repas partagé"].decoded("DTSTART") == meal.starts_at.replace(microsecond=0)
    assert str(events["Role and limits"]["LOCATION"]) == "https://video.example/room"
    assert all(e.get("UID") and e.get("DTSTAMP") for e in events.values())
    assert len({str(e["UID"]) for e in events.values()}) == 3


def test_a_wrong_or_replaced_link_is_404(client, north):
    marie = make_user("marie@example.org")
    old = services.calendar_token_for(user=marie).token
    assert client.get("/community/calendar/not-the-token.ics").status_code == 404
    client.force_login(marie)
    client.post("/community/calendar/renew/")
    assert client.get(f"/community/calendar/{old}.ics").status_code == 404
    new = services.calendar_token_for(user=marie).token
    assert new != old
    assert client.get(f"/community/calendar/{new}.ics").status_code == 200


def test_a_deactivated_account_has_no_feed(client, north):
    marie = make_user("marie@example.org")
    token = services.calendar_token_for(user=marie).token
    marie.is_active = False
    marie.save()
    assert client.get(f"/community/calendar/{token}.ics").status_code == 404
