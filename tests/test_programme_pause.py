"""Pausing every match of a programme at once (a lockdown), with a message, and resuming."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from voisins.matches.models import Match, ProgrammePause
from voisins.matches.services import match_pause, programme_pause_all, programme_resume_all

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_coordinator_pauses_and_resumes_every_match(client, alice, live_match,
                                                      django_capture_on_commit_callbacks):
    client.force_login(alice)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/staff/north/pause-all/", {"message": "Lockdown: stay home, call.",
                                                "confirm": "1"}, **EN)
    live_match.refresh_from_db()
    assert live_match.status == "paused" and live_match.programme_pause is not None
    assert [m.to for m in mail.outbox] == [["victor.home@example.org"]]  # family: no e-mail
    assert "Lockdown: stay home, call." in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/staff/north/pause-all/", {"action": "resume"}, **EN)
    live_match.refresh_from_db()
    assert live_match.status == "introduction"
    assert ProgrammePause.objects.get().ended_at is not None


def test_resuming_the_programme_leaves_matches_paused_for_their_own_reasons(live_match,
                                                                           alice):
    match_pause(match=live_match, reason="illness", by=alice)
    programme_pause_all(programme=live_match.programme, message="Lockdown", by=alice)
    programme_resume_all(programme=live_match.programme, by=alice)
    live_match.refresh_from_db()
    assert live_match.status == "paused" and live_match.pause_reason == "illness"


def test_a_programme_cannot_be_paused_twice_nor_without_a_message(live_match, alice):
    with pytest.raises(ValidationError) as exc:
        programme_pause_all(programme=live_match.programme, message="  ", by=alice)
    assert "message" in exc.value.message_dict
    programme_pause_all(programme=live_match.programme, message="Lockdown", by=alice)
    with pytest.raises(ValidationError):
        programme_pause_all(programme=live_match.programme, message="Again", by=alice)
    assert Match.objects.get().status == "paused"


def test_a_mediator_cannot_pause_the_programme(client, bob, live_match):
    client.force_login(bob)
    assert client.post("/staff/north/pause-all/", {"message": "x"}).status_code == 404
    live_match.refresh_from_db()
    assert live_match.status == "introduction"
