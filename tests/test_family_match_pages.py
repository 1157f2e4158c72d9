"""A family lives its match through its one personal link (voisins.familypages): the mails
it gets open its own pages, and its home leads to the proposal, the check-in and help."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from voisins.familypages.links import family_link_token
from voisins.familypages.models import FamilyLink
from voisins.familypages.services import family_link_create, family_link_current, family_link_revoke
from voisins.households.models import FamilyHousehold
from voisins.matches.models import CheckIn
from voisins.matches.services import (
    checkins_notify_due,
    introduction_plan,
    introduction_record,
    proposal_send,
)
from voisins.mediation.models import Case

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FAMILY_PATH = re.compile(r"https?://[^/\s]+(/f/[^\s]+)")


@pytest.fixture
def family_with_email(family):
    FamilyHousehold.objects.filter(pk=family.pk).update(email="amina@example.org",
                                                        page_language="en")
    family.refresh_from_db()
    return family


@pytest.fixture
def active_match(live_match, alice):
    introduction_plan(match=live_match, planned_at=timezone.now(), place="Parc", by=alice)
    live_match.started_on = timezone.localdate() - timedelta(days=30)
    live_match.save()
    return introduction_record(match=live_match, held_on=timezone.localdate() - timedelta(days=15),
                               by=alice)


def _family_paths():
    return [FAMILY_PATH.search(m.body).group(1) for m in mail.outbox
            if m.to == ["amina@example.org"]]


def _token(path):
    return path.split("/")[2]


def test_it_mails_the_proposal_with_a_link_to_the_familys_page(
        client, family_with_email, draft_proposal, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        proposal_send(proposal=draft_proposal, by=alice)
    [path] = _family_paths()
    link = FamilyLink.objects.get(family=family_with_email)
    assert path == reverse("matches:family_proposal",
                           kwargs={"token": family_link_token(link)})
    page = client.get(path)
    assert page.status_code == 200 and "Victor" in page.content.decode()


def test_every_mail_reuses_the_link_while_it_lasts(family_with_email, alice):
    first = family_link_current(family=family_with_email)
    assert family_link_current(family=family_with_email) == first
    # A link closing within 30 days is not sent any more: a new one is made.
    FamilyLink.objects.filter(pk=first.pk).update(expires_at=timezone.now() + timedelta(days=20))
    second = family_link_current(family=family_with_email)
    assert second != first and second.active
    family_link_revoke(link=second, by=alice)
    assert family_link_current(family=family_with_email) not in (first, second)


def test_a_due_checkin_is_mailed_to_the_family_with_a_link_to_its_page(
        client, family_with_email, active_match, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert checkins_notify_due() == 2
    [path] = _family_paths()
    checkin = CheckIn.objects.get(match=active_match, side="family", day_offset=14)
    assert path == reverse("matches:family_checkin_answer",
                           kwargs={"token": _token(path), "pk": checkin.pk})
    assert client.get(path).status_code == 200
    response = client.post(path, {"rating": "5", "frequency": "weekly"})
    assert response.status_code == 200
    checkin.refresh_from_db()
    assert checkin.rating == 5 and checkin.answered_by is None
    assert client.post(path, {"rating": "1", "frequency": "weekly"}).status_code == 409


def test_the_family_home_leads_to_the_pages_of_its_match(client, family):
    token = family_link_token(family_link_create(family=family))
    html = client.get(reverse("familypages:home", kwargs={"token": token}), **EN
                      ).content.decode()
    for name in ("matches:family_proposal", "matches:family_checkin", "matches:family_help"):
        assert f'href="{reverse(name, kwargs={"token": token})}"' in html, name


def test_how_is_it_going_opens_the_checkin_due_or_says_there_is_none(client, active_match):
    token = family_link_token(family_link_create(family=active_match.family))
    url = reverse("matches:family_checkin", kwargs={"token": token})
    response = client.get(url, **EN)
    due = CheckIn.objects.get(match=active_match, side="family", day_offset=14)
    assert response.status_code == 302
    assert response["Location"] == reverse("matches:family_checkin_answer",
                                           kwargs={"token": token, "pk": due.pk})
    CheckIn.objects.filter(pk=due.pk).update(answered_at=timezone.now(), rating=4)
    response = client.get(url, **EN)
    assert response.status_code == 200 and response.context["nothing_due"]


def test_a_family_cannot_open_another_familys_checkin(client, north, active_match):
    from voisins.households.services import family_create

    from .conftest import family_data

    other = family_create(programme=north, **family_data(contact_first_name="Olena"))
    token = family_link_token(family_link_create(family=other))
    checkin = CheckIn.objects.get(match=active_match, side="family", day_offset=14)
    url = reverse("matches:family_checkin_answer", kwargs={"token": token, "pk": checkin.pk})
    assert client.post(url, {"rating": "1", "frequency": "weekly"}).status_code == 404
    checkin.refresh_from_db()
    assert checkin.answered_at is None


def test_a_family_asks_for_help_on_its_help_page(client, family,
                                                 django_capture_on_commit_callbacks):
    FamilyHousehold.objects.filter(pk=family.pk).update(page_language="ar")
    token = family_link_token(family_link_create(family=family))
    url = reverse("matches:family_help", kwargs={"token": token})
    page = client.get(url)
    assert page.status_code == 200 and '<html lang="ar" dir="rtl">' in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "practical", "summary": "papers"})
    assert response["Location"] == reverse("familypages:home", kwargs={"token": token})
    assert Case.objects.get(family=family).opened_by == "family"


def test_a_closed_link_opens_no_page_of_the_match(client, family, alice):
    link = family_link_create(family=family)
    token = family_link_token(link)
    family_link_revoke(link=link, by=alice)
    for name in ("matches:family_proposal", "matches:family_checkin", "matches:family_help"):
        response = client.get(reverse(name, kwargs={"token": token}), **EN)
        assert response.status_code == 410 and response.context["reason"] == "revoked", name
    response = client.post(reverse("matches:family_help", kwargs={"token": token}),
                           {"kind": "practical", "summary": "x"})
    assert response.status_code == 410 and not Case.objects.exists()
