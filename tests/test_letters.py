"""Printed letters for households without a digital channel: A4 PDF in the household's
language, with the programme's name, signature and phone, what is asked, and its signed
link printed and as a QR code; for hand delivery (Voisins keeps no postal address)."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from voisins.programmes.services import programme_update


@pytest.fixture
def phoned_programme(north):
    return programme_update(programme=north, changes={"phone": "02 512 34 56",
                                                      "signature": "L'équipe Voisins Nord"})


def _text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _set(household, **fields):
    type(household).objects.filter(pk=household.pk).update(**fields)
    household.refresh_from_db()


def test_a_letter_has_the_programme_phone_the_link_and_the_households_language(
        client, alice, family, phoned_programme, sent_proposal):
    client.force_login(alice)
    response = client.get(reverse("staff:letter", args=["north", "families", family.pk]))
    text = _text(response)
    assert "+32 2 512 34 56" in text
    assert "Voisins Nord" in text
    # Amina's pages are in French: the letter too, with the proposal it was to tell her.
    assert "Bonjour Amina" in text and "propose" in text
    assert "remettre en main propre" in text
    # The link printed under the QR code is the family's own: it opens her pages.
    tokens = re.findall(r"/f/([A-Za-z0-9_:\-]+)/", text.replace("\n", ""))
    assert tokens, text
    assert client.get(reverse("familypages:home", args=[tokens[-1]])).status_code == 200


def test_a_letter_in_arabic_and_ukrainian(client, alice, family, phoned_programme):
    from voisins.messaging.services import message_household

    client.force_login(alice)
    for language, word in (("ar", "مرحبا"), ("uk", "Вітаємо")):
        _set(family, message_language=language)
        response = client.get(reverse("staff:letter", args=["north", "families", family.pk]))
        text = _text(response)
        assert "+32 2 512 34 56" in text
        assert any(ch in text for ch in word) or word in text, (language, text[:300])
    message_household(household=family, purpose="news", subject="News",
                      template="matches/email/programme_resumed.txt", context={})


def test_print_all_letters_makes_one_pdf_with_a_page_per_household(
        client, alice, family, volunteer, phoned_programme):
    from voisins.messaging.services import message_household

    for household in (family, volunteer):
        _set(household, email="", phone="")
        message_household(household=household, purpose="news", subject="News",
                          template="matches/email/programme_resumed.txt", context={})
    client.force_login(alice)
    response = client.get(reverse("staff:to_call_letters", args=["north"]))
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 2
    text = _text(response)
    assert "Amina" in text and "Marie" in text


def test_no_letter_for_another_programmes_household(client, charlie, family):
    client.force_login(charlie)
    assert client.get(reverse("staff:letter", args=["north", "families", family.pk])
                      ).status_code == 404
    assert client.get(reverse("staff:letter", args=["south", "families", family.pk])
                      ).status_code == 404
    assert client.get(reverse("staff:letter", args=["south", "nobody", family.pk])
                      ).status_code == 404


def test_the_households_page_offers_its_letter(client, alice, family, sent_proposal):
    client.force_login(alice)
    html = client.get(reverse("staff:family", args=["north", family.pk])).content.decode()
    assert reverse("staff:letter", args=["north", "families", family.pk]) in html


def _font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object().get("/BaseFont", "")))
    return names


def test_a_name_in_ethiopic_script_is_printed_with_a_font_that_has_it(north):
    """Tigrinya and Amharic names are written in Ge'ez script, which DejaVu lacks: the
    letter takes Abyssinica SIL (Debian's fonts-sil-abyssinica, installed by .ci/run and
    listed in docs/deploy.md) instead of printing empty boxes."""
    import os
    import shutil
    import subprocess

    from voisins.households.services import family_create
    from voisins.staff.services import household_letters_pdf

    from .conftest import family_data

    fc_list = shutil.which("fc-list")
    found = subprocess.run([fc_list, ":lang=ti"], capture_output=True, text=True,
                           check=False).stdout if fc_list else ""
    if not found.strip() and os.environ.get("VOISINS_REQUIRE_BROWSER") != "1":
        pytest.skip("no font for Ethiopic script (apt-get install fonts-sil-abyssinica)")
    family = family_create(programme=north, **family_data(
        contact_first_name="ሰናይት", contact_last_name="Haile", page_language="ar"))
    fonts = _font_names(household_letters_pdf(households=[family]))
    assert any("Abyssinica" in name for name in fonts), fonts
