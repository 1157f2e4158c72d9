"""Writes of the volunteer journey's front door: public texts, news, campaigns, visits,
sign-ups and their confirmation, screening, the charter, and family referrals."""

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voisins.accounts.models import User
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.services import (
    family_create,
    household_locate,
    household_set_status,
    volunteer_create,
)
from voisins.households.status import VolunteerStatus
from voisins.privacy.models import ConsentPurpose
from voisins.privacy.services import consent_give
from voisins.programmes.models import Programme

from .models import (
    Campaign,
    Charter,
    Decision,
    NewsPost,
    PublicText,
    Screening,
    Signup,
    Visit,
    VolunteerOrigin,
)
from .tokens import SIGNUP_MAX_AGE, signup_token

# --- Public page and news -------------------------------------------------------------

def public_text_save(*, programme: Programme, language: str, **fields: Any) -> PublicText:
    """Create or replace the public page's text in one language."""
    text = PublicText.objects.filter(programme=programme, language=language).first()
    text = text or PublicText(programme=programme, language=language)
    for name, value in fields.items():
        setattr(text, name, value)
    text.full_clean()
    text.save()
    return text


def news_post_create(*, programme: Programme, author: User | None, language: str, title: str,
                     body: str, summary: str = "") -> NewsPost:
    """Publish a news post on the programme's public page and feed."""
    post = NewsPost(programme=programme, author=author, language=language, title=title,
                    body=body, summary=summary)
    post.full_clean()
    post.save()
    return post


def news_post_update(*, post: NewsPost, **fields: Any) -> NewsPost:
    """Correct a news post; its publication date stays."""
    for name, value in fields.items():
        setattr(post, name, value)
    post.full_clean()
    post.save()
    return post


# --- Campaigns and visits -------------------------------------------------------------

def campaign_create(*, programme: Programme, name: str, channel: str,
                    by: User | None = None, target_postcode: str = "",
                    target_language: str = "", target_slot: str = "",
                    target_need: str = "") -> Campaign:
    """Create a campaign with its own tracked link code (and, when it was made from a
    recruitment gap, whom it looks for)."""
    campaign = Campaign(programme=programme, name=name, channel=channel, created_by=by,
                        target_postcode=target_postcode, target_language=target_language,
                        target_slot=target_slot, target_need=target_need)
    campaign.full_clean()
    campaign.save()
    return campaign


def visit_record(*, programme: Programme, campaign: Campaign | None) -> Visit:
    """Count one visit to the sign-up form (the caller counts each browser session once)."""
    return Visit.objects.create(programme=programme, campaign=campaign)


# --- Sign-up ----------------------------------------------------------------------------

@transaction.atomic
def signup_submit(*, programme: Programme, data: dict[str, Any], campaign: Campaign | None,
                  language: str, confirm_url_for: Any) -> Signup:
    """Keep a sign-up until its address is confirmed, and mail the confirmation link.

    ``data`` is the cleaned form (see ``forms.SignupForm.household_data``); nothing becomes
    a volunteer household before the link is followed. ``confirm_url_for(token)`` builds
    the absolute link. The mail leaves after the commit.
    """
    signup = Signup(programme=programme, campaign=campaign, email=data["email"].lower(),
                    language=language, data=data)
    signup.full_clean()
    signup.save()
    from voisins.matches.notifications import notify

    # Nothing that the visitor typed goes into a mail to an address not yet confirmed
    # (anyone can type anyone's address): no name in the greeting.
    notify(kind="signup_confirm", to_email=signup.email, language=language,
           programme=programme, context={
               "programme": programme.name, "confirm_url": confirm_url_for(signup_token(signup))})
    return signup


def _user_for(email: str) -> User:
    from allauth.account.models import EmailAddress

    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None)
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


@transaction.atomic
def signup_confirm(*, signup: Signup) -> Signup:
    """Turn a confirmed sign-up into a volunteer household, or merge it into the one that
    already has this e-mail address in the programme.

    The programme row is locked so that two confirmations of the same address at once
    cannot create two households. Confirming twice changes nothing.
    """
    Programme.objects.select_for_update().get(pk=signup.programme_id)
    signup = Signup.objects.select_for_update().select_related("programme").get(pk=signup.pk)
    if signup.confirmed_at is not None:
        return signup
    data = dict(signup.data)
    members = data.pop("members", [])
    data.pop("email", None)
    existing = (VolunteerHousehold.objects.select_for_update()
                .filter(programme=signup.programme, email__iexact=signup.email)
                .order_by("created_at", "id").first())
    if existing is None:
        household = volunteer_create(programme=signup.programme, members=members,
                                     email=signup.email, status=VolunteerStatus.APPLIED, **data)
        VolunteerOrigin.objects.create(
            volunteer=household, campaign=signup.campaign,
            channel=signup.campaign.channel if signup.campaign else "")
    else:
        household = _merge(existing, data, members)
        signup.merged = True
    user = _user_for(signup.email)
    if household.user_id is None and not VolunteerHousehold.objects.filter(user=user).exists():
        household.user = user
        # update_fields without full_clean(): only the link to the account made here changes.
        household.save(update_fields=["user"])
    consent_give(household=household, purpose=ConsentPurpose.MATCHING)
    signup.volunteer = household
    signup.confirmed_at = timezone.now()
    # update_fields without full_clean(): the household and account made here, and the time.
    signup.save(update_fields=["volunteer", "confirmed_at", "merged"])
    return signup


def _merge(household: VolunteerHousehold, data: dict[str, Any],
           members: list[dict[str, Any]]) -> VolunteerHousehold:
    """The newest answers win for what a household states (languages, offers, time,
    radius, contact); the motivation is added to, members and history are kept."""
    postcode = data.pop("postcode")
    motivation = data.pop("motivation", "")
    for name, value in data.items():
        setattr(household, name, value)
    if motivation and motivation not in household.motivation:
        household.motivation = "\n\n".join(m for m in (household.motivation, motivation) if m)
    if not household.pinned:
        household_locate(household=household, postcode=postcode)
    household.last_activity_at = timezone.now()
    household.full_clean()
    household.save()
    if not household.members.exists():
        for member in members:
            household.members.create(**member)
    if household.status == VolunteerStatus.LEFT:
        household_set_status(household=household, status=VolunteerStatus.APPLIED,
                             note=_("signed up again"))
    return household


def signups_purge_unconfirmed(*, now: datetime | None = None) -> int:
    """Delete sign-ups whose confirmation link has expired: their answers were never
    confirmed and must not be kept. Returns how many were deleted."""
    now = now or timezone.now()
    deleted, _details = Signup.objects.filter(
        confirmed_at__isnull=True,
        created_at__lt=now - timedelta(seconds=SIGNUP_MAX_AGE)).delete()
    return deleted


# --- Charter and screening --------------------------------------------------------------

def charter_publish(*, programme: Programme, version: str, text: str) -> Charter:
    """Publish a new version of the charter; volunteers accept the newest one."""
    charter = Charter(programme=programme, version=version, text=text)
    charter.full_clean()
    charter.save()
    return charter


def _screening(volunteer: VolunteerHousehold) -> Screening:
    screening, _created = Screening.objects.select_for_update().get_or_create(
        volunteer=volunteer)
    return screening


@transaction.atomic
def screening_update(*, volunteer: VolunteerHousehold, **fields: Any) -> Screening:
    """Plan or record the interview and keep notes (interview_at, interview_place,
    interview_held_at, notes)."""
    screening = _screening(volunteer)
    for name, value in fields.items():
        setattr(screening, name, value)
    screening.full_clean()
    screening.save()
    return screening


@transaction.atomic
def screening_accept_charter(*, volunteer: VolunteerHousehold) -> Screening:
    """Record that the household accepted the newest version of its programme's charter.

    Raises ValidationError on ``charter`` when the programme has published none."""
    charter = Charter.objects.filter(programme_id=volunteer.programme_id).first()
    if charter is None:
        raise ValidationError({"charter": _("The programme has not published a charter yet.")})
    screening = _screening(volunteer)
    screening.charter = charter
    screening.charter_accepted_at = timezone.now()
    screening.full_clean()
    screening.save()
    return screening


@transaction.atomic
def screening_decide(*, volunteer: VolunteerHousehold, decision: str, by: User | None,
                     note: str = "") -> Screening:
    """Accept (the household moves to "screened") or decline ("left") after screening.

    Raises
    ------
    ValidationError
        On ``interview_held_at`` or ``charter`` when accepting before the interview was
        held or the charter accepted; on ``decision`` for an unknown decision.
    """
    if decision not in (Decision.ACCEPTED, Decision.DECLINED):
        raise ValidationError({"decision": _("Choose to accept or decline.")})
    screening = _screening(volunteer)
    screening.decision = decision
    screening.decided_at = timezone.now()
    screening.decided_by = by
    screening.full_clean()
    screening.save()
    status = VolunteerStatus.SCREENED if decision == Decision.ACCEPTED else VolunteerStatus.LEFT
    if volunteer.status != status:
        household_set_status(household=volunteer, status=status, by=by,
                             note=note or _("screening decision"))
    return screening


# --- Referrals ------------------------------------------------------------------------

@transaction.atomic
def referral_create(*, programme: Programme, referrer: User, consent_given_by: str,
                    interpreter: str = "", **fields: Any) -> FamilyHousehold:
    """A partner's social worker refers a family; the family's consent to be matched is
    recorded on its behalf, naming who gave it and any interpreter."""
    from voisins.programmes.models import Membership

    membership = Membership.objects.filter(user=referrer, programme=programme).first()
    family = family_create(
        programme=programme, by=referrer, referrer=referrer,
        referrer_organisation=membership.organisation if membership else None, **fields)
    consent_give(household=family, purpose=ConsentPurpose.MATCHING, recorded_by=referrer,
                 given_by_name=consent_given_by, interpreter=interpreter)
    return family
