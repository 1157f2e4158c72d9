"""Writing to the audit log: reads of sensitive fields, and who acts in an API call.

Writes (create, change, delete) are logged by django-auditlog itself; this module adds
the reads, which the library cannot see.
"""

import contextlib
from collections.abc import Iterable
from typing import Any

from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.db.models import Model
from django.http import HttpRequest

from voisins.security.client import client_address as _client_address

# Fields whose reading is written to the log, per model name.
SENSITIVE_FIELDS: dict[str, frozenset[str]] = {
    "familyhousehold": frozenset({"email", "phone", "contact_last_name", "wishes_note",
                                  "members", "consents"}),
    "volunteerhousehold": frozenset({"email", "phone", "contact_last_name", "motivation",
                                     "members", "consents"}),
}


def client_address(request: HttpRequest) -> str | None:
    """The client's address (voisins.security.client), None when it cannot be told."""
    return _client_address(request) or None


def audit_read(request_or_user: Any, obj: Model, fields: Iterable[str],
               *, via: str = "") -> LogEntry:
    """Write that someone read `fields` of `obj`: who, when, what and from where.

    Parameters
    ----------
    request_or_user
        The request (its user and client address are recorded) or, outside a request
        (commands, tasks), the user who reads.
    obj
        The record read (a household, a case…).
    fields
        The names of the sensitive fields shown, e.g. ``["email", "phone"]``.
    via
        Where the read happened ("api", "page", "export"…), for the coordinator's view.
    """
    if isinstance(request_or_user, HttpRequest):
        user = getattr(request_or_user, "user", None)
        address = client_address(request_or_user)
        via = via or ("api" if request_or_user.path.startswith("/api/") else "page")
    else:
        user, address = request_or_user, None
    actor = user if getattr(user, "is_authenticated", False) else None
    return LogEntry.objects.log_create(
        obj, force_log=True, action=LogEntry.Action.ACCESS, changes=None, actor=actor,
        actor_email=getattr(actor, "email", None), remote_addr=address,
        additional_data={"fields": sorted(set(fields)), "via": via or "code"},
    )


def act_as(user: Any) -> None:
    """Record `user` as the actor of the writes that follow in this request.

    The audit middleware runs before API token authentication, so it cannot know who
    acts; the API calls this once the token is checked.
    """
    with contextlib.suppress(LookupError):  # outside a request: nothing to attach to
        auditlog_value.get()["actor"] = user
