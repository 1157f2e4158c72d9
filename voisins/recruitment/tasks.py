"""Background work of recruitment, for the task queue and its periodic scheduler."""

from django.tasks import task


@task
def purge_unconfirmed_signups() -> int:
    """Delete the sign-ups whose confirmation link expired. Safe to run twice at once:
    both delete the same rows, the second finds none left."""
    from .services import signups_purge_unconfirmed

    return signups_purge_unconfirmed()
