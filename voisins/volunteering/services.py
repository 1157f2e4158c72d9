"""Writes of the information note, its acknowledgements and the insurance policies.

Acknowledgements are never edited: a household acknowledges a version once, and a new
version asks for a new acknowledgement. Every refusal names its field."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from voisins.files.services import attach
from voisins.households.models import VolunteerHousehold
from voisins.matches.notifications import notify_coordinators
from voisins.programmes.models import Programme

from .hooks import expenses_regime_of
from .models import (
    Acknowledgement,
    Channel,
    Cover,
    InformationNote,
    InsurancePolicy,
    LegalStatus,
)
from .selectors import current_note
from .texts import note_texts

ENTERPRISE_NUMBER = re.compile(r"^[01]\d{3}\.?\d{3}\.?\d{3}$")


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def information_note_publish(
    *, programme: Programme, legal_status: str, organisation_name: str, aim: str,
    expenses_regime: str = "", enterprise_number: str = "", responsible_persons: str = "",
    employs_staff: bool = False, discretion: bool = True, contact: str = "",
    published_at: datetime | None = None, by: Any = None,
) -> InformationNote:
    """Publish a new version of the programme's note, written from the template of its
    legal status in every language; it supersedes the versions before it.

    The expenses regime comes from the expenses app when it keeps one for the programme
    (voisins.volunteering.hooks), else from `expenses_regime`."""
    published_at = published_at or timezone.now()
    regime = expenses_regime_of(programme, timezone.localdate(published_at)) or expenses_regime
    note = InformationNote(
        programme=programme, version=1, published_at=published_at,
        legal_status=legal_status, organisation_name=(organisation_name or "").strip(),
        aim=(aim or "").strip(), expenses_regime=regime,
        enterprise_number=(enterprise_number or "").strip(),
        responsible_persons=(responsible_persons or "").strip(),
        employs_staff=bool(employs_staff), discretion=bool(discretion),
        contact=(contact or "").strip(), created_by=by if getattr(by, "pk", None) else None)
    errors: dict[str, str] = {}
    if legal_status == LegalStatus.DE_FACTO and not note.responsible_persons:
        errors["responsible_persons"] = _("A de facto association must name the persons "
                                          "in charge.")
    if note.enterprise_number and not ENTERPRISE_NUMBER.match(note.enterprise_number):
        errors["enterprise_number"] = _("Write the enterprise number as 0123.456.789.")
    with transaction.atomic():
        # One publication at a time per programme: the version numbers follow each other.
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        latest = (InformationNote.objects.filter(programme=programme)
                  .order_by("-version").first())
        if latest is not None:
            note.version = latest.version + 1
            if published_at <= latest.published_at:
                errors["published_at"] = _(
                    "Version %(version)s is published on %(when)s: a new version must be "
                    "published after it.") % {"version": latest.version,
                                              "when": _when(latest.published_at)}
        try:
            note.full_clean(exclude=["texts"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, " ".join(messages))
        if errors:
            raise ValidationError(errors)
        note.texts = note_texts(note)
        try:
            with transaction.atomic():
                note.save()
        except IntegrityError:
            raise ValidationError({"published_at": _(
                "Another version was published at the same moment: try again.")}) from None
    return note


def note_receive(*, note: InformationNote, volunteer: VolunteerHousehold,
                 channel: str) -> Acknowledgement:
    """Record that the note was shown to the household (the first time only)."""
    ack, _created = Acknowledgement.objects.get_or_create(
        note=note, volunteer=volunteer,
        defaults={"programme_id": note.programme_id, "channel": channel})
    return ack


def note_acknowledge(*, note: InformationNote, volunteer: VolunteerHousehold,
                     channel: str, by: Any = None, acknowledged_on: date | None = None,
                     scan_id: int | None = None) -> Acknowledgement:
    """The household says it read `note`; refused for a version that is not the current
    one, twice for one version, or for a household of another programme.

    On paper, a coordinator records it (`by`) with the day it was signed
    (`acknowledged_on`, not in the future nor before the version was published)."""
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose one of: %(values)s.") % {
            "values": ", ".join(Channel.values)}})
    if volunteer.programme_id != note.programme_id:
        raise ValidationError({"volunteer": _("This household is not in the programme of "
                                              "this note.")})
    now = timezone.now()
    with transaction.atomic():
        current = current_note(note.programme_id, now)
        if current is None or note.published_at > now:
            raise ValidationError({"note": _("Version %(version)s is not published yet.")
                                   % {"version": note.version}})
        if current.pk != note.pk:
            raise ValidationError({"note": _(
                "Version %(version)s was superseded by version %(current)s on %(when)s: "
                "read and acknowledge the current version.") % {
                    "version": note.version, "current": current.version,
                    "when": _when(current.published_at)}})
        moment = now
        if channel == Channel.PAPER:
            if acknowledged_on is None:
                raise ValidationError({"acknowledged_on": _("Give the day it was signed.")})
            if acknowledged_on > timezone.localdate(now):
                raise ValidationError({"acknowledged_on": _("The day cannot be in the "
                                                            "future.")})
            if acknowledged_on < timezone.localdate(note.published_at):
                raise ValidationError({"acknowledged_on": _(
                    "Version %(version)s was published on %(day)s: it cannot have been "
                    "signed before.") % {"version": note.version, "day": formats.date_format(
                        timezone.localdate(note.published_at), "DATE_FORMAT")}})
            moment = max(note.published_at, timezone.make_aware(
                datetime.combine(acknowledged_on, time(12, 0))))
        ack = (Acknowledgement.objects.select_for_update()
               .filter(note=note, volunteer=volunteer).first())
        if ack is not None and ack.acknowledged_at is not None:
            raise ValidationError({"note": _("Version %(version)s was already acknowledged "
                                             "on %(when)s.") % {
                "version": note.version, "when": _when(ack.acknowledged_at)}})
        if ack is None:
            ack = Acknowledgement(note=note, volunteer=volunteer, programme_id=note.programme_id,
                                  received_at=moment)
        ack.received_at = min(ack.received_at, moment)
        ack.acknowledged_at = moment
        ack.channel = channel
        ack.recorded_by = by if channel == Channel.PAPER and getattr(by, "pk", None) else None
        ack.scan_id = scan_id
        ack.full_clean()
        ack.save()
    return ack


def note_acknowledge_on_paper(*, note: InformationNote, volunteer: VolunteerHousehold,
                              by: Any, acknowledged_on: date | None,
                              scan: Any = None) -> Acknowledgement:
    """A note signed on paper, recorded by a coordinator, with the scan of the signed page
    when there is one (checked, encrypted and kept by voisins.files): both, or neither."""
    with transaction.atomic():
        ack = note_acknowledge(note=note, volunteer=volunteer, channel=Channel.PAPER, by=by,
                               acknowledged_on=acknowledged_on)
        if scan:
            stored = attach(owner=ack, upload=scan, by=by, volunteer=volunteer)
            ack.scan_id = stored.pk
            ack.save(update_fields=["scan_id"])  # the id of a file just checked and stored
    return ack


def insurance_policy_create(
    *, programme: Programme, insurer: str, policy_number: str, covers: Iterable[str],
    valid_from: date, valid_to: date | None = None, covers_other: str = "",
    covers_all: bool = True, households: Iterable[VolunteerHousehold] = (),
) -> InsurancePolicy:
    """Record an insurance policy of the programme, covering every active volunteer
    household (`covers_all`) or the `households` chosen."""
    covers = list(dict.fromkeys(covers or []))
    households = list(households or [])
    policy = InsurancePolicy(programme=programme, insurer=(insurer or "").strip(),
                             policy_number=(policy_number or "").strip(), covers=covers,
                             covers_other=(covers_other or "").strip(),
                             valid_from=valid_from, valid_to=valid_to,
                             covers_all=bool(covers_all))
    errors: dict[str, str] = {}
    if not covers or any(c not in Cover.values for c in covers):
        errors["covers"] = _("Choose what the policy covers among: %(values)s.") % {
            "values": ", ".join(str(label) for label in Cover.labels)}
    elif Cover.OTHER in covers and not policy.covers_other:
        errors["covers_other"] = _("Say what the other cover is.")
    if valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"] = _("The policy cannot end before it starts.")
    if not policy.covers_all and not households:
        errors["households"] = _("Choose the households covered, or cover them all.")
    if any(h.programme_id != programme.pk for h in households):
        errors["households"] = _("Choose households of this programme.")
    try:
        policy.full_clean(exclude=list(errors))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, " ".join(messages))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        policy.save()
        if not policy.covers_all:
            policy.households.set(households)
    return policy


def insurance_reminders_send(*, today: date | None = None, days: int | None = None) -> int:
    """Tell the coordinators, once per policy, that a policy ends within `days` days
    (VOISINS_INSURANCE_REMINDER_DAYS); the number of policies reminded."""
    today = today or timezone.localdate()
    days = settings.VOISINS_INSURANCE_REMINDER_DAYS if days is None else days
    ending = (InsurancePolicy.objects.select_related("programme")
              .filter(reminder_sent_at__isnull=True, valid_to__isnull=False,
                      valid_to__gte=today, valid_to__lte=today + timedelta(days=days)))
    sent = 0
    for policy in ending:
        with transaction.atomic():
            claimed = InsurancePolicy.objects.filter(
                pk=policy.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=timezone.now())
            if not claimed:
                continue
            covered = InsurancePolicy.objects.filter(
                programme=policy.programme, valid_from__lte=policy.valid_to + timedelta(days=1)
            ).exclude(pk=policy.pk).filter(valid_to__isnull=True).exists() or \
                InsurancePolicy.objects.filter(
                    programme=policy.programme,
                    valid_to__gt=policy.valid_to).exclude(pk=policy.pk).exists()
            notify_coordinators(programme=policy.programme, kind="insurance_ending", context={
                "programme": policy.programme.name, "insurer": policy.insurer,
                "policy_number": policy.policy_number,
                "valid_to_iso": policy.valid_to.isoformat(), "followed": covered,
                "link": f"/volunteering/{policy.programme.slug}/"})
            sent += 1
    return sent
