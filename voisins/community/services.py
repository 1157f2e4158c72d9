"""Writes of community life: events, invitations, answers under capacity, attendance,
calendar links, the resource library."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voisins.accounts.models import User
from voisins.familypages.services import household_page_url
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.matches.notifications import SUBJECTS, TEMPLATES, notify, recipient_language
from voisins.messaging.models import Purpose
from voisins.messaging.services import message_household
from voisins.programmes.models import Programme

from .models import CalendarToken, Event, Invitation, Resource, Rsvp


def event_create(*, programme: Programme, by: User | None = None, **fields: Any) -> Event:
    """Plan an event (kind, title, description, starts_at, ends_at, place, capacity)."""
    event = Event(programme=programme, created_by=by, **fields)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def invitations_send(*, event: Event, users: Iterable[User] = (),
                     volunteers: Iterable[VolunteerHousehold] = (),
                     families: Iterable[FamilyHousehold] = (),
                     answer_url: str = "", by: User | None = None) -> int:
    """Invite people to an event; someone already invited keeps their answer.

    ``users`` are accounts: when ``answer_url`` is given, each new one gets an e-mail
    with it after the commit. ``volunteers`` and ``families`` are households without an
    account: each new one gets a message through the channel it has
    (``messaging.services.message_household``: e-mail, SMS, or the coordinators' to-call
    list), in its language, with its personal link to the page where it answers.
    Returns how many were newly invited.
    """
    existing = set(event.invitations.values_list("user_id", flat=True))
    new = [Invitation(event=event, user=u) for u in users if u.pk not in existing]
    Invitation.objects.bulk_create(new)
    if answer_url and new:
        _mail_invitations(event, [i.user for i in new], answer_url)
    invited = len(new)
    for field, households in (("volunteer", volunteers), ("family", families)):
        already = set(event.invitations.values_list(f"{field}_id", flat=True))
        for household in households:
            if household.pk in already or household.programme_id != event.programme_id:
                continue
            invitation = Invitation(event=event, **{field: household})
            invitation.full_clean()
            invitation.save()
            _message_household(invitation, kind="event_invitation", by=by)
            invited += 1
    return invited


def _household_events_url(household: VolunteerHousehold | FamilyHousehold) -> str:
    """The household's page where it answers its invitations, through its link."""
    if isinstance(household, FamilyHousehold):
        return household_page_url(household=household, page="community:family_events")
    return household_page_url(household=household)


def _message_household(invitation: Invitation, *, kind: str, by: User | None = None) -> None:
    household = invitation.volunteer or invitation.family
    event = invitation.event
    message_household(
        household=household, purpose=Purpose.EVENT, subject=SUBJECTS[kind],
        template=TEMPLATES[kind], by=by, link=_household_events_url(household),
        context={"event": event.title, "place": event.place, "starts_iso": _when(event)})


def _when(event: Event) -> str:
    return timezone.localtime(event.starts_at).isoformat()


def _mail_invitations(event: Event, users: Iterable[User], answer_url: str) -> None:
    for user in users:
        if user.is_active:
            notify(kind="event_invitation", to_email=user.email, programme=event.programme,
                   language=recipient_language(user), context={
                       "event": event.title, "place": event.place, "link": answer_url,
                       "starts_iso": _when(event)})


def _notify_moved_up(invitation: Invitation) -> None:
    if invitation.user_id is None:
        _message_household(invitation, kind="event_moved_up")
        return
    notify(kind="event_moved_up", to_email=invitation.user.email,
           programme=invitation.event.programme, language=recipient_language(invitation.user),
           context={"event": invitation.event.title, "place": invitation.event.place,
                    "starts_iso": _when(invitation.event)})


@transaction.atomic
def invitation_respond(*, invitation: Invitation, going: bool) -> Invitation:
    """Answer an invitation. Beyond the event's places the person goes on the waiting
    list; when someone who was coming cancels, the first on the list moves up (and is
    told by e-mail after the commit).

    The event row is locked while places are counted, so parallel answers can never
    put more people than places on the "coming" list.

    Raises
    ------
    ValidationError
        On ``event`` once the event has started.
    """
    event = Event.objects.select_for_update().get(pk=invitation.event_id)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if event.starts_at <= timezone.now():
        raise ValidationError({"event": _("This event has already started.")})
    now = timezone.now()
    if going:
        if invitation.status in (Rsvp.GOING, Rsvp.WAITING):
            return invitation
        coming = Invitation.objects.filter(event=event, status=Rsvp.GOING).count()
        full = event.capacity is not None and coming >= event.capacity
        invitation.status = Rsvp.WAITING if full else Rsvp.GOING
        invitation.responded_at = now
        # update_fields without full_clean(): a status of Rsvp and the time, set here.
        invitation.save(update_fields=["status", "responded_at"])
        return invitation
    was_coming = invitation.status == Rsvp.GOING
    invitation.status, invitation.responded_at = Rsvp.DECLINED, now
    # update_fields without full_clean(): a status of Rsvp and the time, set here.
    invitation.save(update_fields=["status", "responded_at"])
    if was_coming:
        _promote(event)
    return invitation


def _promote(event: Event) -> None:
    """Fill free places from the waiting list, first come first served (caller holds the
    event's lock)."""
    if event.capacity is None:
        waiting = Invitation.objects.filter(event=event, status=Rsvp.WAITING)
    else:
        coming = Invitation.objects.filter(event=event, status=Rsvp.GOING).count()
        free = max(0, event.capacity - coming)
        waiting = Invitation.objects.filter(event=event, status=Rsvp.WAITING).order_by(
            "responded_at", "id")[:free]
    for invitation in list(waiting):
        invitation.status = Rsvp.GOING
        # update_fields without full_clean(): only the status changes, to a value of Rsvp.
        invitation.save(update_fields=["status"])
        _notify_moved_up(invitation)


@transaction.atomic
def event_update_capacity(*, event: Event, capacity: int | None) -> Event:
    """Change the number of places; added places are given to the waiting list. Fewer
    places than people coming is refused rather than turning anyone away."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    coming = event.invitations.filter(status=Rsvp.GOING).count()
    if capacity is not None and capacity < coming:
        raise ValidationError({"capacity": _(
            "%(n)s people are already coming: give at least %(n)s places.") % {"n": coming}})
    event.capacity = capacity
    event.full_clean()
    event.save(update_fields=["capacity"])
    _promote(event)
    return event


@transaction.atomic
def attendance_record(*, event: Event, attended: Iterable[int]) -> None:
    """Record who came (invitation ids in `attended`) among those who were invited."""
    attended = set(attended)
    for invitation in event.invitations.select_for_update():
        invitation.attended = invitation.pk in attended
        # update_fields without full_clean(): only a boolean changes.
        invitation.save(update_fields=["attended"])


def calendar_token_for(*, user: User) -> CalendarToken:
    """The user's calendar link secret, created on first use."""
    try:
        token, _created = CalendarToken.objects.get_or_create(user=user)
    except IntegrityError:  # created by a parallel request
        token = CalendarToken.objects.get(user=user)
    return token


def calendar_token_renew(*, user: User) -> CalendarToken:
    """Replace the user's calendar link; the old one stops working at once."""
    CalendarToken.objects.filter(user=user).delete()
    return CalendarToken.objects.create(user=user)


def resource_save(*, programme: Programme, resource: Resource | None = None,
                  **fields: Any) -> Resource:
    """Create or edit a resource of the library."""
    resource = resource or Resource(programme=programme)
    for name, value in fields.items():
        setattr(resource, name, value)
    resource.full_clean()
    resource.save()
    return resource
