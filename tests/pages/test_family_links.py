"""A family opens its pages through a signed link: expiring, revocable, and a kind page
when the link is stale or changed."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from voisins.familypages.links import family_link_token
from voisins.familypages.models import FamilyLink
from voisins.familypages.services import (
    FamilyLinkError,
    family_link_create,
    family_link_resolve,
    family_link_revoke,
)
from voisins.households.models import FamilyHousehold


def url(link_or_token) -> str:
    token = link_or_token if isinstance(link_or_token, str) else family_link_token(link_or_token)
    return reverse("familypages:home", kwargs={"token": token})


def test_it_opens_the_family_home_without_an_account(client, family, alice):
    link = family_link_create(family=family, by=alice)
    response = client.get(url(link), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["family"] == family
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    link.refresh_from_db()
    assert link.last_used_at is not None


def test_it_speaks_the_family_language_right_to_left(client, family):
    FamilyHousehold.objects.filter(pk=family.pk).update(page_language="ar")
    link = family_link_create(family=family)
    html = client.get(url(link), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="ar" dir="rtl">' in html


def test_the_family_can_choose_another_language(client, family):
    FamilyHousehold.objects.filter(pk=family.pk).update(page_language="ar")
    link = family_link_create(family=family)
    client.post(reverse("workspace:language"), {"language": "uk", "next": url(link)})
    html = client.get(url(link)).content.decode()
    assert '<html lang="uk" dir="ltr">' in html


def test_a_changed_link_gets_the_kind_page(client, family):
    token = family_link_token(family_link_create(family=family))
    response = client.get(url(token[:-2] + "xx"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.context["reason"] == "tampered"
    assert "ask the association for a new link" in response.content.decode()
    assert client.get(url("nonsense"), HTTP_ACCEPT_LANGUAGE="en").status_code == 404


def test_an_expired_link_gets_the_kind_page(client, family):
    link = family_link_create(family=family, days=1)
    FamilyLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - timedelta(days=2),
                                                 expires_at=timezone.now() - timedelta(days=1))
    response = client.get(url(link), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert response.context["reason"] == "expired"
    assert "Amina" not in response.content.decode()


def test_a_revoked_link_stops_at_once(client, family, alice):
    link = family_link_create(family=family)
    family_link_revoke(link=link, by=alice)
    family_link_revoke(link=link, by=alice)  # twice changes nothing
    response = client.get(url(link), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    with pytest.raises(FamilyLinkError) as exc:
        family_link_resolve(token=family_link_token(link))
    assert exc.value.reason == "revoked"


def test_a_link_lasts_one_to_365_days(family):
    for days in (0, 366, -1):
        with pytest.raises(ValidationError) as exc:
            family_link_create(family=family, days=days)
        assert "days" in exc.value.message_dict


def test_a_coordinator_creates_and_closes_links_with_htmx(client, alice, family):
    client.force_login(alice)
    links = reverse("familypages:staff_links", args=["north", family.pk])
    html = client.post(links, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    link = FamilyLink.objects.get(family=family)
    assert family_link_token(link) in html and "<html" not in html
    revoke = reverse("familypages:staff_revoke", args=["north", family.pk, link.pk])
    html = client.post(revoke, {"confirm": "1"}, HTTP_HX_REQUEST="true",
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()
    link.refresh_from_db()
    assert link.revoked_at is not None and "Closed on" in html


def test_without_htmx_the_coordinator_goes_back_to_the_family(client, alice, family):
    client.force_login(alice)
    response = client.post(reverse("familypages:staff_links", args=["north", family.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:family", args=["north", family.pk])
    assert client.get(reverse("familypages:staff_links", args=["north", family.pk])
                      ).status_code == 200


@pytest.mark.parametrize("who", ["charlie", "bob", "rita", "vera"])
def test_only_the_programme_coordinators_send_links(client, request, family, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("familypages:staff_links", args=["north", family.pk]))
    assert response.status_code == 404
    assert not FamilyLink.objects.exists()


def test_a_coordinator_cannot_close_a_link_of_another_programme(client, charlie, family,
                                                                 south_family):
    link = family_link_create(family=family)
    client.force_login(charlie)
    response = client.post(reverse("familypages:staff_revoke",
                                   args=["south", south_family.pk, link.pk]))
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_new_link_closes_the_previous_one_unless_asked_to_keep_it(client, alice, family):
    client.force_login(alice)
    links = reverse("familypages:staff_links", args=["north", family.pk])
    client.post(links)
    client.post(links)
    assert FamilyLink.objects.filter(family=family, revoked_at__isnull=True).count() == 1
    client.post(links, {"keep_others": "1"})
    assert FamilyLink.objects.filter(family=family, revoked_at__isnull=True).count() == 2


def test_a_live_link_comes_with_copy_qr_and_send_buttons(client, alice, family):
    FamilyHousehold.objects.filter(pk=family.pk).update(
        phone="+32488776655", email="amina@example.org", page_language="ar")
    client.force_login(alice)
    links = reverse("familypages:staff_links", args=["north", family.pk])
    html = client.post(links, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
                       ).content.decode()
    link = FamilyLink.objects.get(family=family)
    assert f'data-copy="#family-link-{link.pk}"' in html
    assert "<svg" in html  # the QR code, drawn inline
    assert 'href="sms:+32488776655?body=' in html
    assert 'href="mailto:amina@example.org?subject=' in html
    # The prefilled message is in the family's language and carries its link.
    from urllib.parse import quote

    assert quote(family_link_token(link)) in html
    assert "%D8" in html.split("sms:")[1].split('"')[0]  # Arabic text, percent-encoded
