"""What evaluation adds to the GDPR duties: a family's children's survey answers and a
volunteer household's meeting feedback in the data export; the feedback's free text
removed on erasure (the faces 1–5 and the themes stay: anonymous once the names are gone,
they keep the outcome figures true); a survey or feedback counts as activity for the
retention purge."""

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from voisins.gdpr.hooks import (
    register_activity_source,
    register_erase_hook,
    register_export_section,
)
from voisins.gdpr.selectors import iso
from voisins.households.models import FamilyHousehold, Household, VolunteerHousehold

from .models import MeetingFeedback, MeetingInvitation, SurveyResponse, new_token


@register_export_section("surveys", _("Children's survey answers"))
def export_surveys(household: Household) -> list[dict[str, Any]]:
    if not isinstance(household, FamilyHousehold):
        return []
    return [
        {"match": r.match_id, "child_birth_year": r.child.birth_year if r.child else None,
         "wave": r.wave, "age_band": r.age_band, "language": r.language,
         "answered_at": iso(r.answered_at),
         "answers": {a.indicator: a.value for a in r.answers.all()}}
        for r in SurveyResponse.objects.filter(match__family=household)
        .select_related("child").prefetch_related("answers")
    ]


@register_export_section("evaluation_meetings", _("Evaluation meetings"))
def export_meetings(household: Household) -> list[dict[str, Any]]:
    if not isinstance(household, VolunteerHousehold):
        return []
    rows = []
    for invitation in MeetingInvitation.objects.filter(volunteer=household).select_related(
            "meeting", "feedback"):
        feedback = getattr(invitation, "feedback", None)
        rows.append({
            "year": invitation.meeting.year, "planned_at": iso(invitation.meeting.planned_at),
            "attendance": invitation.attendance,
            "what_works": feedback.what_works if feedback else None,
            "what_is_hard": feedback.what_is_hard if feedback else None,
            "what_to_change": feedback.what_to_change if feedback else None,
            "themes": feedback.themes if feedback else [],
        })
    return rows


@register_erase_hook
def erase(household: Household) -> None:
    if not isinstance(household, VolunteerHousehold):
        return  # a family's survey answers are faces 1-5: anonymous once the names go
    MeetingFeedback.objects.filter(invitation__volunteer=household).update(
        what_works="", what_is_hard="", what_to_change="")
    # The feedback link stops working.
    for invitation in MeetingInvitation.objects.filter(volunteer=household):
        invitation.token = new_token()
        invitation.save(update_fields=["token"])


@register_activity_source
def activity(kind: str, since: datetime) -> QuerySet:
    if kind == "family":
        return FamilyHousehold.objects.filter(
            matches__survey_responses__answered_at__gte=since).values("pk")
    return VolunteerHousehold.objects.filter(
        Q(meeting_invitations__invited_at__gte=since)
        | Q(meeting_invitations__feedback__submitted_at__gte=since)).values("pk")
