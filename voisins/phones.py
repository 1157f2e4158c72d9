"""Phone numbers: read as typed, kept in E.164 (+32470123456), checked with phonenumbers.

Belgium is the default region for numbers written without a country code (0470 12 34 56);
a programme in another country reads them with its own country.
"""

from __future__ import annotations

import phonenumbers
from django.conf import settings


class InvalidPhone(ValueError):
    """The text is not a phone number that can be dialled."""


def default_region() -> str:
    return (getattr(settings, "VOISINS", {}).get("DEFAULT_COUNTRY") or "BE").upper()


def normalise_phone(text: str, region: str | None = None) -> str:
    """``text`` in E.164, or "" for an empty text.

    Raises
    ------
    InvalidPhone
        The text cannot be read as a phone number, or no such number exists.

    Examples
    --------
    >>> normalise_phone("0470 12 34 56", "BE")
    '+32470123456'
    >>> normalise_phone("+32 2 512 34 56")
    '+3225123456'
    """
    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, (region or default_region()).upper())
    except phonenumbers.NumberParseException:
        raise InvalidPhone(text) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """A stored number written for people: "+32 2 512 34 56" (as stored when unreadable).

    >>> display_phone("+3225123456")
    '+32 2 512 34 56'
    """
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164),
                                          phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def can_receive_sms(e164: str) -> bool:
    """A mobile number (or one whose kind the numbering plan does not tell apart)."""
    if not e164:
        return False
    try:
        kind = phonenumbers.number_type(phonenumbers.parse(e164))
    except phonenumbers.NumberParseException:
        return False
    return kind in (phonenumbers.PhoneNumberType.MOBILE,
                    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def mask_phone(text: str) -> str:
    """Every run of digits long enough to be part of a phone number, replaced by "…".

    For provider error messages and logs, which must not hold a number.
    """
    import re

    return re.sub(r"\+?\d[\d\s().-]{4,}\d", "…", text or "")
