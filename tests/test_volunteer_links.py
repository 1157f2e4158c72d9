"""A volunteer household answers without an account (issue 15, item 1): its personal link
(the families' own mechanism: signed, expiring, revocable), the pages behind it, the
messages that carry it, the coordinator who records an answer heard on the phone, the link
asked for by e-mail, and what the GDPR duties add."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.conftest import agreed_to_matching, volunteer_data
from voisins.familypages.links import family_link_token, household_link_token
from voisins.familypages.models import VolunteerLink
from voisins.familypages.services import (
    FamilyLinkError,
    family_link_create,
    household_link_create,
    household_link_current,
    household_link_resolve,
    household_link_revoke,
    household_page_url,
)
from voisins.households.services import volunteer_create
from voisins.matches.models import Notification, Proposal
from voisins.matches.services import proposal_answer, proposal_send

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def client(client):
    """The household chose English on its pages (else they speak its own language)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def marie(north):
    """A volunteer household without an account, like 67 of the demo's 100."""
    return volunteer_create(programme=north, **volunteer_data(
        email="marie.home@example.org", phone="+32470998877"))


@pytest.fixture
def proposed(north, family, marie, alice, django_capture_on_commit_callbacks):
    """Amina's family proposed to Marie's household; both were told."""
    agreed_to_matching(family, marie)
    proposal = Proposal.objects.create(programme=north, family=family, volunteer=marie,
                                       score=5, distance_km=0.5, created_by=alice)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        return proposal_send(proposal=proposal, by=alice)


def _link_in(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/v/\S+)", body)[1]


def _token(link: VolunteerLink) -> str:
    return household_link_token(link)


# --- The link -----------------------------------------------------------------------------

def test_a_link_opens_until_it_is_revoked_or_expires(marie, alice):
    link = household_link_create(household=marie, by=alice)
    assert household_link_resolve(token=_token(link), kind="volunteer").volunteer == marie
    household_link_revoke(link=link, by=alice)
    with pytest.raises(FamilyLinkError) as exc:
        household_link_resolve(token=_token(link), kind="volunteer")
    assert exc.value.reason == "revoked"
    old = household_link_create(household=marie, days=1)
    VolunteerLink.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=3),
        expires_at=timezone.now() - timedelta(days=2))
    with pytest.raises(FamilyLinkError) as exc:
        household_link_resolve(token=_token(old), kind="volunteer")
    assert exc.value.reason == "expired"


def test_a_changed_link_is_404_and_an_old_or_closed_one_410(client, marie, alice):
    link = household_link_create(household=marie)
    home = lambda token: reverse("volunteerpages:home", kwargs={"token": token})  # noqa: E731
    assert client.get(home(_token(link)), **EN).status_code == 200
    response = client.get(home(_token(link)[:-2] + "xx"), **EN)
    assert response.status_code == 404 and "Marie" not in response.content.decode()
    assert "Get a new personal link by e-mail" in response.content.decode()
    household_link_revoke(link=link, by=alice)
    assert client.get(home(_token(link)), **EN).status_code == 410
    old = household_link_create(household=marie)
    VolunteerLink.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=100),
        expires_at=timezone.now() - timedelta(days=10))
    assert client.get(home(_token(old)), **EN).status_code == 410


def test_a_familys_link_never_opens_a_volunteer_households_pages(client, family, marie):
    """One signing, a salt per kind: a family's token is no volunteer household's token."""
    family_token = family_link_token(family_link_create(family=family))
    assert client.get(reverse("volunteerpages:home", kwargs={"token": family_token}),
                      **EN).status_code == 404
    volunteer_token = _token(household_link_create(household=marie))
    assert client.get(reverse("familypages:home", kwargs={"token": volunteer_token}),
                      **EN).status_code == 404


def test_messages_reuse_the_open_link_rather_than_make_one_each(marie, alice):
    first = household_link_current(household=marie)
    assert household_link_current(household=marie) == first
    household_link_revoke(link=first, by=alice)
    assert household_link_current(household=marie) != first
    assert household_page_url(household=marie).startswith("/v/")


def test_a_coordinator_has_one_live_link_at_a_time(client, alice, marie):
    client.force_login(alice)
    url = reverse("familypages:staff_volunteer_links", args=["north", marie.pk])
    client.post(url)
    client.post(url)
    assert VolunteerLink.objects.filter(volunteer=marie).count() == 2
    assert [link.active for link in VolunteerLink.objects.filter(volunteer=marie)] == [
        True, False]
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    live = VolunteerLink.objects.filter(volunteer=marie).first()
    assert _token(live) in html and "<html" not in html
    client.post(reverse("familypages:staff_volunteer_revoke",
                        args=["north", marie.pk, live.pk]), {"confirm": "1"})
    assert not VolunteerLink.objects.filter(volunteer=marie, revoked_at__isnull=True).exists()


def test_nobody_else_handles_a_volunteer_households_links(client, bob, charlie, marie):
    url = reverse("familypages:staff_volunteer_links", args=["north", marie.pk])
    for user in (bob, charlie):
        client.force_login(user)
        assert client.post(url).status_code == 404
    assert not VolunteerLink.objects.exists()


# --- Its pages, without an account ---------------------------------------------------------

def test_a_household_without_account_answers_from_the_proposal_email(client, proposed,
                                                                      marie, alice):
    [message] = [m for m in mail.outbox if m.to == ["marie.home@example.org"]]
    link = _link_in(message.body)
    assert "/me/" not in message.body and "/proposals/" in link
    page = client.get(link, **EN)
    html = page.content.decode()
    assert page.status_code == 200 and "Amina" in html
    assert page["Cache-Control"] == "no-store"
    # Before both said yes: no last name, no contact of the family.
    assert "Haddad" not in html
    token = link.split("/")[2]
    response = client.post(reverse("matches:volunteer_link_answer",
                                   args=[token, proposed.pk]), {"answer": "yes"}, **EN)
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.volunteer_answer == "accepted" and proposed.volunteer_answered_by is None
    assert "Haddad" not in client.get(link, **EN).content.decode()


def test_contact_details_show_once_both_households_said_yes(client, proposed, marie, alice,
                                                            family):
    from voisins.privacy.services import consent_give

    consent_give(household=family, purpose="share_contact", recorded_by=alice)
    token = _token(household_link_current(household=marie))
    client.post(reverse("matches:volunteer_link_answer", args=[token, proposed.pk]),
                {"answer": "yes"})
    proposal = proposal_answer(proposal=proposed, side="family", accept=True, by=alice)
    match = proposal.match
    html = client.get(reverse("matches:volunteer_link_match", args=[token, match.pk]),
                      **EN).content.decode()
    assert "Haddad" in html and 'id="contact"' in html


def test_another_households_proposal_is_404_through_a_link(client, sent_proposal, marie):
    token = _token(household_link_create(household=marie))
    response = client.post(reverse("matches:volunteer_link_answer",
                                   args=[token, sent_proposal.pk]), {"answer": "yes"})
    assert response.status_code == 404
    sent_proposal.refresh_from_db()
    assert sent_proposal.volunteer_answer == ""


def test_a_no_without_reason_is_shown_again_naming_the_field(client, proposed, marie):
    token = _token(household_link_current(household=marie))
    response = client.post(reverse("matches:volunteer_link_answer", args=[token, proposed.pk]),
                           {"answer": "no"}, **EN)
    assert response.status_code == 400
    assert "Choose a reason for saying no." in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.volunteer_answer == ""


def test_its_pages_speak_its_language_without_an_account(client, north):
    client.cookies.clear()  # it chose none
    dutch = volunteer_create(programme=north, **volunteer_data(
        contact_first_name="Joke", languages=[{"code": "nl", "level": "native"}]))
    token = _token(household_link_create(household=dutch))
    response = client.get(reverse("volunteerpages:home", args=[token]),
                          HTTP_ACCEPT_LANGUAGE="fr")
    assert response["Content-Language"] == "nl"
    assert "Hallo Joke" in response.content.decode()


def test_a_household_registers_for_a_training_through_its_link(client, north, marie):
    from voisins.training import services as training

    module = training.training_module_create(programme=north, title="Role and limits")
    session = training.training_session_create(
        module=module, starts_at=timezone.now() + timedelta(days=5), place="Maison",
        ends_at=timezone.now() + timedelta(days=5, hours=2))
    token = _token(household_link_create(household=marie))
    home = reverse("volunteerpages:home", args=[token])
    assert "Role and limits" in client.get(home, **EN).content.decode()
    client.post(reverse("volunteerpages:training_register", args=[token, session.pk]))
    assert marie.training_registrations.filter(session=session).exists()


def test_a_household_answers_its_checkin_through_its_link(client, live_match, victor, alice):
    from voisins.matches.models import CheckIn
    from voisins.matches.services import introduction_plan, introduction_record

    introduction_plan(match=live_match, planned_at=timezone.now() + timedelta(days=1),
                      place="Maison de quartier", by=alice)
    introduction_record(match=live_match, held_on=timezone.localdate(), by=alice)

    checkin = CheckIn.objects.filter(match=live_match, side="volunteer").first()
    CheckIn.objects.filter(pk=checkin.pk).update(due_on=timezone.localdate())
    token = _token(household_link_create(household=victor))
    url = reverse("matches:volunteer_link_checkin", args=[token, checkin.pk])
    assert client.get(url, **EN).status_code == 200
    client.post(url, {"rating": "4", "frequency": "weekly"}, **EN)
    checkin.refresh_from_db()
    assert checkin.rating == 4 and checkin.answered_by is None


def test_its_own_data_page_shows_what_voisins_holds(client, marie):
    token = _token(household_link_create(household=marie))
    html = client.get(reverse("volunteerpages:data", args=[token]), **EN).content.decode()
    assert "marie.home@example.org" in html and "+32470998877" in html
    assert "Personal links" in html


# --- Choose a password ---------------------------------------------------------------------

def test_choosing_a_password_turns_the_link_into_an_account(client, marie):
    token = _token(household_link_create(household=marie))
    url = reverse("volunteerpages:password", args=[token])
    response = client.post(url, {"email": "marie.home@example.org",
                                 "password1": "un voisin solidaire",
                                 "password2": "un voisin solidaire"}, **EN)
    assert response.status_code == 302
    marie.refresh_from_db()
    assert marie.user.email == "marie.home@example.org"
    assert marie.user.check_password("un voisin solidaire")
    # The address the association holds for the household: taken as verified.
    assert EmailAddress.objects.get(user=marie.user).verified
    # The link keeps working, and now says so.
    html = client.get(reverse("volunteerpages:home", args=[token]), **EN).content.decode()
    assert "Log in with my password" in html


def test_a_link_never_takes_over_another_account(client, marie, alice):
    token = _token(household_link_create(household=marie))
    url = reverse("volunteerpages:password", args=[token])
    response = client.post(url, {"email": alice.email, "password1": "un voisin solidaire",
                                 "password2": "un voisin solidaire"}, **EN)
    assert response.status_code == 400
    assert "An account already uses this address" in response.content.decode()
    alice.refresh_from_db()
    marie.refresh_from_db()
    assert marie.user is None and not alice.check_password("un voisin solidaire")


def test_a_weak_password_is_refused_naming_the_field(client, marie):
    token = _token(household_link_create(household=marie))
    response = client.post(reverse("volunteerpages:password", args=[token]), {
        "email": "marie.home@example.org", "password1": "123", "password2": "123"}, **EN)
    assert response.status_code == 400 and 'href="#id_password1"' in response.content.decode()
    marie.refresh_from_db()
    assert marie.user is None


def test_a_household_with_a_password_keeps_it(client, victor):
    victor.user.set_password("the old one is kept")
    victor.user.save()
    token = _token(household_link_create(household=victor))
    client.post(reverse("volunteerpages:password", args=[token]), {
        "email": "x@example.org", "password1": "a new one here", "password2": "a new one here"})
    victor.user.refresh_from_db()
    assert victor.user.check_password("the old one is kept")


# --- Asking for one's link -----------------------------------------------------------------

def test_the_login_page_leads_to_a_personal_link(client):
    html = client.get(reverse("account_login"), **EN).content.decode()
    assert reverse("volunteerpages:request") in html
    html = client.get(reverse("account_reset_password"), **EN).content.decode()
    assert reverse("volunteerpages:request") in html


def test_a_link_asked_for_is_mailed_with_the_same_answer_for_any_address(
        client, marie, django_capture_on_commit_callbacks):
    url = reverse("volunteerpages:request")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "Marie.Home@example.org"}, **EN)
        unknown = client.post(url, {"email": "nobody@example.org"}, **EN)
    assert known.status_code == unknown.status_code == 200

    def text(response):
        return re.sub(r'(csrfmiddlewaretoken" value|nonce)="[^"]+"', "",
                      response.content.decode())

    assert text(known) == text(unknown)
    [message] = mail.outbox
    assert message.to == ["Marie.Home@example.org"] and "Marie" in message.body
    link = _link_in(message.body)
    assert client.get(link, **EN).status_code == 200
    assert Notification.objects.filter(kind="personal_link").count() == 1


def test_asking_for_links_is_rate_limited(client, marie):
    url = reverse("volunteerpages:request")
    statuses = [client.post(url, {"email": "marie.home@example.org"}).status_code
                for _ in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
    # And an address gets a few links a day, whoever asks.
    assert Notification.objects.filter(kind="personal_link").count() == 3


def test_a_bad_address_is_named(client):
    response = client.post(reverse("volunteerpages:request"), {"email": "not an address"},
                           **EN)
    assert response.status_code == 400 and 'href="#id_email"' in response.content.decode()


# --- The coordinator records an answer heard on the phone ----------------------------------

def test_a_coordinator_records_the_volunteer_households_answer(client, proposed, alice):
    client.force_login(alice)
    client.post(reverse("matches:proposal_volunteer_answer", args=["north", proposed.pk]),
                {"answer": "yes", "comment": "Said yes on the phone"}, **EN)
    proposed.refresh_from_db()
    assert proposed.volunteer_answer == "accepted"
    assert proposed.volunteer_answered_by == alice and proposed.volunteer_answered_at
    html = client.get(reverse("matches:proposal", args=["north", proposed.pk]),
                      **EN).content.decode()
    assert f"recorded by {alice}" in html


def test_only_the_programmes_coordinator_records_it(client, proposed, bob, charlie):
    for user in (bob, charlie):
        client.force_login(user)
        response = client.post(reverse("matches:proposal_volunteer_answer",
                                       args=["north", proposed.pk]), {"answer": "yes"})
        assert response.status_code == 404
    proposed.refresh_from_db()
    assert proposed.volunteer_answer == ""


def test_the_households_own_answer_is_not_recorded_as_someone_elses(sent_proposal, victor):
    proposal = proposal_answer(proposal=sent_proposal, side="volunteer", accept=True,
                               by=victor.user)
    assert proposal.volunteer_answered_by is None


# --- GDPR ----------------------------------------------------------------------------------

def test_links_are_exported_and_revoked_on_erasure(marie, alice):
    from voisins.gdpr.selectors import household_export
    from voisins.gdpr.services import household_erase

    link = household_link_create(household=marie, by=alice)
    [exported] = household_export(marie)["personal_links"]
    assert exported["expires_at"] and link.key not in str(exported)
    household_erase(household=marie, by=alice)
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_a_used_link_counts_as_activity(marie, client):
    from voisins.familypages.privacy import activity

    token = _token(household_link_create(household=marie))
    since = timezone.now() - timedelta(minutes=1)
    assert not activity("volunteer", since).exists()
    client.get(reverse("volunteerpages:home", args=[token]))
    assert list(activity("volunteer", since)) == [{"pk": marie.pk}]



def test_a_forgotten_password_without_account_leads_to_the_personal_link(client, marie):
    """allauth answers an unknown address with a mail: it points to the personal link, not
    to a sign-up page that says sign-ups are closed."""
    mail.outbox.clear()
    client.post(reverse("account_reset_password"), {"email": "marie.home@example.org"}, **EN)
    [message] = mail.outbox
    assert reverse("volunteerpages:request") in message.body
    assert reverse("account_signup") not in message.body
