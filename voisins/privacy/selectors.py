"""Reads of privacy records."""

from django.db.models import QuerySet

from .models import Consent


def consents_with_notice() -> QuerySet[Consent]:
    """Consent records with the privacy notice each was given under, for access to narrow
    to the one asked for."""
    return Consent.objects.select_related("notice")
