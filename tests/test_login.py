from django.test import override_settings


def test_a_coordinator_logs_in_with_their_e_mail(client, alice):
    from .conftest import PASSWORD

    response = client.post("/accounts/login/", {"login": "ALICE@example.org",
                                                "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/staff/north/").status_code == 200


def test_passwords_are_hashed_with_argon2(alice):
    assert alice.password.startswith("argon2")


def test_login_is_throttled_after_repeated_failures(client, alice):
    from .conftest import PASSWORD

    for _attempt in range(5):
        response = client.post("/accounts/login/", {"login": alice.email, "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    # Even the right password is refused while the account is throttled.
    assert response.status_code == 429 or "_auth_user_id" not in client.session


def test_the_admin_login_goes_through_the_throttled_login(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_nobody_can_sign_up_on_their_own(client, db):
    response = client.post("/accounts/signup/", {"email": "eve@example.org",
                                                 "password1": "x" * 12, "password2": "x" * 12})
    from voisins.accounts.models import User

    assert not User.objects.filter(email="eve@example.org").exists()
    assert response.status_code in (200, 302)


@override_settings(LANGUAGE_CODE="fr")
def test_the_login_page_speaks_french_by_default(client, db):
    body = client.get("/accounts/login/").content.decode()
    assert 'lang="fr"' in body


def test_production_hashes_use_owasp_argon2id_costs_and_upgrade_older_hashes(client, alice):
    from django.contrib.auth.hashers import Argon2PasswordHasher, make_password

    from voisins import settings as production

    from .conftest import PASSWORD

    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        # A hash made with Django's own Argon2 costs (before this setting) still logs in…
        alice.password = Argon2PasswordHasher().encode(PASSWORD, "0123456789abcdef")
        alice.save(update_fields=["password"])
        assert "m=102400,t=2,p=8" in alice.password
        response = client.post("/accounts/login/", {"login": alice.email,
                                                    "password": PASSWORD})
        assert response.status_code == 302
        # …and is rewritten with OWASP's costs.
        alice.refresh_from_db()
        assert alice.password.startswith("argon2$argon2id$")
        assert "m=19456,t=2,p=1" in alice.password
        assert make_password("another-long-secret").startswith(
            "argon2$argon2id$v=19$m=19456,t=2,p=1$")
