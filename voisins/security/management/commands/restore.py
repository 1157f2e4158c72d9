import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from voisins.security.backup import BackupError, restore, restore_files


class Command(BaseCommand):
    help = "Replace the whole database with a backup made by `voisins backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--noinput", "--no-input", action="store_false",
                            dest="interactive", help="do not ask for confirmation")

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        if options["interactive"] and sys.stdin.isatty():
            answer = input("This replaces every record in the database. Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            fmt = restore(path)
            count = restore_files(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Restored {path} ({fmt}).")
        if count is not None:
            self.stdout.write(f"Private files: {count} restored.")
