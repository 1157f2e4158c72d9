"""What the management commands share about programmes (admin words, English, as the
rest of the command line)."""

from __future__ import annotations

from django.core.management.base import CommandError

from .models import Programme


def programme_named(slug: object) -> Programme:
    """The programme of this short name (``--programme SLUG``), or a CommandError saying
    there is none."""
    programme = Programme.objects.filter(slug=str(slug)).first()
    if programme is None:
        raise CommandError(f"No programme with short name {slug!r}.")
    return programme
