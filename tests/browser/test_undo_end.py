"""A match ended with confirmation and undone, in a real Chromium, without JavaScript being
needed: the end form has no reason chosen in advance, the confirmation page says what will
happen and who is told, and the match page offers the undo for 7 days. Checked by axe-core;
screenshots in docs/screenshots/ (match-end-confirm.png, match-end-undo.png,
match-end-undone.png)."""

import pytest
from django.urls import reverse

from voisins.matches.models import Match, UndoableAction

from .conftest import check_accessibility, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_match_ended_with_confirmation_and_undone(page, axe_path, csp_errors, live_match,
                                                    alice):
    log_in(page, alice)
    page.goto(reverse("matches:match", args=["north", live_match.pk]))
    reason = page.get_by_label("Pourquoi le binôme prend-il fin ?")
    assert reason.input_value() == ""  # nothing chosen in advance
    page.get_by_role("button", name="Mettre fin au binôme").click()
    # Refused without a reason, the field named; nothing ended.
    assert "Choose why" in page.content() or "Choisissez" in page.content()
    assert Match.objects.get(pk=live_match.pk).status == "introduction"

    page.get_by_label("Pourquoi le binôme prend-il fin ?").select_option("moved-away")
    page.get_by_label("La famille retourne sur la liste d’attente").check()
    page.get_by_role("button", name="Mettre fin au binôme").click()
    main = page.locator("main")
    assert "Mettre fin à ce binôme ?" in page.locator("h1").inner_text()
    text = main.inner_text()
    assert "Ce qui va se passer" in text and "Qui sera prévenu" in text
    assert "La famille retourne sur la liste d'attente." in text
    assert "Voisins n'envoie aucun message sur la fin" in text
    assert Match.objects.get(pk=live_match.pk).status == "introduction"
    check_accessibility(page, axe_path)
    screenshot(page, "match-end-confirm")

    page.get_by_role("button", name="Oui, mettre fin au binôme").click()
    assert "Binôme terminé. Vous pouvez annuler pendant 7 jours" in main.inner_text()
    assert Match.objects.get(pk=live_match.pk).status == "ended"
    undo = page.get_by_role("button", name="Annuler la fin")
    undo.scroll_into_view_if_needed()
    check_accessibility(page, axe_path)
    screenshot(page, "match-end-undo")

    undo.click()
    assert "La fin a été annulée" in main.inner_text()
    match = Match.objects.select_related("family", "volunteer").get(pk=live_match.pk)
    assert match.status == "introduction" and match.end_reason == ""
    assert match.family.status == "matched"
    assert UndoableAction.objects.get().undone_by == alice
    assert "Annulé le" in main.inner_text()
    assert page.get_by_role("button", name="Annuler la fin").count() == 0
    screenshot(page, "match-end-undone")
    assert not csp_errors


def test_a_programme_pause_confirmed_then_undone(page, axe_path, csp_errors, live_match,
                                                 alice):
    from voisins.matches.models import ProgrammePause
    from voisins.messaging.models import Message

    log_in(page, alice)
    page.goto(reverse("matches:dashboard", args=["north"]))
    page.get_by_label("Message à chaque ménage").fill("Confinement : restez chez vous.")
    page.get_by_role("button", name="Mettre tous les binômes en pause", exact=True).click()
    text = page.locator("main").inner_text()
    assert "Mettre tous les binômes en pause ?" in page.locator("h1").inner_text()
    assert "La famille (Amina) : aucun canal numérique" in text
    assert "Le ménage bénévole (Victor) : par e-mail." in text
    assert not ProgrammePause.objects.exists()
    check_accessibility(page, axe_path)
    screenshot(page, "pause-all-confirm")

    page.get_by_role("button", name="Oui, mettre tous les binômes en pause").click()
    assert Match.objects.get(pk=live_match.pk).status == "paused"
    undo = page.get_by_role("button", name="Annuler la pause du programme")
    undo.click()
    assert "La pause du programme a été annulée" in page.locator("main").inner_text()
    assert Match.objects.get(pk=live_match.pk).status == "introduction"
    assert not ProgrammePause.objects.exists()
    assert Message.objects.filter(template__endswith="programme_pause_undone.txt").count() == 2
    check_accessibility(page, axe_path)
    screenshot(page, "pause-all-undone")
