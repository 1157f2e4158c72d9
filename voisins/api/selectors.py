"""Reads of the API that cross relations or aggregate."""

from collections import Counter
from statistics import median
from typing import Any

from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from voisins.evaluation.rounding import MIN_COUNT, counts_without_small, small_count
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.selectors import SORTS, household_search, version_of  # noqa: F401
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.privacy.models import Consent, ConsentPurpose
from voisins.programmes.models import Programme


def household_filter(queryset: QuerySet, filters: dict[str, Any]) -> QuerySet:
    """Apply the API's list filters. Codes are validated by the schemas before this."""
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("q"):
        queryset = household_search(queryset, filters["q"])
    if filters.get("postcode"):
        queryset = queryset.filter(postcode="".join(filters["postcode"].split()).upper())
    if filters.get("archived") is not None:
        queryset = queryset.filter(archived=filters["archived"])
    if filters.get("updated_since"):
        queryset = queryset.filter(updated_at__gte=filters["updated_since"])
    # JSON lists are searched as text, the same way on SQLite and PostgreSQL: a code in
    # quotes only matches a value equal to it (keys are longer words).
    if filters.get("language"):
        queryset = queryset.annotate(_languages=Cast("languages", TextField())).filter(
            _languages__contains=f'"{filters["language"]}"')
    if filters.get("need"):
        queryset = queryset.filter(needs__has_key=filters["need"])
    if filters.get("offer"):
        queryset = queryset.annotate(_offers=Cast("offers", TextField())).filter(
            _offers__contains=f'"{filters["offer"]}"')
    sort = filters.get("sort") or "-created"
    if sort == "waiting" and queryset.model is not FamilyHousehold:
        sort = "-created"  # only families wait
    return queryset.order_by(*SORTS.get(sort, SORTS["-created"]))


def referrals(*, programme: Programme, user: Any, coordinator: bool) -> QuerySet:
    """Families of `programme` referred by `user` (a coordinator: every referred family)."""
    queryset = FamilyHousehold.objects.filter(programme=programme)
    if not coordinator:
        queryset = queryset.filter(referrer=user)
    else:
        queryset = queryset.filter(Q(referrer__isnull=False)
                                   | Q(referrer_organisation__isnull=False))
    return queryset.order_by("-created_at", "-id")


def programme_statistics(programme: Programme, *, small_counts: bool = True
                         ) -> dict[str, Any]:
    """Aggregate figures only: counts by status, consent, language and need. No names.

    Without `small_counts` (a reader who does not see the people), every count of 1 to 4
    households is None, as on the dashboard and in the funders' report.
    """
    def by_status(model: type, choices: list) -> dict[str, int]:
        counts = dict(model.objects.filter(programme=programme, archived=False)
                      .values_list("status").annotate(n=Count("id")).values_list("status", "n"))
        return {value: counts.get(value, 0) for value, _label in choices}

    families = by_status(FamilyHousehold, FamilyStatus.choices)
    volunteers = by_status(VolunteerHousehold, VolunteerStatus.choices)
    consents = dict(Consent.objects.filter(programme=programme, withdrawn_at__isnull=True)
                    .values_list("purpose").annotate(n=Count("id"))
                    .values_list("purpose", "n"))
    languages: Counter[str] = Counter()
    needs: Counter[str] = Counter()
    waiting: list[int] = []
    now = timezone.now()
    for langs, family_needs, status, since in FamilyHousehold.objects.filter(
            programme=programme, archived=False).values_list(
            "languages", "needs", "status", "waiting_since").iterator(chunk_size=2000):
        languages.update({entry.get("code") for entry in langs or [] if isinstance(entry, dict)
                          and entry.get("level") == "native"})
        needs.update(family_needs or {})
        if status == FamilyStatus.WAITING and since is not None:
            waiting.append(max(0, (now - since).days))
    offers: Counter[str] = Counter()
    for volunteer_offers in VolunteerHousehold.objects.filter(
            programme=programme, archived=False).values_list("offers", flat=True):
        offers.update(volunteer_offers or [])
    figures: dict[str, Any] = {
        "families": families, "volunteers": volunteers,
        "families_total": sum(families.values()), "volunteers_total": sum(volunteers.values()),
        "consents": {p: consents.get(p, 0) for p in ConsentPurpose.values},
        "family_mother_tongues": dict(languages.most_common()),
        "family_needs": dict(needs.most_common()),
        "volunteer_offers": dict(offers.most_common()),
        "median_waiting_days": median(waiting) if waiting else None,
    }
    if not small_counts:
        for key, value in figures.items():
            if isinstance(value, dict):
                figures[key] = counts_without_small(value)
            elif key.endswith("_total"):
                figures[key] = small_count(value)
        if len(waiting) < MIN_COUNT:  # the median of a few families is theirs
            figures["median_waiting_days"] = None
    return figures
