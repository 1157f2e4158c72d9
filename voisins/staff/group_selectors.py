"""Reads behind group messages: the households of a group chosen by filters that cross
apps (volunteer households by area, status and training; households in a live match;
households whose check-in is overdue; the households invited to an event)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from voisins.community.models import Event
from voisins.households.models import FamilyHousehold, Household, VolunteerHousehold
from voisins.matches.models import Match
from voisins.matches.selectors import checkins_overdue
from voisins.programmes.models import Programme
from voisins.training.selectors import restrict_to_trained

AUDIENCES = ("volunteers", "matched", "checkin_overdue", "event")


def programme_events(programme: Programme) -> QuerySet[Event]:
    """The programme's events, soonest first (the invitees of one can be written to)."""
    return Event.objects.filter(programme=programme).order_by("-starts_at", "id")


# What choosing a household's channel and language reads, and nothing else: a group of
# 10,000 households is read in a fraction of the time its whole rows would take.
FIELDS = ("programme_id", "contact_first_name", "email", "phone", "email_check",
          "phone_check", "preferred_channel", "message_language", "languages",
          "news_opt_out")


def _families(programme: Programme) -> QuerySet[FamilyHousehold]:
    return (FamilyHousehold.objects.filter(programme=programme, archived=False)
            .only(*FIELDS, "page_language").order_by("contact_first_name", "id"))


def _volunteers(programme: Programme) -> QuerySet[VolunteerHousehold]:
    return (VolunteerHousehold.objects.filter(programme=programme, archived=False)
            .select_related("user").only(*FIELDS, "user", "user__email", "user__language")
            .order_by("contact_first_name", "id"))


def _with_programme(households: Iterable[Household], programme: Programme) -> list[Household]:
    # Every household of the group is of this programme: one object, not one join each.
    households = list(households)
    for household in households:
        household.programme = programme
    return households


def group_households(*, programme: Programme, audience: str, postcodes: Iterable[str] = (),
                     locality: str = "", statuses: Iterable[str] = (), trained: bool = False,
                     event: Event | None = None) -> list[Household]:
    """The (not archived) households of ``programme`` in the group, volunteer households
    first, each read with its programme and account (what choosing a channel and a
    language needs, so that no query is made per household).

    ``volunteers``: volunteer households, narrowed by ``postcodes``, ``locality``
    (the commune, any case), ``statuses`` and ``trained`` (the required training done).
    ``matched``: both households of every live match. ``checkin_overdue``: the household
    of each side whose check-in is overdue. ``event``: the households invited to
    ``event``, through a volunteer household's account or as a household (volunteer
    households without an account, families).

    Complexity: two queries at most; O(n) memory.
    """
    return _with_programme(_group(programme=programme, audience=audience,
                                  postcodes=postcodes, locality=locality, statuses=statuses,
                                  trained=trained, event=event), programme)


def _group(*, programme: Programme, audience: str, postcodes: Iterable[str], locality: str,
           statuses: Iterable[str], trained: bool, event: Event | None) -> list[Household]:
    if audience == "volunteers":
        volunteers = _volunteers(programme)
        if postcodes := [p for p in postcodes if p]:
            volunteers = volunteers.filter(postcode__in=postcodes)
        if locality:
            volunteers = volunteers.filter(locality__iexact=locality)
        if statuses := list(statuses):
            volunteers = volunteers.filter(status__in=statuses)
        if trained:
            volunteers = restrict_to_trained(volunteers, programme)
        return volunteers  # type: ignore[return-value]
    if audience == "matched":
        live = Match.objects.filter(programme=programme, status__in=Match.LIVE)
        return [*_volunteers(programme).filter(pk__in=live.values("volunteer_id")),
                *_families(programme).filter(pk__in=live.values("family_id"))]
    if audience == "checkin_overdue":
        overdue = checkins_overdue(programme)
        return [*_volunteers(programme).filter(
                    pk__in=overdue.filter(side="volunteer").values("match__volunteer_id")),
                *_families(programme).filter(
                    pk__in=overdue.filter(side="family").values("match__family_id"))]
    if audience == "event" and event is not None:
        # Invited through its account, or as a household (no account; families).
        invited = event.invitations.all()
        return [*_volunteers(programme).filter(
                    Q(user__in=invited.exclude(user=None).values("user_id"))
                    | Q(pk__in=invited.exclude(volunteer=None).values("volunteer_id"))),
                *_families(programme).filter(
                    pk__in=invited.exclude(family=None).values("family_id"))]
    return []
