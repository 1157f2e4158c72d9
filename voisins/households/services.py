"""Writes on households: creating them, placing them, moving them along their pipeline."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voisins.accounts.models import User
from voisins.audit.services import audit_context
from voisins.places import coarsen, geocode_postcode, normalise_postcode
from voisins.programmes.models import Programme

from .models import FamilyHousehold, Household, Member, StatusChange, VolunteerHousehold
from .selectors import household_channels, version_of
from .status import (
    FAMILY_TRANSITIONS,
    VOLUNTEER_TRANSITIONS,
    FamilyStatus,
    VolunteerStatus,
    can_move,
)

# Where a volunteer household can only start by an exception to screening and training.
BY_EXCEPTION = frozenset({VolunteerStatus.TRAINED, VolunteerStatus.AVAILABLE,
                          VolunteerStatus.MATCHED, VolunteerStatus.PAUSED})


def household_locate(
    *, household: Household, postcode: str, pin: tuple[float, float] | None = None
) -> None:
    """Place a household at its postcode's centroid, or at a pinned point rounded to ~100 m.

    Raises ValidationError on ``postcode`` when the programme's country has no such postcode.
    """
    place = geocode_postcode(household.programme.country, postcode)
    household.postcode = normalise_postcode(postcode)
    household.locality = place.locality
    if pin is not None:
        household.lat, household.lon = coarsen(*pin)
        household.pinned = True
    else:
        household.lat, household.lon = place.lat, place.lon
        household.pinned = False


def _create(
    model: type[Household],
    *,
    programme: Programme,
    postcode: str,
    members: Iterable[dict[str, Any]],
    by: User | None,
    pin: tuple[float, float] | None,
    fields: dict[str, Any],
    note: str = "",
) -> Household:
    household = model(programme=programme, **fields)
    if model is FamilyHousehold and not fields.get("page_language"):
        # Its pages (and messages) in the first language it speaks that Voisins writes
        # in, else the programme's: the rule of Household.messages_language.
        household.page_language = household.default_page_language()
    household_locate(household=household, postcode=postcode, pin=pin)
    if model is FamilyHousehold and household.status == FamilyStatus.WAITING:
        household.waiting_since = household.waiting_since or timezone.now()
    household.full_clean()
    household.save()
    _members_set(household, members)
    _record_status(household, "", household.status, by=by, note=note or _("created"))
    return household


@transaction.atomic
def family_create(
    *,
    programme: Programme,
    postcode: str,
    members: Iterable[dict[str, Any]] = (),
    by: User | None = None,
    pin: tuple[float, float] | None = None,
    note: str = "",
    **fields: Any,
) -> FamilyHousehold:
    """Create a family with its members, placed at its postcode (or a pin), fully validated.
    ``note`` is the first step of its history (default "created")."""
    return _create(FamilyHousehold, programme=programme, postcode=postcode, members=members,
                   by=by, pin=pin, fields=fields, note=note)  # type: ignore[return-value]


@transaction.atomic
def volunteer_create(
    *,
    programme: Programme,
    postcode: str,
    members: Iterable[dict[str, Any]] = (),
    by: User | None = None,
    pin: tuple[float, float] | None = None,
    exception_reason: str = "",
    note: str = "",
    **fields: Any,
) -> VolunteerHousehold:
    """Create a volunteer household with its members, fully validated.

    A household starts "applied" or "screened"; further on, it is an exception to the
    path through screening and the required training: who (``by``), when (now) and why
    (``exception_reason``, or a sentence saying it was created so) are recorded and shown
    on its page.
    """
    status = fields.get("status", VolunteerStatus.APPLIED)
    if not exception_reason.strip() and status in BY_EXCEPTION:
        # Created further than "screened" (through the API, say): what happened is said.
        exception_reason = _("Created as “%(status)s”, without a screening or required "
                             "training recorded in Voisins.") % {
                                 "status": VolunteerStatus(status).label}
    if exception_reason.strip():
        fields.update(exception_reason=exception_reason.strip()[:500], exception_by=by,
                      exception_at=timezone.now())
    return _create(VolunteerHousehold, programme=programme, postcode=postcode, members=members,
                   by=by, pin=pin, fields=fields, note=note)  # type: ignore[return-value]


def _record_status(household: Household, old: str, new: str, *, by: User | None,
                   note: str = "") -> StatusChange:
    key = household.side
    return StatusChange.objects.create(
        **{key: household}, from_status=old, to_status=new, changed_by=by, note=note[:300]
    )


@transaction.atomic
def household_set_status(
    *, household: Household, status: str, by: User | None = None, note: str = ""
) -> Household:
    """Move a household along its pipeline, keeping the history.

    The row is locked so that two coordinators cannot make conflicting moves at once.

    Raises
    ------
    ValidationError
        On ``status``, when the pipeline does not allow that move.
    """
    model = type(household)
    locked = model.objects.select_for_update().get(pk=household.pk)
    transitions = FAMILY_TRANSITIONS if model is FamilyHousehold else VOLUNTEER_TRANSITIONS
    if not can_move(transitions, locked.status, status):
        labels = dict(model._meta.get_field("status").choices)
        raise ValidationError({"status": _("A household cannot go from “%(old)s” to “%(new)s”.")
                               % {"old": labels.get(locked.status, locked.status),
                                  "new": labels.get(status, status)}})
    old = locked.status
    locked.status = status
    update = ["status", "updated_at", "last_activity_at"]
    locked.last_activity_at = timezone.now()
    if model is FamilyHousehold and status == FamilyStatus.WAITING:
        locked.waiting_since = timezone.now()
        update.append("waiting_since")
    # update_fields without full_clean(): the status is checked against the pipeline above; the
    # other fields are times set here.
    locked.save(update_fields=update)
    _record_status(locked, old, status, by=by, note=note)
    household.status = locked.status
    return locked


@transaction.atomic
def household_status_restore(
    *, household: Household, expected: str, status: str, waiting_since: Any = None,
    by: User | None = None, note: str = ""
) -> Household:
    """Put a household back in the status it had before an action that is being undone
    (a match's end), even where the pipeline has no such step (an ended file back to
    matched), keeping the history.

    Refused unless the household is still where that action left it (``expected``):
    anything that moved it since wins over the undo. ``waiting_since`` (a family's) is
    restored with it when given.

    Raises
    ------
    ValidationError
        On ``status``, when the household has moved since.
    """
    model = type(household)
    locked = model.objects.select_for_update().get(pk=household.pk)
    if locked.status != expected:
        labels = dict(model._meta.get_field("status").choices)
        raise ValidationError({"status": _("Its status has changed since (now “%(now)s”).")
                               % {"now": labels.get(locked.status, locked.status)}})
    old = locked.status
    locked.status = status
    update = ["status", "updated_at", "last_activity_at"]
    locked.last_activity_at = timezone.now()
    if model is FamilyHousehold and waiting_since is not None:
        locked.waiting_since = waiting_since
        update.append("waiting_since")
    # update_fields without full_clean(): the status is checked against the pipeline above; the
    # other fields are times.
    locked.save(update_fields=update)
    if old != status:
        _record_status(locked, old, status, by=by, note=note)
    household.status = locked.status
    return locked


class VersionConflict(Exception):
    """The record changed since the client read it (optimistic locking)."""


def _members_set(household: Household, members: Iterable[dict[str, Any]]) -> None:
    """Make the household's members exactly `members`: rows with an ``id`` of this
    household are changed in place (answers to surveys keep pointing at the same child),
    rows without one are added, members not listed are removed."""
    key = household.side
    existing = {m.pk: m for m in Member.objects.filter(**{key: household})}
    kept: set[int] = set()
    errors: dict[str, list[str]] = {}
    for position, row in enumerate(members, start=1):
        row = dict(row)
        pk = row.pop("id", None)
        member = existing.get(pk) if pk is not None else None
        if pk is not None and member is None:
            errors.setdefault("members", []).append(
                _("Member %(n)s is not a member of this household.") % {"n": position})
            continue
        if member is None:
            member = Member(**{key: household})
        for name, value in row.items():
            setattr(member, name, value)
        try:
            member.full_clean()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault("members", []).extend(
                    _("Member %(n)s, %(field)s: %(message)s") % {
                        "n": position, "field": Member._meta.get_field(field).verbose_name
                        if field != "__all__" else "—", "message": message}
                    for message in messages)
            continue
        member.save()
        kept.add(member.pk)
    if errors:
        raise ValidationError(errors)
    Member.objects.filter(**{key: household}).exclude(pk__in=kept).delete()


@transaction.atomic
def household_update(
    *,
    household: Household,
    changes: dict[str, Any],
    members: Iterable[dict[str, Any]] | None = None,
    by: User | None = None,
    expected_version: str | None = None,
) -> Household:
    """Change some fields of a household, fully validated, under a row lock.

    ``changes`` may hold ``postcode`` and ``pin`` (placed again), ``status`` (moved along
    the pipeline, with history) and any plain field. ``members``, when given, is the whole
    new list of members (see ``_members_set``). With ``expected_version`` the change
    applies only if nobody changed the household since that version was read.

    Raises
    ------
    VersionConflict
        When ``expected_version`` is not the current version.
    ValidationError
        Naming each invalid field (``members`` for the members); nothing is written.
    """
    model = type(household)
    locked = model.objects.select_for_update().select_related("programme").get(pk=household.pk)
    if expected_version is not None and expected_version.strip('W/"') != version_of(locked):
        raise VersionConflict(version_of(locked))
    changes = dict(changes)
    status = changes.pop("status", None)
    postcode = changes.pop("postcode", None)
    pin = changes.pop("pin", False)
    before = {"phone": locked.phone, "email": locked.email}
    for name, value in changes.items():
        setattr(locked, name, value)
    errors: dict[str, list[str]] = {}
    if postcode is not None or pin is not False:
        try:
            household_locate(household=locked,
                             postcode=postcode if postcode is not None else locked.postcode,
                             pin=pin if pin is not False else None)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    locked.last_activity_at = timezone.now()
    try:
        locked.full_clean(exclude=list(errors))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    # A corrected number or address is tried again: its "to check" mark goes.
    if locked.phone != before["phone"]:
        locked.phone_check, locked.phone_unread = False, ""
    if locked.email != before["email"]:
        locked.email_check = False
    locked.save()
    if members is not None:
        _members_set(locked, members)
    if status is not None and status != locked.status:
        locked = household_set_status(household=locked, status=status, by=by)
    return locked


def household_message_choices_set(
    *,
    household: Household,
    preferred_channel: str,
    message_language: str,
    news_opt_out: bool,
    by: User | None = None,
    via: str = "page",
) -> Household:
    """Record how ``household`` wants to be written to: its channel, its language for
    messages, and whether it wants the programme's news.

    Set by a coordinator (``by``) or by the household itself on its pages (``by`` None,
    ``via`` "family-link" or "volunteer-link"); the change is in the audit log with who
    made it and through which page. An empty channel or language means "Voisins decides"
    (the first channel it has; the first language it speaks that Voisins writes in, then
    the programme's).

    Raises
    ------
    ValidationError
        On ``preferred_channel`` when the household does not have that channel (e-mail
        without an address, SMS without a mobile number), on ``message_language`` when
        Voisins does not write in it; nothing is written.
    """
    from django.conf import settings

    errors: dict[str, str] = {}
    if preferred_channel and preferred_channel not in household_channels(household):
        errors["preferred_channel"] = _("We cannot reach you this way: choose one of the "
                                        "ways shown.")
    if message_language and message_language not in dict(settings.LANGUAGES):
        errors["message_language"] = _("Voisins does not write in this language.")
    if not isinstance(news_opt_out, bool):
        errors["news_opt_out"] = _("Answer yes or no.")
    if errors:
        raise ValidationError(errors)
    with audit_context(by="household" if by is None else "staff", via=via):
        return household_update(household=household, by=by, changes={
            "preferred_channel": preferred_channel, "message_language": message_language,
            "news_opt_out": news_opt_out})
