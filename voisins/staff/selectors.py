"""Reads of the staff pages that cross apps."""

from typing import Any

from django.db.models import QuerySet

from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.matches.models import Match, Proposal
from voisins.messaging.selectors import household_messages
from voisins.privacy.models import Consent

Household = FamilyHousehold | VolunteerHousehold


def _key(household: Household) -> str:
    return "family" if isinstance(household, FamilyHousehold) else "volunteer"


def household_story(household: Household) -> dict[str, Any]:
    """What a coordinator sees of a household's life in the programme besides its data:
    its consents (newest first), its proposals and its matches, with the other side, and
    the messages sent to it (channel, purpose, state, date)."""
    key = _key(household)
    other = "volunteer" if key == "family" else "family"
    proposals: QuerySet[Proposal] = (Proposal.objects.filter(**{key: household})
                                     .select_related(other).order_by("-created_at", "-id"))
    matches: QuerySet[Match] = (Match.objects.filter(**{key: household})
                                .select_related(other).order_by("-started_on", "-id"))
    consents = Consent.objects.filter(**{key: household}).select_related("notice",
                                                                          "recorded_by")
    story = {"consents": list(consents), "proposals": list(proposals[:20]),
             "matches": list(matches[:20]),
             "household_messages": list(household_messages(household))}
    for record in story["proposals"] + story["matches"]:
        record.other = getattr(record, other)
    return story
