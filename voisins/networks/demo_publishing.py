"""Demo data of networks, part A (publishing): what the nightly job would have done.

For the demo's network (issue 20: three programmes, two on this instance and one
publishing from a second instance), call, through services only:

    from voisins.networks.demo_publishing import demo
    demo(network=network)                      # the members of this instance publish
    demo(network=None, links=[(programme, "http://127.0.0.1:8001", "vnp_…", user)])
                                               # a programme publishes to another instance
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from . import aggregates, remote, services
from .models import Network


def demo(*, network: Network | None, until: date | None = None,
         links: list[tuple[Any, str, str, Any]] = ()) -> int:
    """Every current member of `network` on this instance stores its months up to `until`
    (default today); each (programme, url, token, by) of `links` is saved as a link to a
    network on another instance and its months are posted there. Returns the months
    stored in all."""
    until = until or timezone.localdate()
    stored = 0
    if network is not None:
        for member in aggregates.local_members():
            if member.network_id == network.pk:
                stored += aggregates.publish_local(member=member, until=until)
    for programme, url, token, by in links:
        link = services.network_link_set(programme=programme, url=url, token=token, by=by)
        stored += remote.link_push(link=link, until=until)
    return stored
