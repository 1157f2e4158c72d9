"""Server-side filtering and sorting of the lists of match life (django-filter): a bad
value is reported next to its field and left out, never a 500."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from voisins.workspace.filters import StableOrderingFilter

from .models import CheckIn, Match, Proposal, Side


def names_match(prefix: str, value: str) -> Q:
    """Rows whose family or volunteer household (through `prefix`) is called `value`."""
    found = Q()
    for side in ("family", "volunteer"):
        for field in ("contact_first_name", "contact_last_name"):
            found |= Q(**{f"{prefix}{side}__{field}__icontains": value})
    return found


class SearchByName(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Family or volunteer household"), method="search", max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    prefix = ""

    def search(self, queryset: QuerySet, _name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(names_match(self.prefix, value)) if value else queryset


class ProposalFilter(SearchByName):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Proposal.Status.choices,
                                         empty_label=_("All"))
    sort = StableOrderingFilter(
        label=_("Sort by"), empty_label=_("Best score first"), default=("-score", "id"),
        fields=(("score", "score"), ("distance_km", "distance"), ("created_at", "created"),
                ("family__contact_last_name", "family")),
        field_labels={"score": _("Score"), "distance_km": _("Distance"),
                      "created_at": _("Created"), "family__contact_last_name": _("Family")},
    )

    class Meta:
        model = Proposal
        fields: list[str] = []


class MatchFilter(SearchByName):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=[("live", _("Running")), *Match.Status.choices],
        empty_label=_("All"), method="with_status")
    attention = django_filters.BooleanFilter(
        label=_("Needing attention only"), method="needing_attention",
        widget=forms.CheckboxInput)
    sort = StableOrderingFilter(
        label=_("Sort by"), empty_label=_("Newest first"), default=("-started_on", "-id"),
        fields=(("started_on", "since"), ("family__contact_last_name", "family"),
                ("volunteer__contact_last_name", "volunteer")),
        field_labels={"started_on": _("Since"), "family__contact_last_name": _("Family"),
                      "volunteer__contact_last_name": _("Volunteer household")},
    )

    class Meta:
        model = Match
        fields: list[str] = []

    def with_status(self, queryset: QuerySet, _name: str, value: str) -> QuerySet:
        if value == "live":
            return queryset.filter(status__in=Match.LIVE)
        return queryset.filter(status=value) if value else queryset

    def needing_attention(self, queryset: QuerySet, _name: str, value: bool | None) -> QuerySet:
        return queryset.filter(needs_attention=True) if value else queryset


class CheckInFilter(SearchByName):
    prefix = "match__"
    side = django_filters.ChoiceFilter(label=_("Side"), choices=Side.choices,
                                       empty_label=_("Both"))
    sort = StableOrderingFilter(
        label=_("Sort by"), empty_label=_("Oldest first"), default=("due_on", "id"),
        fields=(("due_on", "due"), ("match__family__contact_last_name", "family")),
        field_labels={"due_on": _("Due"), "match__family__contact_last_name": _("Family")},
    )

    class Meta:
        model = CheckIn
        fields: list[str] = []
