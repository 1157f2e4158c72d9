"""The coordinators' pages of expenses: the list to approve or refuse, an expense
recorded for a household, the regime, closing a year, the statements and the export."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from voisins import access
from voisins.audit.services import audit_read
from voisins.feedback import (
    act,
    save_form,
    save_posted_form,
)
from voisins.households.models import VolunteerHousehold

from . import documents, selectors, services
from .forms import CloseYearForm, ExpenseForm, RefuseForm, RegimeForm
from .models import Expense

ACTION = "manage_expenses"


def _year(value: object, default: int) -> int:
    try:
        year = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default
    return year if 2005 <= year <= 2100 else default


@login_required
def expense_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, ACTION)
    this_year = timezone.localdate().year
    year = _year(request.GET.get("year"), this_year)
    status = request.GET.get("status", "")
    status = status if status in Expense.Status.values else ""
    households = list(selectors.volunteer_households(programme))
    form = ExpenseForm(request.POST or None, households=households)

    def record() -> Expense | None:
        """The expense, or None when a warning (near a ceiling) asks to confirm first."""
        household = form.households[form.cleaned_data["household"]]
        checked = services.expense_check(
            household=household, **{k: v for k, v in form.service_arguments().items()
                                     if k != "description"})
        if checked.warnings and not form.cleaned_data.get("confirmed"):
            form.data = form.data.copy()
            form.data["confirmed"] = "True"
            form.warnings = checked.warnings
            return None
        return services.expense_record(household=household, via=Expense.Via.STAFF,
                                       by=request.user, **form.service_arguments())

    if save_form(request, form, record,
                 lambda recorded: _("The expense is recorded.") if recorded else None).value:
        return redirect("expenses:list", slug=programme.slug)
    expenses = selectors.programme_expenses(programme, status=status, year=year)
    return render(request, "expenses/staff_list.html", {
        "programme": programme, "form": form, "expenses": expenses[:200],
        "year": year, "status": status, "statuses": Expense.Status.choices,
        "years": sorted({this_year, *selectors.expense_years(programme)}, reverse=True),
        "closed": selectors.closed_years(programme),
        "regime_form": RegimeForm(initial={"regime": selectors.regime_of(programme)}),
        "close_form": CloseYearForm(initial={"year": this_year - 1}),
        "ceilings": selectors.all_ceilings()[:5],
        "warnings": getattr(form, "warnings", []),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def expense_approve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, ACTION)
    expense = access.expense_or_404(request.user, pk, selectors.expenses_of(programme))
    act(request, lambda: services.expense_approve(expense=expense, by=request.user),
        _("The expense is approved."))
    return redirect("expenses:list", slug=programme.slug)


@login_required
@require_POST
def expense_refuse(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, ACTION)
    expense = access.expense_or_404(request.user, pk, selectors.expenses_of(programme))
    form = RefuseForm(request.POST)
    save_posted_form(request, form, lambda: services.expense_refuse(
        expense=expense, by=request.user, reason=form.cleaned_data["reason"]),
        _("The expense is refused."), {"reason": _("Reason for the refusal")})
    return redirect("expenses:list", slug=programme.slug)


@login_required
@require_POST
def regime_set(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, ACTION)
    form = RegimeForm(request.POST)
    save_posted_form(request, form, lambda: services.expense_settings_set(
        programme=programme, regime=form.cleaned_data["regime"], by=request.user),
        _("The regime is saved."))
    return redirect("expenses:list", slug=programme.slug)


@login_required
@require_POST
def year_close(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, ACTION)
    form = CloseYearForm(request.POST)
    save_posted_form(request, form, lambda: services.year_close(
        programme=programme, year=form.cleaned_data["year"], by=request.user),
        _("The year is closed."), {"year": _("Year to close")})
    return redirect("expenses:list", slug=programme.slug)


@login_required
def statement(request: HttpRequest, slug: str, pk: int, year: int) -> HttpResponse:
    """A volunteer household's yearly statement (PDF, in its language)."""
    programme = access.programme_or_404(request.user, slug, ACTION)
    household = access.household_or_404(VolunteerHousehold, request.user, ACTION, pk)
    if household.programme_id != programme.pk or not 2005 <= year <= 2100:
        raise Http404
    audit_read(by=request, record=household, fields=["expenses"], via="expense-statement")
    return HttpResponse(documents.statement_pdf(household, year),
                        content_type="application/pdf", headers={
                            "Content-Disposition": "attachment; filename="
                            f'"{documents.statement_filename(household, year)}"',
                            "Cache-Control": "no-store"})


@login_required
def export(request: HttpRequest, slug: str, year: int, extension: str) -> HttpResponse:
    """Every approved expense of a year for the accountant: XLSX or CSV."""
    programme = access.programme_or_404(request.user, slug, ACTION)
    if extension not in ("xlsx", "csv") or not 2005 <= year <= 2100:
        raise Http404
    audit_read(by=request, record=programme, fields=["expenses"], via=f"expense-export-{extension}")
    filename = documents.export_filename(programme, year, extension)
    if extension == "csv":
        response = StreamingHttpResponse(documents.export_csv(programme, year),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response = FileResponse(
            documents.export_xlsx(programme, year), as_attachment=True, filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Cache-Control"] = "no-store"
    return response
