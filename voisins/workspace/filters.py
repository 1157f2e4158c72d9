"""Server-side filtering and sorting of the staff lists (django-filter).

A filter set validates its query string like a form: a bad value (an unknown status, a
negative number of days) is reported next to its field and the list is not filtered by it,
never a 500.
"""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.selectors import household_search
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.programmes.categories import BUILTIN_CATEGORIES

CATEGORY_CHOICES = [(c.code, c.label) for c in BUILTIN_CATEGORIES]


def _descending_now(label) -> str:
    return gettext("%(label)s (descending)") % {"label": label}


_descending = lazy(_descending_now, str)


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorts by the chosen column, then by id, so that pages never repeat or skip a row.
    Without a choice, by `default` (newest first unless told)."""

    def __init__(self, *args, default: tuple[str, ...] = ("-created_at", "-id"),
                 **kwargs) -> None:
        self.default = default
        super().__init__(*args, **kwargs)

    def build_choices(self, fields, labels):
        # django-filter formats "%s (descending)" once, when the filter set's class is
        # defined (at import, in whatever language was active then): every page showed
        # "(décroissant)". Each label is made lazy here, formatted in the reader's language.
        choices = super().build_choices(fields, labels)
        ascending = dict(choices[0::2])
        return [(param, label if not param.startswith("-")
                 else _descending(ascending.get(param[1:], param[1:])))
                for param, label in choices]

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs.order_by(*self.default)
        ordering = [self.get_ordering_value(param) for param in value]
        tiebreak = "-id" if ordering[0].startswith("-") else "id"
        return qs.order_by(*ordering, tiebreak)


class _HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search (name, postcode, phone, reference)"), method="search",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    postcode = django_filters.CharFilter(
        label=_("Postcode starts with"), field_name="postcode", lookup_expr="startswith",
        max_length=12,
    )

    archived = django_filters.BooleanFilter(
        label=_("Include archived households"), method="with_archived",
        widget=forms.CheckboxInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["archived"] = self.filters.pop("archived")  # the rare one, last

    def search(self, queryset: QuerySet, _name: str, value: str) -> QuerySet:
        return household_search(queryset, value)

    def with_archived(self, queryset: QuerySet, _name: str, value: bool | None) -> QuerySet:
        return queryset  # see filter_queryset: archived households are left out unless asked

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Archived households (known only from an imported history) are not counted on the
        # programme page nor in the menu: the list leaves them out too, so that a count and
        # the list it links to agree.
        if not self.form.cleaned_data.get("archived"):
            queryset = queryset.filter(archived=False)
        return super().filter_queryset(queryset)


class FamilyFilter(_HouseholdFilter):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=FamilyStatus.choices,
                                         empty_label=_("All"))
    need = django_filters.ChoiceFilter(label=_("Need"), choices=CATEGORY_CHOICES,
                                       method="with_need", empty_label=_("All"))
    waiting_days = django_filters.NumberFilter(
        label=_("Waiting for at least (days)"), method="waiting_at_least", min_value=0,
        max_value=3650,
    )
    sort = StableOrderingFilter(
        label=_("Sort by"), empty_label=_("Newest first (waiting: longest waiting first)"),
        fields=(("contact_last_name", "name"), ("postcode", "postcode"),
                ("created_at", "created"), ("waiting_since", "waiting")),
        field_labels={"contact_last_name": _("Name"), "postcode": _("Postcode"),
                      "created_at": _("Created"), "waiting_since": _("Waiting longest")},
    )

    class Meta:
        model = FamilyHousehold
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if not data.get("sort") and data.get("status") == FamilyStatus.WAITING:
            # The waiting list: who has waited longest comes first unless told otherwise.
            queryset = queryset.order_by("waiting_since", "id")
        return queryset

    def with_need(self, queryset: QuerySet, _name: str, value: str) -> QuerySet:
        return queryset.filter(needs__has_key=value)

    def waiting_at_least(self, queryset: QuerySet, _name: str, value) -> QuerySet:
        if value is None:
            return queryset
        since = timezone.now() - timedelta(days=int(value))
        return queryset.filter(waiting_since__lte=since)


class VolunteerFilter(_HouseholdFilter):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=VolunteerStatus.choices,
                                         empty_label=_("All"))
    sort = StableOrderingFilter(
        label=_("Sort by"), empty_label=_("Newest first"),
        fields=(("contact_last_name", "name"), ("postcode", "postcode"),
                ("created_at", "created"), ("capacity", "capacity")),
        field_labels={"contact_last_name": _("Name"), "postcode": _("Postcode"),
                      "created_at": _("Created"), "capacity": _("Families at once")},
    )

    class Meta:
        model = VolunteerHousehold
        fields: list[str] = []
