"""Voisins' settings plus one trivial view, the ceiling of the load test (bench/load.py)."""

from voisins.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Every simulated person logs in from 127.0.0.1: the per-address limit on log-ins (30 a
# minute) would refuse the volunteers of the mix. Failed log-ins stay limited.
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": "600/m/ip"}  # noqa: F405
