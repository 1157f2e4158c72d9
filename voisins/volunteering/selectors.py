"""Reads of the information note, its acknowledgements and the insurance policies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from voisins.households.models import VolunteerHousehold
from voisins.households.status import VolunteerStatus
from voisins.programmes.models import Programme

from .models import Acknowledgement, InformationNote, InsurancePolicy
from .texts import blocks, note_text

# The households the note is for: those starting or active (not yet screened, or gone,
# they are not volunteering with the programme).
ACTIVE_STATUSES = (VolunteerStatus.SCREENED, VolunteerStatus.TRAINED,
                   VolunteerStatus.AVAILABLE, VolunteerStatus.MATCHED,
                   VolunteerStatus.PAUSED)


def notes_of(programme: Programme) -> QuerySet[InformationNote]:
    """Every version of the programme's note, newest first, with how many acknowledged."""
    return (InformationNote.objects.filter(programme=programme)
            .annotate(acknowledged=Count("acknowledgements", filter=Q(
                acknowledgements__acknowledged_at__isnull=False)))
            .order_by("-version"))


def current_note(programme: Programme | int, now: datetime | None = None
                 ) -> InformationNote | None:
    """The version in force: the last one published by `now`."""
    return (InformationNote.objects.filter(programme=programme,
                                           published_at__lte=now or timezone.now())
            .select_related("programme").order_by("-version").first())


def notes_with_programme() -> QuerySet[InformationNote]:
    """Every note, with its programme (narrowed by voisins.access to the user's)."""
    return InformationNote.objects.select_related("programme")


def note_of_programme(programme: Programme, pk: object) -> InformationNote | None:
    """A version of the programme's note by number (None for anything else)."""
    try:
        pk = int(pk)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return InformationNote.objects.filter(programme=programme, pk=pk).select_related(
        "programme").first()


def policies_of(programme: Programme) -> QuerySet[InsurancePolicy]:
    return (InsurancePolicy.objects.filter(programme=programme)
            .prefetch_related("households").order_by("-valid_from", "-id"))


def policies_in_force(programme: Programme | int, day: date | None = None
                      ) -> list[InsurancePolicy]:
    """The programme's policies valid on `day` (today)."""
    day = day or timezone.localdate()
    return list(InsurancePolicy.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        programme=programme, valid_from__lte=day).order_by("valid_from", "id"))


def policies_for_household(volunteer: VolunteerHousehold, day: date | None = None
                           ) -> list[InsurancePolicy]:
    """The policies in force that cover `volunteer`: every active household, or a chosen
    set it belongs to."""
    return [p for p in policies_in_force(volunteer.programme_id, day)
            if p.covers_all or p.households.filter(pk=volunteer.pk).exists()]


def policy_households(policy: InsurancePolicy) -> QuerySet[VolunteerHousehold]:
    """The households a policy covers."""
    if policy.covers_all:
        return expected_households(policy.programme)
    return policy.households.order_by("contact_last_name", "contact_first_name")


def expected_households(programme: Programme) -> QuerySet[VolunteerHousehold]:
    """The volunteer households that must receive the note."""
    return (VolunteerHousehold.objects.filter(programme=programme,
                                              status__in=ACTIVE_STATUSES)
            .order_by("contact_last_name", "contact_first_name", "pk"))


def unacknowledged(programme: Programme, note: InformationNote | None = None
                   ) -> QuerySet[VolunteerHousehold]:
    """Households that have not acknowledged `note` (the current version), each with
    `received` (whether it was shown the note)."""
    note = note or current_note(programme)
    households = expected_households(programme)
    if note is None:
        return households.none()
    mine = Acknowledgement.objects.filter(note=note, volunteer=OuterRef("pk"))
    return (households.annotate(received=Exists(mine))
            .exclude(Exists(mine.filter(acknowledged_at__isnull=False))))


def unacknowledged_count(programme: Programme) -> int | None:
    """How many have not acknowledged the current version; None without a note."""
    note = current_note(programme)
    return None if note is None else unacknowledged(programme, note).count()


def acknowledgements_of(note: InformationNote) -> QuerySet[Acknowledgement]:
    return (note.acknowledgements.filter(acknowledged_at__isnull=False)
            .select_related("volunteer", "recorded_by").order_by("-acknowledged_at"))


def acknowledgement_of(note: InformationNote, volunteer: VolunteerHousehold
                       ) -> Acknowledgement | None:
    return Acknowledgement.objects.filter(note=note, volunteer=volunteer).first()


def note_page(*, volunteer: VolunteerHousehold, language: str) -> dict[str, Any]:
    """What a household sees of the note: the current version in its language, with the
    policies that cover it, and whether it acknowledged it."""
    note = current_note(volunteer.programme_id)
    if note is None:
        return {"note": None, "volunteer": volunteer, "programme": volunteer.programme}
    text, text_language = note_text(note, language, policies_for_household(volunteer))
    return {"note": note, "volunteer": volunteer, "programme": volunteer.programme,
            "blocks": blocks(text), "text_language": text_language,
            "acknowledgement": acknowledgement_of(note, volunteer)}


def note_status(volunteer: VolunteerHousehold) -> dict[str, Any]:
    """For the household's home page: is there a note, and does it wait for its reading?"""
    note = current_note(volunteer.programme_id)
    if note is None:
        return {"information_note": None, "note_to_read": False}
    done = Acknowledgement.objects.filter(note=note, volunteer=volunteer,
                                          acknowledged_at__isnull=False).exists()
    return {"information_note": note, "note_to_read": not done}


def overview(programme: Programme) -> dict[str, Any]:
    """The coordinators' page: the versions, the current one, how many have not
    acknowledged it, the policies and whether one is in force."""
    note = current_note(programme)
    today = timezone.localdate()
    policies = list(policies_of(programme))
    return {"notes": list(notes_of(programme)), "current": note,
            "pending": unacknowledged_count(programme),
            "expected": expected_households(programme).count(),
            "policies": policies, "today": today,
            "in_force": [p for p in policies if p.in_force_on(today)]}


def programme_home(programme: Programme, *, counts: bool) -> dict[str, Any]:
    """For the programme's home page: whether a policy is in force and, with `counts`
    (for coordinators), whether there is a note and how many have not acknowledged it."""
    pending = unacknowledged_count(programme) if counts else None
    return {"counts": counts, "pending": pending,
            "policy_in_force": bool(policies_in_force(programme))}
