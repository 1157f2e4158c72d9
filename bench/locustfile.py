"""The load mix of bench/load.py (run it, not this file): coordinators browsing lists and
dashboards, volunteers answering proposals, families answering check-ins. Each simulated
person takes its own account or link from the targets file written by bench/load.py.

Locust runs headless, for a bounded time and number of users, against 127.0.0.1 only.
"""

import json
import os
import random
import re
from itertools import count

from locust import HttpUser, between, constant, events, task

TARGETS = json.loads(open(os.environ["VOISINS_LOAD_TARGETS"]).read())  # noqa: SIM115
SLUG = TARGETS["slug"]
_volunteers = count()
_families = count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WAIT = constant(0) if os.environ.get("VOISINS_LOAD_WAIT") == "0" else between(0.5, 1.5)


@events.test_start.add_listener
def _loopback_only(environment, **_kwargs):
    host = environment.host or ""
    if not re.match(r"^http://(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?/?$", host):
        raise SystemExit(f"load tests go to this machine only, not {host!r}")


def login(client, email: str, password: str) -> None:
    page = client.get("/accounts/login/", name="login page")
    token = CSRF.search(page.text).group(1)
    client.post("/accounts/login/", name="log in", allow_redirects=False,
                data={"login": email, "password": password, "csrfmiddlewaretoken": token},
                headers={"Referer": page.url})


class Coordinator(HttpUser):
    """Lists and dashboards, as the coordinator of the programme, and the API."""

    weight = 3
    wait_time = WAIT

    def on_start(self):
        login(self.client, TARGETS["coordinator"]["email"], TARGETS["coordinator"]["password"])
        self.api = {"Authorization": f"Bearer {TARGETS['token']}"}

    @task(4)
    def families(self):
        sort = random.choice(["", "?sort=name", "?status=waiting&sort=waiting",
                              f"?page={random.randint(2, 150)}"])
        self.client.get(f"/staff/{SLUG}/families/{sort}", name="families list")

    @task(2)
    def volunteers(self):
        self.client.get(f"/staff/{SLUG}/volunteers/", name="volunteers list")

    @task(2)
    def programme(self):
        self.client.get(f"/staff/{SLUG}/", name="programme dashboard")

    @task(2)
    def follow_up(self):
        self.client.get(f"/staff/{SLUG}/follow-up/", name="follow-up dashboard")

    @task(2)
    def matches(self):
        self.client.get(f"/staff/{SLUG}/matches/", name="matches list")

    @task(1)
    def proposals(self):
        self.client.get(f"/staff/{SLUG}/proposals/?status=sent", name="proposals list")

    @task(1)
    def checkins(self):
        self.client.get(f"/staff/{SLUG}/check-ins/", name="check-ins overdue")

    @task(2)
    def api_families(self):
        self.client.get(f"/api/v1/programmes/{SLUG}/families?page={random.randint(1, 100)}",
                        headers=self.api, name="API families")


def next_person(kind: str, counter) -> dict | None:
    """The next simulated person of `kind` who has not answered yet (None: all have)."""
    i = next(counter)
    return TARGETS[kind][i] if i < len(TARGETS[kind]) else None


class Volunteer(HttpUser):
    """Volunteer households one after the other: each logs in, opens its page a few times
    and answers the proposal it received; then the next one takes over (once every
    volunteer with a proposal has answered, the last keeps opening its page)."""

    weight = 1
    wait_time = WAIT
    VISITS = 3  # pages opened before answering

    def on_start(self):
        self.me = None
        self.next_volunteer()

    def next_volunteer(self):
        me = next_person("volunteers", _volunteers)
        if me is None:
            if self.me is not None:
                return  # the last one stays
            me = TARGETS["volunteers"][-1]  # more simulated volunteers than proposals
        self.me, self.visits = me, 0
        self.client.cookies.clear()
        login(self.client, me["email"], TARGETS["coordinator"]["password"])

    @task
    def home_and_answer(self):
        page = self.client.get("/me/", name="volunteer home")
        self.visits += 1
        answer = f"/me/proposals/{self.me['proposal']}/answer/"
        if self.visits < self.VISITS:
            return
        if page.status_code == 200 and answer in page.text:
            token = CSRF.search(page.text)
            self.client.post(answer, name="volunteer answers",
                             data={"answer": "yes", "csrfmiddlewaretoken": token.group(1)},
                             headers={"Referer": page.url}, allow_redirects=False)
        # Answered (or nothing left to answer, say after an earlier run): the next one.
        self.next_volunteer()


class Family(HttpUser):
    """Families one after the other, through their personal links: each opens its home
    page and its check-in, answers it, and sees its check-ins; then the next family (once
    every family has answered, the last keeps opening its pages)."""

    weight = 1
    wait_time = WAIT

    def on_start(self):
        self.mine, self.answered = next_person("families", _families), False
        if self.mine is None:  # more simulated families than families to answer
            self.mine, self.answered = TARGETS["families"][-1], True

    @task
    def checkin(self):
        self.client.get(self.mine["home"], name="family home")
        if not self.answered:
            page = self.client.get(self.mine["checkin"], name="family check-in")
            token = CSRF.search(page.text)
            if token and 'name="rating"' in page.text:
                self.client.post(self.mine["checkin"], name="family answers check-in",
                                 data={"rating": "4", "frequency": "fortnightly",
                                       "csrfmiddlewaretoken": token.group(1)},
                                 headers={"Referer": page.url})
        # Answered: the family's page of check-ins says there is nothing more to do.
        self.client.get(self.mine["checkins"], name="family check-ins")
        following = next_person("families", _families)
        if following is None:
            self.answered = True
        else:
            self.mine = following


class Trivial(HttpUser):
    """The ceiling: a view that does nothing, on the same server (bench/urls.py)."""

    weight = 1  # run alone (bench/load.py names the classes of each run)
    wait_time = WAIT

    @task
    def trivial(self):
        self.client.get("/bench/trivial", name="trivial view")
