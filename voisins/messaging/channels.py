"""How a household is reached (its channel and address) and the site's address for links:
read by the queue (services) and by the previews of who will be reached (selectors)."""

from __future__ import annotations

from django.conf import settings

from voisins.households.models import Channel, Household
from voisins.phones import can_receive_sms


def site_url() -> str:
    return (getattr(settings, "VOISINS", {}).get("SITE_URL", "")
            or "http://127.0.0.1:8000").rstrip("/")


# --- Choosing a channel ----------------------------------------------------------------------

def household_email(household: Household) -> str:
    """The household's own address, else (volunteer) its account's."""
    user = getattr(household, "user", None) if getattr(household, "user_id", None) else None
    return household.email or (user.email if user is not None else "")


def channel_for(household: Household) -> tuple[str, str]:
    """The channel to reach ``household`` through, and the address or number to use.

    Its preferred channel when it has it (and it is not marked "to check"), else e-mail,
    else SMS to a mobile number, else a coordinator calls (``Channel.PHONE``, the number
    if any).
    """
    email = "" if household.email_check else household_email(household)
    mobile = household.phone if (not household.phone_check
                                 and can_receive_sms(household.phone)) else ""
    preferred = household.preferred_channel
    if preferred == Channel.PHONE:
        return Channel.PHONE, household.phone
    if preferred == Channel.SMS and mobile:
        return Channel.SMS, mobile
    if preferred == Channel.EMAIL and email:
        return Channel.EMAIL, email
    if email:
        return Channel.EMAIL, email
    if mobile:
        return Channel.SMS, mobile
    return Channel.PHONE, household.phone
