"""The whole life of a match through HTTP: propose, answer, contact, introduce, check in,
ask for help, resolve, pause, end — and what each side sees at each step."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from voisins.familypages.links import family_link_token
from voisins.familypages.models import FamilyLink
from voisins.familypages.services import family_link_create, family_link_revoke
from voisins.households.models import FamilyHousehold
from voisins.matches.models import CheckIn, ContactReveal, Match, Proposal
from voisins.mediation.models import Case
from voisins.privacy.services import consent_give

from .conftest import PASSWORD

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def dutch(message: str) -> str:
    """What Victor, whose account is in Dutch, reads for `message` (the account's language
    wins over the browser's), as the page escapes it."""
    from django.utils.html import escape

    with translation.override("nl"):
        return escape(translation.gettext(message))


@pytest.fixture
def arabic_family(family):
    FamilyHousehold.objects.filter(pk=family.pk).update(
        email="amina@example.org", phone="+32488776655", page_language="ar")
    family.refresh_from_db()
    return family


def _login(client, email):
    assert client.login(email=email, password=PASSWORD)


def test_it_lives_a_whole_match_through_http(client, alice, victor, arabic_family,
                                              draft_proposal, django_capture_on_commit_callbacks):
    family = arabic_family
    # The account's language wins over the browser's: this volunteer reads English.
    type(victor.user).objects.filter(pk=victor.user.pk).update(language="en")
    staff, volunteer, fam = client, type(client)(), type(client)()
    staff.force_login(alice)
    volunteer.force_login(victor.user)
    token = family_link_token(family_link_create(family=family, by=alice))
    family_url = f"/f/{token}/"
    neighbour_url = f"{family_url}neighbour/"
    # Both households agreed at intake that their contact details go to the matched one.
    consent_give(household=family, purpose="share_contact", recorded_by=alice)
    consent_give(household=victor, purpose="share_contact", recorded_by=alice)

    # The coordinator reviews the proposal: distance, reasons, score; edits and sends it.
    page = staff.get(f"/staff/north/proposals/{draft_proposal.pk}/", **EN).content.decode()
    assert "0.4 km" in page and "within walking distance" in page and "7.50" in page
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/staff/north/proposals/{draft_proposal.pk}/",
                   {"note": "Amina would love homework help.", "expires_on": ""}, **EN)
        staff.post(f"/staff/north/proposals/{draft_proposal.pk}/send/", **EN)
    draft_proposal.refresh_from_db()
    assert draft_proposal.status == "sent"
    assert {m.to[0] for m in mail.outbox} == {"victor.home@example.org", "amina@example.org"}

    # The volunteer sees the family by first name, children's ages, languages, needs, area.
    page = volunteer.get("/me/", **EN).content.decode()
    assert "Amina" in page and "Haddad" not in page and "+32488776655" not in page
    assert "1030" in page and "Homework help" in page and "Arabic" in page
    with django_capture_on_commit_callbacks(execute=True):
        volunteer.post(f"/me/proposals/{draft_proposal.pk}/answer/", {"answer": "yes"}, **EN)

    # Before the family said yes, nobody sees contact details.
    assert "+32488776655" not in volunteer.get("/me/", **EN).content.decode()
    assert f'href="{neighbour_url}"' in fam.get(family_url).content.decode()
    page = fam.get(neighbour_url).content.decode()
    assert 'lang="ar"' in page and 'dir="rtl"' in page
    assert "Victor" in page and "Peeters" not in page and "+32470112233" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = fam.post(f"{family_url}proposals/{draft_proposal.pk}/answer/",
                            {"answer": "yes"})
    assert response.status_code == 302 and response["Location"] == neighbour_url
    match = Match.objects.get(proposal=draft_proposal)
    family.refresh_from_db()
    victor.refresh_from_db()
    assert family.status == "matched" and victor.status == "matched"

    # Both said yes: each sees the other's contact details, and each sight is logged.
    page = volunteer.get(f"/me/matches/{match.pk}/", **EN).content.decode()
    assert "+32488776655" in page and "amina@example.org" in page and "Haddad" in page
    assert "+32470112233" in fam.get(neighbour_url).content.decode()
    assert set(ContactReveal.objects.filter(match=match).values_list("viewer", "shown")) == {
        ("volunteer", "family"), ("family", "volunteer")}

    # Introduction: planned, then held; the match is active and check-ins scheduled.
    when = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/staff/north/matches/{match.pk}/introduction/", {
            "planned_at": when, "place": "Maison de quartier", "coordinator_attends": "on",
            "interpreter_attends": "on", "interpreter_language": "ar"}, **EN)
    held = timezone.localdate() - timedelta(days=20)
    match.started_on = held - timedelta(days=1)
    match.save(update_fields=["started_on"])
    staff.post(f"/staff/north/matches/{match.pk}/introduction/held/",
               {"held_on": held.isoformat()}, **EN)
    match.refresh_from_db()
    assert match.status == "active" and match.introduced_on == held
    assert match.checkins.count() == 10

    # The family answers its first check-in on its page; a worry flags the match.
    checkin = match.checkins.get(side="family", day_offset=14)
    response = fam.post(f"{family_url}check-ins/{checkin.pk}/", {
        "rating": "4", "frequency": "weekly", "activities": "homework",
        "worry": "the volunteer cancels often"})
    assert response.status_code == 200
    match.refresh_from_db()
    assert match.needs_attention and match.attention_reasons == ["worry"]
    dashboard = staff.get("/staff/north/follow-up/", **EN).content.decode()
    assert re.search(r'id="count-attention">1<', dashboard)

    # The volunteer notes an activity (optional) and asks to be called back.
    volunteer.post(f"/me/matches/{match.pk}/activity/", {
        "category": "homework", "done_on": timezone.localdate().isoformat(),
        "duration": "hours", "text": "fractions"}, **EN)
    assert match.activities.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        volunteer.post(f"/me/matches/{match.pk}/help/", {
            "kind": "availability", "summary": "", "callback": "on",
            "when": "weekday evenings", "language": "nl"}, **EN)
    case = Case.objects.get(match=match)
    assert case.callbacks.filter(status="open").count() == 1

    # The coordinator logs the call and resolves the case.
    callback = case.callbacks.get()
    staff.post(f"/staff/north/cases/{case.pk}/callbacks/{callback.pk}/done/",
               {"minutes": "15", "text": "Agreed on Wednesdays."}, **EN)
    staff.post(f"/staff/north/cases/{case.pk}/resolve/",
               {"resolution": "New fixed day."}, **EN)
    case.refresh_from_db()
    assert case.status == "resolved" and case.notes.filter(kind="call").count() == 1

    # Pause, resume, end.
    staff.post(f"/staff/north/matches/{match.pk}/pause/", {"reason": "holidays"}, **EN)
    match.refresh_from_db()
    assert match.status == "paused"
    staff.post(f"/staff/north/matches/{match.pk}/resume/", **EN)
    match.refresh_from_db()
    assert match.status == "active"
    staff.post(f"/staff/north/matches/{match.pk}/end/",
               {"reason": "moved-away", "family_waits_again": "on", "confirm": "1"}, **EN)
    match.refresh_from_db()
    family.refresh_from_db()
    victor.refresh_from_db()
    assert match.status == "ended" and match.end_reason == "moved-away"
    assert family.status == "waiting" and victor.status == "available"

    # After the end, contact details are gone on both sides and nothing more is logged.
    reveals = ContactReveal.objects.count()
    assert "+32488776655" not in volunteer.get(f"/me/matches/{match.pk}/", **EN).content.decode()
    assert "+32470112233" not in fam.get(neighbour_url).content.decode()
    assert ContactReveal.objects.count() == reveals


def test_a_declined_pair_is_never_proposed_again(client, alice, victor, sent_proposal):
    from voisins.matches.selectors import excluded_pairs

    client.force_login(victor.user)
    response = client.post(f"/me/proposals/{sent_proposal.pk}/answer/",
                           {"answer": "no", "reason": "too-far"}, **EN)
    assert response.status_code == 302
    sent_proposal.refresh_from_db()
    assert sent_proposal.status == Proposal.Status.DECLINED
    assert (sent_proposal.family_id, victor.pk) in excluded_pairs(sent_proposal.programme)


def test_a_decline_needs_a_reason_and_changes_nothing_without_one(client, victor,
                                                                  sent_proposal):
    client.force_login(victor.user)
    response = client.post(f"/me/proposals/{sent_proposal.pk}/answer/", {"answer": "no"},
                           follow=True, **EN)
    assert dutch("Why not?") in response.content.decode()  # Victor reads Dutch
    sent_proposal.refresh_from_db()
    assert sent_proposal.volunteer_answer == "" and sent_proposal.status == "sent"


def test_answering_twice_is_refused_and_changes_nothing(client, victor, sent_proposal):
    client.force_login(victor.user)
    client.post(f"/me/proposals/{sent_proposal.pk}/answer/", {"answer": "yes"}, **EN)
    response = client.post(f"/me/proposals/{sent_proposal.pk}/answer/",
                           {"answer": "no", "reason": "other"}, follow=True, **EN)
    assert dutch("This proposal was already answered.") in response.content.decode()
    sent_proposal.refresh_from_db()
    assert sent_proposal.volunteer_answer == "accepted" and sent_proposal.status == "sent"


def test_an_expired_proposal_cannot_be_answered(client, victor, sent_proposal):
    Proposal.objects.filter(pk=sent_proposal.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(victor.user)
    response = client.post(f"/me/proposals/{sent_proposal.pk}/answer/", {"answer": "yes"},
                           follow=True, **EN)
    assert dutch("This proposal expired; it can no longer be answered.") \
        in response.content.decode()
    sent_proposal.refresh_from_db()
    assert sent_proposal.status == "expired" and sent_proposal.volunteer_answer == ""


def test_another_household_cannot_answer_a_proposal(client, north, sent_proposal):
    from voisins.households.services import volunteer_create

    from .conftest import make_user, volunteer_data

    other = volunteer_create(programme=north, user=make_user("otto@example.org"),
                             **volunteer_data(contact_first_name="Otto"))
    client.force_login(other.user)
    response = client.post(f"/me/proposals/{sent_proposal.pk}/answer/", {"answer": "yes"})
    assert response.status_code == 404
    sent_proposal.refresh_from_db()
    assert sent_proposal.volunteer_answer == ""


def test_another_familys_link_does_not_reach_the_proposal(client, north, alice,
                                                          sent_proposal):
    from voisins.households.services import family_create

    from .conftest import family_data

    other = family_create(programme=north, **family_data(contact_first_name="Olena"))
    token = family_link_token(family_link_create(family=other))
    response = client.post(f"/f/{token}/proposals/{sent_proposal.pk}/answer/",
                           {"answer": "yes"})
    assert response.status_code == 404
    assert "Victor" not in client.get(f"/f/{token}/neighbour/").content.decode()
    sent_proposal.refresh_from_db()
    assert sent_proposal.family_answer == ""


def test_a_revoked_expired_or_changed_family_link_answers_nothing(client, family, alice,
                                                                  sent_proposal):
    link = family_link_create(family=family)
    token = family_link_token(link)
    assert client.get(f"/f/{token}/neighbour/").status_code == 200
    family_link_revoke(link=link, by=alice)
    answer = f"/f/{token}/proposals/{sent_proposal.pk}/answer/"
    assert client.post(answer, {"answer": "yes"}).status_code == 410
    link2 = family_link_create(family=family)
    FamilyLink.objects.filter(pk=link2.pk).update(created_at=timezone.now() - timedelta(days=2),
                                                  expires_at=timezone.now())
    token2 = family_link_token(link2)
    assert client.post(f"/f/{token2}/proposals/{sent_proposal.pk}/answer/",
                       {"answer": "yes"}).status_code == 410
    assert client.get(f"/f/{token2}/neighbour/").status_code == 410
    assert client.post(f"/f/{token2}x/proposals/{sent_proposal.pk}/answer/",
                       {"answer": "yes"}).status_code == 404
    sent_proposal.refresh_from_db()
    assert sent_proposal.family_answer == ""


def test_a_coordinator_of_another_programme_sees_nothing(client, charlie, live_match,
                                                         sent_proposal):
    client.force_login(charlie)
    for url in [f"/staff/north/proposals/{sent_proposal.pk}/",
                f"/staff/north/matches/{live_match.pk}/", "/staff/north/follow-up/",
                "/staff/north/cases/", f"/staff/south/matches/{live_match.pk}/",
                f"/staff/south/proposals/{sent_proposal.pk}/"]:
        assert client.get(url).status_code == 404, url
    response = client.post(f"/staff/north/matches/{live_match.pk}/end/",
                           {"reason": "other"})
    assert response.status_code == 404
    live_match.refresh_from_db()
    assert live_match.status == "introduction"


def test_a_coordinator_answers_for_the_family(client, alice, victor, sent_proposal):
    from voisins.matches.services import proposal_answer

    proposal_answer(proposal=sent_proposal, side="volunteer", accept=True, by=victor.user)
    client.force_login(alice)
    client.post(f"/staff/north/proposals/{sent_proposal.pk}/family-answer/",
                {"answer": "yes"}, **EN)
    sent_proposal.refresh_from_db()
    assert sent_proposal.status == "accepted" and sent_proposal.family_answered_by == alice
    assert Match.objects.filter(proposal=sent_proposal).exists()


def test_the_staff_pages_render(client, alice, live_match):
    client.force_login(alice)
    for url in ["/staff/north/follow-up/", "/staff/north/matching/", "/staff/north/proposals/",
                "/staff/north/matches/", f"/staff/north/matches/{live_match.pk}/",
                "/staff/north/check-ins/", "/staff/north/cases/", "/staff/north/",
                "/staff/north/matches/?attention=1", "/staff/north/proposals/?status=all"]:
        assert client.get(url, **EN).status_code == 200, url


def test_checkins_are_scheduled_on_the_programmes_days(live_match, alice):
    from voisins.matches.services import introduction_plan, introduction_record

    introduction_plan(match=live_match, planned_at=timezone.now(), place="Parc", by=alice)
    introduction_record(match=live_match, held_on=timezone.localdate(), by=alice)
    offsets = sorted(set(CheckIn.objects.filter(match=live_match).values_list("day_offset",
                                                                               flat=True)))
    assert offsets == [14, 30, 91, 182, 365]


def test_contact_details_wait_for_the_consent_to_share_them(client, alice, victor,
                                                           arabic_family, live_match):
    from auditlog.models import LogEntry

    from voisins.privacy.services import consent_withdraw

    client.force_login(victor.user)
    url = f"/me/matches/{live_match.pk}/"
    page = client.get(url, **EN).content.decode()
    assert "+32488776655" not in page
    assert dutch("The other household has not agreed to share its contact details yet. "
                 "The coordinator puts you in touch.") in page
    assert not ContactReveal.objects.exists()
    consent = consent_give(household=arabic_family, purpose="share_contact",
                           recorded_by=alice)
    assert "+32488776655" in client.get(url, **EN).content.decode()
    # Who saw the family's details, when and from where is in the family's audit log.
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS,
                                    content_type__model="familyhousehold",
                                    object_id=arabic_family.pk).get()
    assert entry.actor == victor.user and entry.remote_addr == "127.0.0.1"
    assert entry.additional_data["via"] == "match-volunteer"
    consent_withdraw(consent=consent)
    assert "+32488776655" not in client.get(url, **EN).content.decode()
    assert ContactReveal.objects.count() == 1
