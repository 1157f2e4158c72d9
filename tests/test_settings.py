"""Settings come from the environment; a bad value stops start-up with a clear message."""

import os
import subprocess
import sys

import pytest


def start(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY")}
    environment.update(VOISINS_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="voisins.settings",
                       **env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import "
         "settings; print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], "
         "settings.MAILERS['default']['BACKEND'])"],
        env=environment, capture_output=True, text=True, timeout=60,
    )


def test_a_laptop_needs_no_setting(tmp_path):
    result = start(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.sqlite3",
                                     "django.core.mail.backends.console.EmailBackend"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(("name", "value"), [
    ("DEBUG", "maybe"), ("SESSION_COOKIE_AGE", "ten"), ("DATABASE_URL", "mysql://x/y"),
])
def test_a_bad_value_stops_start_up_naming_it(tmp_path, name, value):
    result = start(tmp_path, **{name: value})
    assert result.returncode != 0
    assert name in result.stderr or "DATABASE_URL" in result.stderr


def test_smtp_is_configured_from_email_url(tmp_path):
    result = start(tmp_path, EMAIL_URL="smtp+tls://user:secret@mail.example.org:587")
    assert result.returncode == 0, result.stderr
    assert "smtp.EmailBackend" in result.stdout
