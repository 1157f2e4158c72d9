"""Writes of mediation: open a case, assign it, add notes and calls, call back, resolve."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from voisins import access
from voisins.accounts.models import User
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.matches.models import Match
from voisins.matches.notifications import notify, notify_coordinators, recipient_language
from voisins.programmes.constants import Role
from voisins.programmes.models import Programme

from .models import Callback, Case, CaseKind, CaseNote, OpenedBy

MAX_TEXT = 5000


def _text(value: str, field: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: _("Write at most %(n)s characters.") % {"n": MAX_TEXT}})
    return value


@transaction.atomic
def case_open(*, programme: Programme, kind: str, summary: str, opened_by: str,
              by: User | None = None, match: Match | None = None,
              family: FamilyHousehold | None = None, volunteer: VolunteerHousehold | None = None,
              callback: dict[str, Any] | None = None) -> Case:
    """Open a mediation case, optionally with a request to be called back.

    A safeguarding case is urgent: every coordinator of the programme is e-mailed at once
    (and only coordinators can see it). Other cases are announced to the coordinators and
    the match's mediator; a case a mediator opens without a match is assigned to them.
    """
    if kind not in CaseKind.values:
        raise ValidationError({"kind": _("Choose what the case is about.")})
    if opened_by not in OpenedBy.values:
        raise ValidationError({"opened_by": _("Unknown author.")})
    summary = _text(summary, "summary", required=not callback)
    if match is not None:
        family, volunteer = match.family, match.volunteer
    for record in (match, family, volunteer):
        if record is not None and record.programme_id != programme.pk:
            raise ValidationError(_("This household is not in the programme."))
    case = Case(programme=programme, kind=kind, summary=summary or "—", opened_by=opened_by,
                opened_by_user=by, match=match, family=family, volunteer=volunteer)
    if match is not None and match.mediator_id and kind != CaseKind.SAFEGUARDING:
        case.assigned_to = match.mediator
    elif (kind != CaseKind.SAFEGUARDING and opened_by == OpenedBy.STAFF and by is not None
          and access.role_in(by, programme) == Role.MEDIATOR):
        # A mediator keeps sight of what they opened (a safeguarding case goes to the
        # coordinators alone).
        case.assigned_to = by
    case.full_clean()
    case.save()
    if callback:
        callback_request(case=case, requested_by=opened_by, **callback)
    link = reverse("mediation:case", args=[programme.slug, case.pk])
    if case.is_safeguarding:
        notify_coordinators(programme=programme, kind="safeguarding", context={"link": link})
    else:
        notify_coordinators(programme=programme, kind="case_opened", context={
            "kind": kind, "link": link, "callback": bool(callback)})
        if case.assigned_to_id:
            mediator = case.assigned_to
            notify(kind="case_opened", to_email=mediator.email,
                   language=recipient_language(mediator), programme=programme,
                   context={"kind": kind, "link": link, "callback": bool(callback)})
    return case


def callback_request(*, case: Case, requested_by: str, when: str, language: str,
                     interpreter_needed: bool = False) -> Callback:
    """A household asks to be called back: it lands on the mediators' call list."""
    when = (when or "").strip()
    if not when:
        raise ValidationError({"when": _("Say when we may call you.")})
    language = (language or "").strip().lower()
    if not (2 <= len(language) <= 3 and language.isalpha()):
        raise ValidationError({"language": _("Choose a language.")})
    callback = Callback(case=case, requested_by=requested_by, when=when[:200],
                        language=language, interpreter_needed=interpreter_needed)
    callback.full_clean()
    callback.save()
    return callback


@transaction.atomic
def case_assign(*, case: Case, mediator: User | None, by: User | None = None) -> Case:
    """Give a case to a mediator (or a coordinator) of its programme.

    A safeguarding case can only be given to a coordinator.
    """
    if mediator is not None:
        roles = {Role.COORDINATOR} if case.is_safeguarding else {Role.COORDINATOR,
                                                                 Role.MEDIATOR}
        if access.role_in(mediator, case.programme_id) not in roles:
            raise ValidationError({"assigned_to": _(
                "Choose a mediator or coordinator of this programme.")})
    case.assigned_to = mediator
    # update_fields without full_clean(): the one field changed is checked above (its role).
    case.save(update_fields=["assigned_to"])
    return case


@transaction.atomic
def case_add_note(*, case: Case, text: str, kind: str = CaseNote.Kind.NOTE,
                  call_minutes: int | None = None, call_language: str = "",
                  by: User | None = None) -> CaseNote:
    """Add a note, an action, or a logged phone call to a case."""
    if kind not in CaseNote.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of note.")})
    if kind == CaseNote.Kind.CALL and not call_minutes:
        raise ValidationError({"call_minutes": _("Say how long the call lasted.")})
    note = CaseNote(case=case, kind=kind, text=_text(text, "text"), author=by,
                    call_minutes=call_minutes if kind == CaseNote.Kind.CALL else None,
                    call_language=call_language if kind == CaseNote.Kind.CALL else "")
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def callback_done(*, callback: Callback, minutes: int, text: str, language: str = "",
                  by: User | None = None) -> CaseNote:
    """The mediator called back: the call is logged on the case and the task closed."""
    locked = Callback.objects.select_for_update().get(pk=callback.pk)
    if locked.status != Callback.Status.OPEN:
        raise ValidationError(_("This callback was already dealt with."))
    note = case_add_note(case=locked.case, text=text, kind=CaseNote.Kind.CALL,
                         call_minutes=minutes, call_language=language or locked.language, by=by)
    locked.status = Callback.Status.DONE
    locked.done_at = timezone.now()
    locked.done_by = by
    # update_fields without full_clean(): a status of its choices, the time, who.
    locked.save(update_fields=["status", "done_at", "done_by"])
    return note


@transaction.atomic
def case_resolve(*, case: Case, resolution: str, by: User | None = None) -> Case:
    """Close a case with what was agreed; open callbacks are cancelled."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status != Case.Status.OPEN:
        raise ValidationError(_("This case is already resolved."))
    locked.resolution = _text(resolution, "resolution")
    locked.status = Case.Status.RESOLVED
    locked.resolved_at = timezone.now()
    locked.resolved_by = by
    # update_fields without full_clean(): the resolution is checked by _text(); the rest is a status
    # of its choices, the time, who.
    locked.save(update_fields=["resolution", "status", "resolved_at", "resolved_by"])
    # A bare update (no full_clean()): only a status of its choices changes.
    locked.callbacks.filter(status=Callback.Status.OPEN).update(status=Callback.Status.CANCELLED)
    return locked
