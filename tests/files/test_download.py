"""Who downloads what, and how: one view that checks access (404 to anyone else),
audits the read and tells the browser to save the file without guessing or caching it."""

import pytest
from auditlog.models import LogEntry
from django.core.files.storage import storages
from django.db import connection

from tests.conftest import make_user
from voisins.familypages.links import household_link_token
from voisins.familypages.services import household_link_create
from voisins.files import services
from voisins.files.models import StoredFile
from voisins.mediation import services as mediation
from voisins.programmes.constants import Role
from voisins.programmes.services import membership_grant
from voisins.training.services import registration_create

from . import samples

PLAIN = samples.pdf("PLAIN-MARKER-Amina")


@pytest.fixture
def attachment(case, alice):
    return services.case_attachment_add(case=case, upload=samples.upload(
        "lettre-commune.pdf", PLAIN), by=alice)


@pytest.fixture
def handout(module, alice):
    return services.handout_add(module=module, upload=samples.upload(
        "Accueil – guide.pdf", samples.pdf()), by=alice)


@pytest.fixture
def south_mediator(south):
    user = make_user("sam@example.org", first_name="Sam")
    membership_grant(user=user, programme=south, role=Role.MEDIATOR)
    return user


def test_the_coordinator_downloads_a_case_attachment_with_safe_headers(
        client, alice, attachment):
    client.force_login(alice)
    response = client.get(f"/files/{attachment.uuid}/")
    assert response.status_code == 200
    assert response.content == PLAIN
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''lettre-commune.pdf" in disposition or (
        'filename="lettre-commune.pdf"' in disposition)


def test_a_non_ascii_name_goes_out_as_rfc_6266_filename_star(client, alice, handout):
    client.force_login(alice)
    response = client.get(f"/files/{handout.uuid}/")
    assert "filename*=utf-8''Accueil%20%E2%80%93%20guide.pdf" in response[
        "Content-Disposition"]


def test_a_download_is_audited(client, alice, attachment):
    client.force_login(alice)
    client.get(f"/files/{attachment.uuid}/")
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS,
                                    object_pk=str(attachment.pk)).get()
    assert entry.actor == alice


def test_a_mediator_of_another_programme_gets_404(client, south_mediator, attachment):
    client.force_login(south_mediator)
    assert client.get(f"/files/{attachment.uuid}/").status_code == 404


def test_a_coordinator_of_another_programme_gets_404(client, charlie, attachment):
    client.force_login(charlie)
    assert client.get(f"/files/{attachment.uuid}/").status_code == 404


def test_a_mediator_sees_the_attachments_of_the_cases_assigned_to_them(
        client, bob, alice, case, attachment):
    client.force_login(bob)
    assert client.get(f"/files/{attachment.uuid}/").status_code == 404
    mediation.case_assign(case=case, mediator=bob, by=alice)
    assert client.get(f"/files/{attachment.uuid}/").status_code == 200


def test_nobody_logged_out_reads_a_file(client, attachment):
    response = client.get(f"/files/{attachment.uuid}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("key", ["1", "../../etc/passwd", "x" * 300,
                                 "00000000-0000-0000-0000-000000000000"])
def test_a_guessed_id_is_404(client, alice, attachment, key):
    client.force_login(alice)
    assert client.get(f"/files/{key}/").status_code == 404


def test_a_case_attachment_is_encrypted_at_rest(attachment):
    stored = storages["private"].open(attachment.storage_name).read()
    assert stored != PLAIN
    assert b"PLAIN-MARKER" not in stored and b"%PDF" not in stored


def test_a_handout_is_not_encrypted_but_private(handout):
    assert storages["private"].open(handout.storage_name).read().startswith(b"%PDF")


def test_a_household_not_trained_gets_404_on_a_handout(client, victor, handout):
    client.force_login(victor.user)
    assert client.get(f"/files/{handout.uuid}/").status_code == 404


def test_a_registered_household_downloads_the_handout_from_its_portal(
        client, victor, session, handout):
    registration_create(session=session, volunteer=victor)
    client.force_login(victor.user)
    page = client.get("/volunteer/").content.decode()
    assert f"/files/{handout.uuid}/" in page
    assert client.get(f"/files/{handout.uuid}/").status_code == 200


def test_a_registered_household_downloads_the_handout_through_its_link(
        client, victor, session, handout, alice):
    token = household_link_token(household_link_create(household=victor, by=alice))
    assert client.get(f"/v/{token}/files/{handout.uuid}/").status_code == 404
    registration_create(session=session, volunteer=victor)
    page = client.get(f"/v/{token}/").content.decode()
    assert f"/v/{token}/files/{handout.uuid}/" in page
    response = client.get(f"/v/{token}/files/{handout.uuid}/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"


def test_a_link_never_opens_a_case_attachment(client, victor, alice, attachment):
    token = household_link_token(household_link_create(household=victor, by=alice))
    assert client.get(f"/v/{token}/files/{attachment.uuid}/").status_code == 404


def test_the_database_holds_no_path_in_a_url(attachment):
    with connection.cursor() as cursor:
        cursor.execute("SELECT uuid FROM files_storedfile")
        assert len(cursor.fetchall()) == 1
    assert str(attachment.uuid) not in attachment.storage_name


def test_deleting_a_case_removes_its_bytes_once_committed(
        case, attachment, django_capture_on_commit_callbacks):
    name = attachment.storage_name
    with django_capture_on_commit_callbacks(execute=True):
        case.delete()
    assert not StoredFile.objects.exists()
    assert not storages["private"].exists(name)
