"""The match page as the heart of follow-up (issue 16, item 5): both households linked,
contact details for the roles that see them, the introduction and its note, every answer
of every check-in, the cases and call-backs, the activity log; a case opened from the
page lands on its match; the call-back list says whom to call, on which number, in which
language, with or without an interpreter."""

import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from voisins.households.models import FamilyHousehold
from voisins.matches.services import (
    checkin_answer,
    introduction_plan,
    introduction_record,
    match_assign_mediator,
    match_pause,
)
from voisins.mediation.models import Case
from voisins.mediation.services import case_open

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}
FAMILY_PHONE = "+32488776655"
VICTOR_PHONE = "+32470112233"


@pytest.fixture
def followed_match(live_match, alice, bob):
    return follow(live_match, alice, bob)


def follow(live_match, alice, bob):
    """Amina's family and Victor's household, introduced 15 days ago (with a note), the
    family's first check-in answered with a worry, given to Bob the mediator, with a case
    that asks to be called back in Ukrainian with an interpreter."""
    FamilyHousehold.objects.filter(pk=live_match.family_id).update(phone=FAMILY_PHONE)
    introduction_plan(match=live_match, planned_at=timezone.now(), place="Parc Josaphat",
                      interpreter_attends=True, interpreter_language="ar", by=alice)
    live_match.started_on = timezone.localdate() - timedelta(days=20)
    live_match.save()
    match = introduction_record(match=live_match,
                                held_on=timezone.localdate() - timedelta(days=15),
                                note="Warm first meeting, tea at the park", by=alice)
    checkin_answer(checkin=match.checkins.get(side="family", day_offset=14), rating=2,
                   frequency="fortnightly", activities="Homework on Wednesdays",
                   worry="Our son is tired after school", by=alice)
    match = match_assign_mediator(match=match, mediator=bob, by=alice)
    case_open(programme=match.programme, kind="availability", summary="Times clash.",
              opened_by="family", match=match,
              callback={"when": "after 17:00", "language": "uk", "interpreter_needed": True})
    match.refresh_from_db()
    return match


def page(client, user, match, **headers):
    client.force_login(user)
    response = client.get(reverse("matches:match", args=["north", match.pk]),
                          **(headers or EN))
    assert response.status_code == 200
    return response.content.decode()


def test_the_coordinator_reads_both_households_linked_with_their_contact_details(
        client, alice, followed_match):
    html = page(client, alice, followed_match)
    family, volunteer = followed_match.family, followed_match.volunteer
    assert reverse("staff:family", args=["north", family.pk]) in html
    assert reverse("staff:volunteer", args=["north", volunteer.pk]) in html
    assert f'href="tel:{FAMILY_PHONE}"' in html and f'href="tel:{VICTOR_PHONE}"' in html
    assert "Haddad" in html and "Peeters" in html and "victor.home@example.org" in html
    # Each household's contact details shown is an audited read of that household.
    read = {(e.content_type.model, e.object_id) for e in LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS) if "phone" in (e.additional_data or {})["fields"]}
    assert read == {("familyhousehold", family.pk), ("volunteerhousehold", volunteer.pk)}


def test_a_mediator_follows_the_match_by_first_names_without_phone_or_household_pages(
        client, bob, followed_match):
    html = page(client, bob, followed_match)
    assert "Amina" in html and "Victor" in html
    for secret in ("Haddad", "Peeters", FAMILY_PHONE, VICTOR_PHONE, "victor.home@example.org",
                   "tel:"):
        assert secret not in html, secret
    assert reverse("staff:family", args=["north", followed_match.family_id]) not in html
    assert "Contact details are for the coordinators" in html
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS,
                                       content_type__model="familyhousehold").exists()
    # What the households said is still there: following the match is their work.
    assert "Our son is tired after school" in html


def test_every_answer_of_every_check_in_and_the_first_meeting_note_are_shown(
        client, alice, followed_match):
    html = page(client, alice, followed_match)
    rows = re.findall(r"<tr[^>]*>\s*<td data-label=\"Due\">.*?</tr>", html, re.S)
    assert len(rows) == followed_match.checkins.count() >= 2
    answered = next(r for r in rows if "2/5" in r)
    for text in ("every two weeks", "Homework on Wednesdays", "Our son is tired after school",
                 'data-label="Worry"', 'data-label="What they did together"'):
        assert text in answered, text
    assert 'class="flagged"' in html
    assert "Warm first meeting, tea at the park" in html and "Parc Josaphat" in html
    # The page shows no scrolling box around the check-ins: every column is in view.
    section = html.split('id="h-checkins"')[1].split("</section>")[0]
    assert "table-wrap" not in section


def test_the_cases_call_backs_and_activity_log_of_the_match_are_on_its_page(
        client, alice, bob, followed_match):
    client.force_login(alice)  # paused on the page: the log knows who did it
    client.post(reverse("matches:match_pause", args=["north", followed_match.pk]),
                {"reason": "Holidays"}, **EN)
    html = page(client, alice, followed_match)
    case = Case.objects.get(match=followed_match)
    cases = html.split('id="h-cases"')[1].split("</section>")[0]
    assert reverse("mediation:case", args=["north", case.pk]) in cases
    assert "after 17:00" in cases and "Ukrainian" in cases and "interpreter needed" in cases
    log = html.split('id="h-history"')[1].split("</section>")[0]
    assert "Status: active → paused." in log and "Alice" in log
    assert "Proposal sent to both households." in log
    assert "Check-in answered by the family: 2/5." in log
    assert "Case opened: availability." in log
    assert "Mediator: Bob." in log
    # Newest first: the pause comes before the proposal.
    assert log.index("Status: active → paused.") < log.index("Proposal sent")
    # The actions keep their addresses (another change turns them into confirmations).
    for name in ("match_resume", "match_end", "match_mediator"):
        assert reverse(f"matches:{name}", args=["north", followed_match.pk]) in html


def test_a_case_opened_from_the_match_page_lands_on_that_match(client, alice, followed_match):
    html = page(client, alice, followed_match)
    new = reverse("mediation:case_new", args=["north"])
    link = f"{new}?match={followed_match.pk}"
    assert link in html
    form = client.get(link, **EN).content.decode()
    assert re.search(rf'<option value="{followed_match.pk}" selected>Amina Haddad – Victor '
                     r"Peeters, since", form)
    response = client.post(new, {"match": followed_match.pk, "kind": "practical",
                                 "summary": "The bike lent is broken."}, **EN)
    case = Case.objects.get(kind="practical")
    assert response.status_code == 302
    assert response["Location"] == reverse("mediation:case", args=["north", case.pk])
    assert case.match == followed_match and case.family == followed_match.family
    assert case.assigned_to == followed_match.mediator


def test_the_case_form_offers_matches_by_name_and_refuses_one_not_followed(
        client, bob, alice, followed_match, north):
    from tests.ops.conftest import matches_with_checkins_due

    # The case list leads to the form; the form names matches, no number to type.
    client.force_login(bob)
    cases = client.get(reverse("mediation:cases", args=["north"]), **EN).content.decode()
    new = reverse("mediation:case_new", args=["north"])
    assert f'href="{new}"' in cases
    form = client.get(new, **EN).content.decode()
    assert "Match number" not in form
    assert f'<option value="{followed_match.pk}">Amina – Victor, since' in form
    # A match Bob does not follow is neither offered nor accepted.
    [not_his] = matches_with_checkins_due(north, alice, 1)
    assert f'value="{not_his.pk}"' not in form
    response = client.post(new, {"match": not_his.pk, "kind": "other", "summary": "Hm."},
                           **EN)
    assert response.status_code == 400
    assert "No such match." in response.content.decode()
    assert not Case.objects.filter(match=not_his).exists()


def test_the_call_back_list_says_whom_to_call_on_which_number_in_which_language(
        client, alice, followed_match):
    client.force_login(alice)
    html = client.get(reverse("mediation:cases", args=["north"]), **FR).content.decode()
    calls = html.split('id="h-calls"')[1].split("</section>")[0]
    assert "Amina Haddad" in calls
    assert f'href="tel:{FAMILY_PHONE}"' in calls
    assert "Ukrainien" in calls  # the language, in the reader's language
    assert "interprète" in calls
    assert "après 17:00" not in calls and "after 17:00" in calls  # as the household said
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS,
                                 additional_data__via="callbacks")
    assert entry.additional_data["records"] == [f"familyhousehold #{followed_match.family_id}"]


def test_a_mediator_reads_the_call_back_list_without_phone_numbers(client, bob,
                                                                  followed_match):
    client.force_login(bob)
    html = client.get(reverse("mediation:cases", args=["north"]), **EN).content.decode()
    calls = html.split('id="h-calls"')[1].split("</section>")[0]
    assert "Amina" in calls and "Ukrainian" in calls and "interpreter needed" in calls
    assert "Haddad" not in calls and FAMILY_PHONE not in calls and "tel:" not in calls
    assert "Phone numbers are for the coordinators" in calls


def test_the_match_page_costs_the_same_queries_however_long_the_match_has_lived(
        client, alice, followed_match):
    url = reverse("matches:match", args=["north", followed_match.pk])
    client.force_login(alice)

    def queries() -> int:
        client.get(url, **EN)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, **EN).status_code == 200
        return len(captured)

    before = queries()
    for checkin in followed_match.checkins.filter(answered_at__isnull=True,
                                                  due_on__lte=timezone.localdate()):
        checkin_answer(checkin=checkin, rating=4, frequency="weekly", by=alice)
    for kind in ("practical", "expectations"):
        case_open(programme=followed_match.programme, kind=kind, summary="s",
                  opened_by="volunteer", match=followed_match,
                  callback={"when": "mornings", "language": "fr"})
    match_pause(match=followed_match, reason="Holidays", by=alice)
    assert queries() == before


def test_an_ended_match_shows_no_check_in_still_to_come(client, alice, followed_match):
    from voisins.matches.models import CheckIn
    from voisins.matches.services import match_end

    CheckIn.objects.create(match=followed_match, side="family", day_offset=9999,
                           due_on=timezone.localdate() + timedelta(days=90))
    match_end(match=followed_match, reason="goal-reached", by=alice)
    followed_match.refresh_from_db()
    html = page(client, alice, followed_match)
    shown = re.findall(r'<td data-label="Due">', html)
    kept = [c for c in followed_match.checkins.all()
            if c.answered_at or c.due_on <= followed_match.ended_on]
    assert len(shown) == len(kept) < followed_match.checkins.count()
