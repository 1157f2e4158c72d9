from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from voisins.evaluation.importers import import_matches
from voisins.ops.household_import import KINDS, import_households
from voisins.programmes.commands import programme_named
from voisins.programmes.models import Programme


class Command(BaseCommand):
    help = "Import families, volunteers or match history (CSV or XLSX): all rows, or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS) + ["matches"])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--programme", help="slug of the programme (needed when there are several)"
        )

    def handle(self, *args: object, **options: object) -> None:
        kind, path = str(options["kind"]), options["file"]
        assert isinstance(path, Path)
        programme = self._programme(options.get("programme"))
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        with path.open("rb") as upload:
            if kind == "matches":
                result = import_matches(programme=programme, upload=upload, filename=path.name)
            else:
                result = import_households(
                    programme=programme, kind=kind, upload=upload, filename=path.name
                )
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{result.problem_count} problem(s) found; nothing was imported."
            )
        self.stdout.write(f"Imported {result.created} {kind} into {programme.slug}.")

    def _programme(self, slug: object) -> Programme:
        if slug:
            return programme_named(slug)
        programmes = list(Programme.objects.all()[:2])
        if len(programmes) != 1:
            raise CommandError("Say which programme with --programme SLUG.")
        return programmes[0]
