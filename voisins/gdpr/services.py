"""GDPR duties: consent before each use, erasure, and the retention purge.

Erasure anonymises rather than deletes: the household keeps its place in every count,
its status history and its dates (so funnel, waiting-time and survival figures stay
true), but loses everything that points to a person — names, contact details, notes,
pinned point, free text, the link to a login account.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from voisins.accounts.models import User
from voisins.households.models import FamilyHousehold, Member, StatusChange, VolunteerHousehold
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.places import find_postcode
from voisins.privacy.models import Consent, ConsentPurpose
from voisins.programmes.models import Programme

from .errors import ConsentRequired
from .models import Erasure, ErasureReason

Household = FamilyHousehold | VolunteerHousehold
ERASED_NAME = "—"

# Other apps add what they hold about a household (their `privacy.py`, found by
# voisins.gdpr at start-up): each hook anonymises its own records (match notes, case texts,
# feedback) inside the erasure's transaction, before the household itself, so that it can
# still tell which records were the person's (by e-mail, by account).
ERASE_HOOKS: list[Callable[[Household], None]] = []
# …and which households were active lately: `source(kind, since)` gives the ids of the
# households of that kind ("family" or "volunteer") active at or after `since`, or still
# active now (a live match), as a query the purge uses as a subquery.
ACTIVITY_SOURCES: list[Callable[[str, datetime], QuerySet]] = []


def register_erase_hook(hook: Callable[[Household], None]) -> Callable[[Household], None]:
    """Decorator: run `hook(household)` whenever a household is erased."""
    if hook not in ERASE_HOOKS:
        ERASE_HOOKS.append(hook)
    return hook


def register_activity_source(source: Callable[[str, datetime], QuerySet]
                             ) -> Callable[[str, datetime], QuerySet]:
    """Decorator: count what `source(kind, since)` finds as activity for the retention purge."""
    if source not in ACTIVITY_SOURCES:
        ACTIVITY_SOURCES.append(source)
    return source


def kind_of(household: Household) -> str:
    return "family" if isinstance(household, FamilyHousehold) else "volunteer"


# --- Consent -----------------------------------------------------------------------------

def require_consent(household: Household, purpose: str) -> None:
    """Stop a use of `household`'s data that its consent does not cover.

    Call it right before the use (matching, sharing contact details, sending a survey):
    a consent withdrawn a minute ago counts.

    Raises
    ------
    ConsentRequired
        When there is no consent for `purpose` that was not withdrawn, or the purpose is
        unknown.
    """
    if purpose not in ConsentPurpose.values:
        raise ConsentRequired(household, purpose)
    field = "family" if isinstance(household, FamilyHousehold) else "volunteer"
    if not Consent.objects.filter(**{field: household}, purpose=purpose,
                                  withdrawn_at__isnull=True).exists():
        raise ConsentRequired(household, purpose)


def with_consent(queryset: QuerySet, purpose: str) -> QuerySet:
    """Only the households of `queryset` that consent to `purpose` now (for batch uses).

    One subquery (no join), so it composes with annotated querysets.
    """
    field = "family" if queryset.model is FamilyHousehold else "volunteer"
    return queryset.filter(Exists(Consent.objects.filter(
        **{field: OuterRef("pk")}, purpose=purpose, withdrawn_at__isnull=True)))


# --- Erasure -----------------------------------------------------------------------------

def is_erased(household: Household) -> bool:
    return Erasure.objects.filter(kind=kind_of(household), household_id=household.pk).exists()


def _anonymise_user(user: User) -> None:
    user.email = f"erased-{user.pk}@invalid.example"
    user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.filter(user=user).delete()
    user.api_tokens.all().delete()
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=user).delete()


@transaction.atomic
def household_erase(*, household: Household, by: User | None = None,
                    reason: str = ErasureReason.REQUEST) -> Erasure:
    """Anonymise a household for good, keeping what aggregate figures need.

    Kept: programme, status and its history (dates, steps), postcode and locality,
    languages, needs or offers, availability, radius, capacity, members' kind, birth
    year and school level, consent records (purpose and dates). Removed: names, e-mail,
    phone, reference, pinned point (moved to the postcode's centre), notes and free text,
    who spoke for the family, the interpreter, and the volunteer's login account. Other
    apps' hooks (``ERASE_HOOKS``) do the same to their records: matches, check-ins and
    cases keep their dates, states and ratings, lose their free text.

    Idempotent: erasing an erased household returns the first erasure.
    """
    model = type(household)
    locked = model.objects.select_for_update().get(pk=household.pk)
    kind = kind_of(locked)
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
    if isinstance(locked, FamilyHousehold):
        locked.wishes_note = ""
    else:
        locked.motivation = ""
        locked.exception_reason = ""  # a coordinator's words, which may name people
        if locked.user_id is not None:
            _anonymise_user(locked.user)
            locked.user = None
    locked.save()
    key = "family" if kind == "family" else "volunteer"
    Member.objects.filter(**{key: locked}).update(first_name="")
    StatusChange.objects.filter(**{key: locked}).update(note="")
    Consent.objects.filter(**{key: locked}).update(given_by_name="", interpreter="")
    household.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    return Erasure.objects.create(programme_id=locked.programme_id, kind=kind,
                                  household_id=locked.pk, reason=reason, erased_by=by)


# --- Retention ---------------------------------------------------------------------------

def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    import calendar

    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def inactive_households(programme: Programme, *, now: datetime | None = None
                        ) -> tuple[QuerySet, QuerySet]:
    """Families and volunteer households of `programme` inactive for longer than its
    retention period, and not yet erased.

    Inactive: the household itself did not change (``last_activity_at``), it is not
    matched, and no other app records activity for it since the cutoff
    (``ACTIVITY_SOURCES``: a live match, a proposal, an answered check-in, a case, a
    training, a survey, an event…).
    """
    cutoff = months_before(now or timezone.now(), programme.retention_months)
    erased = Erasure.objects.filter(programme=programme)
    families = FamilyHousehold.objects.filter(
        programme=programme, last_activity_at__lt=cutoff
    ).exclude(status=FamilyStatus.MATCHED).exclude(
        pk__in=erased.filter(kind="family").values("household_id"))
    volunteers = VolunteerHousehold.objects.filter(
        programme=programme, last_activity_at__lt=cutoff
    ).exclude(status=VolunteerStatus.MATCHED).exclude(
        pk__in=erased.filter(kind="volunteer").values("household_id"))
    for source in ACTIVITY_SOURCES:
        families = families.exclude(pk__in=source("family", cutoff))
        volunteers = volunteers.exclude(pk__in=source("volunteer", cutoff))
    return families, volunteers


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


def erased_filter(kind: str) -> Q:
    """A condition on households: not erased (for lists that should skip them)."""
    return ~Q(pk__in=Erasure.objects.filter(kind=kind).values("household_id"))
