"""The production stack on this machine, for the stack tests: a private PostgreSQL cluster
(its own data directory and port, so that it can be stopped without touching anyone
else's database), Redis, gunicorn with deploy/gunicorn.conf.py and `voisins worker`."""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

PROJECT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def redis_up(url: str = "redis://127.0.0.1:6379/0") -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


class Cluster:
    """A PostgreSQL cluster of our own, run as the postgres user (we are root)."""

    def __init__(self, root: Path) -> None:
        self.bin = postgres_bin()
        self.dir = root / "pgdata"
        self.port = free_port()
        self.log = root / "postgres.log"

    def _as_postgres(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*runner, *cmd], check=check, capture_output=True, text=True,
                              timeout=120)

    def init(self) -> None:
        self.dir.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            shutil.chown(self.dir.parent, "postgres", "postgres")
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.dir), "-U", "postgres",
                          "-A", "trust", "--no-sync", "-E", "UTF8")
        self.start()

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.dir), "-o", options,
                          "-l", str(self.log), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.dir), "-m", mode, "-w",
                          "stop", check=False)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def sql(self, statement: str, params: tuple = (), database: str = "postgres") -> str:
        """The first column of the first row, as text ("" when there is none)."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(statement, params or None)
            row = cursor.fetchone() if cursor.description else None
        return "" if row is None else str(row[0])


class Stack:
    """Two gunicorn workers and one task worker on a fresh database of the cluster."""

    def __init__(self, cluster: Cluster, root: Path) -> None:
        self.cluster = cluster
        self.root = root
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.database = "voisins_stack"
        self.procs: dict[str, subprocess.Popen] = {}
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("PYTEST", "DJANGO_", "DATABASE_URL"))}
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "voisins.settings",
            "DATABASE_URL": cluster.url(self.database),
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            # Shared Redis: this run's keys only.
            "CACHE_KEY_PREFIX": f"voisins-stack-{secrets.token_hex(4)}",
            "TASKS_BACKEND": "database",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SALT_KEY": secrets.token_urlsafe(32),
            "VOISINS_VAR_DIR": str(root / "var"),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": self.base,
            "EMAIL_URL": f"filemail://{root / 'mail'}",
            "VOISINS_REQUIRE_MFA_ROLES": "",
            "VOISINS_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "2",
            "VOISINS_WORKER_HEARTBEAT": "1",
            "VOISINS_WORKER_STALE_AFTER": "5",
            "VOISINS_WORKER_INTERVAL": "0.2",
            "PYTHONUNBUFFERED": "1",
            # Hashed static files as in production, without compressing 12 MB of them
            # at every run (brotli is the slowest step of the set-up).
            "STATIC_COMPRESS": "0",
        })

    def voisins(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "voisins", *args], cwd=PROJECT,
                                env=self.env, check=True, capture_output=True, text=True,
                                timeout=300)
        return result.stdout

    def prepare(self) -> str:
        """Fresh database, migrations, static files, a small demo; its login line."""
        self.cluster.sql(f"CREATE DATABASE {self.database}")
        # Static files (hashed and compressed) are collected while the database migrates.
        static = subprocess.Popen([sys.executable, "-m", "voisins", "collectstatic",
                                   "--noinput", "-v0"], cwd=PROJECT, env=self.env)
        self.voisins("migrate", "--noinput", "-v0")
        if static.wait(300) != 0:
            raise RuntimeError("collectstatic failed")
        out = self.voisins("demo", "--families", "30", "--volunteers", "30", "--seed", "3")
        return [line for line in out.splitlines() if line.startswith("login:")][-1]

    def _spawn(self, name: str, cmd: list[str]) -> None:
        log = open(self.root / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(cmd, cwd=PROJECT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT)

    def start(self) -> None:
        self._spawn("web", [sys.executable, "-m", "gunicorn", "-c",
                            str(PROJECT / "deploy" / "gunicorn.conf.py")])
        self._spawn("worker", [sys.executable, "-m", "voisins", "worker"])
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/healthz", timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if any(p.poll() is not None for p in self.procs.values()):
                break
            time.sleep(0.3)
        raise RuntimeError("the stack did not start:\n" + self.logs())

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                         for p in sorted(self.root.glob("*.log")))

    def web_worker_pids(self) -> set[int]:
        web = self.procs["web"].pid
        children = Path(f"/proc/{web}/task/{web}/children").read_text()
        return {int(pid) for pid in children.split()}

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def make_root() -> Path:
    return Path(tempfile.mkdtemp(prefix="voisins-stack-"))
