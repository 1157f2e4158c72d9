"""A coordinator runs the programme without a developer: its settings, its service
categories and its team, each change validated and limited to coordinators."""

import re

import pytest
from django.core import mail

from voisins.accounts.models import User
from voisins.matches.bridge import weights_for
from voisins.programmes.models import Membership, ServiceCategory

from .conftest import PASSWORD

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def settings_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Voisins Nord", "languages": ["fr", "nl"], "default_radius_km": "2.5",
        "checkin_schedule": "7, 30, 90", "retention_months": "18"}
    data.update(overrides)
    return data


def test_the_settings_are_saved_and_keep_the_matching_weights(client, alice, north):
    north.matching_weights = {"waiting": 3}
    north.save()
    client.force_login(alice)
    response = client.post("/staff/north/settings/", settings_post(), **EN)
    assert response.status_code == 302
    north.refresh_from_db()
    assert north.languages == ["fr", "nl"] and north.default_radius_km == 2.5
    assert north.checkin_schedule_days == [7, 30, 90] and north.retention_months == 18
    assert weights_for(north).waiting == 3.0  # set on the matching page, left alone here


def test_the_signature_and_phone_of_messages_are_saved(client, alice, north):
    client.force_login(alice)
    response = client.post("/staff/north/settings/", settings_post(
        signature="Convivial – Voisins Solidaires", phone="02 512 34 56"), **EN)
    assert response.status_code == 302
    north.refresh_from_db()
    assert north.signature == "Convivial – Voisins Solidaires"
    assert north.phone == "+3225123456"


@pytest.mark.parametrize("field, value, message", [
    ("checkin_schedule", "30, 7", "Give increasing numbers of days"),
    ("checkin_schedule", "soon", "Give whole numbers of days"),
    ("retention_months", "0", "greater than or equal to 1"),
    ("languages", [], "This field is required"),
    ("phone", "12", "is not a phone number"),
])
def test_bad_settings_are_named_and_nothing_changes(client, alice, north, field, value,
                                                    message):
    client.force_login(alice)
    response = client.post("/staff/north/settings/", settings_post(**{field: value}), **EN)
    assert response.status_code == 200 and message in response.content.decode()
    north.refresh_from_db()
    assert north.default_radius_km == 3.0 and north.checkin_schedule_days[0] == 14


def test_a_programme_adds_its_own_category_and_stops_offering_one(client, alice, north):
    client.force_login(alice)
    client.post("/staff/north/settings/categories/", {"name": "Bike repair"})
    own = ServiceCategory.objects.get(programme=north, code="bike-repair")
    assert own.label == "Bike repair" and own.active
    response = client.post("/staff/north/settings/categories/", {"name": "Bike repair"},
                           follow=True, **EN)
    assert "already has this category" in response.content.decode()
    homework = north.service_categories.get(code="homework")
    client.post(f"/staff/north/settings/categories/{homework.pk}/", {"active": "0"})
    homework.refresh_from_db()
    assert not homework.active
    form = client.get("/staff/north/volunteers/new/", **EN).content.decode()
    assert 'value="bike-repair"' in form and 'value="homework"' not in form


def test_an_invited_person_chooses_a_password_and_logs_in(
        client, alice, north, django_capture_on_commit_callbacks):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/north/team/", {
            "email": "Sara@Example.org", "role": "referrer", "language": "en",
            "organisation": "CPAS de Schaerbeek"}, **EN)
    assert response.status_code == 302
    sara = User.objects.get(email="sara@example.org")
    membership = Membership.objects.get(user=sara, programme=north)
    assert membership.role == "referrer"
    assert membership.organisation.name == "CPAS de Schaerbeek"
    assert not sara.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["sara@example.org"] and "Referrer" in message.body
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+", message.body).group(0)
    client.logout()
    path = link.split("8000", 1)[1]
    response = client.get(path, follow=True)
    response = client.post(response.redirect_chain[-1][0] if response.redirect_chain else path,
                           {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert client.login(email="sara@example.org", password=PASSWORD)


def test_an_invitation_names_a_bad_address_or_a_member_already_there(
        client, alice, bob, django_capture_on_commit_callbacks):
    client.force_login(alice)
    for email, message in [("not-an-address", "valid email"),
                           (bob.email, "already on the programme")]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/staff/north/team/", {
                "email": email, "role": "mediator", "language": "en"}, **EN)
        assert message in response.content.decode()
    assert not mail.outbox and Membership.objects.get(user=bob).role == "mediator"


def test_the_programme_keeps_a_coordinator(client, alice, bob, north):
    client.force_login(alice)
    mine = Membership.objects.get(user=alice, programme=north)
    response = client.post(f"/staff/north/team/{mine.pk}/", {"role": "viewer"}, follow=True,
                           **EN)
    assert "at least one coordinator" in response.content.decode()
    client.post(f"/staff/north/team/{mine.pk}/", {"remove": "1"})
    assert Membership.objects.get(pk=mine.pk).role == "coordinator"
    bobs = Membership.objects.get(user=bob, programme=north)
    client.post(f"/staff/north/team/{bobs.pk}/", {"role": "coordinator"})
    assert Membership.objects.get(pk=bobs.pk).role == "coordinator"
    client.post(f"/staff/north/team/{mine.pk}/", {"remove": "1"})
    assert not Membership.objects.filter(pk=mine.pk).exists()


def test_only_the_programmes_coordinators_reach_settings_and_team(
        client, bob, rita, vera, charlie, alice, north, south):
    theirs = Membership.objects.get(user=charlie, programme=south)
    mine = Membership.objects.get(user=alice, programme=north)
    for user in (bob, rita, vera, charlie):
        client.force_login(user)
        for url in ("/staff/north/settings/", "/staff/north/team/"):
            assert client.get(url).status_code == 404
        assert client.post("/staff/north/settings/", settings_post()).status_code == 404
        assert client.post(f"/staff/north/team/{mine.pk}/", {"remove": "1"}).status_code == 404
    client.force_login(alice)  # nor can alice touch south's team through north
    assert client.post(f"/staff/north/team/{theirs.pk}/", {"remove": "1"}).status_code == 404
    assert Membership.objects.filter(pk__in=[mine.pk, theirs.pk]).count() == 2
    north.refresh_from_db()
    assert north.default_radius_km == 3.0
