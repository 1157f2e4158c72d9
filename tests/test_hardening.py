"""Hardening: Django's deployment checklist, headers, two-factor login for coordinators,
sessions, passwords, request size and rate limits."""

import os
import secrets
import subprocess
import sys

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from tests.conftest import PASSWORD

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "voisins.settings",
    "DEBUG": "0",
    "HTTPS": "1",
    "ALLOWED_HOSTS": "voisins.example.org",
    "EMAIL_URL": "smtp+tls://voisins:secret@mail.example.org:587",
}


def _run_check(tmp_path, **extra) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
           "SECRET_KEY": secrets.token_urlsafe(60), "VOISINS_VAR_DIR": str(tmp_path / "var"),
           **PRODUCTION_ENV, **extra}
    return subprocess.run(
        [sys.executable, "-m", "voisins", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120, check=False)


def test_the_deployment_checklist_is_clean_in_production(tmp_path):
    result = _run_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_checklist_catches_a_production_without_https(tmp_path):
    result = _run_check(tmp_path, HTTPS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS


def test_pages_carry_the_security_headers(client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
                   SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_https_brings_hsts_and_secure_cookies(client, alice):
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    response = client.post("/accounts/login/", {"login": "alice@example.org",
                                                "password": PASSWORD}, secure=True)
    assert response.cookies["sessionid"]["secure"]


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.parametrize("password", ["password123", "1234567890", "qwertyuiop", "iloveyou12"])
def test_common_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_logins_are_rate_limited(client, alice):
    for _attempt in range(5):
        client.post("/accounts/login/", {"login": "alice@example.org", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "alice@example.org",
                                                "password": PASSWORD},
                           HTTP_ACCEPT_LANGUAGE="en")
    # Even the right password is refused until the pause is over.
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_api_authentication_failures_are_rate_limited(client, alice):
    from tests.conftest import bearer

    for _attempt in range(30):
        client.get("/api/v1/programmes", HTTP_AUTHORIZATION="Bearer guess")
    # Even a valid token is refused from that address for a while.
    assert client.get("/api/v1/programmes", **bearer(alice)).status_code == 401


def test_the_api_throttles_a_busy_token(rf, alice):
    from ninja.throttling import AuthRateThrottle

    from voisins.api.auth import TokenRateThrottle

    throttle = TokenRateThrottle("3/m")
    request = rf.get("/api/v1/programmes")
    request.auth = alice
    assert [throttle.allow_request(request) for _ in range(4)] == [True, True, True, False]
    assert isinstance(throttle, AuthRateThrottle)


def test_a_request_too_large_is_refused_before_reading(client, alice, settings):
    settings.VOISINS_MAX_REQUEST_BYTES = 1000
    client.force_login(alice)
    response = client.post("/staff/north/import/", data=b"x" * 2000,
                           content_type="application/octet-stream")
    assert response.status_code == 413


def test_an_import_of_the_wrong_type_is_refused(client, alice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(alice)
    upload = SimpleUploadedFile("families.exe", b"MZ\x90\x00", "application/octet-stream")
    response = client.post("/staff/north/import/", {"kind": "families", "file": upload},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Give a CSV or XLSX file." in response.content.decode()


# --- two-factor login ------------------------------------------------------------------

@override_settings(VOISINS_REQUIRE_MFA_ROLES=["coordinator"])
def test_a_coordinator_without_totp_is_sent_to_set_it_up(client, alice):
    client.force_login(alice)
    response = client.get("/staff/north/families/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    # The set-up page itself, logging out and the language switch stay reachable.
    assert client.get("/accounts/2fa/totp/activate/").status_code in (200, 302)


@override_settings(VOISINS_REQUIRE_MFA_ROLES=["coordinator"])
def test_right_after_logging_in_the_set_up_asks_no_second_password(client, alice):
    response = client.post("/accounts/login/", {"login": "alice@example.org",
                                                "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/2fa/totp/activate/"
    assert 'name="code"' in response.content.decode()  # the set-up form, not a password


@override_settings(VOISINS_REQUIRE_MFA_ROLES=["coordinator"])
def test_changing_two_factors_later_asks_for_the_password_again(client, alice):
    Authenticator.objects.create(user=alice, type=Authenticator.Type.TOTP,
                                 data={"secret": "JBSWY3DPEHPK3PXP"})
    client.force_login(alice)  # no password typed in this session
    response = client.get("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_the_login_page_sends_nobody_to_a_closed_sign_up(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/accounts/signup/" not in page
    assert "a coordinator invites the team" in page


@override_settings(VOISINS_REQUIRE_MFA_ROLES=["coordinator"])
def test_a_coordinator_with_totp_works_normally(client, alice):
    Authenticator.objects.create(user=alice, type=Authenticator.Type.TOTP,
                                 data={"secret": "JBSWY3DPEHPK3PXP"})
    client.force_login(alice)
    assert client.get("/staff/north/families/").status_code == 200


@override_settings(VOISINS_REQUIRE_MFA_ROLES=["coordinator"])
def test_other_roles_are_not_asked_for_totp(client, vera):
    client.force_login(vera)
    assert client.get("/staff/north/").status_code == 200


@override_settings(VOISINS_REQUIRE_MFA_ROLES=["coordinator"])
def test_login_asks_a_coordinator_for_the_code(client, alice):
    Authenticator.objects.create(user=alice, type=Authenticator.Type.TOTP,
                                 data={"secret": "JBSWY3DPEHPK3PXP"})
    response = client.post("/accounts/login/", {"login": "alice@example.org",
                                                "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")


def test_production_requires_totp_of_coordinators(tmp_path):
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
           "SECRET_KEY": secrets.token_urlsafe(60), "VOISINS_VAR_DIR": str(tmp_path / "v"),
           **PRODUCTION_ENV}
    code = "from django.conf import settings; print(settings.VOISINS_REQUIRE_MFA_ROLES)"
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"],
                            env=env, capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "['coordinator']"


def test_help_requests_through_a_family_link_are_rate_limited(client, family):
    from django.urls import reverse

    from voisins.familypages.links import family_link_token
    from voisins.familypages.services import family_link_create
    from voisins.matches.household_views import HELP_LIMIT
    from voisins.mediation.models import Case

    token = family_link_token(family_link_create(family=family))
    url = reverse("matches:family_help", kwargs={"token": token})
    for _ in range(HELP_LIMIT):
        assert client.post(url, {"kind": "practical", "summary": "papers"}).status_code == 302
    response = client.post(url, {"kind": "practical", "summary": "papers"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert Case.objects.count() == HELP_LIMIT


def test_an_xlsx_that_unpacks_to_too_much_is_refused_before_reading(north, settings):
    import io
    import zipfile

    from voisins.households.models import FamilyHousehold
    from voisins.ops.household_import import import_households

    settings.IMPORT_MAX_BYTES = 100_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<a>" + " " * 5_000_000 + "</a>")
    assert len(buffer.getvalue()) < settings.IMPORT_MAX_BYTES
    buffer.seek(0)
    result = import_households(programme=north, kind="families", upload=buffer,
                               filename="bomb.xlsx")
    assert not result.ok and result.errors[0].row == 1
    assert not FamilyHousehold.objects.exists()
