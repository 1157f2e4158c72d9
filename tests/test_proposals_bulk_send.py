"""Issue 16, item 6: the draft proposals ticked on the list are sent in one action through
the usual send, and the coordinator reads what happened to each."""

import pytest
from django.core import mail
from django.urls import reverse

from voisins.households.models import FamilyHousehold
from voisins.households.services import family_create, volunteer_create
from voisins.matches.models import Proposal

from .conftest import agreed_to_matching, family_data, volunteer_data

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def drafts(north, alice):
    """Three draft proposals; the third family no longer waits."""
    made = []
    for n in range(3):
        family = family_create(programme=north, **family_data(
            contact_first_name=f"Fam{n}", email=f"fam{n}@example.org"))
        volunteer = volunteer_create(programme=north, **volunteer_data(
            contact_first_name=f"Vol{n}", email=f"vol{n}@example.org"))
        agreed_to_matching(family, volunteer)
        made.append(Proposal.objects.create(programme=north, family=family,
                                            volunteer=volunteer, score=5 - n,
                                            distance_km=1, created_by=alice))
    FamilyHousehold.objects.filter(pk=made[2].family_id).update(status="matched")
    return made


def send(client, ids):
    return client.post(reverse("matches:proposals_send", args=["north"]),
                       {"proposal": ids}, follow=True, **EN)


def test_the_selected_drafts_are_sent_and_the_rest_stays(client, alice, drafts,
                                                         django_capture_on_commit_callbacks):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, [drafts[0].pk, drafts[2].pk])
    statuses = {p.pk: p.status for p in Proposal.objects.all()}
    assert statuses == {drafts[0].pk: "sent", drafts[1].pk: "draft", drafts[2].pk: "draft"}
    html = response.content.decode()
    assert "1 proposal sent" in html and "Fam0" in html
    assert "Not sent" in html and "no longer waiting" in html
    # Each household of the sent proposal is told, by the usual send.
    assert {m.to[0] for m in mail.outbox} >= {"fam0@example.org", "vol0@example.org"}
    assert not any("fam1@" in m.to[0] or "fam2@" in m.to[0] for m in mail.outbox)


def test_the_list_offers_a_box_for_each_draft_only(client, alice, drafts, sent_proposal):
    client.force_login(alice)
    html = client.get(reverse("matches:proposals", args=["north"]), {"status": ""},
                      **EN).content.decode()
    assert html.count('name="proposal"') == 3
    assert f'value="{sent_proposal.pk}" form="bulk-send"' not in html
    assert "Send the selected proposals" in html


def test_the_sent_list_shows_sent_date_deadline_and_both_answers(client, alice,
                                                                  sent_proposal, victor):
    from voisins.matches.services import proposal_answer

    proposal_answer(proposal=sent_proposal, side="volunteer", accept=True, by=victor.user)
    client.force_login(alice)
    response = client.get(reverse("matches:proposals", args=["north"]), {"status": "sent"},
                          **EN)
    html = response.content.decode()
    for heading in ("Sent on", "Answer before", "Family's answer",
                    "Volunteer household's answer"):
        assert heading in html.replace("&#x27;", "'")
    assert "Accepted" in html or "accepted" in html


def test_nothing_selected_or_nonsense_sends_nothing(client, alice, drafts):
    client.force_login(alice)
    response = send(client, [])
    assert "Select at least one proposal" in response.content.decode()
    response = client.post(reverse("matches:proposals_send", args=["north"]),
                           {"proposal": ["1", "x"]}, **EN)
    assert response.status_code == 400 and b"proposal" in response.content
    assert not Proposal.objects.exclude(status="draft").exists()


def test_nobody_else_sends_and_other_programmes_ids_are_ignored(client, bob, charlie,
                                                                drafts, south, alice):
    for user in (bob, charlie):
        client.force_login(user)
        assert send(client, [p.pk for p in drafts]).status_code == 404
    # A coordinator of south cannot send north's proposals through south's page.
    from voisins.programmes.constants import Role
    from voisins.programmes.services import membership_grant

    membership_grant(user=charlie, programme=south, role=Role.COORDINATOR)
    client.force_login(charlie)
    client.post(reverse("matches:proposals_send", args=["south"]),
                {"proposal": [p.pk for p in drafts]})
    assert not Proposal.objects.exclude(status="draft").exists()


def test_the_summary_says_how_each_household_was_told(
        client, alice, drafts, django_capture_on_commit_callbacks):
    FamilyHousehold.objects.filter(pk=drafts[1].family_id).update(email="", phone="")
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        html = send(client, [drafts[0].pk, drafts[1].pk]).content.decode()
    assert "2 proposals sent" in html
    # Fam1 has neither e-mail nor phone: it is on the to-call list, and the page says so.
    assert "(Fam1): no digital channel, it is on your to-call list" in html
    assert "The family (Fam0): e-mail queued, it goes out in a moment." in html
