from datetime import timedelta

from django.core.management.base import BaseCommand

from voisins.ops.health import all_checks


class Command(BaseCommand):
    help = ("Check the database, the cache, the task queue (lag and workers alive) and the "
            "mail server. Exits with status 1 when one of them fails (for cron or a monitor).")

    def add_arguments(self, parser):
        parser.add_argument("--max-lag", type=int, default=300,
                            help="Seconds a task may wait before the queue counts as late "
                                 "(default %(default)s).")

    def handle(self, *args, **options):
        checks = all_checks(max_lag=timedelta(seconds=options["max_lag"]))
        width = max(len(c.name) for c in checks)
        for check in checks:
            style = self.style.SUCCESS if check.ok else self.style.ERROR
            mark = "ok  " if check.ok else "FAIL"
            self.stdout.write(style(f"{mark} {check.name.ljust(width)}  {check.detail}"))
        if not all(c.ok for c in checks):
            raise SystemExit(1)
