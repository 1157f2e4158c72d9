"""Global search finds households by name, postcode and phone, in the user's programmes only."""

from django.urls import reverse

from voisins.households.services import family_create

from ..conftest import family_data

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def search(client, q, **extra):
    return client.get(reverse("workspace:search"), {"q": q}, **EN, **extra)


def found(client, q) -> list[str]:
    results = search(client, q).context["results"]
    return [str(h) for h in results["families"] + results["volunteers"]]


def test_it_finds_a_family_by_name(client, alice, family, volunteer):
    client.force_login(alice)
    assert found(client, "hadd") == ["Amina Haddad"]


def test_it_finds_households_by_postcode_and_by_phone(client, alice, north):
    family_create(programme=north, **family_data(contact_first_name="Olga",
                                                  phone="+32 470 11 22 33", postcode="1050"))
    client.force_login(alice)
    assert found(client, "1050") == ["Olga Haddad"]
    assert found(client, "0470 112233") == ["Olga Haddad"]
    assert found(client, "1030") == []


def test_it_shows_nothing_of_another_programme(client, charlie, family):
    client.force_login(charlie)
    assert found(client, "Haddad") == []


def test_it_shows_nothing_to_a_viewer(client, vera, family):
    client.force_login(vera)
    assert found(client, "Haddad") == []


def test_it_answers_htmx_with_the_results_only(client, alice, family):
    client.force_login(alice)
    html = search(client, "Amina", HTTP_HX_REQUEST="true").content.decode()
    assert "Amina Haddad" in html and "<html" not in html


def test_it_asks_for_more_than_one_character(client, alice, family):
    client.force_login(alice)
    assert found(client, "a") == []
    assert "at least two" in search(client, "a").content.decode()


def test_it_requires_a_login(client, db):
    response = client.get(reverse("workspace:search"), {"q": "x"})
    assert response.status_code == 302


def test_it_survives_odd_input(client, alice, family):
    client.force_login(alice)
    for q in ["%", "'; DROP TABLE x; --", "\x00", "é" * 500, "<script>"]:
        assert search(client, q).status_code == 200


def test_staff_pages_offer_the_slash_shortcut_served_by_the_app(client, alice, volunteer_user):
    from django.contrib.staticfiles import finders

    client.force_login(alice)
    html = client.get(reverse("staff:home"), follow=True, **EN).content.decode()
    assert 'id="global-q"' in html and 'aria-keyshortcuts="/"' in html
    assert "/static/voisins/shortcuts.js" in html and 'nonce="' in html
    assert "press / to search households" in html  # the page's own help, in the footer
    with open(finders.find("voisins/shortcuts.js"), encoding="utf-8") as file:
        script = file.read()
    assert 'getElementById("global-q")' in script and 'event.key !== "/"' in script
    # A volunteer household's login has no global search, and no shortcut to it.
    client.force_login(volunteer_user)
    html = client.get(reverse("landing"), follow=True, **EN).content.decode()
    assert "shortcuts.js" not in html and "press / to search" not in html
