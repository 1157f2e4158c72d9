"""The production set-up of docs/deploy.md, started for real: a fresh PostgreSQL database
(a private cluster), Redis, gunicorn with two workers (deploy/gunicorn.conf.py) and one
`voisins worker`; then a smoke test through HTTP, and PostgreSQL restarted under it.

Needs PostgreSQL's server binaries and a Redis on 127.0.0.1:6379 (CI has both); without
them the module is skipped, unless VOISINS_REQUIRE_STACK=1 makes that a failure.
"""

import os
import re
import shutil
import time

import pytest
import requests

from .stack import Cluster, Stack, make_root, postgres_bin, redis_up

pytestmark = pytest.mark.stack


@pytest.fixture
def stack():
    missing = [what for what, ok in (("PostgreSQL server binaries", postgres_bin()),
                                     ("Redis on 127.0.0.1:6379", redis_up()),
                                     ("runuser", shutil.which("runuser") or os.geteuid()))
               if not ok]
    if missing:
        if os.environ.get("VOISINS_REQUIRE_STACK"):
            pytest.fail(f"the stack test needs {', '.join(missing)}")
        pytest.skip(f"needs {', '.join(missing)}")
    root = make_root()
    cluster = Cluster(root)
    cluster.init()
    running = Stack(cluster, root)
    try:
        running.login = running.prepare()
        running.start()
        yield running
    finally:
        running.stop()
        cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


def logged_in(stack) -> requests.Session:
    email, password = re.match(r"login: (\S+) password: (\S+)", stack.login).groups()
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    page = session.get(f"{stack.base}/accounts/login/", timeout=10)
    token = session.cookies["csrftoken"]
    assert page.status_code == 200
    response = session.post(f"{stack.base}/accounts/login/", timeout=10, data={
        "login": email, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{stack.base}/accounts/login/"}, allow_redirects=False)
    assert response.status_code == 302, response.text[:500]
    return session


def programme_slug(stack) -> str:
    return stack.cluster.sql("SELECT slug FROM programmes_programme ORDER BY id LIMIT 1",
                             database=stack.database)


def run_status(stack, run_id: int) -> str:
    return stack.cluster.sql("SELECT status FROM matches_matchingrun WHERE id = %s", (run_id,),
                             database=stack.database)


def wait_for(condition, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_the_stack_serves_runs_tasks_and_survives_a_postgresql_restart(stack):
    # One test, two phases: with several test processes (xdist), two tests of this module
    # could each start a stack of their own.
    serves_pages_the_api_and_runs_tasks_in_its_worker(stack)
    a_postgresql_restart_gives_503_then_recovers_without_restarting_the_app(stack)


def serves_pages_the_api_and_runs_tasks_in_its_worker(stack):
    assert requests.get(f"{stack.base}/healthz", timeout=5).json() == {
        "status": "ok", "failing": []}
    assert len(stack.web_worker_pids()) == 2
    session = logged_in(stack)
    slug = programme_slug(stack)

    families = session.get(f"{stack.base}/staff/{slug}/families/", timeout=10)
    assert families.status_code == 200 and "<table" in families.text
    css = re.search(r'href="(/static/[^"]+\.css)"', families.text).group(1)
    static = session.get(f"{stack.base}{css}", timeout=10)
    assert static.status_code == 200 and "max-age" in static.headers["Cache-Control"]

    email = re.match(r"login: (\S+)", stack.login).group(1)
    token = stack.voisins("token", email).strip().splitlines()[-1].split()[-1]
    api = requests.get(f"{stack.base}/api/v1/programmes/{slug}/families", timeout=10,
                       headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200 and api.json()["count"] == 30

    # A matching run started on the web is done by the worker, not by gunicorn.
    page = session.get(f"{stack.base}/staff/{slug}/matching/", timeout=10)
    started = session.post(f"{stack.base}/staff/{slug}/matching/", timeout=10,
                           data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
                           headers={"Referer": page.url}, allow_redirects=False)
    assert started.status_code == 302
    run_id = int(re.search(r"/matching/(\d+)/", started.headers["Location"]).group(1))
    wait_for(lambda: run_status(stack, run_id) == "done",
        what="the worker to finish the matching run")
    ran_by = stack.cluster.sql(
        "SELECT worker_ids::text FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'voisins.matches.tasks.run_matching'", database=stack.database)
    worker_id = stack.cluster.sql("SELECT worker_id FROM ops_workerheartbeat",
                                  database=stack.database)
    assert worker_id and worker_id in ran_by


def a_postgresql_restart_gives_503_then_recovers_without_restarting_the_app(stack):
    session = logged_in(stack)
    slug = programme_slug(stack)
    pids = stack.web_worker_pids()
    page = f"{stack.base}/staff/{slug}/families/"
    assert session.get(page, timeout=10).status_code == 200

    stack.cluster.stop("fast")
    try:
        for _ in range(4):  # both gunicorn workers, whichever answers
            down = session.get(page, timeout=10)
            assert down.status_code == 503, down.text[:300]
            assert "Temporarily unavailable" in down.text and "Traceback" not in down.text
            assert down.headers["Retry-After"] == "30"
        assert requests.get(f"{stack.base}/healthz", timeout=10).json() == {
            "status": "unavailable", "failing": ["database"]}
        api = requests.get(f"{stack.base}/api/v1/programmes", timeout=10,
                           headers={"Authorization": "Bearer whatever"})
        assert api.status_code == 503
    finally:
        stack.cluster.start()

    wait_for(lambda: requests.get(f"{stack.base}/healthz", timeout=5).status_code == 200,
             timeout=30, what="the app to reconnect")
    for _ in range(4):
        assert session.get(page, timeout=10).status_code == 200
    assert stack.web_worker_pids() == pids  # the same processes: no restart
    assert stack.procs["worker"].poll() is None
    # The worker reconnected too: a new run is done.
    matching = session.get(f"{stack.base}/staff/{slug}/matching/", timeout=10)
    started = session.post(matching.url, timeout=10,
                           data={"csrfmiddlewaretoken": session.cookies["csrftoken"],
                                 "dry_run": "1"},
                           headers={"Referer": matching.url}, allow_redirects=False)
    run_id = int(re.search(r"/matching/(\d+)/", started.headers["Location"]).group(1))
    wait_for(lambda: run_status(stack, run_id) == "done",
        what="the worker to run a task after the restart")
