"""GDPR duties: consent before each use, erasure, and the retention purge.

Erasure anonymises rather than deletes: the household keeps its place in every count,
its status history and its dates (so funnel, waiting-time and survival figures stay
true), but loses everything that points to a person — names, contact details, notes,
pinned point, free text, the link to a login account.
"""

from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from voisins.accounts.models import User
from voisins.households.models import (
    FamilyHousehold,
    Household,
    Member,
    StatusChange,
)
from voisins.places import find_postcode
from voisins.privacy.models import Consent
from voisins.programmes.models import Programme

from .hooks import ACTIVITY_SOURCES, ERASE_HOOKS
from .models import Erasure, ErasureReason
from .selectors import inactive_households

ERASED_NAME = "—"


# --- Erasure -----------------------------------------------------------------------------

def _anonymise_user(user: User) -> None:
    user.email = f"erased-{user.pk}@invalid.example"
    user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    # No full_clean(): an erasure must go through even for an account that no longer
    # validates; it only blanks fields and writes an address that cannot receive mail.
    user.save()
    EmailAddress.objects.filter(user=user).delete()
    user.api_tokens.all().delete()
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=user).delete()


def _goes_on(household: Household) -> bool:
    now = timezone.now()
    return any(source(household.side, now).filter(pk=household.pk).exists()
               for source in ACTIVITY_SOURCES)


@transaction.atomic
def household_erase(*, household: Household, by: User | None = None,
                    reason: str = ErasureReason.REQUEST, archive: bool = False) -> Erasure:
    """Anonymise a household for good, keeping what aggregate figures need.

    Kept: programme, status and its history (dates, steps), postcode and locality,
    languages, needs or offers, availability, radius, capacity, members' kind, birth
    year and school level, consent records (purpose and dates). Removed: names, e-mail,
    phone, reference, pinned point (moved to the postcode's centre), notes and free text,
    who spoke for the family, the interpreter, and the volunteer's login account. Other
    apps' hooks (``ERASE_HOOKS``) do the same to their records: matches, check-ins and
    cases keep their dates, states and ratings, lose their free text.

    A household that is not in a live match is archived: it leaves the current lists and
    counts (waiting families, available volunteers) and the matching pool.

    With ``archive`` it is archived whatever goes on (a household that moved to another
    programme: voisins.transfers ended what went on here).

    Idempotent: erasing an erased household returns the first erasure.
    """
    model = type(household)
    locked = model.objects.select_for_update().get(pk=household.pk)
    kind = locked.side
    done = Erasure.objects.filter(kind=kind, household_id=locked.pk).first()
    if done is not None:
        return done
    for hook in ERASE_HOOKS:
        hook(locked)
    locked.contact_first_name = ERASED_NAME
    locked.contact_last_name = ""
    locked.email = ""
    locked.phone = ""
    locked.phone_unread = ""
    locked.reference = ""
    place = find_postcode(locked.programme.country, locked.postcode)
    if place is not None:
        locked.lat, locked.lon = place.lat, place.lon
    locked.pinned = False
    # Nobody can be reached any more: unless something still goes on with it (a live match,
    # an event to come: what the apps' activity sources find from now on), the household
    # leaves the current lists, the waiting list and the matching pool, as an archived
    # household does. Its status and history stay for the figures of the past.
    if archive or not _goes_on(locked):
        locked.archived = True
    if isinstance(locked, FamilyHousehold):
        locked.wishes_note = ""
    else:
        locked.motivation = ""
        locked.exception_reason = ""  # a coordinator's words, which may name people
        if locked.user_id is not None:
            _anonymise_user(locked.user)
            locked.user = None
    # No full_clean(): an erasure must go through even for a record that no longer validates
    # (an old import); it only blanks fields and moves the point to its postcode's centre.
    locked.save()
    key = "family" if kind == "family" else "volunteer"
    # A bare update (no full_clean()): erasure only blanks free text (see above).
    Member.objects.filter(**{key: locked}).update(first_name="")
    StatusChange.objects.filter(**{key: locked}).update(note="")
    Consent.objects.filter(**{key: locked}).update(given_by_name="", interpreter="")
    household.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    return Erasure.objects.create(programme_id=locked.programme_id, kind=kind,
                                  household_id=locked.pk, reason=reason, erased_by=by)


# --- Retention ---------------------------------------------------------------------------

def purge_inactive(*, now: datetime | None = None, dry_run: bool = False,
                   programme: Programme | None = None) -> dict[str, Any]:
    """Anonymise every household inactive for longer than its programme's retention period.

    Each household is erased in its own transaction, so a failure half-way keeps what was
    done and the next run carries on; running it twice erases nothing twice.

    Returns
    -------
    dict
        ``{"families": n, "volunteers": m, "dry_run": bool}``.
    """
    counts = {"families": 0, "volunteers": 0, "dry_run": dry_run}
    programmes = [programme] if programme is not None else Programme.objects.all()
    for prog in programmes:
        families, volunteers = inactive_households(prog, now=now)
        for key, queryset in (("families", families), ("volunteers", volunteers)):
            for household in queryset.iterator():
                if not dry_run:
                    household_erase(household=household, reason=ErasureReason.RETENTION)
                counts[key] += 1
    return counts
