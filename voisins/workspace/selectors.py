"""Reads of the workspace shell: filtered pages of a list, the global search."""

import logging
from collections.abc import Callable
from datetime import date
from math import asin, cos, radians, sin, sqrt
from uuid import uuid4

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, F, Func, IntegerField, Max, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_filters import FilterSet

from voisins import access
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.selectors import household_search
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.programmes.models import Programme

PAGE_SIZE = 50
SEARCH_LIMIT = 20


def filtered_page(filterset: FilterSet, page_number: str | None,
                  per_page: int = PAGE_SIZE) -> Page:
    """One page of a filter set's results: two queries (count and rows) whatever the size.

    Filters whose value is invalid are left out (their errors are on ``filterset.form``).
    """
    return Paginator(filterset.qs, per_page).get_page(page_number)


def household_search_all(*, user, q: str, limit: int = SEARCH_LIMIT) -> dict[str, list]:
    """Families and volunteer households matching `q` in every programme where `user` may
    see households, at most `limit` of each (two queries)."""
    q = (q or "").strip()
    if len(q) < 2:
        return {"families": [], "volunteers": [], "more": False}
    found = {}
    more = False
    for key, model in (("families", FamilyHousehold), ("volunteers", VolunteerHousehold)):
        queryset: QuerySet = access.scoped(model.objects.select_related("programme"), user,
                                           "view_households")
        rows = list(household_search(queryset, q).order_by(
            "contact_last_name", "contact_first_name", "id")[: limit + 1])
        more = more or len(rows) > limit
        found[key] = rows[:limit]
    found["more"] = more
    return found


def _count(queryset: QuerySet) -> Coalesce:
    # COUNT(*) of `queryset` as a scalar subquery (a Func, so no GROUP BY is added).
    counted = queryset.order_by().annotate(
        _n=Func(F("pk"), function="COUNT", output_field=IntegerField())).values("_n")[:1]
    return Coalesce(Subquery(counted), 0)


def nav_counts(programme, user, keys: list[str]) -> dict[str, int]:
    """How many items wait in the lists of the navigation (`keys` among "waiting",
    "proposals", "awaiting" (sent, not yet answered), "attention", "checkins", "cases",
    "to_call"),
    counted as the lists count them and
    only among what `user` may see there. One query whatever the keys."""
    from voisins.matches import selectors as matches
    from voisins.matches.models import Proposal
    from voisins.mediation.selectors import cases_visible

    def attention() -> QuerySet:
        queryset = matches.matches_needing_attention(programme)
        if not access.can(user, "manage_matches", programme):
            queryset = queryset.filter(mediator=user)
        return queryset

    lists = {
        "waiting": lambda: FamilyHousehold.objects.filter(programme=programme, archived=False,
                                                          status=FamilyStatus.WAITING),
        "proposals": lambda: Proposal.objects.filter(programme=programme,
                                                     status=Proposal.Status.DRAFT),
        "awaiting": lambda: Proposal.objects.filter(programme=programme,
                                                    status=Proposal.Status.SENT),
        "attention": attention,
        "checkins": lambda: matches.checkins_overdue(programme),
        "cases": lambda: cases_visible(programme, user).filter(status="open"),
    }
    querysets = {key: lists[key]() for key in keys if key in lists}
    if "to_call" in keys:
        # The to-call list (staff.selectors.to_call): a row per message that a household
        # without a digital channel must be told by phone, and per call-back asked for.
        from voisins.mediation.selectors import callbacks_open
        from voisins.messaging.selectors import messages_to_call

        querysets["to_call_messages"] = messages_to_call(programme.pk)
        querysets["to_call_callbacks"] = callbacks_open(programme, user)
    counts = counts_in_one_query(programme, querysets)
    if "to_call" in keys:
        counts["to_call"] = counts.pop("to_call_messages") + counts.pop("to_call_callbacks")
    return counts


# Navigation counts are kept this long at most; any write (a saved family, proposal, match,
# check-in, case or membership, a form sent, a task finished) makes every page count again.
NAV_COUNTS_SECONDS = 60
_NAV_VERSION = "voisins:nav-counts:version"
logger = logging.getLogger(__name__)


def nav_counts_changed(**_signal) -> None:
    """Some navigation count may have changed: every page counts again from now on.

    (Also a signal receiver, hence the keyword arguments it ignores.)"""
    try:
        cache.set(_NAV_VERSION, uuid4().hex, None)
    except Exception:  # the cache is a saving, never a reason to fail a write
        logger.warning("navigation counts: the cache does not answer")


def cached_counts(programme, user, name: str,
                  compute: Callable[[], dict[str, int]]) -> dict[str, int]:
    """The counts `compute()` gives, kept in the cache for the same user, programme and
    `name` until a write (see nav_counts_changed) and NAV_COUNTS_SECONDS at most.

    Every staff page shows the navigation's counts, and counting the overdue check-ins of
    a large programme reads thousands of index entries: a coordinator going from list to
    list should not count them again each time. Only numbers are kept, under the user's
    id. With the cache away (Redis stopped), the page counts as if nothing were kept.
    """
    try:
        version = cache.get_or_set(_NAV_VERSION, uuid4().hex, None)
        key = f"voisins:counts:{version}:{programme.pk}:{user.pk}:{name}"
        counts = cache.get(key)
    except Exception:
        logger.warning("navigation counts: the cache does not answer")
        return compute()
    if counts is None:
        counts = compute()
        try:
            cache.set(key, counts, NAV_COUNTS_SECONDS)
        except Exception:
            logger.warning("navigation counts: the cache does not answer")
    return counts


def cached_nav_counts(programme, user, keys: list[str]) -> dict[str, int]:
    """`nav_counts`, kept in the cache (see cached_counts)."""
    return cached_counts(programme, user, "nav:" + ",".join(keys),
                         lambda: nav_counts(programme, user, keys))


def programme_paused_since(programme, user) -> date | None:
    """The first day of the programme's running pause (a lockdown), or None: the banner of
    every staff page. Kept with the navigation's counts (a pause saved counts again)."""
    from voisins.matches.models import ProgrammePause

    def compute() -> dict[str, int]:
        pause = ProgrammePause.objects.filter(programme=programme,
                                              ended_at__isnull=True).only("started_at").first()
        return {"since": timezone.localdate(pause.started_at).toordinal() if pause else 0}

    since = cached_counts(programme, user, "paused", compute)["since"]
    return date.fromordinal(since) if since else None


def counts_in_one_query(programme: Programme, querysets: dict[str, QuerySet]
                        ) -> dict[str, int]:
    """``{name: queryset.count()}`` for every queryset, in a single SQL query (the counts
    as sub-queries of the programme's own row, found by its key)."""
    if not querysets:
        return {}
    # Prefixed: an annotation may not take the name of a field of Programme ("proposals").
    wanted = {f"n_{key}": _count(queryset) for key, queryset in querysets.items()}
    row = Programme.objects.filter(pk=programme.pk).order_by().values(**wanted).get()
    return {key.removeprefix("n_"): n for key, n in row.items()}


# --- Map ------------------------------------------------------------------------------

EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in km between two points given as lat, lon."""
    p1, p2 = radians(lat1), radians(lat2)
    dp, dl = p2 - p1, radians(lon2 - lon1)
    h = sin(dp / 2) ** 2 + cos(p1) * cos(p2) * sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))


def map_areas(programme) -> list[dict]:
    """Households of a programme grouped by postcode area, never one pin per person.

    Each area carries its mean point (postcode centroids, or pins already coarsened to
    ~100 m) and how many families wait, are matched, and how many volunteer households
    are available. Two queries whatever the number of households.
    """
    areas: dict[str, dict] = {}

    def area(row: dict) -> dict:
        entry = areas.setdefault(row["postcode"], {
            "postcode": row["postcode"], "locality": row["locality"], "lat": 0.0, "lon": 0.0,
            "n": 0, "waiting": 0, "matched": 0, "volunteers": 0,
        })
        # Weighted mean of the point of each kind of household in the area.
        total = entry["n"] + row["n"]
        entry["lat"] = (entry["lat"] * entry["n"] + row["lat"] * row["n"]) / total
        entry["lon"] = (entry["lon"] * entry["n"] + row["lon"] * row["n"]) / total
        entry["n"] = total
        return entry

    families = (FamilyHousehold.objects.filter(programme=programme, archived=False)
                .values("postcode")
                .annotate(locality=Max("locality"), lat=Avg("lat"), lon=Avg("lon"),
                          n=Count("id"),
                          waiting=Count("id", filter=Q(status=FamilyStatus.WAITING)),
                          matched=Count("id", filter=Q(status=FamilyStatus.MATCHED)))
                .order_by())
    for row in families:
        if row["waiting"] or row["matched"]:
            entry = area({**row, "n": row["waiting"] + row["matched"]})
            entry["waiting"] += row["waiting"]
            entry["matched"] += row["matched"]
    volunteers = (VolunteerHousehold.objects.filter(
        programme=programme, archived=False, status=VolunteerStatus.AVAILABLE)
        .values("postcode")
        .annotate(locality=Max("locality"), lat=Avg("lat"), lon=Avg("lon"),
                  n=Count("id"))
        .order_by())
    for row in volunteers:
        area(row)["volunteers"] += row["n"]
    return sorted(areas.values(), key=lambda a: a["postcode"])


def volunteers_within(family: FamilyHousehold, km: float, limit: int = 200) -> dict:
    """Volunteer households that could serve `family`, at most `km` from it, nearest first.

    Available households, and matched ones with room for another family, count. A bounding
    box narrows the rows in SQL; the exact great-circle distance decides. Returns
    ``{"volunteers": [(household, distance_km), ...], "total": n}`` with at most `limit`
    households listed.
    """
    dlat = km / 110.574
    dlon = km / (111.320 * max(cos(radians(family.lat)), 0.01))
    candidates = VolunteerHousehold.objects.filter(
        programme_id=family.programme_id, archived=False,
        status__in=[VolunteerStatus.AVAILABLE, VolunteerStatus.MATCHED],
        lat__range=(family.lat - dlat, family.lat + dlat),
        lon__range=(family.lon - dlon, family.lon + dlon),
    ).only("id", "contact_first_name", "contact_last_name", "postcode", "locality", "lat",
           "lon", "status", "radius_km", "capacity", "languages", "offers", "programme_id")
    inside = []
    for volunteer in candidates:
        d = distance_km(family.lat, family.lon, volunteer.lat, volunteer.lon)
        if d <= km:
            inside.append((volunteer, round(d, 1)))
    inside.sort(key=lambda pair: (pair[1], pair[0].pk))
    return {"volunteers": inside[:limit], "total": len(inside)}
