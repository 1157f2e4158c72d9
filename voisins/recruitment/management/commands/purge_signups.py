from django.core.management.base import BaseCommand

from voisins.recruitment.services import signups_purge_unconfirmed


class Command(BaseCommand):
    help = "Delete sign-ups never confirmed within a week (their link has expired)."

    def handle(self, *args, **options):
        n = signups_purge_unconfirmed()
        self.stdout.write(f"{n} unconfirmed sign-up(s) deleted.")
