import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, connection
from tqdm import tqdm

from voisins.accounts.models import User
from voisins.blueprints.demo import journey_demo
from voisins.expenses.demo import expenses_demo
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.ops import household_demo as demo
from voisins.ops import match_demo, network_demo
from voisins.programmes.models import Programme


class Command(BaseCommand):
    help = "Create synthetic, realistic demo data (deterministic for a seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--families", type=int, default=200)
        parser.add_argument("--volunteers", type=int, default=150)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--matches", type=int, default=0,
                            help="matches to create among the households, with their "
                                 "introductions and check-ins")
        parser.add_argument("--proposals", type=int, default=0,
                            help="sent proposals waiting for both households' answers")
        parser.add_argument("--ended", type=int, default=0,
                            help="matches of the past years that have ended (for the "
                                 "evaluation pages)")
        parser.add_argument("--journey", action="store_true",
                            help="also campaigns, news, trainings, events and resources")
        parser.add_argument("--network", action="store_true",
                            help="also a network: a second programme, shared materials, "
                                 "a family moved, figures published (issue 20)")
        parser.add_argument("--programme", default="demo", help="slug of the programme")
        parser.add_argument(
            "--if-empty", action="store_true",
            help="only when the database has no programme yet (used by `make run`)",
        )

    def handle(self, *args: object, **options: object) -> None:
        families, volunteers = int(options["families"]), int(options["volunteers"])
        seed, slug = int(options["seed"]), str(options["programme"])
        matches, proposals = int(options["matches"]), int(options["proposals"])
        ended = int(options["ended"])
        if min(families, volunteers, matches, proposals, ended) < 0:
            raise CommandError("--families, --volunteers, --matches, --proposals and "
                               "--ended must be 0 or more.")
        if options["if_empty"] and Programme.objects.exists():
            self._print_existing_login(slug, seed)
            return
        bar = tqdm(total=families + volunteers, unit="household", file=sys.stderr,
                   disable=None, desc="demo")
        try:
            login = demo.generate(families=families, volunteers=volunteers, seed=seed,
                                  slug=slug, progress=bar.update)
        except IntegrityError as exc:
            raise CommandError(f"Could not create demo data: {exc}") from exc
        finally:
            bar.close()
        programme = Programme.objects.get(slug=slug)
        if matches or proposals or ended:
            made = match_demo.generate(programme=programme, matches=matches,
                                       proposals=proposals, seed=seed, ended=ended,
                                       password=login.password)
            self.stdout.write(f"{made['matches']} matches ({made['check_ins']} check-ins), "
                              f"{made['proposals']} proposals waiting for answers, "
                              f"{made['ended']} past matches.")
            if (made["matches"], made["proposals"], made["ended"]) != (matches, proposals,
                                                                      ended):
                self.stdout.write("The engine found fewer feasible pairs than asked for "
                                  "among these households: only those were made.")
        if options["journey"]:
            # After the matches: each volunteer household's training is dated before its
            # first match.
            journey_demo(programme, seed=seed)
        expenses_demo(programme, seed=seed)  # issue 18: expenses, hours given
        if options["network"]:
            made_network = network_demo.generate(programme=programme,
                                                 login_email=login.email, seed=seed)
            if made_network is not None:
                self.stdout.write(f"Network {made_network.name}: "
                                  f"{made_network.members.count()} programmes.")
        if connection.vendor == "postgresql":
            # Thousands of rows written at once: the planner needs fresh statistics, or it
            # plans the first pages as if the tables were empty (seconds instead of ms).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        total_f = FamilyHousehold.objects.filter(programme__slug=slug).count()
        total_v = VolunteerHousehold.objects.filter(programme__slug=slug).count()
        self.stdout.write(f"Programme {slug}: {total_f} families, {total_v} volunteer households.")
        self.stdout.write(f"login: {login.email} password: {login.password}")

    def _print_existing_login(self, slug: str, seed: int) -> None:
        email, password = demo.demo_email(slug, "coordinator"), demo.demo_password(slug, seed)
        user = User.objects.filter(email=email).first()
        if user is not None and user.check_password(password):
            self.stdout.write("Demo data is already there.")
            self.stdout.write(f"login: {email} password: {password}")
        else:
            self.stdout.write("The database already has data; log in with your own account.")
