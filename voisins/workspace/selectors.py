"""Reads of the workspace shell: filtered pages of a list, the global search."""

from datetime import date
from math import asin, cos, radians, sin, sqrt

from django.db.models import Avg, Count, Max, Q, QuerySet
from django.utils import timezone

from voisins import access
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.selectors import household_search
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.lists.counts import cached_counts, counts_in_one_query
from voisins.matches import selectors as matches
from voisins.matches.models import ProgrammePause, Proposal
from voisins.mediation.selectors import callbacks_open, cases_visible
from voisins.messaging.selectors import messages_to_call

SEARCH_LIMIT = 20


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


def nav_counts(programme, user, keys: list[str]) -> dict[str, int]:
    """How many items wait in the lists of the navigation (`keys` among "waiting",
    "proposals", "awaiting" (sent, not yet answered), "attention", "checkins", "cases",
    "to_call"),
    counted as the lists count them and
    only among what `user` may see there. One query whatever the keys."""
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
        querysets["to_call_messages"] = messages_to_call(programme.pk)
        querysets["to_call_callbacks"] = callbacks_open(programme, user)
    counts = counts_in_one_query(programme, querysets)
    if "to_call" in keys:
        counts["to_call"] = counts.pop("to_call_messages") + counts.pop("to_call_callbacks")
    return counts


def cached_nav_counts(programme, user, keys: list[str]) -> dict[str, int]:
    """`nav_counts`, kept in the cache (see cached_counts)."""
    return cached_counts(programme, user, "nav:" + ",".join(keys),
                         lambda: nav_counts(programme, user, keys))


def programme_paused_since(programme, user) -> date | None:
    """The first day of the programme's running pause (a lockdown), or None: the banner of
    every staff page. Kept with the navigation's counts (a pause saved counts again)."""
    def compute() -> dict[str, int]:
        pause = ProgrammePause.objects.filter(programme=programme,
                                              ended_at__isnull=True).only("started_at").first()
        return {"since": timezone.localdate(pause.started_at).toordinal() if pause else 0}

    since = cached_counts(programme, user, "paused", compute)["since"]
    return date.fromordinal(since) if since else None


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
