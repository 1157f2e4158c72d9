"""Every page answers in each of its languages: staff and volunteer pages in French, Dutch
and English; a family's pages also in Arabic (right to left) and Ukrainian. Dates and
numbers follow the language."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from tests.site_pages import ACCOUNT_PAGES, PAGES, programme_full_of_life

STAFF_LANGUAGES = ["fr", "nl", "en"]
FAMILY_LANGUAGES = ["fr", "nl", "en", "ar", "uk"]


@pytest.fixture
def rich(north, alice, bob, family, victor, live_match):
    return programme_full_of_life(north, alice, family, victor, live_match)


def _html_lang(response) -> tuple[str, str]:
    found = re.search(rb'<html lang="([a-z-]+)" dir="(ltr|rtl)"', response.content)
    return (found[1].decode(), found[2].decode()) if found else ("", "")


# A check-in link from a volunteer household's e-mail, and the pages behind its personal
# link, speak the household's language.
IN_THE_VOLUNTEERS_LANGUAGE = {"matches:checkin_link", "volunteerpages:home",
                              "volunteerpages:data", "volunteerpages:password",
                              "volunteerpages:message_choices",
                              "matches:volunteer_link_proposals", "matches:volunteer_link_match",
                              "matches:volunteer_link_checkin", "volunteering:link_note",
                              "expenses:link"}

def _urls(rich, who: str) -> list[tuple[str, str]]:
    pages = [(name, reverse(name, kwargs=v.kwargs(rich)) + v.query)
             for name, v in PAGES.items() if v.who == who]
    return pages + [(name, reverse(name)) for name, v in ACCOUNT_PAGES.items() if v.who == who]


@pytest.mark.django_db
def test_staff_and_public_pages_answer_in_french_dutch_and_english(client, rich, alice):
    wrong = []
    for language in STAFF_LANGUAGES:
        client.logout()
        for who in ("anonymous", "alice"):
            if who == "alice":
                client.force_login(alice)
            for name, url in _urls(rich, who):
                expected = rich["volunteer"].user.language \
                    if name in IN_THE_VOLUNTEERS_LANGUAGE else language
                response = client.get(url, HTTP_ACCEPT_LANGUAGE=language, follow=True)
                if response.status_code != 200 or _html_lang(response) != (expected, "ltr"):
                    wrong.append((language, url, response.status_code, _html_lang(response)))
    assert not wrong, "\n".join(map(str, wrong))


@pytest.mark.django_db
def test_a_volunteer_reads_its_pages_in_its_own_language(client, rich, victor):
    client.force_login(victor.user)
    for language in STAFF_LANGUAGES:
        victor.user.language = language
        victor.user.save(update_fields=["language"])
        for _name, url in _urls(rich, "victor"):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="en" if language != "en" else "fr")
            assert response.status_code == 200, url
            assert _html_lang(response) == (language, "ltr"), (language, url)


@pytest.mark.django_db
def test_a_family_reads_its_pages_in_five_languages_arabic_right_to_left(client, rich):
    for language in FAMILY_LANGUAGES:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for _name, url in _urls(rich, "family"):
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            expected = (language, "rtl" if language == "ar" else "ltr")
            assert _html_lang(response) == expected, (url, _html_lang(response))


@pytest.mark.django_db
def test_dates_and_numbers_follow_the_language(client, rich, alice):
    """The match page in French and in English: its date and the distance of its
    proposal in each language's own format, never a format written into a template."""
    client.force_login(alice)
    match = rich["match"]
    proposal = match.proposal
    for language in STAFF_LANGUAGES:
        with translation.override(language):
            day = formats.date_format(match.started_on, "SHORT_DATE_FORMAT")
            km = formats.number_format(proposal.distance_km, decimal_pos=1)
        html = client.get(reverse("matches:match", args=["north", match.pk]),
                          HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert day in html, (language, day)
        html = client.get(reverse("matches:proposal", args=["north", proposal.pk]),
                          HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f"{km} km" in html, (language, km)


@pytest.mark.django_db
def test_plurals_follow_the_language(client, alice, north):
    """One household and two households, in English and in French (Arabic has six
    plural forms: the catalogues give them, tests/pages/test_catalogues.py reads them)."""
    from voisins.households.services import family_create

    from ..conftest import family_data

    client.force_login(alice)
    url = reverse("staff:families", args=["north"])
    family_create(programme=north, **family_data())
    assert "1 household<" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    family_create(programme=north, **family_data(contact_first_name="Nour"))
    assert "2 households<" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 ménages<" in client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
