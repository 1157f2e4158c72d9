"""Writing to the audit log: reads of sensitive fields, and who acts in an API call.

Writes (create, change, delete) are logged by django-auditlog itself; this module adds
the reads, which the library cannot see.
"""

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.db.models import Model
from django.http import HttpRequest

from voisins.security.client import client_address

# Fields whose reading is written to the log, per model name.
SENSITIVE_FIELDS: dict[str, frozenset[str]] = {
    "familyhousehold": frozenset({"email", "phone", "phone_unread", "contact_last_name",
                                  "wishes_note", "members", "consents"}),
    "volunteerhousehold": frozenset({"email", "phone", "phone_unread", "contact_last_name",
                                     "motivation", "members", "consents"}),
}


# What a list, a search result or a list of proposals or matches shows of each household
# beyond its first name: its last name. (A search may also match on the phone: then the
# phone counts as read, since finding a family by its number tells who has it.)
LIST_FIELDS: frozenset[str] = frozenset({"contact_last_name"})


def _address(request: HttpRequest) -> str | None:
    """The client's address (voisins.security.client), None when it cannot be told."""
    return client_address(request) or None


def audit_read(*, by: Any, record: Model, fields: Iterable[str], via: str = "") -> LogEntry:
    """Write that someone read `fields` of `record`: who, when, what and from where.

    Parameters
    ----------
    by
        The request (its user and client address are recorded) or, outside a request
        (commands, tasks), the user who reads.
    record
        The record read (a household, a case…).
    fields
        The names of the sensitive fields shown, e.g. ``["email", "phone"]``.
    via
        Where the read happened ("api", "page", "export"…), for the coordinator's view.
    """
    if isinstance(by, HttpRequest):
        user = getattr(by, "user", None)
        address = _address(by)
        via = via or ("api" if by.path.startswith("/api/") else "page")
    else:
        user, address = by, None
    actor = user if getattr(user, "is_authenticated", False) else None
    return LogEntry.objects.log_create(
        record, force_log=True, action=LogEntry.Action.ACCESS, changes=None, actor=actor,
        actor_email=getattr(actor, "email", None), remote_addr=address,
        additional_data={"fields": sorted(set(fields)), "via": via or "code"},
    )


def act_as(*, user: Any) -> None:
    """Record `user` as the actor of the writes that follow in this request.

    The audit middleware runs before API token authentication, so it cannot know who
    acts; the API calls this once the token is checked.
    """
    with contextlib.suppress(LookupError):  # outside a request: nothing to attach to
        auditlog_value.get()["actor"] = user


def audit_list(*, request: HttpRequest, programme: Model, households: Iterable[Model],
               fields: Iterable[str] = LIST_FIELDS, via: str = "list") -> LogEntry | None:
    """Write one entry for a page that shows `fields` of several households.

    One entry per page (not one per row), attached to the `programme` whose page it is,
    naming each household shown ("family #12"); nothing when the page shows none.

    Parameters
    ----------
    request
        The request (who and from where).
    programme
        The programme of the page.
    households
        The households shown: families and volunteer households (only their primary key
        and class are used: deferred fields are never loaded), or ``(model, pk)`` pairs
        for a list that reads its rows as plain values (building an instance only to be
        named here cost a quarter of such a page's CPU).
    fields
        The sensitive fields shown of each.
    via
        The page ("list", "search", "proposals", "matches", "radius").
    """
    shown = sorted({f"{h[0]._meta.model_name} #{h[1]}" if isinstance(h, tuple)
                    else f"{h._meta.model_name} #{h.pk}" for h in households if h is not None})
    if not shown:
        return None
    user = getattr(request, "user", None)
    actor = user if getattr(user, "is_authenticated", False) else None
    return LogEntry.objects.log_create(
        programme, force_log=True, action=LogEntry.Action.ACCESS, changes=None, actor=actor,
        actor_email=getattr(actor, "email", None), remote_addr=_address(request),
        additional_data={"fields": sorted(set(fields)), "via": via, "records": shown},
    )


@contextlib.contextmanager
def audit_context(**data: Any) -> Iterator[None]:
    """Add ``data`` (who acted, through which page) to the log entries of the writes made
    inside the block, in a request (the audit middleware's context); outside one, nothing.

    Used where the one who acts has no account: a household on its own pages, through its
    personal link (``audit_context(by="household", via="family-link")``).
    """
    try:
        current = auditlog_value.get()
    except LookupError:
        yield
        return
    before = current.get("additional_data")
    current["additional_data"] = {**(before or {}), **data}
    try:
        yield
    finally:
        if before is None:
            current.pop("additional_data", None)
        else:
            current["additional_data"] = before


def audit_event(*, by: Any, record: Model, event: str, data: dict[str, Any] | None = None
                ) -> LogEntry:
    """Write that something happened to `record` that is not a change of its own fields
    (a household moved to another programme): who, when, what (``event``) and plain,
    impersonal ``data`` (programme names, record numbers — never a person's details)."""
    actor = by if getattr(by, "is_authenticated", False) else None
    return LogEntry.objects.log_create(
        record, force_log=True, action=LogEntry.Action.UPDATE, changes={}, actor=actor,
        actor_email=getattr(actor, "email", None),
        additional_data={"event": event, **(data or {})},
    )
