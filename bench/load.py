"""Load test of the production stack: 2 gunicorn workers and 1 task worker on PostgreSQL
(and Redis when it answers), with 10,000 families, 10,000 volunteers and 5,000 matches.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/voisins_bench .venv/bin/python bench/load.py

Steps, each printed with its figures:

1. data: the first run fills the database with `voisins demo --families 10000
   --volunteers 10000 --matches 5000 --proposals 500 --seed 1 --programme bench`;
2. targets: accounts and links for the simulated people (volunteers with a proposal to
   answer, families with a check-in to answer), written to var/bench-load/targets.json;
3. the mix: locust, headless, USERS users for SECONDS seconds, against 127.0.0.1 only;
4. the ceiling: the same locust run against a trivial view of the same server;
5. batch matching in the worker while the mix runs again: its duration and the web's
   latency meanwhile.

The ratio mix / ceiling (requests per second) is the figure; results go in
docs/benchmarks.md. Locust, gunicorn, the worker and PostgreSQL share this machine's
cores: CPU time is printed next to wall time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "bench-load"
SLUG, SEED = "bench", 1
SIZE = {"families": 10_000, "volunteers": 10_000, "matches": 5_000, "proposals": 500}


def env() -> dict[str, str]:
    e = dict(os.environ)
    e.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
        "VOISINS_VAR_DIR": str(VAR),
        "TASKS_BACKEND": "database",
        "VOISINS_REQUIRE_MFA_ROLES": "",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    if "DATABASE_URL" not in e:
        sys.exit("Set DATABASE_URL to a PostgreSQL database of yours (it is filled once).")
    if redis_up():
        e.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
        e.setdefault("CACHE_KEY_PREFIX", f"voisins-bench-{os.getpid()}")
    return e


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def voisins(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "voisins", *args], cwd=ROOT, env=env(),
                          check=True, capture_output=True, text=True).stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare() -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    voisins("migrate", "--noinput", "-v0")
    voisins("collectstatic", "--noinput", "-v0")
    count = voisins("shell", "--no-imports", "-c",
                    "from voisins.households.models import FamilyHousehold as F;"
                    f"print(F.objects.filter(programme__slug='{SLUG}').count())").strip()
    if int(count or 0) < SIZE["families"]:
        started = time.perf_counter()
        print(f"data: creating {SIZE} (once)…", flush=True)
        voisins("demo", "--programme", SLUG, "--seed", str(SEED),
                *[f"--{k}={v}" for k, v in SIZE.items()])
        print(f"data: done in {time.perf_counter() - started:.0f} s")


def targets() -> Path:
    data = json.loads(subprocess.run(
        [sys.executable, str(ROOT / "bench" / "targets.py"), SLUG, str(SEED)], cwd=ROOT,
        env=env(), check=True, capture_output=True, text=True).stdout)
    path = VAR / "targets.json"
    path.write_text(json.dumps(data))
    print(f"targets: {len(data['volunteers'])} volunteers with a proposal, "
          f"{len(data['families'])} families with a check-in")
    if not data["volunteers"] or not data["families"]:
        sys.exit("nothing left to answer: recreate the database")
    return path


class Stack:
    def __init__(self) -> None:
        self.port = free_port()
        self.host = f"http://127.0.0.1:{self.port}"
        e = env() | {"VOISINS_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "2",
                     "GUNICORN_MAX_REQUESTS": "0"}
        self.web = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c",
                                     str(ROOT / "deploy" / "gunicorn.conf.py")],
                                    cwd=ROOT, env=e, stdout=subprocess.DEVNULL,
                                    stderr=open(VAR / "gunicorn.log", "ab"))  # noqa: SIM115
        self.worker = subprocess.Popen([sys.executable, "-m", "voisins", "worker",
                                        "--no-schedule"], cwd=ROOT, env=e,
                                       stdout=subprocess.DEVNULL,
                                       stderr=open(VAR / "worker.log", "ab"))  # noqa: SIM115
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)

    def pids(self) -> list[int]:
        children = Path(f"/proc/{self.web.pid}/task/{self.web.pid}/children").read_text()
        return [int(p) for p in children.split()]

    def cpu_seconds(self, pids: list[int]) -> float:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:  # replaced by gunicorn meanwhile: not counted
                print(f"(gunicorn worker {pid} was replaced during the run)")
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def stop(self) -> None:
        for p in (self.web, self.worker):
            p.terminate()
        for p in (self.web, self.worker):
            p.wait(30)


def locust(stack: Stack, classes: list[str], users: int, seconds: int, name: str,
           target_file: Path, wait: str) -> dict:
    prefix = VAR / name
    web_pids = stack.pids()
    cpu_before = stack.cpu_seconds(web_pids)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
                    "--headless", "-u", str(users), "-r", str(users), "-t", f"{seconds}s",
                    "--host", stack.host, "--csv", str(prefix), "--only-summary",
                    "--loglevel", "WARNING", "--stop-timeout", "5", *classes],
                   cwd=ROOT, env=env() | {"VOISINS_LOAD_TARGETS": str(target_file),
                                          "VOISINS_LOAD_WAIT": wait},
                   check=False, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))  # noqa: SIM115
    return {"rows": rows, "web_cpu": stack.cpu_seconds(web_pids) - cpu_before, "wall": wall}


def table(title: str, result: dict) -> None:
    print(f"\n{title}  (wall {result['wall']:.0f} s, gunicorn CPU {result['web_cpu']:.0f} s)")
    print(f"{'request':<26}{'count':>7}{'fail':>6}{'req/s':>8}{'median':>8}{'p95':>7}{'max':>7}")
    for r in result["rows"]:
        print(f"{r['Name']:<26}{r['Request Count']:>7}{r['Failure Count']:>6}"
              f"{float(r['Requests/s']):>8.1f}{r['50%']:>8}{r['95%']:>7}"
              f"{float(r['Max Response Time']):>7.0f}")


def aggregated(result: dict) -> dict:
    return next(r for r in result["rows"] if r["Name"] == "Aggregated")


MATCHING_CODE = """
from voisins.matches.services import matching_run_start
from voisins.programmes.models import Programme
from django.db import transaction
with transaction.atomic():
    run = matching_run_start(programme=Programme.objects.get(slug={slug!r}), dry_run=True)
print(run.pk)
"""
RUN_CODE = """
from voisins.matches.models import MatchingRun
r = MatchingRun.objects.get(pk={pk})
print(r.status, (r.finished_at - r.created_at).total_seconds() if r.finished_at else -1,
      r.families_waiting, r.volunteers_available, r.families_proposed)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--wait", choices=["0", "think"], default="0",
                        help="0: each user sends its next request at once (throughput)")
    args = parser.parse_args()
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    prepare()
    target_file = targets()
    stack = Stack()
    try:
        # Warm-up, not measured: each gunicorn worker imports its views and templates on
        # its first requests (seconds on a busy machine).
        locust(stack, ["Coordinator"], args.users, 15, "warm-up", target_file, args.wait)
        mix = locust(stack, ["Coordinator", "Volunteer", "Family"], args.users, args.seconds,
                     "mix", target_file, args.wait)
        table(f"mix, {args.users} users, {args.seconds} s", mix)
        ceiling = locust(stack, ["Trivial"], args.users, args.seconds, "ceiling",
                         target_file, args.wait)
        table(f"ceiling (trivial view), {args.users} users", ceiling)
        ratio = float(aggregated(mix)["Requests/s"]) / float(aggregated(ceiling)["Requests/s"])
        print(f"\nthroughput of the mix / trivial view: {ratio:.0%}")

        run_id = voisins("shell", "--no-imports", "-c", MATCHING_CODE.format(slug=SLUG)).strip()
        target_file = targets()
        during = locust(stack, ["Coordinator", "Volunteer", "Family"], args.users,
                        args.seconds, "during-matching", target_file, args.wait)
        table("mix while the worker runs batch matching", during)
        status, seconds, waiting, available, proposed = voisins(
            "shell", "--no-imports", "-c", RUN_CODE.format(pk=run_id)).split()
        print(f"\nbatch matching in the worker: {status}, {float(seconds):.1f} s from queued to "
              f"done, {waiting} families waiting, {available} volunteers with room, "
              f"{proposed} proposals")
    finally:
        stack.stop()
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
