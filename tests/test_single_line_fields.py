"""Line breaks and other control characters in one-line fields (issue 19, item 7): refused
by the API, the forms and the imports, naming the field; and a mail that cannot be built
is given up at once, with the reason on the coordinators' follow-up page."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.test_import import FAMILY_HEADER, GOOD_FAMILIES, csv_bytes, run
from voisins.community.models import Event
from voisins.households.models import FamilyHousehold
from voisins.matches.models import Notification
from voisins.matches.notifications import MAX_ATTEMPTS, deliver, retry_due
from voisins.security.text import has_control


@pytest.mark.parametrize("title", ["Apéro\r\nBcc: everyone@example.org", "A\nB",
                                   "A\tB", "A\x00B", "A\u2028B"])
def test_the_api_refuses_a_title_with_a_control_character(api_as, alice, north, title):
    response = api_as(alice)("post", "/programmes/north/events", {
        "kind": "shared-meal", "title": title, "starts_at": "2099-05-01T18:00:00Z",
        "ends_at": "2099-05-01T21:00:00Z", "place": "Salle"})
    assert response.status_code == 422, response.content
    assert "title" in {e["loc"][-1] for e in response.json()["detail"]}
    assert not Event.objects.exists()


def test_names_in_any_script_are_not_control_characters():
    assert not has_control("Амина عائشة José Zoë 李 — Nørrebro")


def test_an_import_refuses_a_line_break_in_a_name_naming_the_row(north):
    rows = [GOOD_FAMILIES[0], ["F2", "Olena\r\nX", *GOOD_FAMILIES[1][2:]]]
    result = run(north, csv_bytes(FAMILY_HEADER, rows))
    assert not result.ok
    assert any(e.row == 3 and e.column == "first_name" for e in result.errors), result.errors
    assert not FamilyHousehold.objects.exists()


def test_the_sign_up_form_refuses_a_line_break_in_the_name(client, north):
    from tests.journey.conftest import SIGNUP
    from voisins.recruitment.models import Signup

    response = client.post("/p/north/join/?lang=en",
                           dict(SIGNUP, contact_first_name="Marc\r\nBcc: x@example.org"))
    assert response.status_code == 200
    assert response.context["form"].errors["contact_first_name"]
    assert not Signup.objects.exists()


def _invitation(north, title: str) -> Notification:
    return Notification.objects.create(
        programme=north, kind="event_invitation", to_email="guest@example.org",
        language="en", context={"event": title, "programme": north.name})


def test_a_mail_that_cannot_be_built_is_given_up_at_once_and_shown(client, alice, north):
    # Made before the rule (or by a path that skipped it): a title with a line break.
    notification = _invitation(north, "Apéro\r\nBcc: everyone@example.org")
    assert deliver(notification.pk) is False
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1 and notification.context == {}
    assert mail.outbox == []
    # No retry picks it up again.
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    assert retry_due() == 0
    client.force_login(alice)
    page = client.get("/staff/north/follow-up/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "E-mails that could not be sent" in text
    assert "sending it again would not help" in text
    assert "everyone@example.org" not in text


def test_a_mail_server_that_keeps_refusing_ends_after_the_limit(north, monkeypatch):
    from django.core.mail import EmailMessage

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError

    monkeypatch.setattr(EmailMessage, "send", refuse)
    notification = _invitation(north, "Apéro")
    for _attempt in range(MAX_ATTEMPTS + 3):
        Notification.objects.filter(pk=notification.pk).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1))
        retry_due()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == MAX_ATTEMPTS
