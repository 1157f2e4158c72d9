"""One notion of the client's address (issue 19, item 1): behind the proxy of
docs/deploy.md each client is counted on its own; without a proxy a client's
X-Forwarded-For is ignored everywhere (rate limits, the API, allauth, the audit log)."""

import pytest
from auditlog.models import LogEntry
from django.conf import settings as django_settings
from django.test import override_settings

from tests.conftest import PASSWORD, bearer, make_user
from voisins.security.client import client_address

BEHIND_NGINX = override_settings(VOISINS_TRUSTED_PROXIES=1, ALLAUTH_TRUSTED_PROXY_COUNT=1)


def test_allauth_trusts_as_many_proxies_as_voisins():
    assert django_settings.ALLAUTH_TRUSTED_PROXY_COUNT == django_settings.VOISINS_TRUSTED_PROXIES
    assert django_settings.VOISINS_TRUSTED_PROXIES == 0  # a laptop: no proxy by default


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "203.0.113.9", "127.0.0.1"),                 # nobody to trust: header ignored
    (1, "203.0.113.9", "203.0.113.9"),               # nginx wrote it
    (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),      # the client's own entry is not believed
    (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
    (1, "not-an-address", ""),
    (1, "[2001:db8::1]:443", "2001:db8::1"),
])
def test_the_client_address_believes_only_trusted_proxies(rf, settings, proxies, forwarded,
                                                         expected):
    settings.VOISINS_TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


@BEHIND_NGINX
def test_failed_logins_from_many_clients_do_not_lock_out_another_account(client, alice):
    make_user("eve@example.org")
    for i in range(6):
        client.post("/accounts/login/", {"login": "eve@example.org", "password": "wrong"},
                    REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    response = client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD},
                           REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


@BEHIND_NGINX
def test_the_attacked_account_stays_protected_whatever_the_addresses(client, alice):
    for i in range(5):
        client.post("/accounts/login/", {"login": alice.email, "password": "wrong"},
                    REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    response = client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD},
                           REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


@BEHIND_NGINX
def test_sign_ups_from_many_clients_behind_the_proxy_are_each_counted_alone(client, north):
    from tests.journey.conftest import SIGNUP
    from voisins.recruitment.models import Signup

    for i in range(7):
        response = client.post("/p/north/join/", dict(SIGNUP, email=f"n{i}@example.org"),
                               REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
        assert response.status_code == 200
    assert Signup.objects.count() == 7


def test_without_a_proxy_a_forged_header_does_not_reach_the_audit_log(client, alice, family):
    client.force_login(alice)
    client.get(f"/staff/north/families/{family.pk}/", REMOTE_ADDR="192.0.2.5",
               HTTP_X_FORWARDED_FOR="6.6.6.6")
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_id=family.pk).get()
    assert entry.remote_addr == "192.0.2.5"


def test_without_a_proxy_a_forged_header_does_not_reach_the_log_of_writes(api_as, alice,
                                                                         family):
    response = api_as(alice)("patch", f"/families/{family.pk}", {"status": "matched"},
                             REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert response.status_code == 200, response.content
    updates = LogEntry.objects.filter(action=LogEntry.Action.UPDATE, object_id=family.pk)
    assert updates and {u.remote_addr for u in updates} == {"192.0.2.5"}
    assert not LogEntry.objects.filter(remote_addr="6.6.6.6").exists()


@BEHIND_NGINX
def test_behind_the_proxy_the_audit_log_keeps_the_client_address(client, alice, family):
    client.force_login(alice)
    client.get(f"/staff/north/families/{family.pk}/", REMOTE_ADDR="127.0.0.1",
               HTTP_X_FORWARDED_FOR="203.0.113.8")
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_id=family.pk).get()
    assert entry.remote_addr == "203.0.113.8"


def test_rotating_a_forged_header_does_not_defeat_the_api_limit_on_failed_tokens(client,
                                                                                  alice):
    for i in range(30):
        client.get("/api/v1/programmes", HTTP_AUTHORIZATION="Bearer guess",
                   HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    response = client.get("/api/v1/programmes", HTTP_X_FORWARDED_FOR="198.51.100.200",
                          **bearer(alice))
    assert response.status_code == 401


@BEHIND_NGINX
def test_behind_the_proxy_one_client_guessing_tokens_does_not_block_another(client, alice):
    for _ in range(30):
        client.get("/api/v1/programmes", HTTP_AUTHORIZATION="Bearer guess",
                   HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client.get("/api/v1/programmes", HTTP_X_FORWARDED_FOR="203.0.113.3",
                      **bearer(alice)).status_code == 200
    assert client.get("/api/v1/programmes", HTTP_X_FORWARDED_FOR="198.51.100.1",
                      **bearer(alice)).status_code == 401
