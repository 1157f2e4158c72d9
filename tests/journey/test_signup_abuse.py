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
    assert "6 to 15 digits" in response.content.decode()
    assert not Signup.objects.exists() and mail.outbox == []


def test_a_signup_with_a_good_phone_can_be_confirmed(client, north, signup_post,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, signup_post(phone="0470 11 22 33"))
    signup = Signup.objects.get()
    assert signup.data["phone"] == "0470112233"
    link = mail.outbox[0].body.split("/p/north/confirm/")[1].split()[0]
    response = client.post(f"/p/north/confirm/{link}")
    assert response.status_code == 302
