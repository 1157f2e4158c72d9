import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from voisins.gdpr.selectors import processing_record, processing_record_markdown
from voisins.programmes.models import Programme


class Command(BaseCommand):
    help = "Print the record of processing activities (GDPR art. 30) from the app's settings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", help="one programme (its short name)")
        parser.add_argument("--format", choices=["markdown", "json"], default="markdown")

    def handle(self, *args: object, **options: object) -> None:
        programme = None
        if options.get("programme"):
            programme = Programme.objects.filter(slug=str(options["programme"])).first()
            if programme is None:
                raise CommandError(f"No programme with short name {options['programme']!r}.")
        record = processing_record(programme)
        if options["format"] == "json":
            self.stdout.write(json.dumps(record, indent=2, ensure_ascii=False, default=str))
        else:
            self.stdout.write(processing_record_markdown(record))
