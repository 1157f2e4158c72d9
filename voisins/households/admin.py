from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from voisins import access

from .models import FamilyHousehold, Member, StatusChange, VolunteerHousehold
from .services import household_locate


class HouseholdAdminForm(forms.ModelForm):
    """Places the household at its postcode, so an unknown postcode is a form error."""

    def clean(self) -> dict:
        data = super().clean()
        programme = data.get("programme") or getattr(self.instance, "programme", None)
        if programme is not None and data.get("postcode") and (
            "postcode" in self.changed_data or self.instance.pk is None
        ):
            self.instance.programme = programme
            try:
                household_locate(household=self.instance, postcode=data["postcode"])
            except ValidationError as exc:
                self.add_error("postcode", exc.message_dict["postcode"])
        return data


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ("kind", "first_name", "birth_year", "school_level")


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "changed_at", "changed_by", "note")

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class HouseholdAdmin(access.ProgrammeScopedAdmin):
    form = HouseholdAdminForm
    list_display = ("__str__", "programme", "postcode", "locality", "status", "created_at")
    list_filter = ("status", "archived")
    search_fields = ("contact_first_name", "contact_last_name", "reference", "postcode")
    readonly_fields = ("lat", "lon", "locality", "created_at", "updated_at")
    inlines = [MemberInline, StatusChangeInline]


@admin.register(FamilyHousehold)
class FamilyHouseholdAdmin(HouseholdAdmin):
    raw_id_fields = ("referrer",)


@admin.register(VolunteerHousehold)
class VolunteerHouseholdAdmin(HouseholdAdmin):
    raw_id_fields = ("user",)
