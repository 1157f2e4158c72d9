"""Across instances, for real (issue 20 §5): a second Voisins — its own process, its own
SQLite database under a temporary directory, on another port — runs a network; a
programme of this instance links to it with a publication token, tests the connection on
its page, and its nightly job posts its months over HTTP; the second instance stored them
(read from its own database), and refuses over HTTP every bad publication."""

import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from voisins.networks import aggregates, remote, services
from voisins.networks.models import NetworkLink
from voisins.networks.tasks import publish_aggregates

from ..evaluation.conftest import make_family, make_match, make_volunteer
from ..ops.stack import free_port

PROJECT = Path(__file__).resolve().parents[2]

# Run inside the second instance (`voisins shell -c`): its network, members and tokens.
SETUP = """
import json
from datetime import date
from voisins.accounts.models import User
from voisins.networks import services as s
boss = User.objects.create_user(email="reseau@example.org", password="x" * 16)
network = s.network_create(name="Réseau wallon", by=boss)
liege = s.remote_member_add(network=network, name="Voisins Liège", town="Liège", by=boss)
namur = s.remote_member_add(network=network, name="Voisins Namur", by=boss)
gone = s.remote_member_add(network=network, name="Voisins Huy", by=boss)
_t, token = s.publish_token_create(member=liege, by=boss)
revoked, revoked_raw = s.publish_token_create(member=liege, by=boss)
s.publish_token_revoke(token=revoked)
_t, gone_raw = s.publish_token_create(member=gone, by=boss)
s.member_leave(member=gone)
s.period_close(network=network, start=date(2025, 1, 1), end=date(2025, 12, 31), by=boss)
print(json.dumps({"token": token, "revoked": revoked_raw, "gone": gone_raw,
                  "liege": liege.pk, "namur": namur.pk}))
"""


class Instance:
    """A second Voisins: `voisins migrate`, the set-up above, `voisins runserver`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.database = root / "network.sqlite3"
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("PYTEST", "DJANGO_", "DATABASE_URL", "REDIS_URL"))}
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "voisins.settings",
            "DATABASE_URL": f"sqlite:///{self.database}",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SALT_KEY": secrets.token_urlsafe(32),
            "VOISINS_VAR_DIR": str(root / "var"),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": self.base,
            "EMAIL_URL": f"filemail://{root / 'mail'}",
            "VOISINS_REQUIRE_MFA_ROLES": "",
            "PYTHONUNBUFFERED": "1",
        })
        self.proc: subprocess.Popen | None = None

    def voisins(self, *args: str) -> str:
        return subprocess.run([sys.executable, "-m", "voisins", *args], cwd=PROJECT,
                              env=self.env, check=True, capture_output=True, text=True,
                              timeout=600).stdout

    def start(self) -> dict:
        self.voisins("migrate", "--noinput", "-v0")
        made = json.loads(self.voisins("shell", "-c", SETUP).strip().splitlines()[-1])
        log = open(self.root / "web.log", "wb")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voisins", "runserver", f"127.0.0.1:{self.port}",
             "--noreload"], cwd=PROJECT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/healthz", timeout=5).status_code == 200:
                    return made
            except requests.RequestException:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.3)
        raise RuntimeError("the second instance did not start:\n"
                           + (self.root / "web.log").read_text(errors="replace")[-3000:])

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        with sqlite3.connect(self.database) as db:
            return db.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def network_instance():
    root = Path(tempfile.mkdtemp(prefix="voisins-network-"))
    instance = Instance(root)
    try:
        made = instance.start()
        yield instance, made
    finally:
        instance.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def history(north):
    """North's matches from 2024 to now, each written through the evaluation helpers."""
    today = timezone.localdate()
    starts = [date(2024, 3, 5), date(2024, 11, 20), date(2025, 2, 1), date(2025, 6, 30),
              today - timedelta(days=40)]
    for n, start in enumerate(starts):
        family, volunteer = make_family(north, n), make_volunteer(north, n)
        make_match(north, family, volunteer, start,
                   end=start + timedelta(days=200) if n % 2 else None)
    return north


def test_a_programme_publishes_to_a_network_on_another_instance(
        client, alice_reads_english, history, network_instance):
    alice = alice_reads_english
    instance, made = network_instance
    north = history
    client.force_login(alice)
    page = reverse("networks:links", kwargs={"slug": north.slug})
    # The coordinator gives the address and the token; the connection test says where.
    response = client.post(page, {"url": instance.base, "token": made["token"]},
                           follow=True)
    body = response.content.decode()
    assert "Connected: the token publishes the figures of Voisins Liège to Réseau wallon" \
        in body, body
    link = NetworkLink.objects.get(programme=north)
    assert link.network_name == "Réseau wallon" and not link.last_error

    # The nightly job posts every month but the closed year 2025.
    stored = publish_aggregates.call()
    today = timezone.localdate()
    months = [m for m in aggregates.months_between(date(2024, 3, 1), today)
              if m.year != 2025]
    assert stored == len(months)
    link.refresh_from_db()
    assert link.last_count == len(months) and link.last_success_at and not link.last_error

    rows = instance.rows("SELECT period_start, payload FROM networks_publication "
                         "WHERE member_id = ? ORDER BY period_start", (made["liege"],))
    assert [r[0] for r in rows] == [m.isoformat() for m in months]
    march = json.loads(rows[0][1])
    assert march["matches"]["started"] == 1
    assert march["persistence"][0]["at_risk"] == 1
    assert march == aggregates.programme_month(
        programme=north, month=date(2024, 3, 1), measured_on=today).model_dump(mode="json")
    # Nothing for the member the token is not for.
    assert instance.rows("SELECT COUNT(*) FROM networks_publication WHERE member_id = ?",
                         (made["namur"],)) == [(0,)]


def month(start="2026-03-01", end="2026-03-31", **changes):
    payload = {
        "schema_version": 1, "period_start": start, "period_end": end,
        "measured_on": "2026-04-02",
        "matches": {"started": 1, "ended": 0, "active_at_end": 1},
        "persistence": [{"month": 0, "at_risk": 1, "ended": 0, "censored": 1}],
        "outcomes": [],
        "funnel": {"visited": 0, "signed_up": 0, "screened": 0, "trained": 0, "matched": 0},
        "hours_given": "1.50",
    }
    payload.update(changes)
    return payload


BAD = {
    "a field outside the schema": ("token", month(names=["Amina"]), 422, "Unknown field"),
    "an unknown token": ("vnp_" + "0" * 43, month(), 401, "token"),
    "a revoked token": ("revoked", month(), 401, "token"),
    "another programme": ("token", "namur", 422, "another programme"),
    "a closed period": ("token", [month("2026-04-01", "2026-04-30"),
                                  month("2025-06-01", "2025-06-30")], 422, "closed"),
    "a member that left": ("gone", month(), 401, "token"),
    "a token of another kind": ("not-a-publication-token", month(), 401, "token"),
}


@pytest.mark.parametrize("case", BAD)
def test_the_network_refuses_over_http_and_changes_nothing(network_instance, case):
    instance, made = network_instance
    token, body, status, words = BAD[case]
    if body == "namur":
        body = {"member": made["namur"], "publications": [month()]}
    before = instance.rows("SELECT id, period_start, payload FROM networks_publication "
                           "ORDER BY id")
    response = requests.post(f"{instance.base}/api/v1/networks/publications",
                             json=body, timeout=30,
                             headers={"Authorization": f"Bearer {made.get(token, token)}",
                                      "Accept-Language": "en"})
    assert response.status_code == status, response.text
    assert words in response.text
    assert instance.rows("SELECT id, period_start, payload FROM networks_publication "
                         "ORDER BY id") == before


def test_a_refusal_is_noted_on_the_link_without_the_token(alice_reads_english, north,
                                                          network_instance):
    alice = alice_reads_english
    instance, made = network_instance
    link = services.network_link_set(programme=north, url=instance.base,
                                     token=made["revoked"], by=alice)
    assert remote.link_push(link=link, until=timezone.localdate()) == 0
    link.refresh_from_db()
    assert "401" in link.last_error and made["revoked"] not in link.last_error
