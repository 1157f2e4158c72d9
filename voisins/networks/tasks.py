"""Background work of networks, for the worker's periodic scheduler (voisins.ops.schedule)."""

from django.tasks import task
from django.utils import timezone

from . import aggregates, remote


@task
def publish_aggregates() -> int:
    """Every night: each programme of this instance in a network of this instance stores
    its months (publish_local), and each programme linked to a network on another instance
    posts them there. Safe to run twice: a month published again replaces itself. Returns
    how many months were stored in all."""
    today = timezone.localdate()
    stored = 0
    for member in aggregates.local_members():
        stored += aggregates.publish_local(member=member, until=today)
    for link in remote.links():
        stored += remote.link_push(link=link, until=today)
    return stored
