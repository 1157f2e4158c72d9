"""Backing up and restoring the whole database.

- SQLite: the sqlite3 online backup API copies a consistent snapshot page by page, even
  while the app runs; the backup is itself an SQLite database.
- PostgreSQL: pg_dump's custom format and pg_restore, when the client tools are installed
  (they must not be older than the server); the restore runs in one transaction, so a
  failed restore leaves the database as it was.
- Otherwise, or with ``--format xml``: Django's dumpdata (gzip XML, natural keys for
  content types), loaded back by loaddata in one transaction. Slower, but it works on
  any backend and moves data between SQLite and PostgreSQL. XML rather than JSON because
  Django's JSON encoder cuts times to milliseconds; the XML serializer keeps them whole.

The kind of a backup file is recognised from its first bytes.
"""

import gzip
import io
import os
import shutil
import sqlite3

# pg_dump and pg_restore run with fixed arguments and no shell.
import subprocess  # nosec B404
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection, connections, transaction


class BackupError(Exception):
    pass


SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
GZIP_MAGIC = b"\x1f\x8b"


def vendor() -> str:
    return connection.vendor


def detect(path: Path) -> str:
    """"sqlite", "pgdump" or "xml" from a backup file's first bytes."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "pgdump"
    if head.startswith(GZIP_MAGIC):
        return "xml"
    raise BackupError(f"{path} is not a Voisins backup (SQLite, pg_dump or gzip XML).")


def _pg_env() -> tuple[list[str], dict[str, str]]:
    settings = connection.settings_dict
    args = ["--dbname", settings["NAME"]]
    if settings.get("HOST"):
        args += ["--host", settings["HOST"]]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", settings["USER"]]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return args, env


def pg_tools() -> bool:
    return bool(shutil.which("pg_dump") and shutil.which("pg_restore"))


def backup(path: Path, *, fmt: str = "auto") -> str:
    """Write a backup of the default database to `path`; return its format.

    The file is written next to `path` and renamed at the end, so a failed backup never
    leaves a truncated file under the expected name.
    """
    path = Path(path)
    if fmt == "auto":
        fmt = {"sqlite": "sqlite", "postgresql": "pgdump" if pg_tools() else "xml"}.get(
            vendor(), "xml")
    handle, tmp_name = tempfile.mkstemp(dir=path.parent or Path("."), prefix=".backup-")
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        if fmt == "sqlite":
            if vendor() != "sqlite":
                raise BackupError("An SQLite backup needs an SQLite database.")
            connection.ensure_connection()
            target = sqlite3.connect(tmp)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        elif fmt == "pgdump":
            args, env = _pg_env()
            command = [shutil.which("pg_dump") or "pg_dump", "--format=custom",
                       "--no-owner", "--no-privileges", "--file", str(tmp), *args]
            subprocess.run(command, env=env, check=True,  # noqa: S603  # nosec B603
                           capture_output=True)
        elif fmt == "xml":
            with gzip.open(tmp, "wt", encoding="utf-8") as out:
                call_command("dumpdata", format="xml", natural_foreign=True,
                             exclude=["contenttypes", "auth.permission", "sessions"],
                             stdout=out, verbosity=0)
        else:
            raise BackupError(f"Unknown backup format {fmt!r}.")
        tmp.replace(path)
    except subprocess.CalledProcessError as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(exc.stderr.decode(errors="replace").strip()) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return fmt


def restore(path: Path) -> str:
    """Replace the whole default database with the backup in `path`; return its format."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No such file: {path}")
    fmt = detect(path)
    if fmt == "sqlite":
        if vendor() != "sqlite":
            raise BackupError("This is an SQLite backup; the database is not SQLite. "
                              "Make an XML backup (--format xml) to move between them.")
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = source.execute("PRAGMA quick_check").fetchone()[0]
            tables = {r[0] for r in source.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
            if ok != "ok" or "django_migrations" not in tables:
                raise BackupError(f"{path} is damaged or not a Voisins database.")
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    elif fmt == "pgdump":
        if vendor() != "postgresql":
            raise BackupError("This is a PostgreSQL backup; the database is not PostgreSQL.")
        if not pg_tools():
            raise BackupError("pg_restore is not installed (apt-get install "
                              "postgresql-client).")
        args, env = _pg_env()
        connections.close_all()
        try:
            command = [shutil.which("pg_restore") or "pg_restore", "--clean", "--if-exists",
                       "--no-owner", "--no-privileges", "--single-transaction",
                       "--exit-on-error", *args, str(path)]
            subprocess.run(command, env=env, check=True,  # noqa: S603  # nosec B603
                           capture_output=True)
        except subprocess.CalledProcessError as exc:
            raise BackupError(exc.stderr.decode(errors="replace").strip()) from None
    else:
        with transaction.atomic():
            call_command("flush", interactive=False, verbosity=0)
            with tempfile.TemporaryDirectory() as folder:
                plain = Path(folder) / "backup.xml"
                with gzip.open(path, "rb") as src, plain.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
                call_command("loaddata", str(plain), verbosity=0)
    return fmt


# --- The private files (voisins.files) -------------------------------------------------------
# They live on the "private" storage (a directory or an S3 bucket), not in the database:
# `voisins backup FILE` copies them, exactly as stored, into FILE.files.tar beside it.
# Case attachments and scans are encrypted before they are stored, so they stay encrypted
# in the archive; the key (SECRET_KEY and SALT_KEY) is kept apart from the backups.

def files_archive(path: Path) -> Path:
    """Where the private files of the backup `path` go."""
    path = Path(path)
    return path.with_name(path.name + ".files.tar")


def _stored_names(storage: Any, folder: str = "") -> list[str]:
    folders, names = storage.listdir(folder)
    found = [f"{folder}/{name}" if folder else name for name in names]
    for sub in folders:
        found += _stored_names(storage, f"{folder}/{sub}" if folder else sub)
    return found


def _private_storage() -> Any:
    return storages["private"] if "private" in settings.STORAGES else None


def backup_files(path: Path) -> int:
    """Copy every private file into the archive beside `path`; how many there were."""
    storage = _private_storage()
    if storage is None:
        return 0
    archive = files_archive(path)
    handle, tmp_name = tempfile.mkstemp(dir=archive.parent, prefix=".backup-files-")
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        names = _stored_names(storage)
        with tarfile.open(tmp, "w") as tar:
            for name in sorted(names):
                with storage.open(name, "rb") as source:
                    data = source.read()
                info = tarfile.TarInfo(name)
                info.size, info.mode = len(data), 0o600
                tar.addfile(info, io.BytesIO(data))
        tmp.replace(archive)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return len(names)


def restore_files(path: Path) -> int | None:
    """Put back the private files of the backup `path` (None when it has no archive):
    the storage then holds exactly the archive's files."""
    archive, storage = files_archive(path), _private_storage()
    if storage is None or not archive.is_file():
        return None
    with tarfile.open(archive, "r") as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
        for member in members:
            # Names are the storage's own (programme/purpose/random id): refuse any other.
            if member.name.startswith("/") or ".." in Path(member.name).parts:
                raise BackupError(f"{archive}: unexpected name {member.name!r}.")
        wanted = {m.name for m in members}
        for name in _stored_names(storage):
            if name not in wanted:
                storage.delete(name)
        for member in members:
            source = tar.extractfile(member)
            assert source is not None
            if storage.exists(member.name):
                storage.delete(member.name)
            saved = storage.save(member.name, ContentFile(source.read()))
            if saved != member.name:
                raise BackupError(f"The storage renamed {member.name!r} to {saved!r}.")
    return len(members)
