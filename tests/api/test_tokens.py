"""API tokens: printed by `voisins token EMAIL`, hashed at rest, expiring, revocable."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.conftest import bearer
from voisins.api.models import ApiToken
from voisins.api.services import token_create, token_revoke


def test_it_prints_a_token_that_works(client, alice):
    out = StringIO()
    call_command("token", "alice@example.org", stdout=out, stderr=StringIO())
    raw = out.getvalue().strip()
    assert raw.startswith("vsn_") and len(raw) > 40
    response = client.get("/api/v1/programmes", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()] == ["north"]


def test_it_stores_only_a_digest(alice):
    token, raw = token_create(user=alice)
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in str(stored.__dict__.values())
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()


def test_it_refuses_an_unknown_user(db):
    with pytest.raises(CommandError):
        call_command("token", "nobody@example.org", stdout=StringIO())


def test_it_refuses_a_revoked_token(client, alice):
    token, raw = token_create(user=alice)
    token_revoke(token=token)
    response = client.get("/api/v1/programmes", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_command_revokes_every_token_of_a_user(client, alice):
    headers = bearer(alice)
    call_command("token", "alice@example.org", "--revoke", stdout=StringIO())
    assert client.get("/api/v1/programmes", **headers).status_code == 401


def test_it_refuses_an_expired_token(client, alice):
    token, raw = token_create(user=alice, days=1)
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - timedelta(days=3),
        expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/programmes",
                      HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_it_refuses_a_token_of_a_deactivated_user(client, alice):
    headers = bearer(alice)
    alice.is_active = False
    alice.save()
    assert client.get("/api/v1/programmes", **headers).status_code == 401


@pytest.mark.parametrize("header", [
    "", "Bearer", "Bearer nope", "Basic abc", "Bearer " + "x" * 5000, "Bearer vsn_\x00"])
def test_it_refuses_malformed_credentials(client, alice, header):
    response = client.get("/api/v1/programmes", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_a_token_lives_between_one_day_and_a_year(alice):
    from django.core.exceptions import ValidationError

    for days in (0, 367):
        with pytest.raises(ValidationError):
            token_create(user=alice, days=days)
