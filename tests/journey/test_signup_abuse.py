"""The public sign-up against abuse (issue 19, items 6 and 9): a phone that the household
model refuses is refused by the form, so a sign-up can always be confirmed; the
confirmation mail carries nothing the visitor typed, and one address receives only a few."""

import pytest
from django.core import mail

from voisins.recruitment.models import Signup


def post(client, data):
    return client.post("/p/north/join/?lang=en", data)


@pytest.mark.parametrize("phone", ["04701", "1234567890123456789", "+"])
def test_a_phone_the_household_refuses_is_refused_by_the_form(client, north, signup_post,
                                                              phone):
    response = post(client, signup_post(phone=phone))
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert "is not a phone number" in response.content.decode()
    assert not Signup.objects.exists() and mail.outbox == []


def test_a_signup_with_a_good_phone_can_be_confirmed(client, north, signup_post,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, signup_post(phone="0470 11 22 33"))
    signup = Signup.objects.get()
    assert signup.data["phone"] == "+32470112233"  # E.164, as the household keeps it
    link = mail.outbox[0].body.split("/p/north/confirm/")[1].split()[0]
    response = client.post(f"/p/north/confirm/{link}")
    assert response.status_code == 302


def test_the_confirmation_mail_carries_nothing_the_visitor_typed(
        client, north, signup_post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, signup_post(contact_first_name="WIN A PRIZE AT evil.example",
                                 contact_last_name="Spam", motivation="Click evil.example"))
    body = mail.outbox[0].body
    assert "evil.example" not in body and "WIN" not in body and "Spam" not in body
    assert body.startswith("Hello,")


def test_one_address_receives_only_a_few_confirmations_whoever_asks(
        client, north, signup_post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(6):
            response = client.post("/p/north/join/?lang=en",
                                   signup_post(email="Victim@example.org"),
                                   REMOTE_ADDR=f"198.51.100.{i}")
            assert response.status_code == 200  # the same answer every time
    assert len(mail.outbox) == 3
    assert Signup.objects.count() == 3


def test_a_password_reset_for_an_unknown_address_sends_nothing(client, alice):
    response = client.post("/accounts/password/reset/", {"email": "stranger@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []
    client.post("/accounts/password/reset/", {"email": alice.email})
    assert len(mail.outbox) == 1


def test_an_old_signup_with_a_phone_the_household_refuses_is_no_500(client, north,
                                                                    signup_post):
    from voisins.recruitment.forms import SignupForm
    from voisins.recruitment.tokens import signup_token

    form = SignupForm(signup_post(), programme=north)
    assert form.is_valid(), form.errors
    # Kept before the form checked the phone.
    signup = Signup.objects.create(programme=north, email="old@example.org",
                                   data={**form.household_data(), "phone": "04701"})
    response = client.post(f"/p/north/confirm/{signup_token(signup)}/")
    assert response.status_code == 400
