"""Writes of transfers: a household's consent to move to another programme of a network,
and the move itself (issue 20 §4).

The move copies only what the new programme needs — the contact's first name, the
languages, the needs (a family) or offers and availability (a volunteer household), the
children's birth years, the postcode of the new home, the consents — plus a phone number
or an e-mail address only when the household agreed to be contacted by the new
programme. The old programme keeps the household's row, archived and anonymised (its
figures stay the same), but no longer its contact details. Everything happens in one
transaction: a refusal writes nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voisins import access
from voisins.accounts.models import User
from voisins.audit.services import audit_event
from voisins.gdpr.models import ErasureReason
from voisins.gdpr.selectors import is_erased
from voisins.gdpr.services import household_erase
from voisins.households.models import FamilyHousehold, MemberKind, VolunteerHousehold
from voisins.households.services import (
    family_create,
    household_set_status,
    household_update,
    volunteer_create,
)
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.matches.models import Match, Proposal
from voisins.matches.notifications import notify_coordinators
from voisins.matches.services import match_end, proposal_discard
from voisins.messaging.models import Message, Purpose
from voisins.messaging.services import message_household
from voisins.privacy.models import Consent, ConsentPurpose
from voisins.privacy.services import consent_give, consent_withdraw
from voisins.programmes.models import Programme

from . import selectors
from .models import Transfer

Household = FamilyHousehold | VolunteerHousehold

# The message to the household left behind (its match, or a proposal it had received).
LEFT_BEHIND_SUBJECT = gettext_lazy("News about your match")
LEFT_BEHIND_TEMPLATE = "transfers/email/partner_moved.txt"


def _may_transfer(by: User | None, household: Household) -> None:
    if by is None or not access.can(by, "transfer_households", household.programme_id):
        raise ValidationError({"by": _("Only a coordinator of %(programme)s may move its "
                                       "households to another programme.")
                               % {"programme": household.programme.name}})


def _not_moved_yet(household: Household) -> None:
    done = selectors.done_transfer(household)
    if done is not None:
        raise ValidationError({"household": _(
            "This household already moved to %(programme)s on %(date)s.") % {
                "programme": done.to_programme.name,
                "date": timezone.localdate(done.done_at).isoformat()}})
    if is_erased(household):
        raise ValidationError({"household": _(
            "This household was erased: there is nothing left to move.")})


def _network_for(household: Household, to_programme: Programme | None):
    if to_programme is None or to_programme.pk == household.programme_id:
        raise ValidationError({"to_programme": _("Choose another programme.")})
    network = selectors.common_network(household.programme, to_programme)
    if network is None:
        raise ValidationError({"to_programme": _(
            "%(programme)s is not in a network with this programme: a household moves only "
            "between programmes of a common network.") % {"programme": to_programme.name}})
    return network


@transaction.atomic
def transfer_consent_record(
    *,
    household: Household,
    to_programme: Programme | None,
    transfer: bool,
    matching: bool,
    contact: bool,
    given_by_name: str = "",
    interpreter: str = "",
    by: User | None,
) -> Transfer:
    """Record, on the household's behalf, what it agrees to for a move to
    ``to_programme``: the transfer of its data (required), being matched there
    (required: it moves onto that programme's waiting list) and being contacted by that
    programme (optional: without it, no phone number or e-mail address is copied).

    Each purpose is a consent record of the old programme (``voisins.privacy``), with who
    spoke for the household and the interpreter; the transfer names the programme. A
    consent recorded earlier for a move not yet made is cancelled and withdrawn.

    Raises
    ------
    ValidationError
        On ``by`` (not a coordinator of the household's programme), ``household``
        (already moved, or erased), ``to_programme`` (not in a common network),
        ``consent_transfer`` or ``consent_matching`` (not agreed); nothing is written.
    """
    _may_transfer(by, household)
    model = type(household)
    household = model.objects.select_for_update().select_related("programme").get(
        pk=household.pk)
    _not_moved_yet(household)
    network = _network_for(household, to_programme)
    errors = {}
    if not transfer:
        errors["consent_transfer"] = _("Without the household's consent to the transfer of "
                                       "its data, nothing can be moved.")
    if not matching:
        errors["consent_matching"] = _("The household moves onto the new programme's waiting "
                                       "list: it must agree to be matched there.")
    if errors:
        raise ValidationError(errors)
    for earlier in Transfer.objects.filter(**{household.side: household},
                                           status=Transfer.Status.CONSENTED):
        _cancel(earlier)
    spoke = {"recorded_by": by, "given_by_name": given_by_name.strip()[:200],
             "interpreter": interpreter.strip()[:200]}
    record = Transfer(
        from_programme_id=household.programme_id, to_programme=to_programme, network=network,
        **{household.side: household}, consent_recorded_by=by,
        consent_transfer=consent_give(household=household, purpose=ConsentPurpose.TRANSFER,
                                      **spoke),
        consent_matching=consent_give(household=household,
                                      purpose=ConsentPurpose.TRANSFER_MATCHING, **spoke),
        consent_contact=consent_give(household=household,
                                     purpose=ConsentPurpose.TRANSFER_CONTACT, **spoke)
        if contact else None,
    )
    record.full_clean()
    record.save()
    return record


def _cancel(record: Transfer, *, withdraw: bool = True) -> None:
    """A consent to a move not made any more: the transfer is cancelled and, with
    ``withdraw``, its consents (which named that programme) withdrawn."""
    for consent in (record.consent_transfer, record.consent_matching, record.consent_contact):
        if consent is not None and withdraw:
            consent_withdraw(consent=consent)
    record.status = Transfer.Status.CANCELLED
    # update_fields without full_clean(): a status of its choices, set here.
    record.save(update_fields=["status"])


def transfer_cancel_for(*, household: Household) -> int:
    """Cancel the moves ``household`` agreed to and did not make (its erasure); returns
    how many. The consent records stay as the erasure leaves every consent (purpose and
    dates, for the figures; who spoke and the interpreter blanked): nothing can be moved
    any more, since the move needs the household's first name."""
    pending = list(Transfer.objects.filter(**{household.side: household},
                                           status=Transfer.Status.CONSENTED))
    for record in pending:
        _cancel(record, withdraw=False)
    return len(pending)


def _active(consent: Consent | None) -> Consent | None:
    if consent is None:
        return None
    consent.refresh_from_db()
    return consent if consent.withdrawn_at is None else None


def _copy_fields(household: Household, to_programme: Programme, *, contact: bool
                 ) -> tuple[dict, list[dict], list[str], list[str]]:
    """What the new programme receives: (fields, members, names of what was copied,
    needs or offers it has no category for)."""
    known = set(to_programme.service_categories.values_list("code", flat=True))
    fields = {"contact_first_name": household.contact_first_name,
              "languages": household.languages}
    copied = ["contact_first_name", "languages"]
    if isinstance(household, FamilyHousehold):
        fields["needs"] = {code: p for code, p in household.needs.items() if code in known}
        left = sorted(set(household.needs) - known)
        copied.append("needs")
        children = [{"kind": MemberKind.CHILD, "birth_year": m.birth_year}
                    for m in household.members.filter(kind=MemberKind.CHILD)]
        copied.append("children_birth_years")
    else:
        fields["availability"] = household.availability
        fields["offers"] = [code for code in household.offers if code in known]
        left = sorted(set(household.offers) - known)
        copied += ["availability", "offers"]
        children = []
    if contact:
        for name in ("phone", "email"):
            if getattr(household, name):
                fields[name] = getattr(household, name)
                copied.append(name)
    copied.append("postcode")
    return fields, children, copied, left


def _tell(household: Household, *, was_match: bool, by: User | None) -> Message:
    """Tell the household left behind, truthfully and without saying where the other went."""
    return message_household(household=household, purpose=Purpose.MATCH,
                             subject=LEFT_BEHIND_SUBJECT, template=LEFT_BEHIND_TEMPLATE,
                             context={"was_match": was_match,
                                      "other_side": "family" if household.side == "volunteer"
                                      else "volunteer"}, by=by)


def _end_what_goes_on(household: Household, *, by: User | None) -> tuple[bool, list[Message]]:
    """End the household's live matches with reason "moved", discard its open proposals,
    and tell each household left behind. Returns (a match ended, messages queued)."""
    side = household.side
    told: list[Message] = []
    ended = False
    for match in Match.objects.filter(**{side: household}, status__in=Match.LIVE):
        match_end(match=match, reason=Match.EndReason.MOVED, by=by,
                  family_waits_again=side == "volunteer")
        ended = True
        other = match.volunteer if side == "family" else match.family
        told.append(_tell(other, was_match=True, by=by))
    for proposal in Proposal.objects.filter(**{side: household}, status__in=Proposal.OPEN):
        was_sent = proposal.status == Proposal.Status.SENT
        proposal_discard(proposal=proposal, by=by)
        if was_sent:  # only a proposal it was told of is withdrawn in words
            other = proposal.volunteer if side == "family" else proposal.family
            told.append(_tell(other, was_match=False, by=by))
    return ended, told


@transaction.atomic
def household_transfer(
    *,
    household: Household,
    to_programme: Programme | None,
    postcode: str,
    by: User | None,
) -> Transfer:
    """Move ``household`` to ``to_programme``, with the consent recorded for that move.

    In one transaction: the new programme's household is created (a family waiting, a
    volunteer household "applied": its screening and training are the new programme's),
    with a first step "moved from <programme>" and the consents of the move; its live
    matches end with reason "moved" and its open proposals are discarded, each household
    left behind being told; the old household ends (a family) or leaves (a volunteer
    household) and is anonymised (``gdpr.services.household_erase``, reason "transfer"):
    its row, status history and figures stay, its names and contact details go; both
    households get an audit entry; the new programme's coordinators are told by e-mail.

    Raises
    ------
    ValidationError
        On ``by``, ``household``, ``to_programme`` (as ``transfer_consent_record``),
        ``consent_transfer`` / ``consent_matching`` (no consent to this move, or
        withdrawn since), ``postcode`` (not a postcode of the new programme's country);
        nothing is written.
    """
    _may_transfer(by, household)
    model = type(household)
    household = model.objects.select_for_update().select_related("programme").get(
        pk=household.pk)
    _not_moved_yet(household)
    network = _network_for(household, to_programme)
    record = selectors.pending_transfer(household, to_programme)
    if record is None or _active(record.consent_transfer) is None:
        raise ValidationError({"consent_transfer": _(
            "No consent of the household to its transfer to %(programme)s is recorded: "
            "record it first.") % {"programme": to_programme.name}})
    matching = _active(record.consent_matching)
    if matching is None:
        raise ValidationError({"consent_matching": _(
            "The household's consent to be matched by %(programme)s was withdrawn.") % {
                "programme": to_programme.name}})
    contact = _active(record.consent_contact)
    old_programme = household.programme
    fields, children, copied, left = _copy_fields(household, to_programme,
                                                  contact=contact is not None)
    note = _("moved from %(programme)s") % {"programme": old_programme.name}
    if isinstance(household, FamilyHousehold):
        new = family_create(programme=to_programme, postcode=postcode, members=children,
                            by=by, note=note, status=FamilyStatus.WAITING, **fields)
    else:
        account = None
        if contact is not None and household.user_id is not None:
            # Agreeing to be contacted by the new programme, it keeps its login there
            # (the erasure below would otherwise close the account).
            account = household.user
            household_update(household=household, changes={"user": None}, by=by)
            copied.insert(-1, "account")
        new = volunteer_create(programme=to_programme, postcode=postcode, by=by, note=note,
                               status=VolunteerStatus.APPLIED, user=account, **fields)
    # The consents it gave for the move come with it, as given (date, who spoke, the
    # interpreter), under the new programme's notice; being matched there is "matching".
    given = [(record.consent_transfer, ConsentPurpose.TRANSFER),
             (matching, ConsentPurpose.TRANSFER_MATCHING), (matching, ConsentPurpose.MATCHING)]
    if contact is not None:
        given.append((contact, ConsentPurpose.TRANSFER_CONTACT))
    for consent, purpose in given:
        consent_give(household=new, purpose=purpose, recorded_by=by,
                     given_by_name=consent.given_by_name, interpreter=consent.interpreter,
                     given_at=consent.given_at)
    copied.append("consents")
    ended, told = _end_what_goes_on(household, by=by)
    household.refresh_from_db()
    leave = _("moved to another programme of the network")
    if isinstance(household, FamilyHousehold) and household.status != FamilyStatus.ENDED:
        household_set_status(household=household, status=FamilyStatus.ENDED, by=by, note=leave)
    if isinstance(household, VolunteerHousehold) and household.status != VolunteerStatus.LEFT:
        household_set_status(household=household, status=VolunteerStatus.LEFT, by=by,
                             note=leave)
    record.status = Transfer.Status.DONE
    record.network = network
    record.done_at = timezone.now()
    record.done_by = by
    record.copied = copied
    record.left_behind = left
    record.match_ended = ended
    setattr(record, f"new_{household.side}", new)
    record.full_clean()
    record.save()
    # After the record is done: the erasure's hook cancels only moves not made.
    household_erase(household=household, by=by, reason=ErasureReason.TRANSFER, archive=True)
    data = {"transfer": record.pk, "from_programme": old_programme.slug,
            "to_programme": to_programme.slug, "network": network.slug}
    audit_event(by=by, record=household, event="moved-out",
                data={**data, "to": f"{household.side} #{new.pk}"})
    audit_event(by=by, record=new, event="moved-in",
                data={**data, "from": f"{household.side} #{household.pk}"})
    notify_coordinators(programme=to_programme, kind="household_arrived", context={
        "programme": to_programme.name, "from_programme": old_programme.name,
        "side": household.side,
        "link": f"/staff/{to_programme.slug}/"
                f"{'families' if household.side == 'family' else 'volunteers'}/{new.pk}/"})
    record.told = told  # type: ignore[attr-defined]  # for the page's words, not stored
    return record
