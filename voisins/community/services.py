"""Writes of community life: events, invitations, answers under capacity, attendance,
calendar links, the resource library."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from voisins.accounts.models import User
from voisins.programmes.models import Programme

from .models import CalendarToken, Event, Invitation, Resource, Rsvp


def event_create(*, programme: Programme, by: User | None = None, **fields: Any) -> Event:
    """Plan an event (kind, title, description, starts_at, ends_at, place, capacity)."""
    event = Event(programme=programme, created_by=by, **fields)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def invitations_send(*, event: Event, users: Iterable[User],
                     answer_url: str = "") -> int:
    """Invite people to an event; someone already invited keeps their answer. When
    `answer_url` is given, each new invitee gets an e-mail with it after the commit.
    Returns how many were newly invited."""
    existing = set(event.invitations.values_list("user_id", flat=True))
    new = [Invitation(event=event, user=u) for u in users if u.pk not in existing]
    Invitation.objects.bulk_create(new)
    if answer_url and new:
        ids = [u.user_id for u in new]
        transaction.on_commit(lambda: _mail_invitations(event.pk, ids, answer_url))
    return len(new)


def _mail_invitations(event_id: int, user_ids: list[int], answer_url: str) -> None:
    event = Event.objects.get(pk=event_id)
    for user in User.objects.filter(pk__in=user_ids, is_active=True):
        with translation.override(user.language or None):
            send_mail(
                subject=_("Invitation: %(event)s") % {"event": event.title},
                message=_("You are invited to %(event)s on %(date)s at %(place)s.\n\n"
                          "Tell us whether you come: %(url)s") % {
                    "event": event.title, "place": event.place, "url": answer_url,
                    "date": formats.date_format(timezone.localtime(event.starts_at),
                                                "DATETIME_FORMAT")},
                from_email=None, recipient_list=[user.email])


def _notify_moved_up(invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("event", "user").get(pk=invitation_id)
    with translation.override(invitation.user.language or None):
        send_mail(
            subject=_("A place is free for you: %(event)s") % {"event": invitation.event.title},
            message=_("Someone cancelled, so you moved up from the waiting list: you are "
                      "expected at %(event)s on %(date)s.") % {
                "event": invitation.event.title,
                "date": formats.date_format(timezone.localtime(invitation.event.starts_at),
                                            "DATETIME_FORMAT")},
            from_email=None, recipient_list=[invitation.user.email])


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
        invitation.save(update_fields=["status", "responded_at"])
        return invitation
    was_coming = invitation.status == Rsvp.GOING
    invitation.status, invitation.responded_at = Rsvp.DECLINED, now
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
        invitation.save(update_fields=["status"])
        transaction.on_commit(lambda pk=invitation.pk: _notify_moved_up(pk))


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
