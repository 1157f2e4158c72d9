"""The registries through which higher floors call messaging back, filled at start-up: the
maker of a household's personal link (voisins.familypages) and the holds on queued messages
(match life holds the check-in questions while a programme is paused). Each `register_*`
is usable as a decorator."""

from collections.abc import Callable

from django.db.models import Q

from voisins.households.models import Household

# The function that gives a household's personal link (a path), registered by the app that
# makes links (voisins.familypages, a higher floor): messaging never imports it.
LINK_MAKERS: list[Callable[[Household], str]] = []


def register_link_maker(maker: Callable[[Household], str]) -> Callable[[Household], str]:
    """Register ``maker(household) -> path`` of the household's personal link."""
    LINK_MAKERS[:] = [maker]
    return maker


def household_link(household: Household) -> str:
    """The household's personal link (a path), or "" when no link maker is registered."""
    return LINK_MAKERS[0](household) if LINK_MAKERS else ""


# Messages that must wait for now, whatever their retry time: each hold is a function
# giving a Q of messages to leave queued, registered by the app that knows why (match life
# holds the check-in questions while a programme is paused). Lower floors are called back
# only this way.
HOLDS: list[Callable[[], Q]] = []


def register_hold(hold: Callable[[], Q]) -> Callable[[], Q]:
    """Register ``hold`` (a function returning a ``Q`` on Message): the retries leave the
    messages it selects queued. Usable as a decorator."""
    HOLDS.append(hold)
    return hold
