"""Filtering and sorting of the list of cases on the server (django-filter). A case's own
words are encrypted at rest, so the list searches by household names only."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from voisins.lists.ordering import StableOrderingFilter
from voisins.matches.filters import SearchByName, names_match

from .models import Case, CaseKind


class CaseFilter(SearchByName):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Case.Status.choices,
                                         empty_label=_("All"))
    kind = django_filters.ChoiceFilter(label=_("About"), choices=CaseKind.choices,
                                       empty_label=_("All"))
    sort = StableOrderingFilter(
        label=_("Sort by"), empty_label=_("Newest first"), default=("-opened_at", "-id"),
        fields=(("opened_at", "opened"), ("kind", "kind")),
        field_labels={"opened_at": _("Opened"), "kind": _("About")},
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def search(self, queryset: QuerySet, _name: str, value: str) -> QuerySet:
        # A case names its households through its match, or directly when it has none.
        value = value.strip()
        return queryset.filter(names_match("match__", value) | names_match("", value)
                               ) if value else queryset
