import json

from django.core.management.base import BaseCommand, CommandParser

from voisins.gdpr.selectors import processing_record, processing_record_markdown
from voisins.programmes.commands import programme_named


class Command(BaseCommand):
    help = "Print the record of processing activities (GDPR art. 30) from the app's settings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", help="one programme (its short name)")
        parser.add_argument("--format", choices=["markdown", "json"], default="markdown")

    def handle(self, *args: object, **options: object) -> None:
        programme = programme_named(options["programme"]) if options.get("programme") else None
        record = processing_record(programme)
        if options["format"] == "json":
            self.stdout.write(json.dumps(record, indent=2, ensure_ascii=False, default=str))
        else:
            self.stdout.write(processing_record_markdown(record))
