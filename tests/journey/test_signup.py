"""Volunteer sign-up: validation naming the field, spam protection, e-mail confirmation,
duplicate e-mails merged into one household."""

import re

import pytest
from django.core import mail

from voisins.households.models import VolunteerHousehold
from voisins.privacy.models import Consent
from voisins.recruitment.models import Signup, VolunteerOrigin


def post(client, data):
    return client.post("/p/north/join/", data, HTTP_ACCEPT_LANGUAGE="en")


def confirm_link(message) -> str:
    return re.search(r"http://testserver(/p/north/confirm/[^/\s]+/)", message.body).group(1)


def test_it_shows_the_form(client, north):
    response = client.get("/p/north/join/?lang=en")
    assert response.status_code == 200
    assert 'name="website"' in response.content.decode()


def test_it_keeps_a_signup_and_mails_a_link_without_creating_a_household(
        client, north, signup_post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, signup_post())
    assert response.status_code == 200
    assert Signup.objects.count() == 1
    assert VolunteerHousehold.objects.count() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["marc@example.org"]
    assert "/p/north/confirm/" in mail.outbox[0].body


def test_confirming_creates_the_household_with_consent_and_logs_in(
        client, north, signup_post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, signup_post())
    link = confirm_link(mail.outbox[0])
    assert client.get(link).status_code == 200   # asks, changes nothing
    assert VolunteerHousehold.objects.count() == 0
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == "/volunteer/"
    household = VolunteerHousehold.objects.get()
    assert household.status == "applied" and household.email == "marc@example.org"
    assert household.offers == ["homework", "shared-meal"]
    assert household.language_codes == {"fr", "nl"}
    assert household.members.count() == 3
    assert household.user.email == "marc@example.org"
    assert Consent.objects.filter(volunteer=household, purpose="matching").exists()
    assert VolunteerOrigin.objects.get(volunteer=household).campaign is None
    # Following the link again changes nothing and logs nobody in.
    client.logout()
    assert client.post(link).status_code == 200
    assert VolunteerHousehold.objects.count() == 1


def test_duplicate_signups_merge_into_one_household(
        client, north, signup_post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, signup_post())
        post(client, signup_post(email="MARC@example.org", offers=["transport"],
                                 motivation="Also transport."))
    links = [confirm_link(m) for m in mail.outbox]
    assert len(links) == 2
    for link in links:
        client.post(link)
    household = VolunteerHousehold.objects.get()
    assert household.offers == ["transport"]
    assert "We have time." in household.motivation and "Also transport." in household.motivation
    assert household.members.count() == 3
    assert Signup.objects.filter(volunteer=household).count() == 2
    assert Signup.objects.filter(merged=True).count() == 1


def test_a_tampered_link_is_refused(client, north):
    assert client.post("/p/north/confirm/not-a-token/").status_code == 400
    assert VolunteerHousehold.objects.count() == 0


@pytest.mark.parametrize("overrides,field,message", [
    ({"postcode": "9999"}, "postcode", "Unknown postcode"),
    ({"consent": None}, "consent", "You must agree to the privacy notice"),
    ({"email": "not-an-address"}, "email", "valid email"),
    ({"offers": []}, "offers", "required"),
    ({"language_1": ""}, "language_1", "required"),
    ({"level_1": ""}, "level_1", "Choose a level"),
    ({"adult_birth_years": "2020"}, "adult_birth_years", "18 or older"),
    ({"children_birth_years": "abc"}, "children_birth_years", "not a birth year"),
    ({"availability": ["mon-night"]}, "availability", "valid choice"),
    ({"phone": "0470 11"}, "phone", "is not a phone number"),
])
def test_bad_input_is_refused_naming_the_field(client, north, signup_post, overrides, field,
                                               message):
    response = post(client, signup_post(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert f'href="#id_{field}' in html   # the summary links to the field by its label
    assert Signup.objects.count() == 0 and not mail.outbox


def test_the_unknown_postcode_message_names_the_field_in_french(client, north, signup_post):
    response = client.post("/p/north/join/", signup_post(postcode="9999"),
                           HTTP_ACCEPT_LANGUAGE="fr")
    assert "Code postal" in response.content.decode() or "postcode" in response.content.decode()
    assert Signup.objects.count() == 0


def test_a_filled_honeypot_keeps_nothing_and_sends_nothing(
        client, north, signup_post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, signup_post(website="http://spam.example"))
    assert response.status_code == 200          # the robot learns nothing
    assert Signup.objects.count() == 0 and not mail.outbox


def test_mistakes_in_the_form_do_not_use_up_the_limit(client, north, signup_post):
    for _ in range(8):
        assert post(client, signup_post(postcode="9999")).status_code == 200
    assert post(client, signup_post()).status_code == 200
    assert Signup.objects.count() == 1


def test_the_rate_limit_stops_a_flood_from_one_address(client, north, signup_post):
    for i in range(5):
        assert post(client, signup_post(email=f"p{i}@example.org")).status_code == 200
    response = post(client, signup_post(email="p6@example.org"))
    assert response.status_code == 429
    assert Signup.objects.count() == 5
    other = client.post("/p/north/join/", signup_post(email="x@example.org"),
                        REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200 and Signup.objects.count() == 6


def test_a_staff_account_is_never_logged_in_by_a_link(
        client, north, alice, signup_post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, signup_post(email="alice@example.org"))
    response = client.post(confirm_link(mail.outbox[0]))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_unconfirmed_signups_are_purged_after_a_week(north, signup_post, client):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    post(client, signup_post())
    post(client, signup_post(email="new@example.org"))
    Signup.objects.filter(email="marc@example.org").update(
        created_at=timezone.now() - timedelta(days=8))
    call_command("purge_signups", stdout=__import__("io").StringIO())
    assert list(Signup.objects.values_list("email", flat=True)) == ["new@example.org"]


def test_a_mail_server_down_keeps_the_signup_and_sends_the_link_later(
        client, north, signup_post, django_capture_on_commit_callbacks):
    from unittest import mock

    from django.utils import timezone

    from voisins.matches import notifications
    from voisins.matches.models import Notification

    with (mock.patch("voisins.matches.notifications.EmailMessage.send",
                     side_effect=ConnectionRefusedError("down")),
          django_capture_on_commit_callbacks(execute=True)):
        response = post(client, signup_post())
    assert response.status_code == 200 and Signup.objects.count() == 1
    pending = Notification.objects.get(kind="signup_confirm")
    assert pending.status == "pending" and not mail.outbox
    Notification.objects.update(next_attempt_at=timezone.now())
    assert notifications.retry_due() == 1
    assert "/p/north/confirm/" in mail.outbox[0].body
