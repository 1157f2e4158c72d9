"""What a coordinator reads after sending a proposal: exactly who was told how (e-mail to
the volunteer household, SMS to a family with only a phone), and the family's page listing
its messages. Screenshots in docs/screenshots/messaging-*.png."""

import pytest
from django.urls import reverse

from voisins.households.models import FamilyHousehold
from voisins.messaging import sms

from .conftest import check_accessibility, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_reads_who_was_told_how(page, axe_path, csp_errors, alice, family,
                                                draft_proposal, north):
    north.signature = "Convivial – Voisins Solidaires"
    north.save()
    FamilyHousehold.objects.filter(pk=family.pk).update(phone="+32470123456", email="")
    sms.outbox.clear()
    log_in(page, alice.email)
    page.goto(reverse("matches:proposal", args=["north", draft_proposal.pk]))
    send = reverse("matches:proposal_send", args=["north", draft_proposal.pk])
    page.locator(f'form[action="{send}"] button').click()
    page.wait_for_load_state()
    confirmation = page.locator(".message").first.inner_text()
    assert "Le ménage bénévole (Victor) : e-mail envoyé." in confirmation
    assert "La famille (Amina) : SMS envoyé." in confirmation
    [message] = sms.outbox
    assert "Convivial - Voisins Solidaires" in message.body and "/f/" in message.body
    screenshot(page, "messaging-1-proposal-sent")
    page.goto(reverse("staff:family", args=["north", family.pk]))
    messages = page.locator("#messages-h").locator("xpath=..").inner_text()
    assert "SMS" in messages and "Proposition" in messages and "Envoyé" in messages
    check_accessibility(page, axe_path)
    assert not csp_errors
    screenshot(page, "messaging-2-family-messages")
