from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from voisins.security.backup import BackupError, backup, backup_files, files_archive


class Command(BaseCommand):
    help = ("Back up the whole database to FILE: SQLite's online backup, pg_dump for "
            "PostgreSQL, or Django's dumpdata with --format xml (see docs/backup.md).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["auto", "sqlite", "pgdump", "xml"],
                            default="auto")

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        if path.is_dir():
            raise CommandError(f"{path} is a folder; give a file name.")
        try:
            fmt = backup(path, fmt=str(options["format"]))
            count = backup_files(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Backed up to {path} ({fmt}, {path.stat().st_size} bytes).")
        self.stdout.write(f"Private files: {count} to {files_archive(path)} (as stored: "
                          "the personal ones stay encrypted).")
