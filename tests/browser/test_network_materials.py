"""Issue 20 §3, shared materials: the network's coordinator writes a training module for
the network; the coordinator of a member programme finds it from the programme's page,
adopts it (a training module of the programme's own), adapts it; the network publishes a
new version; the programme is offered the update, sees what it would overwrite, takes it
(and its training page shows the new text)."""

import pytest

from voisins.networks.services import member_join, network_create
from voisins.training.models import TrainingModule
from voisins.training.services import training_module_update

from .conftest import check_accessibility, fits, log_in, phone, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_training_module_is_adopted_then_updated(browser, live_server, page, axe_path,
                                                    north, south, alice, charlie):
    network = network_create(name="Réseau Voisins Solidaires", by=alice)
    member_join(network=network, programme=north, by=alice, named=True)
    member_join(network=network, programme=south, by=charlie, named=True)

    # The network's coordinator writes a module for every programme of the network.
    log_in(page, alice.email)
    page.goto(f"/materials/network/{network.slug}/")
    page.locator("a[href$='/new/training_module/']").click()
    page.locator("#id_content-title").fill("Rôle et limites du voisin solidaire")
    page.locator("#id_content-description").fill(
        "Ce que fait un ménage bénévole, ce qu'il ne fait pas.")
    page.locator("#id_content-required").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/materials/network/*/*/")
    page.goto(f"/materials/network/{network.slug}/")
    assert "Rôle et limites" in page.locator("#materials").inner_text()
    check_accessibility(page, axe_path)
    screenshot(page, "network-materials")

    # Charlie (south) reaches the materials from the programme's page and adopts it.
    context = browser.new_context(base_url=live_server.url, locale="fr-BE",
                                  viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    coordinator = context.new_page()
    try:
        log_in(coordinator, charlie.email)
        coordinator.goto("/staff/south/")
        coordinator.locator("#network-materials").click()
        coordinator.wait_for_url("**/materials/programme/south/")
        coordinator.locator("table.offered button[type=submit]").click()
        coordinator.wait_for_url("**/materials/programme/south/")
        assert coordinator.locator("#adoptions").count() == 1
        check_accessibility(coordinator, axe_path)
        screenshot(coordinator, "network-materials-adopted")
        copy = TrainingModule.objects.get(programme=south)
        assert copy.required and copy.title == "Rôle et limites du voisin solidaire"
        # South adapts its own copy, as it would any module it wrote.
        training_module_update(module=copy, description="Notre texte, à notre façon.")

        # The network publishes version 2.
        page.goto(f"/materials/network/{network.slug}/")
        page.locator("#materials a").first.click()
        page.locator("#id_content-description").fill(
            "Ce que fait un ménage bénévole, ce qu'il ne fait pas, et comment le dire.")
        page.locator("#id_change-what_changed").fill("Comment parler de ses limites.")
        page.locator("#new-version button[type=submit]").click()
        page.locator("#version-2").wait_for()
        screenshot(page, "network-materials-version")

        # South is offered the update, sees what it would overwrite, and takes it.
        coordinator.goto("/materials/programme/south/")
        coordinator.locator("#adoptions a.button").click()
        coordinator.wait_for_url("**/adoptions/*/")
        assert coordinator.locator("tr.overwritten").count() == 1
        assert "Notre texte" in coordinator.locator("#changes").inner_text()
        check_accessibility(coordinator, axe_path)
        screenshot(coordinator, "network-materials-update")
        coordinator.locator("button[value=accept]").click()
        coordinator.wait_for_url("**/materials/programme/south/")
        assert coordinator.locator("#adoptions a.button").count() == 0
        coordinator.goto("/training/south/")
        assert "comment le dire" in coordinator.locator("main").inner_text()
    finally:
        context.close()

    # The adoption page on a phone.
    adoption = south.adoptions.get()
    small, handset = phone(browser, live_server, "fr-BE")
    try:
        log_in(handset, charlie.email)
        handset.goto(f"/materials/programme/south/adoptions/{adoption.pk}/")
        fits(handset)
        handset.goto("/materials/programme/south/")
        fits(handset)
        screenshot(handset, "network-materials-phone")
    finally:
        small.close()
    assert not handset.outside and not handset.csp
