from django.core.management.base import BaseCommand, CommandError

from voisins.blueprints.demo import journey_demo
from voisins.programmes.models import Programme


class Command(BaseCommand):
    help = ("Add synthetic data of the volunteer journey (template, campaigns, news, "
            "training, events, library) to a demo programme made by `voisins demo`.")

    def add_arguments(self, parser):
        parser.add_argument("programme", nargs="?", default="demo")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        programme = Programme.objects.filter(slug=options["programme"]).first()
        if programme is None:
            raise CommandError(f"No programme “{options['programme']}”: run `voisins demo` first.")
        journey_demo(programme, seed=options["seed"])
        self.stdout.write(f"Volunteer journey demo data added to {programme.slug}.")
