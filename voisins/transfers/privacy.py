"""What transfers add to the GDPR duties: a household's export lists its moves (from which
programme to which, when, what was copied — field names, never values); its audit log
includes the transfer records; its erasure cancels a move it agreed to and did not make
(the consents of that move are withdrawn). A move already made stays recorded: it holds
no personal detail (who spoke and the interpreter are in the consents, blanked by the
erasure itself)."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from voisins.gdpr.hooks import register_audit_records, register_erase_hook, register_export_section
from voisins.gdpr.selectors import iso
from voisins.households.models import FamilyHousehold, VolunteerHousehold

from .models import Transfer
from .selectors import transfers_of
from .services import transfer_cancel_for

Household = FamilyHousehold | VolunteerHousehold


@register_export_section("transfers", _("Moves to another programme"))
def export_transfers(household: Household) -> list[dict[str, Any]]:
    return [
        {"from_programme": t.from_programme.name, "to_programme": t.to_programme.name,
         "network": t.network.name, "status": t.status,
         "direction": "out" if t.household.pk == household.pk
         and t.household.side == household.side else "in",
         "consented_at": iso(t.consented_at), "done_at": iso(t.done_at),
         "copied": list(t.copied), "match_ended": t.match_ended}
        for t in transfers_of(household)
    ]


@register_audit_records
def audit_transfers(household: Household) -> dict[type, QuerySet]:
    return {Transfer: transfers_of(household).values("pk")}


@register_erase_hook
def erase_transfers(household: Household) -> None:
    transfer_cancel_for(household=household)
