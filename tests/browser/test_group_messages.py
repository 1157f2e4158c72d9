"""A coordinator writes to a group: chooses the volunteer households of a postcode, writes
in French and Dutch with placeholders, previews who gets what through which channel, sends,
and reads the delivery states. Screenshots in docs/screenshots/group-messages-*.png."""

import pytest
from django.urls import reverse

from tests.conftest import volunteer_data
from voisins.households.models import VolunteerHousehold
from voisins.households.services import volunteer_create
from voisins.messaging import sms

from .conftest import check_accessibility, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_writes_to_a_group_previews_and_sends(page, axe_path, csp_errors,
                                                             alice, north):
    north.signature = "Convivial – Voisins Solidaires"
    north.save()
    for name, fields in [("Marie", {"email": "marie@example.org"}),
                         ("Jan", {"phone": "+32470123456",
                                  "languages": [{"code": "nl", "level": "native"}]}),
                         ("Paul", {}), ("Lucie", {"email": "lucie@example.org"})]:
        volunteer_create(programme=north, **volunteer_data(contact_first_name=name, **fields))
    VolunteerHousehold.objects.filter(contact_first_name="Lucie").update(news_opt_out=True)
    sms.outbox.clear()
    log_in(page, alice.email)
    page.goto(reverse("staff:programme", args=["north"]))
    page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name="Messages", exact=True).click()
    page.get_by_role("link", name="Écrire à un groupe").click()
    page.get_by_label("Ménages bénévoles (par zone, statut, formation)").check()
    page.get_by_label("Codes postaux").fill("1030")
    page.get_by_label("Texte en français").fill(
        "Bonjour {first_name}, {programme} vous invite au pique-nique de samedi : {link}")
    page.get_by_label("Texte en néerlandais").fill(
        "Dag {first_name}, picknick op zaterdag: {link}")
    page.get_by_role("button", name="Aperçu").click()
    preview = page.locator("#preview").inner_text()
    assert "Ménages qui reçoivent ce message : 3." in preview
    assert "Bonjour Marie, Convivial – Voisins Solidaires vous invite" in preview
    assert "Ménages qui ne veulent pas de nouvelles et ne reçoivent pas ce message : 1." \
        in preview and "Lucie" in preview
    check_accessibility(page, axe_path)
    screenshot(page, "group-messages-1-preview")
    page.get_by_role("button", name="Envoyer au groupe (3 ménages)").click()
    page.wait_for_url("**/messages/*-*/")
    confirmation = page.locator(".message").first.inner_text()
    assert "3 messages écrits" in confirmation
    assert "Ménages sans canal numérique, sur votre liste d'appels : 1." in confirmation
    delivery = page.locator("#delivery").inner_text()
    assert "Total" in delivery
    [text] = sms.outbox
    assert text.body.startswith("Dag Jan, picknick op zaterdag: http") and "/v/" in text.body
    check_accessibility(page, axe_path)
    assert not csp_errors
    screenshot(page, "group-messages-2-delivery")
