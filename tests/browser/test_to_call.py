"""The to-call list in a browser: Amina's family has no e-mail and no mobile number, so the
proposal is on the coordinator's list; she answers on the phone, the coordinator records
it from the list and the row goes. Screenshots in docs/screenshots/to-call-*.png."""

import pytest
from django.urls import reverse

from voisins.households.models import FamilyHousehold
from voisins.matches.models import Proposal

from .conftest import check_accessibility, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_records_an_answer_heard_on_the_phone(page, axe_path, csp_errors,
                                                              alice, family, sent_proposal):
    FamilyHousehold.objects.filter(pk=family.pk).update(phone="+3225123456", email="")
    log_in(page, alice.email)
    page.goto(reverse("staff:to_call", args=["north"]))
    row = page.locator("table.to-call tbody tr").first
    text = row.inner_text()
    assert "Amina Haddad" in text and "+3225123456" in text
    assert "Proposition" in text and "Réponse avant le" in text
    check_accessibility(page, axe_path)
    row.locator("summary").click()
    screenshot(page, "to-call-1-list")
    row.locator('input[name="answer"][value="yes"]').check()
    row.locator('form[action*="family-answer"] button[type="submit"]').click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("staff:to_call", args=["north"]))
    confirmation = page.locator(".message").first.inner_text()
    assert "La réponse de la famille est enregistrée." in confirmation
    assert "Personne à appeler." in page.locator("table.to-call").inner_text()
    sent_proposal.refresh_from_db()
    assert sent_proposal.family_answer == Proposal.Answer.ACCEPTED
    assert not csp_errors
    screenshot(page, "to-call-2-recorded")
