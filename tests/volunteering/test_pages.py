"""The note and the policies on the pages: the coordinator publishes, records a policy,
sees who has not acknowledged and records a paper acknowledgement; a volunteer household
reads the note in its language and acknowledges it in one click (link and portal)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.volunteering.conftest import NOTE
from voisins.familypages.services import household_link_create, household_link_token
from voisins.volunteering import selectors
from voisins.volunteering.models import Acknowledgement, InformationNote, InsurancePolicy
from voisins.volunteering.services import information_note_publish, note_acknowledge

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def staff(client, alice):
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_coordinator_publishes_a_note_and_records_a_policy(staff, north):
    url = reverse("volunteering:overview", kwargs={"slug": "north"})
    page = staff.get(url)
    assert b"No information note yet" in page.content
    assert b"No insurance policy is in force today" in page.content
    data = {f"note-{k}": v for k, v in NOTE.items()} | {"note-discretion": "on"}
    assert staff.post(url, data).status_code == 302
    note = InformationNote.objects.get()
    assert note.discretion and note.version == 1
    today = timezone.localdate()
    response = staff.post(url, {"policy-insurer": "Ethias", "policy-policy_number": "1",
                                "policy-covers": ["civil_liability"],
                                "policy-valid_from": today.isoformat(),
                                "policy-valid_to": (today - timedelta(days=1)).isoformat(),
                                "policy-covers_all": "on"})
    assert response.status_code == 400
    assert b"The policy cannot end before it starts." in response.content
    assert not InsurancePolicy.objects.exists()
    response = staff.post(url, {"policy-insurer": "Ethias", "policy-policy_number": "1",
                                "policy-covers": ["civil_liability"],
                                "policy-valid_from": today.isoformat(),
                                "policy-covers_all": "on"})
    assert response.status_code == 302
    page = staff.get(url)
    assert b"No insurance policy is in force today" not in page.content
    assert b"Ethias" in page.content


def test_the_programme_home_counts_who_has_not_acknowledged(staff, north, note, volunteer,
                                                            victor):
    note_acknowledge(note=note, volunteer=victor, channel="portal")
    page = staff.get(reverse("staff:programme", kwargs={"slug": "north"})).content.decode()
    assert 'id="note-pending">1<' in page
    assert "No insurance policy is in force today" in page


def test_the_coordinator_records_an_acknowledgement_on_paper(staff, north, note, volunteer):
    pending = reverse("volunteering:pending", kwargs={"slug": "north"})
    assert volunteer.contact_last_name.encode() in staff.get(pending).content
    paper = reverse("volunteering:paper", kwargs={"slug": "north", "pk": volunteer.pk})
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = staff.post(paper, {"acknowledged_on": future}, follow=True)
    assert b"Signed on: The day cannot be in the future." in page.content
    page = staff.post(paper, {"acknowledged_on": "not a date"}, follow=True)
    assert b"Signed on:" in page.content
    assert not Acknowledgement.objects.exists()
    staff.post(paper, {"acknowledged_on": timezone.localdate().isoformat()})
    ack = Acknowledgement.objects.get()
    assert ack.channel == "paper" and ack.acknowledged_at
    assert selectors.unacknowledged_count(north) == 0


def test_a_mediator_reads_the_note_but_not_who_has_not_acknowledged(client, bob, note):
    client.force_login(bob)
    assert client.get(reverse("volunteering:overview", kwargs={"slug": "north"}),
                      **EN).status_code == 200
    assert client.post(reverse("volunteering:overview", kwargs={"slug": "north"}),
                       {"note-aim": "x"}, **EN).status_code == 404
    assert client.get(reverse("volunteering:pending", kwargs={"slug": "north"}),
                      **EN).status_code == 404


@pytest.mark.parametrize("language,words", [("ar", "ملاحظة"), ("uk", "волонтер"),
                                            ("nl", "vrijwilliger"), ("en", "volunteer")])
def test_a_household_reads_the_note_in_its_language_and_acknowledges_it(
        client, north, note, victor, alice, policy, language, words):
    token = household_link_token(household_link_create(household=victor, by=alice))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("volunteering:link_note", kwargs={"token": token})
    home = client.get(reverse("volunteerpages:home", kwargs={"token": token}))
    assert url.encode() in home.content
    page = client.get(url).content.decode()
    assert words in page.lower() and "Ethias" in page
    if language == "ar":
        assert 'dir="rtl"' in page
    assert Acknowledgement.objects.get().acknowledged_at is None  # received
    client.post(url, {"note": note.pk})
    ack = Acknowledgement.objects.get()
    assert ack.acknowledged_at and ack.channel == "link"
    assert 'id="acknowledged"' in client.get(url).content.decode()


def test_a_superseded_version_posted_from_an_old_page_is_refused(client, north, note,
                                                                 victor, alice):
    information_note_publish(programme=north, **NOTE)
    token = household_link_token(household_link_create(household=victor, by=alice))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("volunteering:link_note", kwargs={"token": token})
    page = client.post(url, {"note": note.pk}, follow=True)
    assert b"superseded by version 2" in page.content
    assert not Acknowledgement.objects.filter(acknowledged_at__isnull=False).exists()
    for odd in ["abc", "-1", "99999999999999999999", ""]:
        assert client.post(url, {"note": odd}).status_code == 302


def test_the_portal_shows_the_note_to_read_in_the_households_language(client, north, note,
                                                                      victor):
    client.force_login(victor.user)  # Victor reads Dutch
    home = client.get(reverse("portal:home")).content.decode()
    assert "Lees ze en laat ons weten dat u ze gelezen hebt." in home
    assert "Informatienota voor vrijwilligers" in client.get(
        reverse("volunteering:portal_note")).content.decode()
    url = reverse("volunteering:portal_note")
    client.post(url, {"note": note.pk})
    assert Acknowledgement.objects.get().channel == "portal"
    assert "U hebt kennisgenomen van de geldende nota." in client.get(
        reverse("portal:home")).content.decode()


def test_a_note_signed_on_paper_keeps_its_scan_or_nothing(staff, north, note, volunteer):
    from tests.files.samples import pdf, pdf_with_javascript, upload
    from voisins.files.models import StoredFile

    paper = reverse("volunteering:paper", kwargs={"slug": "north", "pk": volunteer.pk})
    today = timezone.localdate().isoformat()
    # A scan that is refused leaves no acknowledgement either: both, or neither.
    page = staff.post(paper, {"acknowledged_on": today,
                              "scan": upload("note.pdf", pdf_with_javascript())}, follow=True)
    assert page.status_code == 200
    assert not Acknowledgement.objects.exists() and not StoredFile.objects.exists()
    staff.post(paper, {"acknowledged_on": today, "scan": upload("note-signée.pdf", pdf())})
    ack = Acknowledgement.objects.get()
    scan = StoredFile.objects.get(pk=ack.scan_id)
    assert scan.purpose == "note" and scan.encrypted and scan.volunteer == volunteer
    # The coordinator finds it on the household's screening page and downloads it.
    screening = staff.get(reverse("recruitment:screening", args=["north", volunteer.pk]))
    link = reverse("files:download", args=[scan.uuid])
    assert link in screening.content.decode()
    download = staff.get(link)
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    assert b"".join(download.streaming_content if download.streaming else [download.content]
                    ).startswith(b"%PDF")
