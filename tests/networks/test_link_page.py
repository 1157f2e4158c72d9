"""The coordinator's page where a programme says which network on another instance it
publishes to: the token kept encrypted and never shown again, the connection tested and
its failure shown, nobody else reaching the page."""

import pytest
from django.db import connection
from django.urls import reverse

from voisins.networks import remote
from voisins.networks.models import NetworkLink

TOKEN = "vnp_" + "s3cret" * 7
# Nothing listens there: the connection fails at once.
NOWHERE = "http://127.0.0.1:9"


@pytest.fixture
def page(client, alice_reads_english, north):
    client.force_login(alice_reads_english)
    return reverse("networks:links", kwargs={"slug": north.slug})


def test_the_coordinator_saves_a_link_and_sees_the_connection_fail(client, page, north):
    response = client.post(page, {"url": NOWHERE, "token": TOKEN,
                                  "network_name": "Réseau wallon"}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Saved, but the connection failed" in body
    assert "could not be reached (ConnectionError)" in body
    assert TOKEN not in body
    link = NetworkLink.objects.get(programme=north)
    assert link.token == TOKEN and link.url == NOWHERE
    assert link.last_error and link.last_success_at is None
    # Kept encrypted: the database never holds the token itself.
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM networks_networklink WHERE id = %s", [link.pk])
        (stored,) = cursor.fetchone()
    assert TOKEN not in stored and "s3cret" not in stored


def test_a_token_that_is_not_a_publication_token_is_refused_by_name(client, page, north):
    response = client.post(page, {"url": NOWHERE, "token": "abc def"})
    assert response.status_code == 400
    assert "Publication token" in response.content.decode()
    assert "starts with vnp_" in response.content.decode()
    assert not NetworkLink.objects.exists()


def test_testing_and_stopping_a_link(client, page, north, alice):
    from voisins.networks.services import network_link_set

    link = network_link_set(programme=north, url=NOWHERE, token=TOKEN, by=alice)
    response = client.post(page, {"link": link.pk, "test": "1"}, follow=True)
    assert "The connection failed" in response.content.decode()
    response = client.post(page, {"link": link.pk, "delete": "1"}, follow=True)
    assert "no longer publishes" in response.content.decode()
    assert not NetworkLink.objects.exists()


def test_another_programmes_link_is_not_found(client, page, south, charlie):
    from voisins.networks.services import network_link_set

    theirs = network_link_set(programme=south, url=NOWHERE, token=TOKEN, by=charlie)
    assert client.post(page, {"link": theirs.pk, "delete": "1"}).status_code == 404
    assert client.post(page, {"link": "9" * 30, "delete": "1"}).status_code == 404
    assert NetworkLink.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("persona", ["vera", "bob", "charlie"])
def test_only_the_programmes_coordinators_reach_the_page(client, request, north, persona):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("networks:links", kwargs={"slug": north.slug})
    assert client.get(url).status_code == 404


def test_the_token_never_reaches_the_logs(caplog, north, alice):
    from voisins.networks.services import network_link_set

    link = network_link_set(programme=north, url=NOWHERE, token=TOKEN, by=alice)
    with caplog.at_level("DEBUG"):
        remote.link_push(link=link, until=north.created_at.date())
    assert caplog.records
    assert all(TOKEN not in r.getMessage() and TOKEN not in str(r.__dict__)
               for r in caplog.records)
