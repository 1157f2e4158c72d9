"""Voisins' settings plus one trivial view, the ceiling of the load test (bench/load.py)."""

from voisins.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
