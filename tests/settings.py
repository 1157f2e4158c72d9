"""Test settings: the real settings, with what a test run must not depend on replaced."""

from voisins.settings import *  # noqa: F403

# No collectstatic before tests: files come straight from the apps.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Argon2 at full strength makes every login in the suite slow; the hasher stays Argon2.
PASSWORD_HASHERS = ["voisins.accounts.hashers.FastArgon2PasswordHasher"]
