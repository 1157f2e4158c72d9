from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with the first configuration of OWASP's Password Storage Cheat Sheet:
    19 MiB of memory, 2 iterations, 1 lane.

    Django's defaults (100 MiB, 2 iterations, 8 lanes) take 120 ms of both cores of a small
    server for each log-in, and 100 MiB each while several people log in at once; OWASP
    rates the two equivalent against guessing. Hashes made with other costs still verify
    and are rewritten with these at the next log-in.
    """

    time_cost = 2
    memory_cost = 19_456
    parallelism = 1


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with tiny costs, for the test suite only (see tests/settings.py)."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
