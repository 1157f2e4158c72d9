"""A coordinator moves a family to another programme of the network in a real Chromium
(axe-core, no CSP violation): the consent first, per purpose with the interpreter, then
the move; the page says what went with it. Also on a phone, in Arabic (right to left)."""

import pytest

from voisins.transfers.models import Transfer

from .conftest import check_accessibility, fits, log_in, phone, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def network(north, south, alice, charlie):
    from voisins.networks import services as networks

    net = networks.network_create(name="Réseau Bruxelles", by=alice)
    networks.member_join(network=net, programme=north, by=alice)
    networks.member_join(network=net, programme=south, by=charlie)
    return net


def test_a_coordinator_moves_a_family_with_its_consent(page, axe_path, csp_errors, alice,
                                                       network, south, live_match):
    family = live_match.family
    log_in(page, alice)
    page.goto(f"/staff/north/families/{family.pk}/")
    page.locator(f'a[href="/transfers/north/families/{family.pk}/"]').click()
    page.locator("select[name=consent-to_programme]").select_option(str(south.pk))
    page.locator("input[name=consent-consent_transfer]").check()
    page.locator("input[name=consent-consent_matching]").check()
    page.locator("input[name=consent-given_by_name]").fill("Hassan")
    page.locator("input[name=consent-interpreter]").fill("Service Interprètes")
    check_accessibility(page, axe_path)
    screenshot(page, "network-transfer-consent")
    page.locator("form:has(input[value=consent]) button[type=submit]").click()
    page.locator("#consent-recorded").wait_for()
    page.locator("input[name=move-postcode]").fill("1000")
    page.locator("form:has(input[value=move]) button[type=submit]").click()
    page.locator("#transfer-done").wait_for()
    check_accessibility(page, axe_path)
    screenshot(page, "network-transfer-done")
    transfer = Transfer.objects.get()
    assert transfer.status == "done" and transfer.new_family.programme == south
    assert "phone" not in transfer.copied  # no consent to be contacted: nothing of it
    assert not csp_errors


def test_the_transfer_page_on_a_phone_in_arabic(browser, live_server, alice, network,
                                                family):
    alice.language = "ar"
    alice.save()
    context, page = phone(browser, live_server, "ar")
    log_in(page, alice)
    page.goto(f"/transfers/north/families/{family.pk}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    fits(page)
    screenshot(page, "network-transfer-phone-ar")
    assert not page.outside and not page.csp
    context.close()
