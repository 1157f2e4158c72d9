"""Benchmark of SMS delivery: how many SMS a second one `voisins worker` sends to Twilio's
API, through Twilio's SDK, when the API is a local fake (tests/twilio_fake.py) answering
at once. Target: at least 50 SMS a second.

    .venv/bin/python bench/sms.py [--messages N] [--rate R]

A fresh SQLite database under a temporary directory gets N families with a mobile number
and no e-mail; one proposal-like message each is queued through
`voisins.messaging.services.message_household` (N rows in the task table, as production
has with TASKS_BACKEND=database); then `voisins worker --batch` runs in its own process
until the queue is empty (``--workers`` of them side by side), and the wall time gives the
figure. Every message is checked
"sent", with one request each at the fake. ``--rate`` is VOISINS_SMS_RATE (0: no limit;
the default 50 a second of a real deployment caps the worker by design). The worker's CPU
time is printed too: on a machine shared with other work, wall time measures the sharing.
Results go in docs/benchmarks.md under "## SMS".
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    from tests.twilio_fake import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

    var = Path(tempfile.mkdtemp(prefix="voisins-bench-sms-"))
    with FakeTwilio() as fake:
        env = {**os.environ, "VOISINS_VAR_DIR": str(var),
               "DATABASE_URL": f"sqlite:///{var}/bench.sqlite3",
               "DJANGO_SETTINGS_MODULE": "voisins.settings", "TASKS_BACKEND": "database",
               "VOISINS_SMS_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
               "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM": "+32460000000",
               "TWILIO_BASE_URL": fake.url, "VOISINS_SMS_RATE": str(args.rate),
               "LOG_LEVEL": "WARNING"}
        os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import transaction

        call_command("migrate", verbosity=0)
        from voisins.households.models import FamilyHousehold
        from voisins.messaging.models import Message
        from voisins.messaging.services import message_household
        from voisins.programmes.models import Programme

        programme = Programme.objects.create(name="Bench", slug="bench")
        FamilyHousehold.objects.bulk_create([
            FamilyHousehold(programme=programme, contact_first_name=f"F{i}",
                            phone=f"+3247{i:07d}", postcode="1030", lat=50.86, lon=4.38,
                            languages=[{"code": "fr", "level": "native"}],
                            availability=["wed-pm"], needs={"homework": 2})
            for i in range(args.messages)])
        started = time.perf_counter()
        with transaction.atomic():
            for family in FamilyHousehold.objects.select_related("programme"):
                message_household(household=family, purpose="proposal",
                                  subject="A proposal from Voisins",
                                  template="matches/email/proposal_received.txt",
                                  context={"other_first_name": "Marie", "note": ""},
                                  link="/f/abcdefghijklmnopqrstuv:0123456789abcdefghijklmnopqrs"
                                       "tuvwxyz0123456/")
        queued = time.perf_counter() - started
        import resource

        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        load = os.getloadavg()[0]
        started = time.perf_counter()
        profile = ["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]] if os.environ.get(
            "BENCH_PROFILE") else []
        workers = [subprocess.Popen([sys.executable, *profile, "-m", "voisins", "worker",
                                     "--batch"],
                                    env=env, cwd=ROOT) for _ in range(args.workers)]
        assert all(w.wait() == 0 for w in workers)
        worker = time.perf_counter() - started
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu_after.ru_utime + cpu_after.ru_stime
               - cpu_before.ru_utime - cpu_before.ru_stime)
        sent = Message.objects.filter(state="sent", provider="twilio").count()
        from django_tasks_db.models import DBTaskResult

        # On SQLite a task may meet "database is locked" (the worker's heartbeat writes at
        # the same moment); its message stays queued for the periodic retry. Counted apart.
        lost = DBTaskResult.objects.exclude(status="SUCCESSFUL").count()
        assert sent + lost == args.messages == len(fake.received) + lost, (sent, lost)
    print(f"{args.messages} SMS queued in {queued:.2f} s "
          f"({args.messages / queued:.0f} a second, in the request's transaction)")
    print(f"{args.workers} worker(s): {sent} SMS sent in {worker:.2f} s = "
          f"{sent / worker:.1f} SMS a second "
          f"(rate limit {args.rate or 'none'}; includes the worker's start-up); "
          f"{lost} tasks failed on a locked database, left for the retry")
    print(f"worker CPU: {cpu:.2f} s = {cpu / max(sent, 1) * 1000:.1f} ms an SMS, i.e. "
          f"{sent / cpu:.0f} SMS a second for one core of its own; load average "
          f"{load:.1f} on {os.cpu_count()} cores when it started")


if __name__ == "__main__":
    main()
