"""The token of a volunteer's check-in link, answered without logging in (a family answers
through its personal link: ``voisins.familypages``)."""

from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import CheckIn, Side
from .selectors import CHECKIN_ANSWER_DAYS

CHECKIN_LINK_SALT = "voisins.matches.checkin"


def checkin_token(checkin: CheckIn) -> str:
    """The token of a volunteer's check-in link, answered without logging in. (A family
    answers through its personal link: ``voisins.familypages``.)"""
    return signing.TimestampSigner(salt=CHECKIN_LINK_SALT).sign_object({"c": checkin.pk})


def checkin_from_token(token: str) -> CheckIn:
    """The volunteer's check-in a link stands for. Refused when forged or older than 30 days."""
    try:
        data = signing.TimestampSigner(salt=CHECKIN_LINK_SALT).unsign_object(
            token, max_age=timedelta(days=CHECKIN_ANSWER_DAYS))
    except signing.SignatureExpired:
        raise ValidationError(_("This check-in link is more than 30 days old.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This check-in link is not valid.")) from None
    checkin = CheckIn.objects.select_related("match__family", "match__volunteer").filter(
        pk=data.get("c") if isinstance(data, dict) else None, side=Side.VOLUNTEER).first()
    if checkin is None:
        raise ValidationError(_("This check-in link is not valid."))
    return checkin
