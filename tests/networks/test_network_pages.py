"""The network's pages: who reaches them, what they show, and what they change."""

import re

import pytest
from django.urls import reverse

from voisins.networks.models import ClosedPeriod, NetworkMember, NetworkStaff, PublishToken
from voisins.networks.services import publish_token_digest

from .conftest import PERIOD

pytestmark = pytest.mark.django_db


def url(name, network, **kwargs):
    return reverse(f"networks:{name}", kwargs={"network": network.slug, **kwargs})


def test_the_dashboard_names_only_the_programmes_that_agreed(client, network, nico):
    client.force_login(nico)
    response = client.get(url("dashboard", network), PERIOD, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Voisins Nord" in body
    assert "Voisins Sud" not in body and "Voisins Liège" not in body
    assert "programme B" in body and "programme C" in body
    assert "Log-rank test" in body and "<svg" not in body and "data:image/svg+xml" in body


def test_the_default_period_is_the_last_twelve_full_months(client, network, nico):
    client.force_login(nico)
    response = client.get(url("dashboard", network))
    assert response.status_code == 200
    report = response.context["report"]
    assert len(report.period.months) == 12
    assert report.period.end < response.context["report"].created.replace(day=1)


@pytest.mark.parametrize("query, field", [
    ({"start": "2025-13", "end": "2025-12"}, "From (month)"),
    ({"start": "2025-01", "end": "someday"}, "To (month)"),
    ({"start": "2025-06", "end": "2025-01"}, "To (month)"),
    ({"start": "1999-12", "end": "2025-01"}, "From (month)"),
    ({"start": "2025-01"}, "To (month)"),
])
def test_a_bad_period_is_refused_naming_its_field(client, network, nico, query, field):
    client.force_login(nico)
    for name in ("dashboard",):
        response = client.get(url(name, network), query, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert f"{field}:" in response.content.decode()
    response = client.get(url("report", network, extension="pdf"), query)
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["nadia", "nico"])
def test_a_network_role_gets_404_on_every_programme_page(client, network, who, request,
                                                        family, live_match):
    client.force_login(request.getfixturevalue(who))
    for name, kwargs in (
            ("staff:family", {"slug": "north",
                              "pk": family.pk}),
            ("matches:match", {"slug": "north", "pk": live_match.pk}),
            ("evaluation:dashboard", {"slug": "north"}),
            ("staff:programme", {"slug": "south"})):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404, name


def test_a_programme_coordinator_without_a_network_role_gets_404(client, network, charlie):
    client.force_login(charlie)
    for name in ("home", "dashboard", "practice_sheet"):
        assert client.get(url(name, network)).status_code == 404
    assert client.get(url("report", network, extension="xlsx")).status_code == 404


def test_the_menu_offers_the_network_to_its_roles_only(client, network, nico, bob):
    client.force_login(nico)
    assert 'href="/networks/"' in client.get(reverse("networks:list")).content.decode()
    client.force_login(bob)
    page = client.get(reverse("staff:programme", kwargs={"slug": "north"}))
    assert 'href="/networks/"' not in page.content.decode()


def test_the_member_list_shows_names_to_the_network_coordinator_only(client, network, nadia,
                                                                   nico):
    client.force_login(nadia)
    body = client.get(url("home", network), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Voisins Sud" in body and "every figure and export" in body
    client.force_login(nico)
    body = client.get(url("home", network), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Voisins Sud" not in body and "programme B" in body
    assert "Issue a publication token" not in body


def test_the_coordinator_gives_and_takes_roles(client, network, nadia, bob):
    client.force_login(nadia)
    response = client.post(url("staff_add", network), {"email": "BOB@example.org",
                                                        "role": "network_viewer"})
    assert response.status_code == 302
    staff = NetworkStaff.objects.get(network=network, user=bob)
    client.post(url("staff_remove", network, pk=staff.pk))
    assert not NetworkStaff.objects.filter(network=network, user=bob).exists()
    response = client.post(url("staff_add", network), {"email": "nobody@example.org",
                                                        "role": "network_viewer"},
                           follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "E-mail of the person&#x27;s account: No account has this address" in (
        response.content.decode())


def test_the_last_coordinator_stays(client, network, nadia, alice):
    client.force_login(nadia)
    client.post(url("staff_remove", network,
                    pk=NetworkStaff.objects.get(network=network, user=alice).pk))
    response = client.post(url("staff_remove", network,
                               pk=NetworkStaff.objects.get(network=network, user=nadia).pk),
                           follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert NetworkStaff.objects.filter(network=network, user=nadia).exists()
    assert "at least one network coordinator" in response.content.decode()


def test_a_remote_member_gets_a_token_shown_once_and_revoked(client, network, nadia):
    client.force_login(nadia)
    client.post(url("remote_add", network), {"name": "Voisins Gand", "town": "Gent"})
    member = NetworkMember.objects.get(network=network, remote_name="Voisins Gand")
    response = client.post(url("token_issue", network, pk=member.pk))
    raw = re.search(r"vnp_[\w-]+", response.content.decode()).group(0)
    token = PublishToken.objects.get(member=member)
    assert token.digest == publish_token_digest(raw) and raw not in token.prefix + "…"
    assert response["Cache-Control"] == "no-store"
    assert raw not in client.get(url("home", network)).content.decode()
    client.post(url("token_revoke", network, pk=token.pk))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_viewer_changes_nothing(client, network, nico):
    client.force_login(nico)
    member = network.members.filter(programme__isnull=True).first()
    for name, kwargs in (("staff_add", {}), ("remote_add", {}), ("period_close", {}),
                         ("token_issue", {"pk": member.pk})):
        assert client.post(url(name, network, **kwargs), {"name": "X"}).status_code == 404


def test_closing_a_period(client, network, nadia):
    client.force_login(nadia)
    client.post(url("period_close", network), {"start": "2025-01", "end": "2025-06"})
    closed = ClosedPeriod.objects.get(network=network)
    assert (str(closed.period_start), str(closed.period_end)) == ("2025-01-01", "2025-06-30")
    response = client.post(url("period_close", network), {"start": "2025-07", "end": "x"},
                           follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "To (month): Give a month as YYYY-MM" in response.content.decode()


def test_a_coordinator_starts_a_network(client, charlie):
    client.force_login(charlie)
    response = client.post(reverse("networks:list"), {"name": "Réseau Sud"})
    assert response.status_code == 302
    assert NetworkStaff.objects.get(user=charlie).role == "network_coordinator"


def test_a_programme_joins_agrees_to_be_named_and_leaves(client, network, charlie, south):
    from voisins.networks.services import member_leave, network_create

    client.force_login(charlie)
    other = network_create(name="Réseau Wallon", by=charlie)
    page = reverse("networks:programme", kwargs={"slug": "south"})
    assert client.post(page, {"network": other.pk, "named": "on"}).status_code == 302
    member = NetworkMember.objects.get(network=other, programme=south)
    assert member.named
    client.post(reverse("networks:named", kwargs={"slug": "south", "pk": member.pk}), {})
    member.refresh_from_db()
    assert not member.named
    client.post(reverse("networks:leave", kwargs={"slug": "south", "pk": member.pk}))
    member.refresh_from_db()
    assert member.left_at is not None
    assert member_leave  # the same service as the API's


def test_another_programme_cannot_change_a_membership(client, network, alice, south):
    client.force_login(alice)  # north's coordinator: south's membership is not hers
    member = NetworkMember.objects.get(network=network, programme=south)
    response = client.post(reverse("networks:leave", kwargs={"slug": "south",
                                                             "pk": member.pk}))
    assert response.status_code == 404
    response = client.post(reverse("networks:leave", kwargs={"slug": "north",
                                                             "pk": member.pk}))
    assert response.status_code == 404
