"""Proposals, matches and check-ins through the API: each write goes through the match-life
services (the same rules as the staff pages), bad input names its field, a refusal of the
record's state is a 409, another programme's record is a 404, and reading what a
household answered is audited."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import agreed_to_matching, family_data, volunteer_data
from voisins.households.services import family_create, volunteer_create
from voisins.matches.models import CheckIn, Introduction, Match, Proposal
from voisins.matches.services import introduction_plan, introduction_record


def queries(call, *args, **kwargs) -> int:
    with CaptureQueriesContext(connection) as context:
        response = call(*args, **kwargs)
    assert response.status_code == 200, response.content
    return len(context.captured_queries)


def introduced(match, by):
    introduction_plan(match=match, planned_at=timezone.now() + timedelta(hours=1),
                      place="Parc", by=by)
    return introduction_record(match=match, held_on=timezone.localdate(), by=by)


# --- Proposals -------------------------------------------------------------------------------

def test_a_proposal_waits_for_both_consents_to_be_matched(api_as, alice, family, volunteer):
    before = Proposal.objects.count()
    response = api_as(alice)("post", "/programmes/north/proposals",
                             {"family_id": family.pk, "volunteer_id": volunteer.pk})
    assert response.status_code == 422
    assert {e["loc"][-1] for e in response.json()["detail"]} == {"family_id", "volunteer_id"}
    assert Proposal.objects.count() == before


def test_a_consent_withdrawn_after_the_draft_stops_the_sending(api_as, alice, draft_proposal):
    from voisins.privacy.services import consent_withdraw

    consent_withdraw(consent=draft_proposal.family.consents.get(purpose="matching"))
    response = api_as(alice)("post", f"/proposals/{draft_proposal.pk}/send")
    assert response.status_code == 409 and "agreed to be matched" in response.json()["detail"]
    assert Proposal.objects.get(pk=draft_proposal.pk).status == "draft"


def test_a_coordinator_proposes_a_volunteer_by_hand(api_as, alice, family, volunteer):
    agreed_to_matching(family, volunteer)
    response = api_as(alice)("post", "/programmes/north/proposals",
                             {"family_id": family.pk, "volunteer_id": volunteer.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["volunteer_first_name"] == "Marie"
    assert {r["code"] for r in body["reasons"]} >= {"distance", "need"}
    assert all(r["text"] for r in body["reasons"])
    assert Proposal.objects.get(pk=body["id"]).created_by == alice


def test_a_proposal_for_another_programmes_family_names_the_field(api_as, alice, volunteer,
                                                                    south_family):
    before = Proposal.objects.count()
    response = api_as(alice)("post", "/programmes/north/proposals",
                             {"family_id": south_family.pk, "volunteer_id": volunteer.pk})
    assert response.status_code == 422
    assert [e["loc"][-1] for e in response.json()["detail"]] == ["family_id"]
    assert "No such family" in response.json()["detail"][0]["msg"]
    assert Proposal.objects.count() == before


def test_the_engines_refusal_names_the_volunteer(api_as, alice, north, family):
    far = volunteer_create(programme=north, **volunteer_data(postcode="8300"))
    agreed_to_matching(family, far)
    response = api_as(alice)("post", "/programmes/north/proposals",
                             {"family_id": family.pk, "volunteer_id": far.pk})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "volunteer_id"


def test_sending_tells_both_households(api_as, alice, draft_proposal,
                                       django_capture_on_commit_callbacks):
    family = draft_proposal.family
    family.email = "amina@example.org"
    family.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(alice)("post", f"/proposals/{draft_proposal.pk}/send")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "sent" and response.json()["expires_at"]
    recipients = {address for message in mail.outbox for address in message.to}
    assert {"amina@example.org", "victor.home@example.org"} <= recipients


def test_sending_twice_is_a_conflict_and_changes_nothing(api_as, alice, sent_proposal):
    sent_at = Proposal.objects.get(pk=sent_proposal.pk).sent_at
    response = api_as(alice)("post", f"/proposals/{sent_proposal.pk}/send")
    assert response.status_code == 409
    assert "under review" in response.json()["detail"]
    assert Proposal.objects.get(pk=sent_proposal.pk).sent_at == sent_at


def test_an_answer_date_in_the_past_names_the_field(api_as, alice, draft_proposal):
    response = api_as(alice)("patch", f"/proposals/{draft_proposal.pk}",
                             {"expires_at": "2001-01-01T00:00:00Z", "note": "Hello"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "expires_at"
    assert Proposal.objects.get(pk=draft_proposal.pk).note == ""


def test_the_note_changes_and_the_rest_stays(api_as, alice, draft_proposal):
    response = api_as(alice)("patch", f"/proposals/{draft_proposal.pk}", {"note": "Bonjour"})
    assert response.status_code == 200 and response.json()["note"] == "Bonjour"
    assert response.json()["expires_at"] is None


def test_both_yes_make_a_match(api_as, alice, victor, sent_proposal):
    mine = api_as(victor.user)("get", "/me/proposals").json()["items"]
    assert [p["id"] for p in mine] == [sent_proposal.pk]
    assert mine[0]["family"]["first_name"] == "Amina"
    assert mine[0]["family"]["children_ages"] and "contact_last_name" not in mine[0]["family"]
    volunteer = api_as(victor.user)("post", f"/me/proposals/{sent_proposal.pk}/answer",
                                    {"accept": True})
    assert volunteer.status_code == 200 and volunteer.json()["answer"] == "accepted"
    family = api_as(alice)("post", f"/proposals/{sent_proposal.pk}/family-answer",
                           {"accept": True, "comment": "by phone, with an interpreter"})
    assert family.status_code == 200, family.content
    assert family.json()["status"] == "accepted" and family.json()["match_id"]
    match = Match.objects.get(pk=family.json()["match_id"])
    assert match.family_id == sent_proposal.family_id
    assert Proposal.objects.get(pk=sent_proposal.pk).family_answered_by == alice


def test_a_no_needs_a_reason(api_as, victor, sent_proposal):
    response = api_as(victor.user)("post", f"/me/proposals/{sent_proposal.pk}/answer",
                                   {"accept": False})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "reason"
    assert Proposal.objects.get(pk=sent_proposal.pk).volunteer_answer == ""


def test_an_unknown_reason_names_the_field(api_as, victor, sent_proposal):
    response = api_as(victor.user)("post", f"/me/proposals/{sent_proposal.pk}/answer",
                                   {"accept": False, "reason": "astrology"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "reason"


def test_a_volunteer_answers_only_its_own_proposals(api_as, north, sent_proposal):
    from tests.conftest import make_user

    other = volunteer_create(programme=north, user=make_user("olga@example.org"),
                             **volunteer_data(contact_first_name="Olga"))
    response = api_as(other.user)("post", f"/me/proposals/{sent_proposal.pk}/answer",
                                  {"accept": True})
    assert response.status_code == 404
    assert api_as(other.user)("get", "/me/proposals").json()["count"] == 0


def test_answering_twice_is_a_conflict(api_as, victor, sent_proposal):
    api = api_as(victor.user)
    assert api("post", f"/me/proposals/{sent_proposal.pk}/answer",
               {"accept": True}).status_code == 200
    again = api("post", f"/me/proposals/{sent_proposal.pk}/answer",
                {"accept": False, "reason": "no-time"})
    assert again.status_code == 409
    assert Proposal.objects.get(pk=sent_proposal.pk).volunteer_answer == "accepted"


def test_the_proposal_list_filters_and_pages(api_as, alice, north, draft_proposal, volunteer):
    other = family_create(programme=north, **family_data(contact_first_name="Nour"))
    Proposal.objects.create(programme=north, family=other, volunteer=volunteer,
                            status="discarded")
    api = api_as(alice)
    assert api("get", "/programmes/north/proposals").json()["count"] == 2
    drafts = api("get", "/programmes/north/proposals", {"status": "draft"}).json()
    assert [p["id"] for p in drafts["items"]] == [draft_proposal.pk]
    mine = api("get", "/programmes/north/proposals", {"volunteer_id": volunteer.pk}).json()
    assert mine["count"] == 1 and mine["items"][0]["family_first_name"] == "Nour"
    page = api("get", "/programmes/north/proposals", {"page_size": 1, "page": 2}).json()
    assert page["pages"] == 2 and len(page["items"]) == 1


def test_another_programmes_proposals_are_404(api_as, charlie, draft_proposal):
    api = api_as(charlie)
    assert api("get", f"/proposals/{draft_proposal.pk}").status_code == 404
    assert api("post", f"/proposals/{draft_proposal.pk}/send").status_code == 404
    assert api("get", "/programmes/north/proposals").status_code == 404
    assert Proposal.objects.get(pk=draft_proposal.pk).status == "draft"


# --- Matches -----------------------------------------------------------------------------------

def test_a_mediator_follows_only_the_matches_assigned_to_them(api_as, alice, bob, live_match):
    api = api_as(bob)
    assert api("get", "/programmes/north/matches").json()["count"] == 0
    assert api("get", f"/matches/{live_match.pk}").status_code == 404
    assign = api_as(alice)("put", f"/matches/{live_match.pk}/mediator",
                           {"mediator_id": bob.pk})
    assert assign.status_code == 200 and assign.json()["mediator_id"] == bob.pk
    assert api("get", "/programmes/north/matches").json()["count"] == 1
    assert api("get", f"/matches/{live_match.pk}").status_code == 200
    # Following a match is not running it.
    assert api("post", f"/matches/{live_match.pk}/pause",
               {"reason": "holidays"}).status_code == 404


def test_a_match_goes_to_a_mediator_of_its_programme_only(api_as, alice, rita, charlie,
                                                        live_match):
    api = api_as(alice)
    for person in (rita, charlie):
        response = api("put", f"/matches/{live_match.pk}/mediator", {"mediator_id": person.pk})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][-1] == "mediator_id"
    assert Match.objects.get(pk=live_match.pk).mediator is None


def test_the_introduction_then_the_check_ins(api_as, alice, live_match):
    api = api_as(alice)
    planned = api("post", f"/matches/{live_match.pk}/introduction", {
        "planned_at": (timezone.now() + timedelta(days=2)).isoformat(), "place": "Parc",
        "interpreter_attends": True, "interpreter_language": "ar"})
    assert planned.status_code == 200, planned.content
    assert planned.json()["introduction"]["interpreter_language"] == "ar"
    held = api("post", f"/matches/{live_match.pk}/introduction/held",
               {"held_on": timezone.localdate().isoformat()})
    assert held.status_code == 200 and held.json()["status"] == "active"
    assert len(held.json()["checkins"]) == 2 * len(live_match.programme.checkin_schedule_days)


def test_an_interpreter_without_a_language_names_the_field(api_as, alice, live_match):
    response = api_as(alice)("post", f"/matches/{live_match.pk}/introduction", {
        "planned_at": "2030-01-01T10:00:00Z", "place": "Parc", "interpreter_attends": True})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "interpreter_language"
    assert not Introduction.objects.filter(match=live_match).exists()


def test_a_meeting_in_the_future_cannot_be_recorded(api_as, alice, live_match):
    introduction_plan(match=live_match, planned_at=timezone.now(), place="Parc", by=alice)
    response = api_as(alice)("post", f"/matches/{live_match.pk}/introduction/held",
                             {"held_on": (timezone.localdate() + timedelta(days=3)).isoformat()})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "held_on"
    assert Match.objects.get(pk=live_match.pk).status == "introduction"
    assert not CheckIn.objects.filter(match=live_match).exists()


def test_ending_a_match_frees_the_family_and_the_volunteer(api_as, alice, live_match):
    response = api_as(alice)("post", f"/matches/{live_match.pk}/end",
                             {"reason": "moved-away", "family_waits_again": True})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ended" and response.json()["ended_on"]
    live_match.family.refresh_from_db()
    live_match.volunteer.refresh_from_db()
    assert live_match.family.status == "waiting"
    assert live_match.volunteer.status == "available"
    again = api_as(alice)("post", f"/matches/{live_match.pk}/end", {"reason": "other"})
    assert again.status_code == 409


def test_an_unknown_end_reason_names_the_field(api_as, alice, live_match):
    response = api_as(alice)("post", f"/matches/{live_match.pk}/end", {"reason": "bored"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "reason"
    assert Match.objects.get(pk=live_match.pk).status == "introduction"


def test_a_lockdown_pauses_every_match_and_ends(api_as, alice, live_match):
    api = api_as(alice)
    paused = api("post", "/programmes/north/pause", {"message": "Confinement"})
    assert paused.status_code == 201 and paused.json()["matches_paused"] == 1
    assert api("post", "/programmes/north/pause", {"message": "again"}).status_code == 409
    assert Match.objects.get(pk=live_match.pk).status == "paused"
    assert api("post", "/programmes/north/resume").status_code == 200
    assert Match.objects.get(pk=live_match.pk).status == "introduction"


def test_another_programmes_matches_are_404(api_as, charlie, live_match):
    api = api_as(charlie)
    assert api("get", f"/matches/{live_match.pk}").status_code == 404
    assert api("post", f"/matches/{live_match.pk}/end", {"reason": "other"}).status_code == 404
    assert Match.objects.get(pk=live_match.pk).status == "introduction"


# --- Check-ins ---------------------------------------------------------------------------------

@pytest.fixture
def due_checkin(alice, live_match):
    """The family's first check-in, due today."""
    match = introduced(live_match, alice)
    checkin = CheckIn.objects.filter(match=match, side="family").order_by("due_on").first()
    CheckIn.objects.filter(pk=checkin.pk).update(due_on=timezone.localdate())
    return checkin


def test_a_coordinator_records_a_familys_check_in(api_as, alice, due_checkin):
    response = api_as(alice)("post", f"/check-ins/{due_checkin.pk}/answer", {
        "rating": 2, "frequency": "monthly", "worry": "We have not met for a while."})
    assert response.status_code == 200, response.content
    assert response.json()["rating"] == 2 and response.json()["answered_by_id"] == alice.pk
    match = Match.objects.get(pk=due_checkin.match_id)
    assert match.needs_attention and set(match.attention_reasons) == {"low-rating", "worry"}
    again = api_as(alice)("post", f"/check-ins/{due_checkin.pk}/answer",
                          {"rating": 5, "frequency": "weekly"})
    assert again.status_code == 409


@pytest.mark.parametrize(("answer", "field"), [
    ({"rating": 6, "frequency": "weekly"}, "rating"),
    ({"rating": 3, "frequency": "daily"}, "frequency"),
    ({"rating": 3, "frequency": "weekly", "worry": "x" * 1001}, "worry"),
    ({"frequency": "weekly"}, "rating"),
])
def test_a_bad_check_in_answer_names_the_field(api_as, alice, due_checkin, answer, field):
    response = api_as(alice)("post", f"/check-ins/{due_checkin.pk}/answer", answer)
    assert response.status_code == 422
    assert field in {e["loc"][-1] for e in response.json()["detail"]}
    assert CheckIn.objects.get(pk=due_checkin.pk).answered_at is None


def test_reading_check_in_answers_is_audited_and_lists_do_not_show_them(api_as, alice,
                                                                          due_checkin):
    api = api_as(alice)
    api("post", f"/check-ins/{due_checkin.pk}/answer", {"rating": 4, "frequency": "weekly",
                                                        "activities": "Homework"})
    listed = api("get", "/programmes/north/check-ins", {"state": "answered"}).json()
    assert [c["id"] for c in listed["items"]] == [due_checkin.pk]
    assert "rating" not in listed["items"][0]
    reads = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_id=due_checkin.pk,
                                    content_type__model="checkin")
    before = reads.count()
    assert api("get", f"/check-ins/{due_checkin.pk}").json()["activities"] == "Homework"
    entry = reads.order_by("-id").first()
    assert reads.count() == before + 1 and entry.actor == alice
    assert entry.additional_data == {"fields": ["activities", "frequency", "rating", "worry"],
                                     "via": "api"}


def test_the_check_in_list_filters_by_state(api_as, alice, due_checkin):
    api = api_as(alice)
    open_ones = api("get", "/programmes/north/check-ins", {"state": "open"}).json()
    assert [c["id"] for c in open_ones["items"]] == [due_checkin.pk]
    upcoming = api("get", "/programmes/north/check-ins",
                   {"state": "upcoming", "side": "family"}).json()
    assert upcoming["count"] == len(due_checkin.match.programme.checkin_schedule_days) - 1


def test_a_volunteer_answers_its_own_check_in(api_as, alice, victor, live_match):
    match = introduced(live_match, alice)
    mine = CheckIn.objects.filter(match=match, side="volunteer").order_by("due_on").first()
    theirs = CheckIn.objects.filter(match=match, side="family").order_by("due_on").first()
    CheckIn.objects.filter(pk__in=[mine.pk, theirs.pk]).update(due_on=timezone.localdate())
    api = api_as(victor.user)
    assert [c["id"] for c in api("get", "/me/check-ins").json()["items"]] == [mine.pk]
    assert api("post", f"/me/check-ins/{theirs.pk}/answer",
               {"rating": 5, "frequency": "weekly"}).status_code == 404
    response = api("post", f"/me/check-ins/{mine.pk}/answer", {"rating": 5,
                                                               "frequency": "weekly"})
    assert response.status_code == 200, response.content
    assert CheckIn.objects.get(pk=mine.pk).answered_by == victor.user
    assert api("get", "/me/check-ins").json()["count"] == 0


def test_a_check_in_not_due_is_a_conflict(api_as, alice, live_match):
    match = introduced(live_match, alice)
    later = CheckIn.objects.filter(match=match).order_by("-due_on").first()
    response = api_as(alice)("post", f"/check-ins/{later.pk}/answer",
                             {"rating": 4, "frequency": "weekly"})
    assert response.status_code == 409 and "not due" in response.json()["detail"]


def test_another_programmes_check_ins_are_404(api_as, charlie, bob, due_checkin):
    assert api_as(charlie)("get", f"/check-ins/{due_checkin.pk}").status_code == 404
    assert api_as(bob)("get", f"/check-ins/{due_checkin.pk}").status_code == 404
    assert api_as(bob)("get", "/programmes/north/check-ins").json()["count"] == 0


# --- Lists run a fixed number of queries -----------------------------------------------------

def test_match_life_lists_run_a_fixed_number_of_queries(api_as, alice, north, victor):
    from voisins.matches.services import proposal_answer, proposal_send

    api = api_as(alice)
    paths = ["/programmes/north/proposals", "/programmes/north/matches",
             "/programmes/north/check-ins"]

    def add_match(i):
        family = family_create(programme=north, **family_data(contact_first_name=f"F{i}"))
        volunteer = volunteer_create(programme=north, **volunteer_data(capacity=1))
        agreed_to_matching(family, volunteer)
        proposal = proposal_send(proposal=Proposal.objects.create(
            programme=north, family=family, volunteer=volunteer), by=alice)
        proposal_answer(proposal=proposal, side="volunteer", accept=True)
        proposal_answer(proposal=proposal, side="family", accept=True, by=alice)
        introduced(Proposal.objects.get(pk=proposal.pk).match, alice)

    add_match(0)
    api("get", "/programmes")  # the token's first use is written down once
    one = [queries(api, "get", path) for path in paths]
    for i in range(1, 6):
        add_match(i)
    assert [queries(api, "get", path) for path in paths] == one


def test_a_households_own_lists_run_a_fixed_number_of_queries(api_as, alice, north, victor):
    from voisins.matches.services import proposal_send

    api = api_as(victor.user)
    api("get", "/programmes")  # the token's first use is written down once

    def add_proposal(i):
        family = family_create(programme=north, **family_data(contact_first_name=f"F{i}"))
        agreed_to_matching(family, victor)
        proposal_send(proposal=Proposal.objects.create(programme=north, family=family,
                                                       volunteer=victor), by=alice)

    add_proposal(0)
    one = [queries(api, "get", path) for path in ("/me/proposals", "/me/check-ins")]
    for i in range(1, 6):
        add_proposal(i)
    assert [queries(api, "get", path) for path in ("/me/proposals", "/me/check-ins")] == one
    assert api("get", "/me/proposals").json()["count"] == 6
