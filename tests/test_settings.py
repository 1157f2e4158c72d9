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
                                     "voisins.ops.mail.EmailBackend"]
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


def test_the_lists_in_force_are_the_lists_written():
    """Settings read top to bottom: each list of apps, middleware, template processors,
    static folders, CSP sources and Voisins' own settings is written once, in full, and
    nothing adds to it further down."""
    import ast
    from pathlib import Path

    import voisins

    source = Path(voisins.__file__).with_name("settings.py").read_text(encoding="utf-8")
    names = {"INSTALLED_APPS", "MIDDLEWARE", "TEMPLATES", "STATICFILES_DIRS", "SECURE_CSP",
             "VOISINS"}
    assigned, changed = [], []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign):
            assigned += [t.id for t in node.targets if isinstance(t, ast.Name) and t.id in names]
        base = None
        if isinstance(node, ast.AugAssign):
            base = node.target
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base = node.func.value
        elif isinstance(node, ast.Assign):
            base = next((t for t in node.targets if isinstance(t, ast.Subscript)), None)
        while isinstance(base, ast.Subscript | ast.Attribute):
            base = base.value
        if isinstance(base, ast.Name) and base.id in names and not (
                isinstance(node, ast.Call) and node.func.attr in ("index", "get")):
            changed.append(f"settings.py:{node.lineno} changes {base.id}")
    assert sorted(assigned) == sorted(names)
    assert changed == []
