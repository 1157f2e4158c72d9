"""Reads of community life: events of a person, the calendar feed, the library."""

from datetime import timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from voisins.accounts.models import User
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.programmes.constants import Role
from voisins.programmes.models import Programme

from .models import (
    CalendarToken,
    Event,
    Invitation,
    Resource,
    ResourceKind,
    Rsvp,
    TargetGroup,
)


def events_counted(queryset: QuerySet[Event] | None = None) -> QuerySet[Event]:
    """Events, each with how many are ``invited``, ``coming`` and ``waiting``."""
    queryset = Event.objects.all() if queryset is None else queryset
    return queryset.annotate(
        coming=Count("invitations", filter=Q(invitations__status=Rsvp.GOING)),
        waiting=Count("invitations", filter=Q(invitations__status=Rsvp.WAITING)),
        invited=Count("invitations"))


def events_of_programme(programme: Programme) -> QuerySet[Event]:
    return events_counted(Event.objects.filter(programme=programme))


SCREENED_OR_LATER = [VolunteerStatus.SCREENED, VolunteerStatus.TRAINED,
                     VolunteerStatus.AVAILABLE, VolunteerStatus.MATCHED, VolunteerStatus.PAUSED]
INVITEE_GROUPS = ("volunteers", "families", "staff")


def invitees(programme: Programme, groups: list[str]) -> QuerySet[User]:
    """Who an invitation to `groups` reaches: "volunteers" are the programme's screened
    volunteer households with an account, "staff" its coordinators and mediators."""
    users = User.objects.none()
    if "volunteers" in groups:
        users |= User.objects.filter(
            volunteer_household__programme=programme, is_active=True,
            volunteer_household__status__in=SCREENED_OR_LATER)
    if "staff" in groups:
        users |= User.objects.filter(
            memberships__programme=programme, is_active=True,
            memberships__role__in=[Role.COORDINATOR, Role.MEDIATOR])
    return users.distinct()


def invited_households(programme: Programme, groups: list[str]
                       ) -> tuple[QuerySet[VolunteerHousehold], QuerySet[FamilyHousehold]]:
    """The households an invitation to `groups` reaches without an account, each through
    its personal link: "volunteers" adds the screened volunteer households that have no
    account (those with one are among :func:`invitees`), "families" the families waiting
    or matched."""
    volunteers = VolunteerHousehold.objects.none()
    families = FamilyHousehold.objects.none()
    if "volunteers" in groups:
        volunteers = VolunteerHousehold.objects.filter(
            programme=programme, archived=False, user__isnull=True,
            status__in=SCREENED_OR_LATER)
    if "families" in groups:
        families = FamilyHousehold.objects.filter(
            programme=programme, archived=False,
            status__in=[FamilyStatus.WAITING, FamilyStatus.MATCHED])
    return volunteers, families


def household_invitations_qs(household: VolunteerHousehold | FamilyHousehold
                             ) -> QuerySet[Invitation]:
    """Every invitation of a household: as a household, or through its account."""
    if isinstance(household, FamilyHousehold):
        who = Q(family=household)
    else:
        who = Q(volunteer=household)
        if household.user_id:
            who |= Q(user_id=household.user_id)
    return Invitation.objects.filter(who)


def household_invitations(household: VolunteerHousehold | FamilyHousehold
                          ) -> list[Invitation]:
    """The coming events a household is invited to (as a household, or through its
    account), each with its place on the waiting list."""
    invitations = list(household_invitations_qs(household)
                       .filter(event__ends_at__gte=timezone.now())
                       .select_related("event", "event__programme")
                       .order_by("event__starts_at"))
    for invitation in invitations:
        invitation.position = waiting_position(invitation)
    return invitations


def invitations_of(user: User, *, upcoming_only: bool = True) -> QuerySet[Invitation]:
    """The invitations of ``user``: its own, and its volunteer household's (invited
    before the household had an account)."""
    queryset = Invitation.objects.filter(Q(user=user) | Q(volunteer__user=user)).select_related(
        "event", "event__programme")
    if upcoming_only:
        queryset = queryset.filter(event__ends_at__gte=timezone.now())
    return queryset.order_by("event__starts_at")


def invitations_with_places(*, user: User) -> QuerySet[Invitation]:
    """The upcoming invitations of ``user`` (see invitations_of), each annotated ``ahead``:
    how many wait before it on its event's waiting list (0 when it does not wait)."""
    ahead = (Invitation.objects.filter(event_id=OuterRef("event_id"), status=Rsvp.WAITING)
             .filter(Q(responded_at__lt=OuterRef("responded_at"))
                     | Q(responded_at=OuterRef("responded_at"), id__lt=OuterRef("id")))
             .order_by().values("event_id").annotate(n=Count("id")).values("n"))
    return invitations_of(user).annotate(ahead=Coalesce(Subquery(ahead), 0))


def calendar_token(*, token: str) -> CalendarToken | None:
    """The calendar link `token`, with the account it belongs to, or None."""
    return CalendarToken.objects.select_related("user").filter(token=token).first()


def waiting_position(invitation: Invitation) -> int | None:
    if invitation.status != Rsvp.WAITING:
        return None
    return Invitation.objects.filter(
        Q(responded_at__lt=invitation.responded_at)
        | Q(responded_at=invitation.responded_at, id__lt=invitation.pk),
        event_id=invitation.event_id, status=Rsvp.WAITING).count() + 1


def calendar_entries(user: User) -> list[dict]:
    """What a person's calendar feed holds: events they come to or wait for, and the
    training sessions their household registered for, from 90 days back."""
    since = timezone.now() - timedelta(days=90)
    entries = []
    for invitation in (Invitation.objects.filter(user=user, event__ends_at__gte=since,
                                                 status__in=[Rsvp.GOING, Rsvp.WAITING])
                       .select_related("event", "event__programme")):
        event = invitation.event
        entries.append({
            "uid": f"event-{event.pk}@voisins", "title": event.title,
            "description": event.description, "location": event.place,
            "start": event.starts_at, "end": event.ends_at,
            "status": "CONFIRMED" if invitation.status == Rsvp.GOING else "TENTATIVE",
            "updated": invitation.responded_at or invitation.invited_at,
        })
    from voisins.training.models import Registration

    for registration in (Registration.objects.filter(volunteer__user=user,
                                                     session__ends_at__gte=since)
                         .select_related("session__module")):
        session = registration.session
        entries.append({
            "uid": f"training-{session.pk}@voisins", "title": session.module.title,
            "description": session.module.description,
            "location": session.place or session.video_url,
            "start": session.starts_at, "end": session.ends_at, "status": "CONFIRMED",
            "updated": registration.registered_at,
        })
    return sorted(entries, key=lambda e: e["start"])


def resource_search(programme: Programme, *, q: str = "", kind: str = "", language: str = "",
                    target: str = "", indicator: str = "") -> QuerySet[Resource]:
    """The library, searched by words in the title or description and filtered by kind,
    language, target group and IMMERSE indicator (all optional)."""
    queryset = Resource.objects.filter(programme=programme)
    # PostgreSQL refuses NUL characters in text: they can only come from a forged link.
    q = (q or "").replace("\x00", "").strip()[:100]
    if q:
        for word in q.split()[:5]:
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if kind in ResourceKind.values:
        queryset = queryset.filter(kind=kind)
    if target in TargetGroup.values:
        queryset = queryset.filter(target_group=target)
    # JSON lists are matched as text ('"fr"'), which SQLite and PostgreSQL both support.
    if language and language.isalpha() and len(language) <= 3:
        queryset = queryset.filter(languages__icontains=f'"{language}"')
    if indicator and all(ch.isalnum() or ch == "-" for ch in indicator):
        queryset = queryset.filter(indicators__icontains=f'"{indicator}"')
    return queryset
