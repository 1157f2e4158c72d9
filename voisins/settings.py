"""Voisins settings: everything that differs between machines comes from the environment.

A laptop needs nothing set: SQLite under var/, e-mail printed on the console, debug off.
A bad value stops start-up with a message naming the variable (django-environ raises
ImproperlyConfigured), rather than running half-configured.
"""

import importlib.util
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class Env(environ.Env):
    """django-environ, stricter: a value that cannot be read stops start-up, naming it.

    (django-environ reads "maybe" as False and lets int("ten") raise a bare ValueError.)
    """

    TRUE = ("1", "true", "yes", "on", "y")
    FALSE = ("0", "false", "no", "off", "n", "")

    def bool(self, var: str, default: Any = environ.Env.NOTSET) -> bool:  # type: ignore[override]
        raw = os.environ.get(var)
        if raw is None:
            return super().bool(var, default=default)
        if raw.strip().lower() not in self.TRUE + self.FALSE:
            raise ImproperlyConfigured(f"{var}={raw!r} is not a yes/no value (use 1 or 0).")
        return raw.strip().lower() in self.TRUE

    def int(self, var: str, default: Any = environ.Env.NOTSET) -> int:  # type: ignore[override]
        try:
            return super().int(var, default=default)
        except ValueError:
            raise ImproperlyConfigured(f"{var}={os.environ.get(var)!r} is not a whole number.") \
                from None

    def float(self, var: str, default: Any = environ.Env.NOTSET) -> float:  # type: ignore[override]
        try:
            return super().float(var, default=default)
        except ValueError:
            raise ImproperlyConfigured(f"{var}={os.environ.get(var)!r} is not a number.") \
                from None


env = Env()
BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env.str("VOISINS_VAR_DIR", default=str(PROJECT_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    # A laptop gets a random key kept under var/, so sessions survive a restart and no
    # key is ever committed. Production must set SECRET_KEY (docs/deploy.md).
    _key_file = VAR_DIR / "secret_key"
    if not _key_file.exists():
        import secrets

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # First: its runserver (with the laptop's periodic jobs) replaces staticfiles' one.
    "voisins.ops",
    "voisins.accounts",
    "voisins.programmes",
    "voisins.households",
    "voisins.privacy",
    "voisins.staff",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "auditlog",
    "ninja",
    "voisins.api",
    "voisins.audit",
    "voisins.gdpr",
    "voisins.security",
    "voisins.matches",
    "voisins.mediation",
    "voisins.recruitment",
    "voisins.training",
    "voisins.community",
    "voisins.volunteering",
    "voisins.portal",
    "voisins.blueprints",
    "voisins.evaluation",
    "django_tasks_db",
    "voisins.workspace",
    "voisins.familypages",
    "django_filters",
    "voisins.messaging",
    "voisins.expenses",
    "voisins.files",
    "voisins.networks",
    "voisins.sharing",
    "voisins.transfers",
]

MIDDLEWARE = [
    "voisins.ops.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The account's own language choice comes after authentication is known.
    "voisins.workspace.middleware.UserLanguageMiddleware",
    "voisins.workspace.middleware.NavCountsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "voisins.security.middleware.RequestSizeLimitMiddleware",
    "voisins.audit.middleware.AuditlogMiddleware",
    "voisins.security.middleware.RequireMFAMiddleware",
    "voisins.ops.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "voisins.urls"
WSGI_APPLICATION = "voisins.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "voisins.workspace.context_processors.shell",
            ],
        },
    },
]

# Form widgets are rendered from Jinja2's copies of Django's own widget templates: the same
# HTML, faster (see voisins/widgets.py).
FORM_RENDERER = "voisins.widgets.FormRenderer"

# --- Database -------------------------------------------------------------------------
_default_db = f"sqlite:///{VAR_DIR / 'voisins.sqlite3'}"
DATABASES = {"default": env.db_url("DATABASE_URL", default=_default_db)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the web process and a worker share the file. Write
    # transactions take the lock when they begin (IMMEDIATE): a deferred one that read
    # first and then writes fails at once with "database is locked" when another writer
    # is there, without waiting the busy timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE",
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
else:
    raise ImproperlyConfigured(
        "DATABASE_URL must point to SQLite (sqlite:///path) or PostgreSQL (postgres://...)."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (shared by web processes for rate limits when REDIS_URL is set) ------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://.")
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": REDIS_URL,
                    # Several deployments (or test runs) may share one Redis.
                    "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="voisins"),
                    # A Redis that is away must not hang requests for long.
                    "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- E-mail ---------------------------------------------------------------------------
# EMAIL_URL like smtp+tls://user:password@mail.example.org:587 or consolemail:// (default).
# Django 6.1 configures mail through MAILERS; the URL is translated into it.
_email = env.email_url("EMAIL_URL", default="consolemail://")
_email_options = {
    option: _email[key]
    for key, option in [
        ("EMAIL_HOST", "host"), ("EMAIL_PORT", "port"), ("EMAIL_HOST_USER", "username"),
        ("EMAIL_HOST_PASSWORD", "password"), ("EMAIL_USE_TLS", "use_tls"),
        ("EMAIL_USE_SSL", "use_ssl"), ("EMAIL_TIMEOUT", "timeout"),
    ]
    if _email.get(key) not in (None, "")
} if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend") else {}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    _email_options.setdefault("timeout", 10)
elif _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    # filemail:///path/to/dir writes each message to a file there (staging, tests).
    # (django-environ drops the leading slash of the path.)
    _email_options = {"file_path": "/" + _email["EMAIL_FILE_PATH"].lstrip("/")
                      if _email.get("EMAIL_FILE_PATH") else str(VAR_DIR / "mail")}
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    # The same, with each message decoded (no quoted-printable cutting the links).
    _email["EMAIL_BACKEND"] = "voisins.ops.mail.EmailBackend"
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Voisins <noreply@localhost>")

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "voisins.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "staff:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# Staff accounts are created by coordinators; nobody signs up on their own here.
ACCOUNT_ADAPTER = "voisins.accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# A password reset for an address without an account sends nothing (the page answers the
# same), unless the address is a volunteer household's: it is pointed to its personal
# link (AccountAdapter.send_mail). The site is no mail cannon aimed at strangers.
ACCOUNT_RATE_LIMITS = {
    # Five failed logins per account and address within 5 minutes, then a pause.
    "login_failed": "5/5m/ip,5/5m/key",
    "login": "30/m/ip",
}
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Security -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
HTTPS = env.bool("HTTPS", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
# How many reverse proxies in front of Voisins append to X-Forwarded-For (1 behind the
# nginx of docs/deploy.md). 0: the header is ignored, a client could write anything there.
# The rate limits, the API's limit on failed tokens, allauth and the audit log all take
# the client's address from voisins.security.client.client_address.
VOISINS_TRUSTED_PROXIES = env.int("VOISINS_TRUSTED_PROXIES", default=0)
if VOISINS_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("VOISINS_TRUSTED_PROXIES must be 0 or more.")
ALLAUTH_TRUSTED_PROXY_COUNT = VOISINS_TRUSTED_PROXIES
# A load balancer asks /healthz over plain HTTP, from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
from django.utils.csp import CSP  # noqa: E402

# Map tiles: a URL such as https://tile.example.org/{z}/{x}/{y}.png, whose host the CSP
# then allows ("{s}", sub-domains a, b, c, becomes a wildcard). Empty (the default): no
# tiles, the map draws areas and communes only, and no third party sees where staff look.
_map_tiles = env.str("VOISINS_MAP_TILES", default="")
_tile_hosts = []
if _map_tiles:
    _tiles = urlsplit(_map_tiles.replace("{s}", "*"))
    if _tiles.scheme not in ("http", "https") or not _tiles.netloc or "{z}" not in _tiles.path:
        raise ImproperlyConfigured("VOISINS_MAP_TILES must be an http(s) URL with {z}/{x}/{y}.")
    _tile_hosts = [f"{_tiles.scheme}://{_tiles.netloc}"]
# Every asset is served by the app itself: no CDN, no inline script or style.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_tile_hosts],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)

# --- Languages ------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [
    ("fr", "Français"),
    ("nl", "Nederlands"),
    ("en", "English"),
    ("ar", "العربية"),
    ("uk", "Українська"),
]
# Staff pages exist in these; family-facing pages in all of LANGUAGES.
STAFF_LANGUAGES = ["fr", "nl", "en"]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates in the Belgian order (day month year) in every language: voisins/formats/.
FORMAT_MODULE_PATH = ["voisins.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Brussels")

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Leaflet's files come from the django-leaflet package, served by the app. The package is
# not an installed app: its admin module needs GeoDjango (GDAL), which Voisins does not use.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    Path(importlib.util.find_spec("leaflet").submodule_search_locations[0]) / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            # Hashed names; gzip and brotli copies made at collectstatic unless
            # STATIC_COMPRESS=0 (a proxy that compresses, or a quick test stack).
            ("whitenoise.storage.CompressedManifestStaticFilesStorage"
             if env.bool("STATIC_COMPRESS", default=True)
             else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage")
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# --- Private files (issue 18, docs/files.md) --------------------------------------------
# Handouts, resource files, signed scans and case attachments: never under a served path.
# FILES_STORAGE=disk (the default) keeps them under FILES_DIR (var/private-files);
# FILES_STORAGE=s3 puts them in an S3-compatible bucket (MinIO, Ceph, AWS…).
FILES_STORAGE = env.str("FILES_STORAGE", default="disk")
FILES_DIR = Path(env.str("FILES_DIR", default=str(VAR_DIR / "private-files")))
if FILES_STORAGE == "disk":
    STORAGES["private"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # No base_url: nothing serves this directory; files go out through files:download.
        "OPTIONS": {"location": str(FILES_DIR), "base_url": None,
                    "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
    }
elif FILES_STORAGE == "s3":
    _bucket = env.str("FILES_S3_BUCKET", default="")
    if not _bucket:
        raise ImproperlyConfigured("FILES_STORAGE=s3 needs FILES_S3_BUCKET.")
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": env.str("FILES_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("FILES_S3_REGION", default=None),
            "access_key": env.str("FILES_S3_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("FILES_S3_SECRET_ACCESS_KEY", default=None),
            "location": env.str("FILES_S3_PREFIX", default=""),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    raise ImproperlyConfigured(f"FILES_STORAGE={FILES_STORAGE!r} must be disk or s3.")
FILES_MAX_BYTES = env.int("FILES_MAX_BYTES", default=10 * 1024 * 1024)
if FILES_MAX_BYTES <= 0:
    raise ImproperlyConfigured("FILES_MAX_BYTES must be a positive number of bytes.")
# An image above this many pixels, an office file unpacking to more than this or at a
# higher ratio than this, is refused (decompression and zip bombs).
FILES_MAX_IMAGE_PIXELS = env.int("FILES_MAX_IMAGE_PIXELS", default=50_000_000)
FILES_MAX_UNPACKED_BYTES = env.int("FILES_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024)
FILES_MAX_ZIP_RATIO = env.int("FILES_MAX_ZIP_RATIO", default=100)
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=False)
# Source maps (7 MB of the API docs' and Leaflet's) are for developers' tools: served as
# they are, not compressed at every collectstatic.
from whitenoise.compress import Compressor as _Compressor  # noqa: E402

WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*_Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# --- Logging: no personal data, ever. ------------------------------------------------
# One line per request (method, route template, status, duration: voisins.ops.middleware),
# JSON by default so that a log collector can read it; LOG_FORMAT=plain for a console.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_request_details": {"()": "voisins.ops.logging.DropRequestDetails"}},
    "formatters": {
        "json": {"()": "voisins.ops.logging.Formatter"},
        "plain": {"()": "voisins.ops.logging.PlainFormatter",
                  "format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                             "filters": ["no_request_details"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django logs each request again, with its path: Voisins' own line replaces it.
        "django.server": {"level": "WARNING"},
    },
}

# --- Voisins ---------------------------------------------------------------------------
VOISINS = {
    "DEFAULT_COUNTRY": env.str("VOISINS_DEFAULT_COUNTRY", default="BE"),
    # Links in e-mails (proposals, check-ins) point here.
    "SITE_URL": env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/"),
    # The map's tiles (VOISINS_MAP_TILES, checked with the CSP above) and their credit.
    "MAP_TILES": _map_tiles,
    "MAP_ATTRIBUTION": env.str("VOISINS_MAP_ATTRIBUTION", default=""),
    # How long a family's signed link works, in days.
    "FAMILY_LINK_DAYS": env.int("VOISINS_FAMILY_LINK_DAYS", default=90),
    # How long a volunteer household's signed link works, in days.
    "VOLUNTEER_LINK_DAYS": env.int("VOISINS_VOLUNTEER_LINK_DAYS", default=90),
}
ADMIN_SITE_HEADER = _("Voisins administration")

# --- Background work -------------------------------------------------------------------
# Django's Tasks framework. On a laptop tasks run at once, inside the process; production
# switches TASKS_BACKEND to a backend with a worker (docs/deploy.md).
# TASKS_BACKEND=immediate (the default): tasks run at once, in the process that queues them,
# and `voisins runserver` queues the periodic jobs from a thread. TASKS_BACKEND=database
# (django-tasks-db): tasks are rows in the database, run by `voisins worker` processes.
_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate")
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND={TASKS_BACKEND!r} must be immediate or database.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
VOISINS_WORKER = {
    # Seconds between looks at an empty queue, between heartbeats, and of silence after
    # which a worker counts as dead (its task is then run again by another worker).
    "INTERVAL": env.float("VOISINS_WORKER_INTERVAL", default=1.0),
    "HEARTBEAT": env.float("VOISINS_WORKER_HEARTBEAT", default=5.0),
    "STALE_AFTER": env.float("VOISINS_WORKER_STALE_AFTER", default=60.0),
}

# --- Security, audit and privacy duties (issue 8) --------------------------------------
# Roles that must log in with two factors (TOTP); an empty value turns the rule off.
VOISINS_REQUIRE_MFA_ROLES = [
    r.strip() for r in env.list("VOISINS_REQUIRE_MFA_ROLES", default=["coordinator"])
    if r.strip()
]
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Voisins"
# API tokens: lifetime of a new token, and requests per minute per token.
VOISINS_API_TOKEN_DAYS = env.int("VOISINS_API_TOKEN_DAYS", default=90)
# Coordinators are told this many days before a volunteers' insurance policy ends (once).
VOISINS_INSURANCE_REMINDER_DAYS = env.int("VOISINS_INSURANCE_REMINDER_DAYS", default=30)
if not 1 <= VOISINS_INSURANCE_REMINDER_DAYS <= 365:
    raise ImproperlyConfigured("VOISINS_INSURANCE_REMINDER_DAYS must be between 1 and 365.")
VOISINS_API_RATE = env.str("VOISINS_API_RATE", default="600/m")
# No request body larger than this reaches a view (imports are the largest).
VOISINS_MAX_REQUEST_BYTES = env.int("VOISINS_MAX_REQUEST_BYTES",
                                    default=max(IMPORT_MAX_BYTES, FILES_MAX_BYTES)
                                    + 1024 * 1024)
# The audit log masks personal values (voisins/audit/registration.py) and keeps the
# client address (VOISINS_TRUSTED_PROXIES says whether X-Forwarded-For is believed).
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_MASK_CALLABLE = "voisins.audit.registration.mask"
# Loading a backup or fixture restores log entries; it must not log its own saves.
AUDITLOG_DISABLE_ON_RAW_SAVE = True

# --- Encryption at rest of mediation notes (django-fernet-encrypted-fields) ---------------
# The field key is derived from SECRET_KEY and SALT_KEY: both must be kept (and backed up)
# together, or the notes cannot be read again. A laptop gets a random salt under var/.
SALT_KEY = env.list("SALT_KEY", default=[])
if not SALT_KEY:
    _salt_file = VAR_DIR / "salt_key"
    if not _salt_file.exists():
        import secrets

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        _salt_file.write_text(secrets.token_urlsafe(32))
        _salt_file.chmod(0o600)
    SALT_KEY = [_salt_file.read_text().strip()]

# --- Messages to households: SMS, delivery reports (issue 15) ---------------------------
# VOISINS_SMS_BACKEND: file (one file a message under var/sms/, the default on a laptop),
# locmem (tests) or twilio (Twilio's SDK; docs/deploy.md).
VOISINS_SMS = {
    "BACKEND": env.str("VOISINS_SMS_BACKEND", default="file"),
    "FILE_PATH": env.str("VOISINS_SMS_FILE_PATH", default=str(VAR_DIR / "sms")),
    "TWILIO_ACCOUNT_SID": env.str("TWILIO_ACCOUNT_SID", default=""),
    "TWILIO_AUTH_TOKEN": env.str("TWILIO_AUTH_TOKEN", default=""),
    # A sender number in E.164, an alphanumeric sender id, or a messaging service (MG…).
    "TWILIO_FROM": env.str("TWILIO_FROM", default=""),
    # Only for tests and benchmarks: where the SDK sends its requests instead of Twilio.
    "TWILIO_BASE_URL": env.str("TWILIO_BASE_URL", default=""),
    # Messages a second to one provider, over every worker (0: no limit).
    "RATE": env.int("VOISINS_SMS_RATE", default=50),
}
if VOISINS_SMS["BACKEND"] not in ("file", "locmem", "twilio"):
    raise ImproperlyConfigured(
        f"VOISINS_SMS_BACKEND={VOISINS_SMS['BACKEND']!r} must be file, locmem or twilio.")
if VOISINS_SMS["BACKEND"] == "twilio":
    _missing = [name for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM")
                if not VOISINS_SMS[name]]
    if _missing:
        raise ImproperlyConfigured(
            f"VOISINS_SMS_BACKEND=twilio needs {', '.join(_missing)} (docs/deploy.md).")
if VOISINS_SMS["RATE"] < 0:
    raise ImproperlyConfigured("VOISINS_SMS_RATE must be 0 (no limit) or more.")
# E-mail delivery reports through django-anymail's tracking webhooks (Mailgun): the
# webhook signing key turns the webhook on (empty: /hooks/email/mailgun/ answers 404);
# ANYMAIL_WEBHOOK_SECRET, "user:password", adds basic authentication in front of it.
ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": env.str("MAILGUN_WEBHOOK_SIGNING_KEY", default="")}
if env.str("ANYMAIL_WEBHOOK_SECRET", default=""):
    if ":" not in env.str("ANYMAIL_WEBHOOK_SECRET"):
        raise ImproperlyConfigured("ANYMAIL_WEBHOOK_SECRET must be user:password.")
    ANYMAIL["WEBHOOK_SECRET"] = env.str("ANYMAIL_WEBHOOK_SECRET")
