"""Benchmark of a group message (issue 15, item 6): the time from the coordinator's click
on "Send" to the response, for a group of 10,000 volunteer households, with the messages
queued for the worker (the sending is the worker's). Target: under 2 s.

    .venv/bin/python bench/group_messages.py [--households N] [--baseline M] [--send]

A fresh SQLite database under a temporary directory (TASKS_BACKEND=database, as in
production: each task is a row) gets N volunteer households of one postcode: a third with
an e-mail address, a third with a mobile number only, the rest with no digital channel,
one in twenty opted out of news, in French, Dutch and English. A coordinator posts the
group-message form (the group "volunteer households of 1030", a news text per language
with {first_name} and {link}) through Django's test client, so the figure includes the
request, the access check, the group's query, choosing each household's channel and
language, the bulk insert of the messages, the delivery tasks and the commit. Every
message is checked queued (or "to call"), with one group id, the opted-out left out.

The baseline, in the same process: M households messaged one by one through
`message_household` (one row, full_clean and one task each), per message.

``--send`` then runs `voisins worker --batch` against a local fake of Twilio's API
(tests/twilio_fake.py) and the mail file backend until the queue is empty, and prints
the worker's rate for the group's messages (use it with a smaller N). Results go in
docs/benchmarks.md under "## Group messages".
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

LANGUAGES = ["fr", "nl", "en"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=1000)
    parser.add_argument("--send", action="store_true")
    args = parser.parse_args()

    from tests.twilio_fake import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

    var = Path(tempfile.mkdtemp(prefix="voisins-bench-group-"))
    with FakeTwilio() as fake:
        env = {**os.environ, "VOISINS_VAR_DIR": str(var),
               "DATABASE_URL": f"sqlite:///{var}/bench.sqlite3",
               "DJANGO_SETTINGS_MODULE": "voisins.settings", "TASKS_BACKEND": "database",
               "EMAIL_URL": f"filemail:///{var}/mail",
               "VOISINS_SMS_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
               "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM": "+32460000000",
               "TWILIO_BASE_URL": fake.url, "VOISINS_SMS_RATE": "0", "LOG_LEVEL": "WARNING",
               "VOISINS_REQUIRE_MFA_ROLES": ""}  # the bench logs in without a TOTP
        os.environ.update(env)
        import django

        django.setup()
        from django.conf import settings

        # No collectstatic for a benchmark: the pages' assets come from the apps.
        settings.STORAGES = {**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
        from django.core.management import call_command
        from django.db import transaction
        from django.test import Client

        call_command("migrate", verbosity=0)
        from voisins.accounts.models import User
        from voisins.households.models import VolunteerHousehold
        from voisins.messaging.models import GroupMessage, Message
        from voisins.messaging.services import message_household
        from voisins.programmes.constants import Role
        from voisins.programmes.services import membership_grant, programme_create

        programme = programme_create(name="Bench", slug="bench")
        coordinator = User.objects.create_user(email="bench@example.org", password="x" * 12)
        membership_grant(user=coordinator, programme=programme, role=Role.COORDINATOR)

        def household(i: int, postcode: str) -> VolunteerHousehold:
            channel = i % 3
            return VolunteerHousehold(
                programme=programme, contact_first_name=f"Prénom{i}", postcode=postcode,
                email=f"v{i}@example.org" if channel == 0 else "",
                phone=f"+3247{i:07d}" if channel == 1 else "", lat=50.86, lon=4.38,
                news_opt_out=i % 20 == 19, status="available",
                languages=[{"code": LANGUAGES[i % 3], "level": "native"}],
                availability=["wed-pm"], offers=["homework"])

        VolunteerHousehold.objects.bulk_create(
            [household(i, "1030") for i in range(args.households)]
            + [household(i, "1000") for i in range(args.households,
                                                    args.households + args.baseline)],
            batch_size=2000)

        # Baseline: one by one through message_household, in the request's transaction.
        started = time.perf_counter()
        with transaction.atomic():
            for volunteer in VolunteerHousehold.objects.filter(
                    postcode="1000").select_related("programme", "user"):
                message_household(household=volunteer, purpose="news",
                                  subject="A message from %(signature)s",
                                  template="messaging/email/group.txt",
                                  context={"text": "Bonjour"})
        baseline = (time.perf_counter() - started) / max(args.baseline, 1)
        Message.objects.all().delete()
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.all().delete()

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(coordinator)
        form = {"audience": "volunteers", "postcodes": "1030", "about": "news",
                "text_fr": "Bonjour {first_name}, pique-nique samedi : {link}",
                "text_nl": "Dag {first_name}, picknick zaterdag: {link}",
                "text_en": "Hello {first_name}, picnic on Saturday: {link}",
                "action": "send"}
        # Warm-up: a first request loads the templates, URLs and catalogues.
        client.get("/staff/bench/messages/new/")
        started, cpu_started = time.perf_counter(), time.process_time()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            with cProfile.Profile() as profile:
                response = client.post("/staff/bench/messages/new/", form)
            profile.dump_stats(os.environ["BENCH_PROFILE"])
        else:
            response = client.post("/staff/bench/messages/new/", form)
        click = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        load = os.getloadavg()[0]
        assert response.status_code == 302 and "/messages/" in response["Location"], (
            response.status_code, response.get("Location"))
        group = GroupMessage.objects.get()
        opted_out = sum(1 for i in range(args.households) if i % 20 == 19)
        assert group.recipients == args.households - opted_out == Message.objects.filter(
            group_id=group.pk).count()
        queued = Message.objects.filter(group_id=group.pk, state="queued").count()
        tasks = DBTaskResult.objects.count()
    print(f"group message to {args.households} households ({group.recipients} messages, "
          f"{opted_out} opted out of news left out; {queued} queued in {tasks} tasks, "
          f"{group.recipients - queued} to call): {click:.2f} s from the click to the "
          f"response = {click / group.recipients * 1000:.3f} ms a message; CPU time of the "
          f"request {cpu:.2f} s (load average {load:.1f} on {os.cpu_count()} cores)")
    print(f"baseline, message_household one by one ({args.baseline} households): "
          f"{baseline * 1000:.2f} ms a message, i.e. {baseline * group.recipients:.1f} s for "
          f"this group; the bulk path is {baseline / (click / group.recipients):.0f}x faster")
    if args.send:
        with FakeTwilio() as fake:
            env["TWILIO_BASE_URL"] = fake.url
            import resource

            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            worker = subprocess.Popen([sys.executable, "-m", "voisins", "worker", "--batch"],
                                      env=env, cwd=ROOT)
            assert worker.wait() == 0
            took = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            sent = Message.objects.filter(group_id=group.pk, state="sent").count()
            print(f"worker: {sent} of {queued} group messages sent ({len(fake.received)} "
                  f"SMS at the fake, the rest e-mails to files) in {took:.2f} s = "
                  f"{sent / took:.1f} a second (includes the worker's start-up and making "
                  f"each household's link); worker CPU {cpu:.2f} s = "
                  f"{cpu / max(sent, 1) * 1000:.1f} ms a message, i.e. {sent / cpu:.0f} a "
                  f"second for one core of its own")


if __name__ == "__main__":
    main()
