from django.contrib import admin

from voisins import access

from .models import CeilingYear, ClosedYear, Expense, ExpenseSettings


@admin.register(CeilingYear)
class CeilingYearAdmin(access.SuperUsersOnlyAdmin):
    """The national figures of each year: super-users add the new year's when published
    (docs/expenses.md); they belong to no programme."""

    list_display = ("year", "day_ceiling", "year_ceiling", "km_rate", "km_per_year", "source")


@admin.register(ExpenseSettings)
class ExpenseSettingsAdmin(access.ProgrammeScopedAdmin):
    list_display = ("programme", "regime", "updated_at")


@admin.register(ClosedYear)
class ClosedYearAdmin(access.ProgrammeScopedAdmin):
    list_display = ("programme", "year", "closed_at", "closed_by")


@admin.register(Expense)
class ExpenseAdmin(access.ProgrammeScopedAdmin):
    # Expenses are recorded and decided through the services (pages, API): read here.
    list_display = ("spent_on", "programme", "household", "amount", "regime", "status")
    list_filter = ("status", "regime")
    raw_id_fields = ("household", "activity", "recorded_by", "decided_by")

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
