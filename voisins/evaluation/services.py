"""Writes of evaluation: survey answers, the yearly meeting, its invitations, feedback and
minutes. Keyword-only, validated, mail sent only after commit."""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voisins.accounts.models import User
from voisins.gdpr.errors import ConsentRequired
from voisins.gdpr.selectors import require_consent
from voisins.households.models import Member, MemberKind, VolunteerHousehold
from voisins.households.status import VolunteerStatus
from voisins.matches.models import Match
from voisins.messaging.models import Purpose
from voisins.messaging.services import message_household
from voisins.privacy.models import ConsentPurpose
from voisins.programmes.models import Programme

from .models import (
    EvaluationMeeting,
    MeetingFeedback,
    MeetingInvitation,
    SurveyAnswer,
    SurveyResponse,
)
from .questions import Indicator, Wave, age_band, wave_opens_on
from .themes import Theme

logger = logging.getLogger(__name__)


# --- Outcome surveys ----------------------------------------------------------------------

def survey_record(
    *,
    match: Match,
    child: Member,
    wave: str,
    answers: dict[str, int],
    language: str,
    by: User | None = None,
    today: date | None = None,
) -> tuple[SurveyResponse, bool]:
    """Record one child's answers at one wave of a match.

    A wave is answered once: when the child already answered it, nothing changes and the
    first response is returned with ``False``. The family must have agreed to surveys.

    Returns
    -------
    (SurveyResponse, bool)
        The response kept, and whether it was created now.

    Raises
    ------
    ValidationError
        Naming the field: no survey consent, a person who is not a child of the family, an
        age outside 4–18, a wave not open yet, an unknown indicator, an answer outside 1–5,
        or no answer at all.
    """
    today = today or timezone.localdate()
    if wave not in Wave.values:
        raise ValidationError({"wave": _("Unknown survey wave.")})
    # Checked right before the use: a consent withdrawn a minute ago counts.
    try:
        require_consent(match.family, ConsentPurpose.SURVEYS)
    except ConsentRequired:
        raise ValidationError(
            {"family": _("The family has not agreed to answer surveys.")}) from None
    existing = SurveyResponse.objects.filter(match=match, child=child, wave=wave).first()
    if existing is not None:
        return existing, False
    if child.family_id != match.family_id or child.kind != MemberKind.CHILD:
        raise ValidationError({"child": _("This is not a child of the family.")})
    band = age_band(child.birth_year, today)
    if band is None:
        raise ValidationError({"child": _("The questionnaire is for children aged 4 to 18.")})
    if today < wave_opens_on(match, wave):
        raise ValidationError({"wave": _("This survey opens on %(date)s.") % {
            "date": wave_opens_on(match, wave).isoformat()}})
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language.")})
    errors = {}
    for indicator, value in answers.items():
        if indicator not in Indicator.values:
            errors[indicator] = _("Unknown indicator.")
        elif not isinstance(value, int) or not 1 <= value <= 5:
            errors[indicator] = _("Choose a face from 1 to 5.")
    if errors:
        raise ValidationError(errors)
    if not answers:
        raise ValidationError({"answers": _("Answer at least one question.")})
    try:
        with transaction.atomic():
            response = SurveyResponse(programme_id=match.programme_id, match=match, child=child,
                                      wave=wave, age_band=band, language=language,
                                      recorded_by=by)
            response.full_clean(exclude=["match", "child", "programme"])
            response.save()
            SurveyAnswer.objects.bulk_create(
                SurveyAnswer(response=response, indicator=i, value=v) for i, v in answers.items()
            )
    except IntegrityError:
        # Answered at the same moment elsewhere: the first one stays.
        return SurveyResponse.objects.get(match=match, child=child, wave=wave), False
    return response, True


# --- The yearly evaluation meeting -----------------------------------------------------------

@transaction.atomic
def meeting_plan(*, programme: Programme, year: int, planned_at: datetime, place: str,
                 feedback_until: date | None = None, by: User | None = None
                 ) -> EvaluationMeeting:
    """Plan the evaluation meeting of `year` (one per programme and year)."""
    meeting = EvaluationMeeting(programme=programme, year=year, planned_at=planned_at,
                                place=place, feedback_until=feedback_until, created_by=by)
    meeting.full_clean()
    meeting.save()
    return meeting


def meeting_invite(*, meeting: EvaluationMeeting,
                   volunteers: list[VolunteerHousehold] | None = None) -> list[MeetingInvitation]:
    """Invite volunteer households (default: every active one) and e-mail them their link to
    the feedback form, after commit. Households already invited are not invited twice."""
    if volunteers is None:
        volunteers = list(VolunteerHousehold.objects.filter(
            programme=meeting.programme, archived=False,
            status__in=[VolunteerStatus.AVAILABLE, VolunteerStatus.MATCHED,
                        VolunteerStatus.PAUSED, VolunteerStatus.TRAINED]))
    with transaction.atomic():
        already = set(meeting.invitations.values_list("volunteer_id", flat=True))
        created = []
        for volunteer in volunteers:
            if volunteer.programme_id != meeting.programme_id or volunteer.pk in already:
                continue
            created.append(MeetingInvitation.objects.create(meeting=meeting, volunteer=volunteer))
        # Queued with the invitations: the messages go once this commits.
        send_invitations(invitation_ids=[i.pk for i in created])
    return created


def send_invitations(*, invitation_ids: list[int]) -> int:
    """Queue each invitation's message with its personal link (voisins.messaging: e-mail or
    SMS in the household's language, sent by the worker with retries; a household with no
    digital channel goes on the coordinators' to-call list). Returns how many were queued
    for a digital channel; `sent_at` records when."""
    queued = 0
    for invitation in MeetingInvitation.objects.filter(pk__in=invitation_ids).select_related(
            "meeting__programme", "volunteer__user", "volunteer__programme"):
        meeting = invitation.meeting
        message = message_household(
            household=invitation.volunteer, purpose=Purpose.MEETING,
            subject=gettext_lazy("Evaluation meeting of %(programme)s"),
            template="evaluation/email/invitation.txt",
            context={"programme": meeting.programme.name,
                     "when_iso": meeting.planned_at.isoformat(), "place": meeting.place},
            link=reverse("evaluation:feedback", args=[invitation.token]))
        if message.state == message.State.QUEUED:
            # A bare update (no full_clean()): only the time it was sent changes.
            MeetingInvitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
            queued += 1
    return queued


def invitation_set_attendance(*, invitation: MeetingInvitation, attendance: str
                              ) -> MeetingInvitation:
    if attendance not in MeetingInvitation.Attendance.values:
        raise ValidationError({"attendance": _("Unknown attendance.")})
    invitation.attendance = attendance
    # update_fields without full_clean(): the one field changed is checked against its choices.
    invitation.save(update_fields=["attendance"])
    return invitation


def _themes(themes: list[str]) -> list[str]:
    unknown = sorted(set(themes) - set(Theme.values))
    if unknown:
        raise ValidationError({"themes": _("Unknown theme: %(codes)s.") % {
            "codes": ", ".join(unknown)}})
    return [t for t in Theme.values if t in themes]


@transaction.atomic
def feedback_submit(*, invitation: MeetingInvitation, what_works: str, what_is_hard: str,
                    what_to_change: str, themes: list[str]) -> MeetingFeedback:
    """Save (or update, while the form is open) a volunteer household's feedback."""
    invitation = MeetingInvitation.objects.select_for_update().select_related(
        "meeting").get(pk=invitation.pk)
    if not invitation.meeting.feedback_open:
        raise ValidationError({"__all__": _("The feedback form is closed.")})
    if not (what_works.strip() or what_is_hard.strip() or what_to_change.strip() or themes):
        raise ValidationError({"what_works": _("Write at least one answer.")})
    feedback = MeetingFeedback.objects.filter(invitation=invitation).first() or MeetingFeedback(
        invitation=invitation)
    feedback.what_works = what_works.strip()
    feedback.what_is_hard = what_is_hard.strip()
    feedback.what_to_change = what_to_change.strip()
    feedback.themes = _themes(themes)
    feedback.submitted_at = timezone.now()
    feedback.full_clean(exclude=["invitation"])
    feedback.save()
    return feedback


@transaction.atomic
def meeting_write_minutes(*, meeting: EvaluationMeeting, minutes: str, themes: list[str]
                          ) -> EvaluationMeeting:
    """Record the minutes after the meeting, tagged with the themes discussed."""
    if timezone.now() < meeting.planned_at:
        raise ValidationError({"minutes": _("The minutes are written after the meeting.")})
    if not minutes.strip():
        raise ValidationError({"minutes": _("Write the minutes.")})
    meeting.minutes = minutes.strip()
    meeting.minutes_themes = _themes(themes)
    meeting.minutes_written_at = timezone.now()
    meeting.full_clean()
    meeting.save(update_fields=["minutes", "minutes_themes", "minutes_written_at"])
    return meeting

