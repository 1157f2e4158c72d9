"""Writes of training: modules, sessions, registration under capacity, attendance."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voisins.accounts.models import User
from voisins.households.models import VolunteerHousehold
from voisins.households.services import household_set_status
from voisins.households.status import VolunteerStatus
from voisins.programmes.models import Programme

from .models import Registration, TrainingModule, TrainingSession
from .selectors import has_completed_required_training


def training_module_create(*, programme: Programme, title: str, description: str = "",
                           required: bool = False, position: int = 0) -> TrainingModule:
    """Add a module to the programme's training."""
    module = TrainingModule(programme=programme, title=title, description=description,
                            required=required, position=position)
    module.full_clean()
    module.save()
    return module


def training_module_update(*, module: TrainingModule, **fields: Any) -> TrainingModule:
    """Change a module, for example whether it is required before matching."""
    for name, value in fields.items():
        setattr(module, name, value)
    module.full_clean()
    module.save()
    return module


def training_session_create(*, module: TrainingModule, **fields: Any) -> TrainingSession:
    """Plan a session: starts_at, ends_at, place or video_url, capacity."""
    session = TrainingSession(module=module, **fields)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def registration_create(*, session: TrainingSession,
                        volunteer: VolunteerHousehold) -> Registration:
    """Register a household for a session, never beyond its places.

    The session row is locked, so concurrent registrations are counted one at a time.

    Raises
    ------
    ValidationError
        On ``session`` when it is full, already started, or of another programme, or
        when the household has left the programme (it applies again first).
    """
    session = TrainingSession.objects.select_for_update().select_related("module").get(
        pk=session.pk)
    if session.module.programme_id != volunteer.programme_id:
        raise ValidationError({"session": _("This session belongs to another programme.")})
    if volunteer.status == VolunteerStatus.LEFT:
        raise ValidationError({"session": _(
            "You have left the programme: ask its coordinators to join again first.")})
    existing = Registration.objects.filter(session=session, volunteer=volunteer).first()
    if existing is not None:
        return existing
    if session.starts_at <= timezone.now():
        raise ValidationError({"session": _("This session has already started.")})
    if session.registrations.count() >= session.capacity:
        raise ValidationError({"session": _("This session is full: choose another date.")})
    return Registration.objects.create(session=session, volunteer=volunteer)


@transaction.atomic
def registration_add_walk_in(*, session: TrainingSession,
                             volunteer: VolunteerHousehold) -> Registration:
    """A coordinator adds a household to a session: before it starts as any registration
    (within its places), and from its day on — a walk-in, who came without registering —
    whether or not it has started, beyond the places (they were in the room).

    Raises
    ------
    ValidationError
        On ``session``, as :func:`registration_create` before the session's day; of
        another programme, or a household that left, at any time.
    """
    session = TrainingSession.objects.select_for_update().select_related("module").get(
        pk=session.pk)
    if timezone.localdate() < timezone.localdate(session.starts_at):
        return registration_create(session=session, volunteer=volunteer)
    if session.module.programme_id != volunteer.programme_id:
        raise ValidationError({"session": _("This session belongs to another programme.")})
    if volunteer.status == VolunteerStatus.LEFT:
        raise ValidationError({"session": _(
            "This household has left the programme: it applies again first.")})
    registration, _created = Registration.objects.get_or_create(session=session,
                                                               volunteer=volunteer)
    return registration


def registration_cancel(*, registration: Registration) -> None:
    """Withdraw from a session that has not started; attendance records are kept."""
    if registration.session.starts_at <= timezone.now():
        raise ValidationError({"session": _("This session has already started.")})
    registration.delete()


@transaction.atomic
def attendance_record(*, session: TrainingSession, attended: Iterable[int],
                      by: User | None = None) -> list[VolunteerHousehold]:
    """Record who of the registered households attended (ids in `attended`), and move
    each screened household that now completed the required training to "trained".

    Returns the households that moved.

    Raises
    ------
    ValidationError
        On ``session`` when it has not started yet: nobody attended it so far.
    """
    # Read again (and locked): what counts is the session as stored now.
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.starts_at > timezone.now():
        raise ValidationError({"session": _(
            "This session has not started yet: record who attended once it has begun.")})
    attended = set(attended)
    moved = []
    for registration in session.registrations.select_for_update().select_related("volunteer"):
        registration.attended = registration.volunteer_id in attended
        # update_fields without full_clean(): only a boolean changes.
        registration.save(update_fields=["attended"])
        volunteer = registration.volunteer
        if (registration.attended and volunteer.status == VolunteerStatus.SCREENED
                and has_completed_required_training(volunteer)):
            household_set_status(household=volunteer, status=VolunteerStatus.TRAINED, by=by,
                                 note=_("required training completed"))
            moved.append(volunteer)
    return moved
