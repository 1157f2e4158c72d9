"""Test settings: the real settings, with what a test run must not depend on replaced."""

from voisins.settings import *  # noqa: F403

# No collectstatic before tests: files come straight from the apps.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Private files (voisins.files) in memory: nothing left under var/ by a test run.
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Argon2 at full strength makes every login in the suite slow; the hasher stays Argon2.
PASSWORD_HASHERS = ["voisins.accounts.hashers.FastArgon2PasswordHasher"]

# Two-factor login is required of coordinators in production; tests that check it turn it
# on with override_settings, so that other tests can log coordinators in directly.
VOISINS_REQUIRE_MFA_ROLES: list[str] = []
# Fuzzing the API sends thousands of requests a minute; the throttle is tested on its own.
VOISINS_API_RATE = "100000/m"

# SQLite: the browser tests' live server shares one connection between its threads.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    MIDDLEWARE = ["tests.middleware.OneRequestAtATime", *MIDDLEWARE]  # noqa: F405
# SMS are kept in memory (voisins.messaging.sms.outbox); no pacing between them.
VOISINS_SMS = {**VOISINS_SMS, "BACKEND": "locmem", "RATE": 0}  # noqa: F405

# PostgreSQL: a test database is thrown away at the end of the run, so its commits need
# not wait for the disk (a per-session setting, for the test connections only; the
# server's own fsync stays on). Transactional tests, migrations and flushes commit often.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = (_options.get("options", "") + " -c synchronous_commit=off").strip()
