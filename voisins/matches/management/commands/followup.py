from django.core.management.base import BaseCommand

from voisins.matches.services import followup_run


class Command(BaseCommand):
    help = ("The daily follow-up round: close expired proposals, e-mail check-ins that fell "
            "due, flag matches that need attention, retry e-mail that could not be sent. "
            "Run it from cron or a scheduler once a day (or more often).")

    def handle(self, *args: object, **options: object) -> None:
        result = followup_run()
        self.stdout.write(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in result.items()))
