"""Filtering and sorting of the referrals list on the server (django-filter)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from voisins.households.models import FamilyHousehold
from voisins.households.status import FamilyStatus
from voisins.workspace.filters import StableOrderingFilter


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=FamilyStatus.choices,
                                         empty_label=_("All"))
    sort = StableOrderingFilter(
        label=_("Sort by"), empty_label=_("Newest first"),
        fields=(("created_at", "referred"), ("updated_at", "since")),
        field_labels={"created_at": _("Referred on"), "updated_at": _("Since")},
    )

    class Meta:
        model = FamilyHousehold
        fields: list[str] = []
