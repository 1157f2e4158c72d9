"""`voisins backup FILE` / `voisins restore FILE`: a round trip loses nothing, on SQLite
(sqlite3 backup API) and PostgreSQL (pg_dump/pg_restore), compared table by table."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from tests.conftest import family_data, make_user
from voisins.audit.services import audit_read
from voisins.households.models import FamilyHousehold
from voisins.households.services import family_create
from voisins.privacy.services import consent_give
from voisins.programmes.models import Programme
from voisins.security import backup as backup_module

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot(exclude: tuple[str, ...] = ()) -> dict[str, list]:
    """Every row of every table, in a stable order."""
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table in exclude:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            tables[table] = sorted(tuple(map(repr, row)) for row in cursor.fetchall())
    return tables


@pytest.fixture
def dataset(north, alice, family, volunteer, whole_programme):
    """A row in every table of Voisins (match life, mediation, evaluation, recruitment,
    training, community, family pages…), names in other scripts, an audited read."""
    consent_give(household=family, purpose="matching", recorded_by=alice)
    audit_read(by=alice, record=family, fields=["email"])
    family_create(programme=north, **family_data(contact_first_name="Олена",
                                                 contact_last_name="الحلبي"))
    make_user("other@example.org")


def test_the_dataset_fills_every_table_of_voisins(dataset):
    tables = snapshot()
    empty = [model._meta.db_table for config in apps.get_app_configs()
             if config.name.startswith("voisins.") for model in config.get_models()
             if not tables[model._meta.db_table]]
    assert empty == []


def _mess_up(north):
    from voisins.community.models import Invitation
    from voisins.matches.models import CheckIn
    from voisins.mediation.models import Case

    FamilyHousehold.objects.filter(contact_first_name="Олена").delete()
    Programme.objects.filter(pk=north.pk).update(name="changed")
    family_create(programme=north, **family_data(contact_first_name="New"))
    Invitation.objects.all().delete()
    CheckIn.objects.update(worry="")
    case = Case.objects.first()
    case.summary = "changed"
    case.save()


def test_a_round_trip_loses_nothing(tmp_path, dataset, north):
    before = snapshot()
    path = tmp_path / "voisins.backup"
    out = StringIO()
    call_command("backup", str(path), stdout=out)
    expected = "sqlite" if connection.vendor == "sqlite" else "pgdump"
    assert f"({expected}," in out.getvalue()
    _mess_up(north)
    assert snapshot() != before
    call_command("restore", str(path), "--noinput", stdout=StringIO())
    after = snapshot()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table


# Tables that an XML backup rebuilds rather than copies (created again by migrations).
REBUILT = ("django_content_type", "auth_permission", "django_session")


def decrypted() -> dict[str, list]:
    """The tables with encrypted fields, read through the models (decrypted): an XML
    backup holds the texts, and its restore encrypts them again with a new nonce."""
    from voisins.mediation.models import Case, CaseNote
    from voisins.networks.models import NetworkLink

    return {model._meta.db_table: sorted(map(repr, model.objects.values_list()))
            for model in (Case, CaseNote, NetworkLink)}


def test_an_xml_round_trip_keeps_every_record(tmp_path, dataset, north):
    encrypted = tuple(decrypted())
    before, texts = snapshot(REBUILT + encrypted), decrypted()
    path = tmp_path / "voisins.xml.gz"
    call_command("backup", str(path), "--format", "xml", stdout=StringIO())
    _mess_up(north)
    call_command("restore", str(path), "--noinput", stdout=StringIO())
    after = snapshot(REBUILT + encrypted)
    for table in before:
        if table == "auditlog_logentry":  # content type ids may be renumbered
            assert len(after[table]) == len(before[table])
            continue
        if table in _m2m_tables():  # the XML keeps the links, not the link rows' ids
            assert sorted(r[1:] for r in after[table]) == sorted(r[1:] for r in before[table])
            continue
        assert after[table] == before[table], table
    assert decrypted() == texts


def _m2m_tables() -> set[str]:
    return {field.remote_field.through._meta.db_table for model in apps.get_models()
            for field in model._meta.local_many_to_many
            if field.remote_field.through._meta.auto_created}


def test_it_refuses_a_file_that_is_not_a_backup(tmp_path, north):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(CommandError, match="not a Voisins backup"):
        call_command("restore", str(path), "--noinput")
    assert Programme.objects.filter(pk=north.pk).exists()


def test_a_failed_backup_leaves_no_file(tmp_path, north, monkeypatch):
    def broken(*args, **kwargs):
        raise backup_module.BackupError("disk full")

    monkeypatch.setattr(backup_module.sqlite3, "connect", broken)
    monkeypatch.setattr(backup_module.subprocess, "run", broken)
    path = tmp_path / "voisins.backup"
    with pytest.raises(CommandError):
        call_command("backup", str(path))
    assert list(tmp_path.iterdir()) == []


def test_the_private_files_are_backed_up_as_stored_and_restored(tmp_path, dataset, north):
    from django.core.files.storage import storages

    from voisins.files.models import StoredFile
    from voisins.files.selectors import file_content

    # whole_programme's case attachment, encrypted on the storage.
    stored = StoredFile.objects.get(purpose="case")
    storage = storages["private"]
    encrypted = storage.open(stored.storage_name).read()
    path = tmp_path / "voisins.backup"
    out = StringIO()
    call_command("backup", str(path), stdout=out)
    assert f"Private files: {StoredFile.objects.count()} to" in out.getvalue()
    archive = backup_module.files_archive(path)
    import tarfile

    with tarfile.open(archive) as tar:
        # As stored: the attachment stays encrypted in the backup.
        assert tar.extractfile(stored.storage_name).read() == encrypted
    storage.delete(stored.storage_name)
    storage.save("1/case/left-over", __import__("io").BytesIO(b"x"))
    call_command("restore", str(path), "--noinput", stdout=StringIO())
    assert storage.open(stored.storage_name).read() == encrypted
    assert not storage.exists("1/case/left-over")
    assert file_content(StoredFile.objects.get(pk=stored.pk)).startswith(b"%PDF")
