"""A volunteer household's own expenses: behind its personal link (`/v/<token>/expenses/`)
and in its portal (`/volunteer/expenses/`). The same page and the same service for both;
the household sees its own expenses only, with the status and a refusal's reason."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from voisins import access
from voisins.familypages.decorators import volunteer_page
from voisins.feedback import errors_to_form
from voisins.households.selectors import volunteer_households

from . import selectors, services
from .forms import ExpenseForm
from .models import Expense

VOLUNTEER_FRAME = "portal/link_base.html"


def _page(request: HttpRequest, household: Any, *, via: str, by: Any, token: str = ""
          ) -> HttpResponse:
    activities = list(selectors.household_activities(household))
    form = ExpenseForm(request.POST or None, activities=activities,
                       initial={"spent_on": timezone.localdate()})
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        try:
            checked = services.expense_check(
                household=household, **{k: v for k, v in arguments.items()
                                        if k != "description"})
            if checked.warnings and not form.cleaned_data.get("confirmed"):
                # Near a ceiling: say so, and record it only once confirmed.
                warnings = checked.warnings
                form.data = form.data.copy()
                form.data["confirmed"] = "True"
            else:
                services.expense_record(household=household, via=via, by=by, **arguments)
                messages.success(request, _("Your expense is recorded: the coordinator "
                                            "will approve it."))
                here = (reverse("expenses:link", args=[token]) if token
                        else reverse("expenses:portal"))
                return redirect(here)
        except ValidationError as exc:
            errors_to_form(form, exc)
    year = timezone.localdate().year
    ceilings = selectors.ceilings_of(year)
    totals = selectors.totals(household=household, year=year, day=timezone.localdate())
    return render(request, "expenses/household.html", {
        "volunteer": household, "programme": household.programme, "form": form,
        "warnings": warnings, "expenses": selectors.household_expenses(household)[:50],
        "regime": selectors.regime_of(household.programme), "ceilings": ceilings,
        "totals": totals, "year": year,
        "home": reverse("volunteerpages:home", args=[token]) if token
        else reverse("portal:home"),
        **({"token": token, "base": VOLUNTEER_FRAME} if token else {}),
    }, status=400 if form.errors else 200)


@volunteer_page
def link_expenses(request: HttpRequest, token: str) -> HttpResponse:
    return _page(request, request.volunteer, via=Expense.Via.LINK, by=None, token=token)


@login_required
def portal_expenses(request: HttpRequest) -> HttpResponse:
    household = access.volunteer_household_or_404(request.user, volunteer_households())
    return _page(request, household, via=Expense.Via.PORTAL, by=request.user)
