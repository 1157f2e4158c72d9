"""Pages speak the language the user chose on their account, then the browser's."""

from django.urls import reverse

from voisins.accounts.models import User


def test_it_follows_the_browser_without_a_choice(client, alice):
    client.force_login(alice)
    response = client.get(reverse("staff:programme", args=["north"]), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.content.decode().startswith("<!DOCTYPE html>")
    assert '<html lang="nl"' in response.content.decode()


def test_the_account_choice_wins_over_the_browser(client, alice):
    User.objects.filter(pk=alice.pk).update(language="en")
    client.force_login(alice)
    response = client.get(reverse("staff:programme", args=["north"]), HTTP_ACCEPT_LANGUAGE="nl")
    assert '<html lang="en"' in response.content.decode()


def test_choosing_a_language_keeps_it_on_the_account(client, alice):
    client.force_login(alice)
    response = client.post(reverse("workspace:language"), {"language": "nl", "next": "/staff/"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == "nl"


def test_an_unknown_language_changes_nothing(client, alice):
    client.force_login(alice)
    response = client.post(reverse("workspace:language"), {"language": "xx", "next": "/"})
    assert response.status_code in (302, 204)
    alice.refresh_from_db()
    assert alice.language == ""


def test_a_visitor_can_choose_too(client, db):
    response = client.post(reverse("workspace:language"),
                           {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert '<html lang="en"' in client.get("/accounts/login/").content.decode()


def test_the_staff_selector_offers_the_staff_languages(client, alice):
    client.force_login(alice)
    html = client.get(reverse("staff:programme", args=["north"])).content.decode()
    assert 'value="nl" lang="nl"' in html and 'value="ar" lang="ar"' not in html
