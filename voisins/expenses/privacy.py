"""What expenses add to the GDPR duties: a volunteer household's expenses in its data
export; on erasure they keep their dates, amounts and states (the accounts must stay
whole) and lose their free text, as matches and cases do."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from voisins.gdpr.hooks import register_erase_hook, register_export_section
from voisins.gdpr.selectors import iso
from voisins.households.models import Household, VolunteerHousehold

from .models import Expense

ERASED_TEXT = "—"


@register_export_section("expenses", _("Expenses"))
def export_expenses(household: Household) -> list[dict[str, Any]]:
    if not isinstance(household, VolunteerHousehold):
        return []
    return [
        {"date": iso(e.spent_on), "what_for": e.description, "kind": e.kind,
         "km": str(e.km) if e.km is not None else None, "amount": str(e.amount),
         "regime": e.regime, "status": e.status, "refusal_reason": e.refusal_reason,
         "recorded_at": iso(e.recorded_at), "decided_at": iso(e.decided_at)}
        for e in Expense.objects.filter(household=household).order_by("spent_on", "pk")
    ]


@register_erase_hook
def erase(household: Household) -> None:
    if isinstance(household, VolunteerHousehold):
        expenses = Expense.objects.filter(household=household)
    else:
        # A volunteer's words about what it did with a family may name the family.
        expenses = Expense.objects.filter(household__matches__family=household)
    expenses = Expense.objects.filter(pk__in=expenses.values("pk"))
    expenses.update(description=ERASED_TEXT)
    expenses.filter(status=Expense.Status.REFUSED).update(refusal_reason=ERASED_TEXT)
