"""The admin of programmes, organisations and staff roles: here rather than in
`programmes`, because it builds on `access.ProgrammeScopedAdmin` and access sits on
programmes."""

from django.contrib import admin

from voisins import access
from voisins.programmes.models import Membership, Organisation, Programme, ServiceCategory


class ServiceCategoryInline(admin.TabularInline):
    model = ServiceCategory
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Programme)
class ProgrammeAdmin(access.ProgrammeScopedAdmin):
    programme_path = "id"
    list_display = ("name", "slug", "country", "retention_months")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("organisations",)
    inlines = [ServiceCategoryInline]


@admin.register(Membership)
class MembershipAdmin(access.ProgrammeScopedAdmin):
    list_display = ("user", "programme", "role", "organisation")
    list_filter = ("role",)
    autocomplete_fields = ("user",)
