"""Writes a volunteer household makes on itself, from its portal or through its personal
link."""

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voisins.accounts.models import User
from voisins.familypages.selectors import volunteer_page_language
from voisins.familypages.services import household_page_url
from voisins.households.models import VolunteerHousehold
from voisins.households.services import household_set_status
from voisins.households.status import VOLUNTEER_TRANSITIONS, VolunteerStatus, can_move
from voisins.matches.notifications import notify
from voisins.recruitment.ratelimit import hit_value


@transaction.atomic
def volunteer_update_preferences(*, volunteer: VolunteerHousehold, offers: list[str],
                                 availability: list[str], radius_km: float,
                                 capacity: int) -> VolunteerHousehold:
    """Change what the household offers, when, how far and for how many families."""
    volunteer = VolunteerHousehold.objects.select_for_update().get(pk=volunteer.pk)
    volunteer.offers, volunteer.availability = list(offers), list(availability)
    volunteer.radius_km, volunteer.capacity = radius_km, capacity
    volunteer.last_activity_at = timezone.now()
    volunteer.full_clean()
    volunteer.save()
    return volunteer


def volunteer_pause(*, volunteer: VolunteerHousehold, by: User | None) -> VolunteerHousehold:
    """The household takes a break: it is proposed to no family until it comes back."""
    if not can_move(VOLUNTEER_TRANSITIONS, volunteer.status, VolunteerStatus.PAUSED):
        raise ValidationError({"status": _("A pause is possible once your training is done.")})
    return household_set_status(household=volunteer, status=VolunteerStatus.PAUSED, by=by,
                                note=_("paused by the household"))


def volunteer_resume(*, volunteer: VolunteerHousehold, by: User | None) -> VolunteerHousehold:
    """The household is back from its pause and available again."""
    if volunteer.status != VolunteerStatus.PAUSED:
        raise ValidationError({"status": _("You are not on a pause.")})
    return household_set_status(household=volunteer, status=VolunteerStatus.AVAILABLE, by=by,
                                note=_("back from a pause"))


# --- Through the household's personal link (no account) ------------------------------------

# Personal links mailed to one address, whoever asks: a mailbox is never flooded.
LINK_REQUESTS_PER_ADDRESS, LINK_REQUEST_WINDOW = 3, 24 * 3600


@transaction.atomic
def volunteer_account_create(*, volunteer: VolunteerHousehold, email: str, password: str,
                             language: str = "") -> User:
    """Turn a volunteer household's personal link into an account: a new login (allauth)
    attached to the household, or a password for the login it already has without one.

    The address is taken as verified when it is the one the association holds for the
    household (its messages go there); another address is verified by allauth at the
    first login. An account that has a password, or belongs to someone else, is never
    touched: a link's holder cannot take over a login.

    Raises
    ------
    ValidationError
        On ``email`` (missing, or already an account's), ``password`` (too weak, by the
        site's password rules), or ``account`` (the household has a password already).
    """
    volunteer = VolunteerHousehold.objects.select_for_update(of=("self",)).select_related(
        "user").get(pk=volunteer.pk)
    user = volunteer.user
    if user is not None and (user.has_usable_password() or user.is_staff
                             or user.memberships.exists()):
        raise ValidationError({"account": _(
            "This household already has an account: log in with its e-mail address, or use "
            "“Forgot your password?”.")})
    email = (user.email if user is not None else email).strip().lower()
    if not email:
        raise ValidationError({"email": _("Give an e-mail address: you will log in with it.")})
    if user is None:
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": _(
                "An account already uses this address: log in with it, or choose another "
                "address.")})
        user = User(email=email, first_name=volunteer.contact_first_name, language=language)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from None
    user.set_password(password)
    user.full_clean(exclude=["password", "username"])
    try:
        with transaction.atomic():  # the same address chosen at the same moment elsewhere
            user.save()
    except IntegrityError:
        raise ValidationError({"email": _(
            "An account already uses this address: log in with it, or choose another "
            "address.")}) from None
    verified = email == (volunteer.email or "").strip().lower() or EmailAddress.objects.filter(
        user=user, email__iexact=email, verified=True).exists()
    EmailAddress.objects.update_or_create(user=user, email=email,
                                          defaults={"verified": verified, "primary": True})
    if volunteer.user_id != user.pk:
        volunteer.user = user
        volunteer.save(update_fields=["user"])
    return user


def volunteer_link_request(*, email: str) -> int:
    """Mail its personal link to each volunteer household known by `email` (its own
    address, or its account's), through the notification queue; the number queued.

    The caller answers the same whatever the number (no account enumeration); an address
    gets at most a few links a day, whoever asks.
    """
    email = (email or "").strip()
    if not email:
        return 0
    households = list(VolunteerHousehold.objects.filter(
        models.Q(email__iexact=email) | models.Q(user__email__iexact=email),
        archived=False).select_related("programme", "user").order_by("id")[:5])
    if not households or not hit_value("volunteer-link", email, limit=LINK_REQUESTS_PER_ADDRESS,
                                       window=LINK_REQUEST_WINDOW):
        return 0
    with transaction.atomic():
        for household in households:
            notify(kind="personal_link", to_email=email, programme=household.programme,
                   language=volunteer_page_language(household), context={
                       "name": household.contact_first_name,
                       "programme": household.programme.name,
                       "link": household_page_url(household=household)})
    return len(households)
