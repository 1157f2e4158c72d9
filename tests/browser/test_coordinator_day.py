"""Issue 16, "Done means", in a browser: a batch run reviewed (one pair unticked) and sent
in one action; a family that waits opened, its reason and smallest change read, the
change applied on its form and the family proposed by a new run; a recruitment campaign
created from a gap; and the keyboard: "/" reaches the global search, and the run's filters,
sort and send are used without a mouse. Screenshots in docs/screenshots/run-*.png,
waiting-*.png, gap-*.png."""

import re

import pytest

from voisins.households.services import family_create, volunteer_create
from voisins.matches.models import Proposal
from voisins.recruitment.models import Campaign

from ..conftest import agreed_to_matching, family_data, volunteer_data
from .conftest import check_accessibility, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(page):
    # Each walk runs the engine several times on a machine shared by many test runs.
    page.set_default_timeout(30_000)
    return page


@pytest.fixture
def neighbours(north):
    """Three families, each with a volunteer household of its own postcode."""
    pairs = []
    for n, (first, vol, postcode) in enumerate((("Nour", "Marie", "1030"),
                                               ("Dilan", "Luc", "1210"),
                                               ("Oksana", "Inès", "1000"))):
        family = family_create(programme=north, **family_data(
            contact_first_name=first, contact_last_name=f"Famille{n}", postcode=postcode,
            email=f"f{n}@example.org"))
        volunteer = volunteer_create(programme=north, **volunteer_data(
            contact_first_name=vol, contact_last_name=f"Voisin{n}", postcode=postcode,
            email=f"v{n}@example.org"))
        agreed_to_matching(family, volunteer)
        pairs.append((family, volunteer))
    return pairs


def run_matching(page) -> None:
    page.goto("/staff/north/matching/")
    page.get_by_role("button", name="Proposer pour toute la liste d’attente").click()
    page.wait_for_url(re.compile(r".*/matching/\d+/$"))


def test_a_batch_run_is_reviewed_and_sent_in_one_action(page, alice, neighbours):
    log_in(page, alice)
    run_matching(page)
    # Named pairs with their areas, not ids; every draft ticked.
    table = page.locator("table.run-pairs")
    assert table.get_by_role("link", name="Nour Famille0", exact=True).is_visible()
    assert table.get_by_text("1210").first.is_visible()
    boxes = table.get_by_role("checkbox")
    assert boxes.count() == 3 and all(boxes.nth(i).is_checked() for i in range(3))
    # Sort by distance, filter by area, then back to everything.
    page.get_by_label("Trier par").select_option("distance")
    page.get_by_role("button", name="Afficher").click()
    page.get_by_label("Quartier", exact=True).select_option("1210")
    page.get_by_role("button", name="Afficher").click()
    assert table.get_by_role("checkbox").count() == 1
    screenshot(page, "run-filtered")
    page.get_by_label("Quartier", exact=True).select_option("")
    page.get_by_role("button", name="Afficher").click()
    # One pair unticked, the rest sent together.
    page.get_by_label("Sélectionner Dilan Famille1 – Luc Voisin1").uncheck()
    screenshot(page, "run-review")
    page.get_by_role("button", name="Envoyer les propositions sélectionnées").click()
    page.get_by_text("2 propositions envoyées").wait_for()
    summary = page.locator(".message.success").inner_text()
    assert "Nour" in summary and "Oksana" in summary and "Dilan" not in summary
    assert "courriel" in summary.lower() or "e-mail" in summary.lower()
    screenshot(page, "run-sent")
    sent = {p.family.contact_first_name: p.status for p in Proposal.objects.all()}
    assert sent == {"Nour": "sent", "Dilan": "draft", "Oksana": "sent"}
    # The filters the page was sent from are kept (sorted by distance).
    assert "sort=distance" in page.url


def test_a_message_is_edited_from_the_run_and_a_trial_cannot_be_sent(page, alice, neighbours):
    log_in(page, alice)
    run_matching(page)
    page.get_by_role("link", name=re.compile("Écrire un message.*Nour")).click()
    page.get_by_label("Message pour les ménages").fill("Vous habitez à deux rues l’une de l’autre.")
    page.get_by_role("button", name="Enregistrer et revenir au calcul").click()
    page.wait_for_url(re.compile(r".*/matching/\d+/#pairs$"))
    assert page.get_by_text("Vous habitez à deux rues").is_visible()
    # A trial: named pairs, nothing to tick, and a way to run it for real.
    page.goto("/staff/north/matching/")
    page.get_by_role("button", name="Essayer sans enregistrer").click()
    page.wait_for_url(re.compile(r".*/matching/\d+/$"))
    assert page.locator("table.run-pairs").get_by_text("Nour Famille0").is_visible()
    assert page.locator("table.run-pairs").get_by_role("checkbox").count() == 0
    assert page.get_by_text("C’était un essai").is_visible()
    screenshot(page, "run-trial")
    page.get_by_role("button", name="Calculer pour de vrai").click()
    page.wait_for_url(re.compile(r".*/matching/\d+/$"))
    assert page.locator("table.run-pairs").get_by_role("checkbox").count() == 3


def test_a_waiting_family_gets_a_wider_radius_and_is_then_proposed(page, alice, north):
    family = family_create(programme=north, **family_data(
        contact_first_name="Olena", contact_last_name="Kovalenko", postcode="1030",
        radius_km=0.5))
    far = volunteer_create(programme=north, **volunteer_data(
        contact_first_name="Piotr", contact_last_name="Nowak", postcode="1000",
        radius_km=15))
    agreed_to_matching(family, far)
    log_in(page, alice)
    run_matching(page)
    # The run says why Olena is not proposed; her file leads to her suggestions.
    left_out = page.locator("#not-proposed ~ details").first
    assert left_out.get_by_text("Olena Kovalenko").is_visible()
    page.get_by_role("link", name="Olena Kovalenko").click()
    page.get_by_role("link", name="Suggérer des bénévoles").click()
    why = page.locator("#why-waiting")
    why.wait_for()
    change = why.get_by_text(re.compile(r"Un rayon de [\d,]+ km au lieu de 0,5 km")).inner_text()
    assert "Piotr" in change
    screenshot(page, "waiting-why")
    radius = re.search(r"Un rayon de ([\d,]+) km", change).group(1)
    # The change applied on the family's form.
    page.goto(f"/staff/north/families/{family.pk}/edit/")
    page.locator("#id_radius_km").fill(radius.replace(",", "."))
    page.locator("#id_radius_km").press("Enter")
    page.wait_for_url(re.compile(rf".*/families/{family.pk}/$"))
    family.refresh_from_db()
    assert family.radius_km == float(radius.replace(",", "."))
    run_matching(page)
    assert page.locator("table.run-pairs").get_by_role("link", name="Olena Kovalenko", exact=True
                                                       ).is_visible()
    assert Proposal.objects.filter(family=family, volunteer=far, status="draft").exists()
    screenshot(page, "waiting-proposed")


def test_a_campaign_is_created_from_a_gap(page, alice, north):
    for name in ("Hamid", "Zahra"):
        family = family_create(programme=north, **family_data(
            contact_first_name=name, contact_last_name="Rahimi", postcode="1030",
            languages=[{"code": "fa", "level": "native"}]))
        agreed_to_matching(family)
    log_in(page, alice)
    page.goto("/staff/north/matching/gaps/")
    screenshot(page, "gap-table")
    line = page.locator("table").first.locator("tbody tr").first
    assert "Hamid" in line.inner_text() and "Zahra" in line.inner_text()
    line.get_by_role("link", name="Créer une campagne").click()
    page.wait_for_url(re.compile(r".*/campaigns/\?target_postcode=.*"))
    name = page.locator("#id_name").input_value()
    assert name.startswith("Recruter")
    assert page.locator("#id_target_postcode").input_value() == "1030"
    assert page.locator("#id_target_language").input_value() == "fa"
    page.locator("#id_channel").select_option(index=1)
    screenshot(page, "gap-campaign-form")
    page.get_by_role("button", name="Créer", exact=True).click()
    # The form's page had "#new-campaign": the browser keeps it through the redirect.
    page.wait_for_url(re.compile(r".*/campaigns/\d+/(#.*)?$"))
    campaign = Campaign.objects.get()
    assert (campaign.target_postcode, campaign.target_language) == ("1030", "fa")
    screenshot(page, "gap-campaign")


def test_the_keyboard_reaches_the_search_and_reviews_a_run(page, alice, neighbours, axe_path,
                                                           csp_errors):
    log_in(page, alice)
    run_matching(page)
    check_accessibility(page, axe_path)
    # "/" from anywhere but a field puts the cursor in the global search.
    page.locator("body").click(position={"x": 5, "y": 400})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "global-q"
    page.keyboard.type("Nour")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=Nour")
    assert page.get_by_role("link", name=re.compile("Nour")).first.is_visible()
    page.go_back()
    page.wait_for_url(re.compile(r".*/matching/\d+/$"))
    # The filters, then a column header, then a box and the send button, by Tab alone.
    page.locator("#id_area").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_max_km"
    page.keyboard.type("50")
    page.keyboard.press("Enter")
    page.wait_for_url("**max_km=50**")
    order = []
    page.locator("#id_sort").focus()
    for _ in range(12):
        page.keyboard.press("Tab")
        order.append(page.evaluate(
            "[document.activeElement.tagName, document.activeElement.textContent.trim(),"
            " getComputedStyle(document.activeElement).outlineStyle]"))
    tags = [o[0] for o in order]
    assert tags[0] == "BUTTON"  # "Afficher"
    assert "A" in tags and "INPUT" in tags
    # Focus is visible on every step.
    assert all(o[2] != "none" for o in order), order
    box = page.get_by_label("Sélectionner Dilan Famille1 – Luc Voisin1")
    box.focus()
    page.keyboard.press("Space")
    assert not box.is_checked()
    page.get_by_role("button", name="Envoyer les propositions sélectionnées").focus()
    screenshot(page, "run-keyboard")
    page.keyboard.press("Enter")
    page.get_by_text("2 propositions envoyées").wait_for()
    assert Proposal.objects.filter(status="sent").count() == 2
