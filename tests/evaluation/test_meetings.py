"""The yearly evaluation meeting: plan, invite, feedback before, minutes after, themes."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from voisins.evaluation import selectors, services
from voisins.evaluation.models import MeetingFeedback, MeetingInvitation

from .conftest import make_volunteer


@pytest.fixture
def meeting(north):
    make_volunteer(north, 1, email="v1@example.org")
    make_volunteer(north, 2, email="v2@example.org")
    make_volunteer(north, 3, status="left")
    return services.meeting_plan(programme=north, year=2024,
                                 planned_at=timezone.now() + timedelta(days=7),
                                 place="Maison de quartier")


def test_it_invites_active_volunteers_once_and_mails_them(
        meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = services.meeting_invite(meeting=meeting)
    assert len(created) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["v1@example.org", "v2@example.org"]
    invitation = created[0]
    assert reverse("evaluation:feedback", args=[invitation.token]) in mail.outbox[0].body
    assert MeetingInvitation.objects.filter(sent_at__isnull=False).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_invite(meeting=meeting) == []
    assert len(mail.outbox) == 2


def test_one_meeting_a_year(meeting):
    with pytest.raises(ValidationError):
        services.meeting_plan(programme=meeting.programme, year=2024,
                              planned_at=timezone.now(), place="x")


def test_a_volunteer_gives_feedback_through_the_link(client, meeting):
    invitation = services.meeting_invite(meeting=meeting)[0]
    url = reverse("evaluation:feedback", args=[invitation.token])
    assert client.get(url).status_code == 200
    response = client.post(url, {"what_works": "The meals", "what_is_hard": "",
                                 "what_to_change": "More events", "themes": ["events"]})
    assert response.status_code == 302
    feedback = MeetingFeedback.objects.get()
    assert feedback.themes == ["events"] and feedback.what_to_change == "More events"
    # Changing it while the form is open updates the same record.
    client.post(url, {"what_works": "The meals and the walks", "themes": ["events", "language"]})
    assert MeetingFeedback.objects.get().themes == ["language", "events"]
    assert client.get(reverse("evaluation:feedback", args=["not-a-token"])).status_code == 404


def test_an_empty_feedback_is_refused(client, meeting):
    invitation = services.meeting_invite(meeting=meeting)[0]
    response = client.post(reverse("evaluation:feedback", args=[invitation.token]),
                           {"what_works": " "}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "what_works" in response.context["form"].errors
    assert MeetingFeedback.objects.count() == 0


def test_the_form_closes_at_the_meeting(meeting):
    invitation = services.meeting_invite(meeting=meeting)[0]
    meeting.planned_at = timezone.now() - timedelta(days=2)
    meeting.save()
    with pytest.raises(ValidationError):
        services.feedback_submit(invitation=invitation, what_works="x", what_is_hard="",
                                 what_to_change="", themes=[])


def test_minutes_come_after_the_meeting_and_themes_line_up_by_year(north, meeting):
    with pytest.raises(ValidationError):
        services.meeting_write_minutes(meeting=meeting, minutes="Notes", themes=["language"])
    invitation = services.meeting_invite(meeting=meeting)[0]
    services.feedback_submit(invitation=invitation, what_works="", what_is_hard="Language",
                             what_to_change="", themes=["language"])
    meeting.planned_at = timezone.now() - timedelta(hours=1)
    meeting.save()
    services.meeting_write_minutes(meeting=meeting, minutes="We talked.",
                                   themes=["language", "training"])
    later = services.meeting_plan(programme=north, year=2025,
                                  planned_at=timezone.now() + timedelta(days=300), place="x")
    services.feedback_submit(invitation=services.meeting_invite(meeting=later)[0],
                             what_works="", what_is_hard="", what_to_change="",
                             themes=["language"])
    table = selectors.theme_table(programme=north)
    assert table.years == [2024, 2025]
    rows = dict(table.rows)
    assert [str(c) for c in rows["language barrier"]] == ["1 *", "1"]
    assert [str(c) for c in rows["training and preparation"]] == ["0 *", "0"]


def test_the_coordinator_pages(client, alice, meeting):
    client.force_login(alice)
    assert client.get(reverse("evaluation:meetings", args=["north"])).status_code == 200
    url = reverse("evaluation:meeting", args=["north", meeting.pk])
    assert client.post(url, {"action": "invite"}).status_code == 302
    invitation = MeetingInvitation.objects.first()
    client.post(url, {"action": "attendance", "invitation": invitation.pk,
                      "attendance": "present"})
    invitation.refresh_from_db()
    assert invitation.attendance == "present"
    assert client.get(url).status_code == 200
    response = client.post(reverse("evaluation:meetings", args=["north"]),
                           {"year": "2024", "planned_at": "2024-12-01T18:00", "place": "x"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200  # the year already has its meeting
    assert response.context["form"].errors


@pytest.mark.parametrize("persona", ["bob", "rita", "vera", "charlie"])
def test_only_coordinators_manage_meetings(client, request, meeting, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("evaluation:meetings", args=["north"])).status_code == 404
    assert client.get(reverse("evaluation:meeting", args=["north", meeting.pk])).status_code \
        == 404


def test_erasing_a_volunteer_household_erases_what_it_wrote(meeting):
    from voisins.gdpr.services import household_erase

    invitation, other = services.meeting_invite(meeting=meeting)
    services.feedback_submit(invitation=invitation, what_works="Meals with Amina",
                             what_is_hard="Our street", what_to_change="More",
                             themes=["language"])
    services.feedback_submit(invitation=other, what_works="Kept", what_is_hard="",
                             what_to_change="", themes=[])
    household_erase(household=invitation.volunteer)
    feedback = MeetingFeedback.objects.get(invitation=invitation)
    assert (feedback.what_works, feedback.what_is_hard, feedback.what_to_change) == ("", "", "")
    # The theme it raised still counts year on year; other households keep their text.
    assert feedback.themes == ["language"]
    assert dict(selectors.theme_table(programme=meeting.programme).rows)[
        "language barrier"][0].feedback == 1
    assert MeetingFeedback.objects.get(invitation=other).what_works == "Kept"
