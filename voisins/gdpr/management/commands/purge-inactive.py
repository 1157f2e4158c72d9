from django.core.management.base import BaseCommand, CommandParser

from voisins.gdpr.services import purge_inactive
from voisins.programmes.commands import programme_named


class Command(BaseCommand):
    help = ("Anonymise households inactive for longer than their programme's retention "
            "period (the task queue runs this periodically).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only count them")
        parser.add_argument("--programme", help="only this programme (its short name)")

    def handle(self, *args: object, **options: object) -> None:
        programme = programme_named(options["programme"]) if options.get("programme") else None
        counts = purge_inactive(dry_run=bool(options["dry_run"]), programme=programme)
        verb = "Would anonymise" if counts["dry_run"] else "Anonymised"
        self.stdout.write(f"{verb} {counts['families']} families and "
                          f"{counts['volunteers']} volunteer households.")
