"""SMS behind one small interface; ``VOISINS_SMS["BACKEND"]`` picks the backend.

- ``file``: one text file a message under ``VOISINS_SMS["FILE_PATH"]`` (var/sms/), for a
  laptop, like Django's file e-mail backend.
- ``locmem``: kept in :data:`outbox`, for tests.
- ``twilio``: Twilio's Messages API through its official SDK. ``TWILIO_BASE_URL`` points
  the SDK somewhere else than api.twilio.com (a local fake in tests and benchmarks).

A backend's ``send`` returns the provider's message id, or raises :class:`SmsError`:
``permanent`` when retrying cannot help (an invalid number, a refused request), else a
temporary failure (provider down, 5xx, rate-limited). The error's ``reason`` never holds
the number.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from voisins.phones import mask_phone


class SmsError(Exception):
    def __init__(self, reason: str, *, permanent: bool, bad_number: bool = False) -> None:
        super().__init__(reason)
        self.reason = mask_phone(reason)[:200]
        self.permanent = permanent
        self.bad_number = bad_number


@dataclass(frozen=True)
class Sms:
    to: str
    body: str
    reference: str  # our message id, for the file name and the status callback
    status_callback: str = ""


class SmsBackend(Protocol):
    name: str

    def send(self, sms: Sms) -> str: ...


# --- File ----------------------------------------------------------------------------

class FileBackend:
    name = "file"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def send(self, sms: Sms) -> str:
        from .segments import count_segments

        self.path.mkdir(parents=True, exist_ok=True)
        encoding, segments = count_segments(sms.body)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        file = self.path / f"{stamp}-{sms.reference}.txt"
        file.write_text(f"To: {sms.to}\nEncoding: {encoding}\nSegments: {segments}\n\n"
                        f"{sms.body}\n", encoding="utf-8")
        return f"file-{sms.reference}"


# --- Memory (tests) ----------------------------------------------------------------------

outbox: list[Sms] = []


class LocmemBackend:
    name = "locmem"

    def send(self, sms: Sms) -> str:
        outbox.append(sms)
        return f"locmem-{uuid.uuid4().hex[:12]}"


# --- Twilio --------------------------------------------------------------------------------

# Twilio error codes that mean the number itself is wrong (retrying cannot help, and the
# household's number must be checked): 21211 invalid To, 21614 not a mobile, 21610
# unsubscribed, 21408 region not enabled.
TWILIO_BAD_NUMBER = {21211, 21214, 21217, 21219, 21401, 21407, 21408, 21421, 21610, 21612,
                     21614}


def _twilio_http_client(base_url: str) -> Any:
    """The SDK's own HTTP client, with every https://*.twilio.com URL sent to ``base_url``."""
    from urllib.parse import urlsplit, urlunsplit

    from twilio.http.http_client import TwilioHttpClient

    class _Redirected(TwilioHttpClient):
        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            if base_url:
                parts, base = urlsplit(url), urlsplit(base_url)
                url = urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + parts.path,
                                  parts.query, parts.fragment))
            return super().request(method, url, *args, **kwargs)

    return _Redirected(timeout=10)


class TwilioBackend:
    name = "twilio"

    def __init__(self, *, account_sid: str, auth_token: str, sender: str,
                 base_url: str = "") -> None:
        from twilio.rest import Client

        self.sender = sender
        self.client = Client(account_sid, auth_token,
                             http_client=_twilio_http_client(base_url))

    def send(self, sms: Sms) -> str:
        from requests import RequestException
        from twilio.base.exceptions import TwilioException, TwilioRestException

        options: dict[str, Any] = {"to": sms.to, "body": sms.body}
        if self.sender.startswith("MG"):
            options["messaging_service_sid"] = self.sender
        else:
            options["from_"] = self.sender
        if sms.status_callback:
            options["status_callback"] = sms.status_callback
        try:
            message = self.client.messages.create(**options)
        except TwilioRestException as exc:
            status = exc.status or 0
            # 429 (too many requests) and 5xx pass; any other 4xx will not.
            permanent = 400 <= status < 500 and status != 429
            raise SmsError(f"Twilio error {exc.code or '?'} (HTTP {status}): {exc.msg}",
                           permanent=permanent,
                           bad_number=exc.code in TWILIO_BAD_NUMBER) from None
        except (RequestException, TwilioException, OSError) as exc:
            raise SmsError(f"Twilio unreachable: {type(exc).__name__}", permanent=False) \
                from None
        return str(message.sid)


# --- Choosing and pacing ---------------------------------------------------------------------

BACKENDS = ("file", "locmem", "twilio")
_lock = threading.Lock()
_cached: dict[tuple, SmsBackend] = {}


def get_backend() -> SmsBackend:
    """The backend that the settings name (one instance per configuration)."""
    config = settings.VOISINS_SMS
    key = tuple(sorted((k, str(v)) for k, v in config.items()))
    with _lock:
        backend = _cached.get(key)
        if backend is None:
            name = config["BACKEND"]
            if name == "file":
                backend = FileBackend(config["FILE_PATH"])
            elif name == "locmem":
                backend = LocmemBackend()
            elif name == "twilio":
                backend = TwilioBackend(account_sid=config["TWILIO_ACCOUNT_SID"],
                                        auth_token=config["TWILIO_AUTH_TOKEN"],
                                        sender=config["TWILIO_FROM"],
                                        base_url=config.get("TWILIO_BASE_URL", ""))
            else:  # settings.py refuses other values at start-up
                raise ValueError(f"unknown SMS backend {name!r}")
            _cached[key] = backend
    return backend


def wait_for_turn(provider: str, *, clock: Any = time.time, sleep: Any = time.sleep) -> None:
    """Keep to ``VOISINS_SMS["RATE"]`` messages a second for ``provider``, across every
    worker sharing the cache (Redis in production): a one-second window counted in the
    cache; past the limit, wait for the next second."""
    rate = settings.VOISINS_SMS.get("RATE", 0)
    if not rate:
        return
    while True:
        now = clock()
        key = f"voisins-sms-rate:{provider}:{int(now)}"
        cache.add(key, 0, timeout=5)
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            continue
        if used <= rate:
            return
        sleep(max(0.0, 1 - (now - int(now))) + 0.001)
