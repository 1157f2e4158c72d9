"""What match life adds to the GDPR duties: a person's proposals, matches, check-ins,
activities and mails in their data export; their free text removed on erasure (dates,
states, reasons and ratings stay, so persistence and survival figures stay true); live
matches and recent answers count as activity for the retention purge."""

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from voisins.gdpr.hooks import (
    register_activity_source,
    register_audit_records,
    register_erase_hook,
    register_export_section,
)
from voisins.gdpr.selectors import iso
from voisins.households.models import FamilyHousehold, Household, VolunteerHousehold

from .models import Activity, CheckIn, ContactReveal, Introduction, Match, Notification, Proposal

ERASED_EMAIL = "erased@invalid.example"
ERASED_NAME = "—"


def _addresses(household: Household) -> set[str]:
    """The e-mail addresses mail to this household went to."""
    addresses = {household.email} if household.email else set()
    if isinstance(household, VolunteerHousehold) and household.user_id:
        addresses.add(household.user.email)
    return addresses


@register_export_section("proposals", _("Proposals"))
def export_proposals(household: Household) -> list[dict[str, Any]]:
    side = household.side
    other = "volunteer" if side == "family" else "family"
    return [
        {"id": p.pk, "status": p.status, "created_at": iso(p.created_at),
         "sent_at": iso(p.sent_at), "expires_at": iso(p.expires_at),
         "closed_at": iso(p.closed_at), "distance_km": p.distance_km, "note": p.note,
         f"{other}_first_name": getattr(p, other).contact_first_name,
         "answer": getattr(p, f"{side}_answer"), "reason": getattr(p, f"{side}_reason"),
         "comment": getattr(p, f"{side}_comment"),
         "answered_at": iso(getattr(p, f"{side}_answered_at"))}
        for p in Proposal.objects.filter(**{side: household}).select_related(other)
    ]


@register_export_section("matches", _("Matches"))
def export_matches(household: Household) -> list[dict[str, Any]]:
    side = household.side
    other = "volunteer" if side == "family" else "family"
    rows = []
    for m in (Match.objects.filter(**{side: household})
              .select_related(other, "introduction", "mediator")):
        intro = getattr(m, "introduction", None)
        rows.append({
            "id": m.pk, "status": m.status, f"{other}_first_name":
            getattr(m, other).contact_first_name, "started_on": iso(m.started_on),
            "introduced_on": iso(m.introduced_on), "introduction_place":
            intro.place if intro else None, "introduction_note": intro.note if intro else None,
            "paused_since": iso(m.paused_since), "pause_reason": m.pause_reason,
            "ended_on": iso(m.ended_on), "end_reason": m.end_reason, "end_note": m.end_note,
            "mediator": (m.mediator.get_full_name() or m.mediator.email) if m.mediator else None,
        })
    return rows


@register_export_section("check_ins", _("Check-ins (your answers)"))
def export_checkins(household: Household) -> list[dict[str, Any]]:
    side = household.side
    return [
        {"match": c.match_id, "due_on": iso(c.due_on), "answered_at": iso(c.answered_at),
         "rating": c.rating, "frequency": c.frequency, "activities": c.activities,
         "worry": c.worry}
        for c in CheckIn.objects.filter(**{f"match__{side}": household}, side=side)
    ]


@register_export_section("activities", _("What you did together"))
def export_activities(household: Household) -> list[dict[str, Any]]:
    side = household.side
    return [
        {"match": a.match_id, "noted_by": a.side, "done_on": iso(a.done_on),
         "category": a.category, "duration": a.duration, "text": a.text}
        for a in Activity.objects.filter(**{f"match__{side}": household})
    ]


@register_export_section("contact_details_shown", _("When your contact details were shown"))
def export_reveals(household: Household) -> list[dict[str, Any]]:
    side = household.side
    return [
        {"match": r.match_id, "at": iso(r.at), "shown_to": r.viewer}
        for r in ContactReveal.objects.filter(**{f"match__{side}": household}, shown=side)
    ]


@register_export_section("mail", _("E-mails sent to you"))
def export_mail(household: Household) -> list[dict[str, Any]]:
    addresses = _addresses(household)
    return [
        {"kind": n.kind, "to": n.to_email, "language": n.language, "status": n.status,
         "created_at": iso(n.created_at), "sent_at": iso(n.sent_at)}
        for n in Notification.objects.filter(programme_id=household.programme_id,
                                             to_email__in=addresses)
    ] if addresses else []


@register_erase_hook
def erase(household: Household) -> None:
    """Free text about the person goes; what the figures need stays."""
    side = household.side
    Proposal.objects.filter(**{side: household}).update(
        note="", volunteer_comment="", family_comment="")
    matches = Match.objects.filter(**{side: household})
    matches.update(end_note="", pause_reason="")
    # The place of a first meeting can be someone's home.
    Introduction.objects.filter(match__in=matches).update(place="—", note="")
    CheckIn.objects.filter(match__in=matches, side=side).update(activities="", worry="")
    Activity.objects.filter(match__in=matches).update(text="")
    addresses = _addresses(household)
    if addresses:
        Notification.objects.filter(programme_id=household.programme_id,
                                    to_email__in=addresses).update(
            to_email=ERASED_EMAIL, context={},
            status=Notification.Status.FAILED, last_error="erased")
    # Mail still waiting to go to others (the other household, coordinators) may name the
    # person; sent mail keeps no context. The name goes, the message still goes.
    name = household.contact_first_name
    for notification in Notification.objects.filter(
            programme_id=household.programme_id, status=Notification.Status.PENDING):
        context = dict(notification.context or {})
        named = [key for key, value in context.items()
                 if key.endswith("name") and value == name]
        if named:
            context.update(dict.fromkeys(named, ERASED_NAME))
            notification.context = context
            notification.save(update_fields=["context"])


@register_activity_source
def activity(kind: str, since: datetime) -> QuerySet:
    """A live match, or a proposal, match end, check-in or activity since `since`."""
    model = FamilyHousehold if kind == "family" else VolunteerHousehold
    return model.objects.filter(
        Q(matches__status__in=Match.LIVE)
        | Q(matches__ended_on__gte=since.date())
        | Q(proposals__created_at__gte=since)
        | Q(proposals__closed_at__gte=since)
        | Q(matches__checkins__side=kind, matches__checkins__answered_at__gte=since)
        | Q(matches__activities__side=kind, matches__activities__created_at__gte=since)
    ).values("pk")


@register_audit_records
def audited(household: Household) -> dict[type, QuerySet]:
    """The household's proposals, matches and its side's check-ins."""
    side = household.side
    return {Proposal: Proposal.objects.filter(**{side: household}).values("pk"),
            Match: Match.objects.filter(**{side: household}).values("pk"),
            CheckIn: CheckIn.objects.filter(**{f"match__{side}": household},
                                            side=side).values("pk")}
