from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with tiny costs, for the test suite only (see tests/settings.py)."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
