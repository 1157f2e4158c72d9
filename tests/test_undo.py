"""Risky actions asked twice, and undone within 7 days (issue 16, item 4): ending a match,
pausing the whole programme; confirmation of discarding a proposal, closing a link, erasing."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import agreed_to_matching, family_data
from voisins.evaluation import practice
from voisins.evaluation.selectors import Period, dashboard
from voisins.households.models import StatusChange
from voisins.households.services import family_create
from voisins.matches.models import CheckIn, Match, ProgrammePause, Proposal, UndoableAction
from voisins.matches.services import (
    action_undo,
    introduction_plan,
    introduction_record,
    match_end,
    programme_pause_all,
    programme_resume_all,
    proposal_answer,
    proposal_send,
)
from voisins.messaging.models import Message

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _texts(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _end_url(match) -> str:
    return reverse("matches:match_end", args=["north", match.pk])


def _refresh(*records):
    for record in records:
        record.refresh_from_db()


def _second_match(north, victor, alice, name="Layla"):
    """Another family matched with Victor's household (its place taken again)."""
    other = family_create(programme=north, **family_data(contact_first_name=name))
    agreed_to_matching(other)
    proposal = Proposal.objects.create(programme=north, family=other, volunteer=victor,
                                       score=5, distance_km=0.5, created_by=alice)
    proposal_send(proposal=proposal, by=alice)
    proposal_answer(proposal=proposal, side="volunteer", accept=True, by=victor.user)
    return proposal_answer(proposal=proposal, side="family", accept=True, by=alice).match


# --- Ending a match: no reason chosen in advance, then a confirmation ---------------------------

def test_the_end_form_has_no_reason_chosen_in_advance(client, alice, live_match):
    client.force_login(alice)
    page = client.get(reverse("matches:match", args=["north", live_match.pk]), **EN)
    html = page.content.decode()
    assert '<option value="" selected>—</option>' in html
    assert 'value="goal-reached" selected' not in html
    response = client.post(_end_url(live_match), {"note": "x"}, **EN)
    assert response.status_code == 400
    assert "Choose why the match ends." in response.content.decode()
    _refresh(live_match)
    assert live_match.status == "introduction"


def test_ending_a_match_shows_what_will_happen_before_it_happens(client, alice, live_match):
    client.force_login(alice)
    response = client.post(_end_url(live_match), {"reason": "moved-away",
                                                  "family_waits_again": "on"}, **EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert "End this match?" in html and "moved away" in html
    assert "The family goes back to the waiting list." in html
    assert "Voisins sends no message about the end" in html
    assert 'name="confirm" value="1"' in html and "You can undo it for 7 days" in html
    _refresh(live_match)
    assert live_match.status == "introduction" and not UndoableAction.objects.exists()

    response = client.post(_end_url(live_match), {"reason": "moved-away",
                                                  "family_waits_again": "on",
                                                  "confirm": "1"}, **EN)
    assert response.status_code == 302
    _refresh(live_match)
    assert live_match.status == "ended" and live_match.end_reason == "moved-away"
    assert live_match.family.status == "waiting"
    action = UndoableAction.objects.get()
    assert action.kind == "match_end" and action.match == live_match and action.done_by == alice


# --- Undoing an end ------------------------------------------------------------------------------

def test_undoing_an_end_puts_the_match_and_both_households_back(client, alice, live_match):
    family, victor = live_match.family, live_match.volunteer
    match_end(match=live_match, reason="not-needed", note="oops", family_waits_again=True,
              by=alice)
    _refresh(family, victor)
    assert (family.status, victor.status) == ("waiting", "available")

    client.force_login(alice)
    page = client.get(reverse("matches:match", args=["north", live_match.pk]), **EN)
    assert "Undo the end" in page.content.decode()
    response = client.post(reverse("matches:match_end_undo", args=["north", live_match.pk]),
                           **EN)
    assert "The end was undone" in _texts(response)

    _refresh(live_match, family, victor)
    assert live_match.status == "introduction"
    assert (live_match.ended_on, live_match.end_reason, live_match.end_note) == (None, "", "")
    assert (family.status, victor.status) == ("matched", "matched")
    notes = list(StatusChange.objects.filter(note="match end undone")
                 .values_list("from_status", "to_status"))
    assert sorted(notes) == [("available", "matched"), ("waiting", "matched")]
    action = UndoableAction.objects.get()
    assert action.undone_by == alice and action.undone_at is not None
    page = client.get(reverse("matches:match", args=["north", live_match.pk]), **EN)
    html = page.content.decode()
    assert "Undone on" in html and "Undo the end" not in html
    # An end messages nobody, so its undo tells nobody either.
    assert not Message.objects.filter(template__contains="undone").exists()


def test_an_undone_end_leaves_the_outcome_figures_as_they_were(alice, live_match):
    programme = live_match.programme
    before = (dashboard(programme=programme, period=Period()).ended,
              practice.figures(programme=programme).matches_active)
    match_end(match=live_match, reason="goal-reached", by=alice)
    assert dashboard(programme=programme, period=Period()).ended == before[0] + 1
    action_undo(action=UndoableAction.objects.get(), by=alice)
    after = (dashboard(programme=programme, period=Period()).ended,
             practice.figures(programme=programme).matches_active)
    assert after == before
    assert not Match.objects.filter(end_reason="goal-reached").exists()


def test_an_end_cannot_be_undone_after_seven_days(client, alice, live_match):
    match_end(match=live_match, reason="moved-away", by=alice)
    UndoableAction.objects.update(done_at=timezone.now() - timedelta(days=8))
    client.force_login(alice)
    response = client.post(reverse("matches:match_end_undo", args=["north", live_match.pk]),
                           **EN)
    assert response.status_code == 302
    assert "only be undone within 7 days" in _texts(response)
    _refresh(live_match)
    assert live_match.status == "ended"
    page = client.get(reverse("matches:match", args=["north", live_match.pk]), **EN)
    assert "Undo the end" not in page.content.decode()


def test_an_end_cannot_be_undone_twice(alice, live_match):
    match_end(match=live_match, reason="moved-away", by=alice)
    action = UndoableAction.objects.get()
    action_undo(action=action, by=alice)
    with pytest.raises(ValidationError, match="already undone"):
        action_undo(action=action, by=alice)
    _refresh(live_match)
    assert live_match.status == "introduction"


def test_an_end_cannot_be_undone_once_the_volunteers_place_went_to_another_family(
        client, north, alice, victor, live_match):
    match_end(match=live_match, reason="moved-away", family_waits_again=True, by=alice)
    other = _second_match(north, victor, alice)
    client.force_login(alice)
    response = client.post(reverse("matches:match_end_undo", args=["north", live_match.pk]),
                           **EN)
    assert "place has been given to another match" in _texts(response)
    _refresh(live_match, victor)
    assert live_match.status == "ended" and live_match.family.status == "waiting"
    assert UndoableAction.objects.get(match=live_match).undone_at is None
    assert Match.objects.get(pk=other.pk).status == "introduction"


def test_an_end_cannot_be_undone_when_the_family_has_a_new_proposal(alice, live_match, north):
    match_end(match=live_match, reason="moved-away", family_waits_again=True, by=alice)
    Proposal.objects.create(programme=north, family=live_match.family,
                            volunteer=live_match.volunteer, score=1, distance_km=1)
    with pytest.raises(ValidationError) as exc:
        action_undo(action=UndoableAction.objects.get(), by=alice)
    assert "proposal under way" in str(exc.value.message_dict["family"])
    _refresh(live_match)
    assert live_match.status == "ended"


def test_an_end_cannot_be_undone_when_the_family_moved_on(alice, live_match):
    from voisins.households.services import household_set_status

    match_end(match=live_match, reason="moved-away", family_waits_again=True, by=alice)
    household_set_status(household=live_match.family, status="ended", by=alice)
    with pytest.raises(ValidationError) as exc:
        action_undo(action=UndoableAction.objects.get(), by=alice)
    assert "changed since" in str(exc.value.message_dict["family"])
    _refresh(live_match)
    assert live_match.status == "ended" and live_match.volunteer.status == "available"


# --- Pausing the whole programme: a confirmation that says who is told, and how ----------------

def test_pausing_every_match_shows_who_will_be_told_and_how(client, alice, live_match):
    client.force_login(alice)
    response = client.post(reverse("matches:pause_all", args=["north"]),
                           {"message": "Lockdown"}, **EN)
    html = response.content.decode()
    assert response.status_code == 200 and "Pause every match?" in html
    assert "1 running match(es) are paused" in html
    assert "The family (Amina): no digital channel, it will be on your to-call list." in html
    assert "The volunteer household (Victor): by e-mail." in html
    assert 'name="message" value="Lockdown"' in html
    _refresh(live_match)
    assert live_match.status == "introduction"
    assert not ProgrammePause.objects.exists() and not Message.objects.filter(
        purpose="programme").exists()


def test_a_pause_without_a_message_is_refused_before_any_confirmation(client, alice,
                                                                      live_match):
    client.force_login(alice)
    response = client.post(reverse("matches:pause_all", args=["north"]), {"message": ""},
                           **EN)
    assert response.status_code == 302 and "Message to every household" in _texts(response)
    assert not ProgrammePause.objects.exists()


# --- Undoing a programme pause -------------------------------------------------------------------

def test_undoing_a_running_pause_resumes_and_tells_those_it_told(client, alice, live_match,
                                                                 north):
    programme_pause_all(programme=north, message="Lockdown", by=alice)
    action = UndoableAction.objects.get(kind="programme_pause")
    assert sorted(t["side"] for t in action.told) == ["family", "volunteer"]
    client.force_login(alice)
    page = client.get(reverse("matches:dashboard", args=["north"]), **EN).content.decode()
    assert "Undo the programme pause" in page
    response = client.post(reverse("matches:pause_undo", args=["north", action.pk]), **EN)
    assert "The programme pause was undone" in _texts(response)
    assert "The family (Amina): no digital channel" in _texts(response)

    _refresh(live_match, action)
    assert live_match.status == "introduction" and live_match.programme_pause is None
    assert live_match.paused_since is None and live_match.pause_reason == ""
    assert not ProgrammePause.objects.exists()
    assert action.undone_by == alice and action.undone_at is not None
    told = Message.objects.filter(template="matches/email/programme_pause_undone.txt")
    assert {(m.family_id, m.volunteer_id) for m in told} == {
        (live_match.family_id, None), (None, live_match.volunteer_id)}


def test_undoing_a_pause_tells_only_the_households_it_told(alice, live_match, north):
    from voisins.households.models import VolunteerHousehold
    from voisins.matches.services import match_pause

    VolunteerHousehold.objects.filter(pk=live_match.volunteer_id).update(capacity=2)
    live_match.volunteer.refresh_from_db()
    # A match paused by hand before the lockdown is neither paused nor told by it.
    other = _second_match(north, live_match.volunteer, alice, name="Layla")
    match_pause(match=other, reason="illness", by=alice)
    programme_pause_all(programme=north, message="Lockdown", by=alice)
    told_before = {(m.family_id, m.volunteer_id) for m in Message.objects.filter(
        template="matches/email/programme_paused.txt")}
    assert (other.family_id, None) not in told_before
    action_undo(action=UndoableAction.objects.get(kind="programme_pause"), by=alice)
    told_after = {(m.family_id, m.volunteer_id) for m in Message.objects.filter(
        template="matches/email/programme_pause_undone.txt")}
    assert told_after == told_before == {(live_match.family_id, None),
                                         (None, live_match.volunteer_id)}
    other.refresh_from_db()
    assert other.status == "paused" and other.pause_reason == "illness"


def test_undoing_a_resumed_pause_moves_the_checkins_back(alice, live_match, north):
    today = timezone.localdate()
    Match.objects.filter(pk=live_match.pk).update(started_on=today - timedelta(days=30))
    introduction_plan(match=live_match, planned_at=timezone.now() + timedelta(hours=1),
                      place="Maison de quartier", by=alice)
    introduction_record(match=live_match, held_on=today - timedelta(days=10), by=alice)
    due = dict(CheckIn.objects.values_list("pk", "due_on"))
    pause = programme_pause_all(programme=north, message="Lockdown", by=alice)
    # The pause began five days ago (so that its resume moves the check-ins).
    started = timezone.now() - timedelta(days=5)
    ProgrammePause.objects.filter(pk=pause.pk).update(started_at=started)
    UndoableAction.objects.update(done_at=started)
    programme_resume_all(programme=north, by=alice)
    moved = dict(CheckIn.objects.values_list("pk", "due_on"))
    assert any(moved[pk] == day + timedelta(days=5) for pk, day in due.items())

    action_undo(action=UndoableAction.objects.get(kind="programme_pause"), by=alice)
    assert dict(CheckIn.objects.values_list("pk", "due_on")) == due
    assert not ProgrammePause.objects.exists()
    _refresh(live_match)
    assert live_match.status == "active"


def test_a_pause_cannot_be_undone_after_seven_days_nor_twice(client, alice, live_match,
                                                             north):
    programme_pause_all(programme=north, message="Lockdown", by=alice)
    action = UndoableAction.objects.get(kind="programme_pause")
    UndoableAction.objects.update(done_at=timezone.now() - timedelta(days=8))
    client.force_login(alice)
    page = client.get(reverse("matches:dashboard", args=["north"]), **EN).content.decode()
    assert "Undo the programme pause" not in page
    response = client.post(reverse("matches:pause_undo", args=["north", action.pk]), **EN)
    assert "only be undone within 7 days" in _texts(response)
    _refresh(live_match)
    assert live_match.status == "paused" and ProgrammePause.objects.exists()

    UndoableAction.objects.update(done_at=timezone.now())
    action_undo(action=action, by=alice)
    response = client.post(reverse("matches:pause_undo", args=["north", action.pk]), **EN)
    assert "already undone" in _texts(response)
    assert Message.objects.filter(
        template="matches/email/programme_pause_undone.txt").count() == 2


def test_a_mediator_cannot_undo_a_pause_nor_an_end(client, bob, alice, live_match, north):
    programme_pause_all(programme=north, message="Lockdown", by=alice)
    action = UndoableAction.objects.get()
    client.force_login(bob)
    assert client.post(reverse("matches:pause_undo", args=["north", action.pk])
                       ).status_code == 404
    assert client.post(reverse("matches:match_end_undo", args=["north", live_match.pk])
                       ).status_code == 404
    assert UndoableAction.objects.get().undone_at is None


def test_another_programmes_coordinator_cannot_undo(client, charlie, alice, live_match, north):
    programme_pause_all(programme=north, message="Lockdown", by=alice)
    action = UndoableAction.objects.get()
    client.force_login(charlie)
    assert client.post(reverse("matches:pause_undo", args=["south", action.pk])
                       ).status_code == 404
    assert UndoableAction.objects.get().undone_at is None


# --- Confirmation only: discarding a proposal, closing a link, erasing ---------------------------

def test_discarding_a_proposal_asks_first(client, alice, sent_proposal):
    client.force_login(alice)
    url = reverse("matches:proposal_discard", args=["north", sent_proposal.pk])
    response = client.post(url, **EN)
    html = response.content.decode()
    assert response.status_code == 200 and "Discard this proposal?" in html
    assert "Both households received this proposal" in html
    _refresh(sent_proposal)
    assert sent_proposal.status == "sent"
    client.post(url, {"confirm": "1"}, **EN)
    _refresh(sent_proposal)
    assert sent_proposal.status == "discarded"


def test_closing_a_link_asks_first(client, alice, family):
    from voisins.familypages.services import family_link_create

    link = family_link_create(family=family)
    client.force_login(alice)
    url = reverse("familypages:staff_revoke", args=["north", family.pk, link.pk])
    html = client.post(url, **EN).content.decode()
    assert "Close this link?" in html and "cannot be opened again" in html
    _refresh(link)
    assert link.revoked_at is None
    response = client.post(url, {"confirm": "1"}, **EN)
    assert response.status_code == 302
    _refresh(link)
    assert link.revoked_at is not None


def test_the_erasure_page_says_it_is_final_and_who_is_told(client, alice, family):
    client.force_login(alice)
    html = client.get(reverse("gdpr:erase", args=["north", "families", family.pk]),
                      **EN).content.decode()
    assert "Erasure is final: it cannot be undone." in html
    assert "Who will be told" in html


def test_an_end_undone_after_the_programme_resumed_comes_back_running(alice, live_match,
                                                                       north):
    programme_pause_all(programme=north, message="Lockdown", by=alice)
    match_end(match=live_match, reason="no-time", by=alice)
    programme_resume_all(programme=north, by=alice)
    action_undo(action=UndoableAction.objects.get(kind="match_end"), by=alice)
    _refresh(live_match)
    assert live_match.status == "introduction" and live_match.programme_pause is None
    assert live_match.paused_since is None
