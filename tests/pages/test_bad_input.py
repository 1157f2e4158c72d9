"""Bad input on the pages' forms: the page comes back with the error next to its field, in
the page's language, with what was typed still there; nothing is written; never a 500."""

import re
from datetime import timedelta

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voisins.familypages.links import family_link_token
from voisins.familypages.services import family_link_create
from voisins.households.models import FamilyHousehold
from voisins.matches.models import Activity, Introduction
from voisins.mediation.models import Case, CaseNote

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def error_of(html: str, field_id: str) -> str:
    """The error shown for the field whose id is `field_id` (Django's `<id>_error` list,
    which the field's aria-describedby names)."""
    found = re.search(rf'id="{field_id}_error"[^>]*>(.*?)</(ul|span)>', html, re.S)
    assert found, f"no error next to {field_id}"
    return re.sub(r"<[^>]+>", "", found[1]).strip()


@pytest.fixture
def link(live_match):
    return family_link_token(family_link_create(family=live_match.family))


def test_a_volunteer_saying_no_without_a_reason_is_asked_for_one(client, victor,
                                                                 sent_proposal):
    client.force_login(victor.user)
    victor.user.language = "en"
    victor.user.save(update_fields=["language"])
    response = client.post(reverse("matches:volunteer_answer", args=[sent_proposal.pk]),
                           {"answer": "no", "comment": "Away in July"})
    assert response.status_code == 400
    html = response.content.decode()
    assert error_of(html, f"id_p{sent_proposal.pk}_reason") == "Choose a reason for saying no."
    assert 'value="Away in July"' in html
    sent_proposal.refresh_from_db()
    assert sent_proposal.volunteer_answer == ""


def test_a_family_is_told_in_arabic_what_is_missing_and_keeps_its_words(client, link,
                                                                        live_match):
    FamilyHousehold.objects.filter(pk=live_match.family_id).update(page_language="ar")
    words = "الدراجة مكسورة"
    response = client.post(reverse("matches:family_help", kwargs={"token": link}),
                           {"kind": "", "summary": words})
    assert response.status_code == 400
    html = response.content.decode()
    with translation.override("ar"):
        required = str(forms.Field.default_error_messages["required"])
    assert required != "This field is required."  # Django speaks Arabic
    assert error_of(html, "id_kind") == required
    assert words in html
    assert not Case.objects.exists()


def test_a_family_activity_with_a_wrong_date_keeps_its_words(client, link, live_match):
    response = client.post(reverse("matches:family_activity", kwargs={"token": link}),
                           {"category": "homework", "done_on": "31/31/2031",
                            "text": "Devoirs de maths"}, **EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert error_of(html, "id_done_on")
    assert 'value="Devoirs de maths"' in html and 'value="31/31/2031"' in html
    assert not Activity.objects.exists()


def test_a_coordinator_planning_a_meeting_without_a_place_keeps_the_date(client, alice,
                                                                        live_match):
    client.force_login(alice)
    url = reverse("matches:intro_plan", args=["north", live_match.pk])
    response = client.post(url, {"planned_at": "2031-05-04T17:30", "place": ""}, **EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert error_of(html, "id_plan_place") == "This field is required."
    assert 'value="2031-05-04T17:30"' in html
    assert not Introduction.objects.exists()


def test_a_meeting_held_in_the_future_is_refused_next_to_its_date(client, alice, live_match):
    from voisins.matches.services import introduction_plan

    introduction_plan(match=live_match, planned_at=timezone.now(), place="Parc", by=alice)
    client.force_login(alice)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(reverse("matches:intro_held", args=["north", live_match.pk]),
                           {"held_on": tomorrow, "note": "All went well"}, **EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert error_of(html, "id_held_held_on") == "The meeting cannot have been held in the future."
    assert 'value="All went well"' in html


def test_a_case_opened_for_a_match_that_does_not_exist_keeps_what_was_written(client, alice,
                                                                             north):
    client.force_login(alice)
    response = client.post(reverse("mediation:case_new", args=["north"]),
                           {"kind": "practical", "summary": "The bike is broken",
                            "match": "99999"}, **EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert error_of(html, "id_new_match") == "No such match."
    assert "The bike is broken" in html
    assert not Case.objects.exists()


def test_an_empty_note_on_a_case_is_refused_next_to_its_field(client, alice, live_match):
    from voisins.mediation.services import case_open

    case = case_open(programme=live_match.programme, kind="practical", summary="s",
                     opened_by="staff", by=alice, match=live_match)
    client.force_login(alice)
    response = client.post(reverse("mediation:case_note", args=["north", case.pk]),
                           {"kind": "call", "text": "", "call_minutes": "twenty"}, **EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert error_of(html, "id_call_minutes")
    assert 'value="twenty"' in html
    assert not CaseNote.objects.filter(case=case).exists()


def test_a_proposal_to_answer_before_yesterday_is_refused(client, alice, draft_proposal):
    client.force_login(alice)
    response = client.post(reverse("matches:proposal", args=["north", draft_proposal.pk]),
                           {"note": "Call them first", "expires_on": "2001-01-01"}, **EN)
    html = response.content.decode()
    assert response.status_code == 200 and error_of(html, "id_expires_on")
    assert "Call them first" in html
    draft_proposal.refresh_from_db()
    assert draft_proposal.note == ""


TEXT = st.text(max_size=40)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=TEXT, reason=TEXT, comment=st.text(max_size=400), kind=TEXT, summary=TEXT,
       callback=TEXT, language=TEXT, rating=TEXT, frequency=TEXT, done_on=TEXT)
def test_no_households_form_answers_500(client, alice, link, live_match, answer, reason,
                                        comment, kind, summary, callback, language, rating,
                                        frequency, done_on):
    """Whatever a household's form receives, the answer is a page, never a server error."""
    from voisins.matches.models import CheckIn
    from voisins.matches.services import introduction_plan, introduction_record

    if not CheckIn.objects.filter(match=live_match).exists():
        introduction_plan(match=live_match, planned_at=timezone.now(), place="Parc", by=alice)
        introduction_record(match=live_match, held_on=timezone.localdate(), by=alice)
    checkin = CheckIn.objects.filter(match=live_match, side="family").first()
    client.force_login(live_match.volunteer.user)
    posts = [
        (reverse("matches:volunteer_answer", args=[live_match.proposal_id]),
         {"answer": answer, "reason": reason, "comment": comment}),
        (reverse("matches:volunteer_help", args=[live_match.pk]),
         {"kind": kind, "summary": summary, "callback": callback, "language": language}),
        (reverse("matches:volunteer_activity", args=[live_match.pk]),
         {"category": kind, "done_on": done_on, "text": comment}),
        (reverse("matches:family_answer", kwargs={"token": link,
                                                  "pk": live_match.proposal_id}),
         {"answer": answer, "reason": reason, "comment": comment}),
        (reverse("matches:family_help", kwargs={"token": link}),
         {"kind": kind, "summary": summary, "callback": callback, "when": comment}),
        (reverse("matches:family_checkin_answer", kwargs={"token": link, "pk": checkin.pk}),
         {"rating": rating, "frequency": frequency, "worry": comment}),
    ]
    for url, data in posts:
        data = {k: v.replace("\x00", "") for k, v in data.items()}
        assert client.post(url, data).status_code < 500, (url, data)
