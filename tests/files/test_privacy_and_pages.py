"""A file about a person is in their data export and goes with their erasure; the staff
pages and the API upload with the same checks, refusing with a message naming the field."""

import base64

import pytest
from django.core.files.storage import storages
from django.utils import translation

from tests.conftest import bearer
from voisins.files import services
from voisins.files.models import StoredFile
from voisins.gdpr.selectors import household_export
from voisins.gdpr.services import household_erase
from voisins.recruitment.services import screening_update

from . import samples

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def attachment(case, alice):
    return services.case_attachment_add(case=case, upload=samples.upload(
        "lettre.pdf", samples.pdf("for-the-export")), by=alice)


def test_the_export_holds_the_case_attachment_with_its_content(live_match, attachment):
    rows = household_export(live_match.family)["files"]
    assert [(r["name"], r["purpose"]) for r in rows] == [("lettre.pdf", "case")]
    assert base64.b64decode(rows[0]["content_base64"]) == samples.pdf("for-the-export")


def test_the_export_pdf_lists_the_file_without_its_bytes(live_match, attachment):
    from voisins.gdpr.pdf import export_pdf

    data = household_export(live_match.family)
    assert export_pdf(data).startswith(b"%PDF")


def test_erasing_the_family_removes_the_stored_object(
        live_match, attachment, alice, django_capture_on_commit_callbacks):
    name = attachment.storage_name
    assert storages["private"].exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        household_erase(household=live_match.family, by=alice)
    assert not StoredFile.objects.exists()
    assert not storages["private"].exists(name)


def test_a_charter_scan_goes_with_the_volunteers_erasure(
        victor, alice, django_capture_on_commit_callbacks):
    screening = screening_update(volunteer=victor, interview_place="Victor's home")
    scan = services.charter_scan_add(screening=screening, upload=samples.upload(
        "charte-signee.png", samples.png()), by=alice)
    assert scan.encrypted
    assert [r["name"] for r in household_export(victor)["files"]] == ["charte-signee.png"]
    with django_capture_on_commit_callbacks(execute=True):
        household_erase(household=victor, by=alice)
    assert not storages["private"].exists(scan.storage_name)


def test_attach_keeps_a_paper_scan_for_another_record(victor, alice):
    # What voisins.volunteering calls for a note acknowledged on paper.
    stored = services.attach(owner=victor, upload=samples.upload(
        "note.pdf", samples.pdf()), by=alice, volunteer=victor)
    assert stored.owner == victor and stored.encrypted and stored.purpose == "note"


def test_the_case_page_uploads_and_lists_an_attachment(client, alice, case):
    client.force_login(alice)
    response = client.post(f"/staff/north/cases/{case.pk}/files/", {
        "file": samples.upload("lettre.pdf", samples.pdf())}, follow=True, **EN)
    assert "“lettre.pdf” is saved." in response.content.decode()
    stored = StoredFile.objects.get()
    assert f"/files/{stored.uuid}/" in response.content.decode()


def test_the_case_page_refuses_a_bad_file_naming_the_field(client, alice, case):
    client.force_login(alice)
    alice.language = "en"
    alice.save()
    response = client.post(f"/staff/north/cases/{case.pk}/files/", {
        "file": samples.upload("lettre.pdf", samples.png())}, follow=True, **EN)
    assert response.status_code == 200
    assert "File: The name says .pdf but the content is PNG" in response.content.decode()
    assert not StoredFile.objects.exists()


def test_a_path_in_an_uploaded_name_is_cut_off(client, alice, case):
    client.force_login(alice)
    client.post(f"/staff/north/cases/{case.pk}/files/", {
        "file": samples.upload("../../etc/lettre.pdf", samples.pdf())}, **EN)
    assert StoredFile.objects.get().name == "lettre.pdf"


def test_a_post_without_a_file_names_the_field(client, alice, case):
    client.force_login(alice)
    response = client.post(f"/staff/north/cases/{case.pk}/files/", {}, follow=True, **EN)
    assert "File:" in response.content.decode()


def test_a_mediator_of_another_case_cannot_upload(client, bob, case):
    client.force_login(bob)
    response = client.post(f"/staff/north/cases/{case.pk}/files/", {
        "file": samples.upload("lettre.pdf", samples.pdf())})
    assert response.status_code == 404 and not StoredFile.objects.exists()


def test_the_training_page_takes_a_handout(client, alice, module):
    client.force_login(alice)
    client.post(f"/training/north/modules/{module.pk}/handouts/", {
        "file": samples.upload("guide.pdf", samples.pdf())})
    assert module.handouts.get().name == "guide.pdf"
    assert "guide.pdf" in client.get("/training/north/").content.decode()


def test_a_resource_can_be_a_file(client, alice, north):
    from voisins.community.services import resource_save

    resource = resource_save(programme=north, kind="guide", title="Guide", languages=["fr"],
                             target_group="volunteers", body="Le guide en PDF.")
    client.force_login(alice)
    client.post(f"/community/north/resources/{resource.pk}/files/", {
        "file": samples.upload("guide.pdf", samples.pdf())})
    stored = resource.files.get()
    assert f"/files/{stored.uuid}/" in client.get("/community/north/resources/"
                                                  ).content.decode()


def test_the_screening_page_takes_the_signed_charter(client, alice, victor):
    screening_update(volunteer=victor, interview_place="Victor's home")
    client.force_login(alice)
    client.post(f"/recruitment/north/volunteers/{victor.pk}/screening/scan/", {
        "file": samples.upload("charte.pdf", samples.pdf())})
    assert StoredFile.objects.get().purpose == "charter"


def test_deleting_a_file_from_its_page(client, alice, attachment, case):
    client.force_login(alice)
    client.post(f"/files/{attachment.uuid}/delete/",
                {"next": f"/staff/north/cases/{case.pk}/"})
    assert not StoredFile.objects.exists()


# --- API ------------------------------------------------------------------------------------

def test_the_api_uploads_lists_and_downloads_a_case_attachment(client, alice, case):
    headers = bearer(alice)
    response = client.post(f"/api/v1/cases/{case.pk}/files", {
        "file": samples.upload("lettre.pdf", samples.pdf())}, **headers)
    assert response.status_code == 201, response.content
    key = response.json()["id"]
    listed = client.get(f"/api/v1/cases/{case.pk}/files", **headers).json()
    assert [f["id"] for f in listed] == [key]
    download = client.get(f"/api/v1/files/{key}", **headers)
    assert download.status_code == 200 and download.content == samples.pdf()
    assert download["Cache-Control"] == "no-store"
    assert download["Content-Disposition"].startswith("attachment;")


def test_the_api_refuses_a_bad_file_naming_the_field(client, alice, case):
    with translation.override("en"):
        response = client.post(f"/api/v1/cases/{case.pk}/files", {
            "file": samples.upload("bomb.docx", samples.zip_bomb())}, **bearer(alice))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]
    assert not StoredFile.objects.exists()


def test_the_api_answers_404_to_another_programme(client, charlie, attachment, case):
    headers = bearer(charlie)
    assert client.get(f"/api/v1/files/{attachment.uuid}", **headers).status_code == 404
    assert client.post(f"/api/v1/cases/{case.pk}/files", {
        "file": samples.upload("a.pdf", samples.pdf())}, **headers).status_code == 404
