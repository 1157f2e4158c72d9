"""The pipelines a household moves along, and which moves are allowed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VolunteerStatus(models.TextChoices):
    APPLIED = "applied", _("applied")
    SCREENED = "screened", _("screened")
    TRAINED = "trained", _("trained")
    AVAILABLE = "available", _("available")
    MATCHED = "matched", _("matched")
    PAUSED = "paused", _("paused")
    LEFT = "left", _("left")


class FamilyStatus(models.TextChoices):
    REFERRED = "referred", _("referred")
    INTAKE_DONE = "intake_done", _("intake done")
    WAITING = "waiting", _("waiting")
    MATCHED = "matched", _("matched")
    ENDED = "ended", _("ended")


V, F = VolunteerStatus, FamilyStatus

# A volunteer household with capacity left goes back from matched to available when a
# match ends; anyone may leave at any time; a paused household comes back where it was
# useful (available).
VOLUNTEER_TRANSITIONS: dict[str, frozenset[str]] = {
    V.APPLIED: frozenset({V.SCREENED, V.LEFT}),
    V.SCREENED: frozenset({V.TRAINED, V.LEFT}),
    V.TRAINED: frozenset({V.AVAILABLE, V.PAUSED, V.LEFT}),
    V.AVAILABLE: frozenset({V.MATCHED, V.PAUSED, V.LEFT}),
    V.MATCHED: frozenset({V.AVAILABLE, V.PAUSED, V.LEFT}),
    V.PAUSED: frozenset({V.AVAILABLE, V.MATCHED, V.LEFT}),
    V.LEFT: frozenset({V.APPLIED}),
}

# A family whose match ended may go back to the waiting list; an ended file may be
# reopened (the family asks again) through the waiting list.
FAMILY_TRANSITIONS: dict[str, frozenset[str]] = {
    F.REFERRED: frozenset({F.INTAKE_DONE, F.ENDED}),
    F.INTAKE_DONE: frozenset({F.WAITING, F.ENDED}),
    F.WAITING: frozenset({F.MATCHED, F.ENDED}),
    F.MATCHED: frozenset({F.WAITING, F.ENDED}),
    F.ENDED: frozenset({F.WAITING}),
}


def can_move(transitions: dict[str, frozenset[str]], current: str, new: str) -> bool:
    return new in transitions.get(current, frozenset())
