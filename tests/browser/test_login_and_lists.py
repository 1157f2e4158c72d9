import pytest

from ..conftest import PASSWORD
from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_logs_in_and_finds_a_waiting_family(page, alice, family, volunteer):
    page.goto("/")
    page.get_by_label("Courriel").fill(alice.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    screenshot(page, "login")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/staff/north/")
    screenshot(page, "programme")
    page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name="Familles en attente").click()
    page.locator("#id_q").fill("Hadd")
    page.get_by_role("link", name="Amina Haddad").wait_for()
    screenshot(page, "families")
    page.get_by_role("link", name="Amina Haddad").click()
    page.get_by_role("heading", name="Amina Haddad").wait_for()
    screenshot(page, "family")


def test_a_wrong_password_shows_a_message_and_no_page(page, alice):
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill(alice.email)
    page.get_by_label("Mot de passe").fill("wrong password")
    page.get_by_role("button", name="Connexion").click()
    assert page.get_by_text("incorrect", exact=False).first.is_visible()
    assert "/accounts/login/" in page.url
