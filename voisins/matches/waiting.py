"""Why a family still waits: the engine's answer (``voisins.matching.waiting``) for a
programme's records, and in the reader's language.

The pool is every volunteer household that is in the programme and has not left: those
that may be proposed now with the room they have left, and the others with the code of
what they lack (``screening``, ``training``, ``available``, ``paused``, ``consent``), so
that the engine can say "3 households within reach have not completed the required
training". Entries are stored on a matching run as plain JSON (see :func:`as_json`) and
written out by :func:`reason_text` and :func:`change_text` when shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Prefetch, Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voisins.gdpr.selectors import erased_filter, with_consent
from voisins.households.models import FamilyHousehold, Member, VolunteerHousehold
from voisins.households.status import VolunteerStatus
from voisins.privacy.models import ConsentPurpose
from voisins.programmes.labels import language_label, service_label, slot_label
from voisins.programmes.models import Programme
from voisins.training.selectors import restrict_to_trained

from . import bridge, selectors
from .models import Match, Proposal

if TYPE_CHECKING:
    from voisins import matching

# What the engine and the texts read of a household of the pool (nothing else is loaded).
POOL_FIELDS = ("id", "programme_id", "status", "contact_first_name", "lat", "lon", "languages",
               "offers", "availability", "radius_km", "capacity")


FAMILY_FIELDS = ("id", "programme_id", "contact_first_name", "postcode", "locality", "lat",
                 "lon", "languages", "needs", "availability", "radius_km", "waiting_since")


def _lean_members(side: str) -> Prefetch:
    """The members as the engine reads them (children's ages), and nothing more."""
    return Prefetch("members", queryset=Member.objects.only(side, "kind", "birth_year"))


def volunteer_pool(programme: Programme, *, near: FamilyHousehold | None = None
                   ) -> tuple[list[VolunteerHousehold], dict[int, str]]:
    """Every volunteer household of the programme that has not left (nor was archived or
    erased), each annotated with ``room`` (places left), and the code of what each one
    that may not be proposed now lacks.

    The households that may be proposed are exactly ``selectors.matchable_volunteers``.
    With ``near``, only those that could count for that family: within the larger of its
    radius and the largest radius of the pool (the engine looks no farther for one
    family, so its answer is the same as over the whole pool).
    """
    live = Q(matches__status__in=Match.LIVE)
    pending = Q(proposals__status=Proposal.Status.SENT)
    pool = (VolunteerHousehold.objects.filter(erased_filter("volunteer"), programme=programme,
                                              archived=False)
            .exclude(status=VolunteerStatus.LEFT))
    matchable_qs = selectors.matchable_volunteers(programme)
    if near is not None:
        widest = pool.aggregate(widest=Max("radius_km"))["widest"] or 0.0
        box = {"lat": near.lat, "lon": near.lon, "km": max(near.radius_km, widest)}
        pool = selectors.within_box(pool, **box)
        matchable_qs = selectors.within_box(matchable_qs, **box)
    households = list(
        pool.only(*POOL_FIELDS)
        .annotate(live_matches=Count("matches", filter=live, distinct=True),
                  pending_proposals=Count("proposals", filter=pending, distinct=True))
        .prefetch_related(_lean_members("volunteer_id"))
        .order_by("id"))
    matchable = set(matchable_qs.values_list("pk", flat=True))
    trained = set(restrict_to_trained(pool, programme).values_list("pk", flat=True))
    consenting = set(with_consent(pool, ConsentPurpose.MATCHING).values_list("pk", flat=True))
    unavailable: dict[int, str] = {}
    for h in households:
        h.room = selectors.room_left(h)
        if h.pk in matchable:
            continue
        if h.status == VolunteerStatus.APPLIED:
            unavailable[h.pk] = "screening"
        elif h.status == VolunteerStatus.PAUSED:
            unavailable[h.pk] = "paused"
        elif h.pk not in trained:
            unavailable[h.pk] = "training"
        elif h.pk not in consenting:
            unavailable[h.pk] = "consent"
        elif h.status in (VolunteerStatus.SCREENED, VolunteerStatus.TRAINED):
            unavailable[h.pk] = "available"
        else:
            h.room = 0  # it could be proposed but for its capacity
    return households, unavailable


def waiting_index(programme: Programme, *, near: FamilyHousehold | None = None
                  ) -> tuple[matching.waiting.WaitingIndex, dict[int, VolunteerHousehold]]:
    """The engine's index of the programme's pool (or of the part that counts for the
    family ``near``), and the households by id."""
    # The engine is imported on use, as in bridge: numpy and scipy load only when needed.
    from voisins.matching.waiting import WaitingIndex

    households, unavailable = volunteer_pool(programme, near=near)
    index = WaitingIndex((bridge.volunteer_input(h, h.room) for h in households), unavailable)
    return index, {h.pk: h for h in households}


def not_proposed(programme: Programme, families: Sequence[FamilyHousehold],
                 proposals: Iterable[matching.Proposal],
                 exclude: Iterable[tuple[int, int]]) -> list[dict[str, Any]]:
    """Why each of ``families`` that ``proposals`` leave out waits, as stored JSON."""
    from voisins.matching.waiting import explain_waiting

    index, _households = waiting_index(programme)
    entries = explain_waiting([bridge.family_input(f) for f in families], index,
                              list(proposals), exclude=set(exclude),
                              weights=bridge.weights_for(programme))
    return [as_json(entry) for entry in entries]


def why_family_waits(family: FamilyHousehold, exclude: Iterable[tuple[int, int]]
                     ) -> dict[str, Any]:
    """Why one family has nobody to be proposed now (no batch: ``taken`` cannot occur;
    a household that fits and has room gives ``room_left``)."""
    index, _households = waiting_index(family.programme, near=family)
    entry = index.explain(bridge.family_input(family), exclude=set(exclude),
                          weights=bridge.weights_for(family.programme))
    return as_json(entry)


def as_json(entry: matching.waiting.Waiting) -> dict[str, Any]:
    """One engine answer as stored: the contract of ``voisins match --json``."""
    return {
        "family_id": entry.family_id, "reason": entry.reason, "text": entry.text,
        "counts": dict(entry.counts), "params": dict(entry.params),
        "changes": [{"kind": c.kind, "value": c.value, "volunteer_ids": list(c.volunteer_ids),
                     "reaches": c.reaches} for c in entry.changes],
    }


# --- In the reader's language -----------------------------------------------------------

def reason_text(entry: dict[str, Any]) -> str:
    """The reason of a stored entry in the active language."""
    counts, params = entry.get("counts") or {}, entry.get("params") or {}
    reason = entry.get("reason", "")
    if reason == "no_households":
        return _("The programme has no volunteer household yet.")
    if reason == "no_household_in_reach":
        return _("No volunteer household lives within reach (both radii).")
    template = REASON_TEXTS.get(reason)
    if template is None:
        return str(entry.get("text", reason))
    return str(template) % {
        "n": params.get("households", counts.get(REASON_COUNT.get(reason, ""), 0)),
        "best": number_format(params.get("best_score", 0), decimal_pos=2),
        "theirs": number_format(params.get("their_score", 0), decimal_pos=2)}


# The count a reason is said with: households left by the rule before the one that binds.
REASON_COUNT = {"no_shared_language": "in_reach", "no_shared_slot": "language",
                "no_offer_for_needs": "slot", "only_unavailable": "offer",
                "only_full": "ready", "only_declined": "room"}
REASON_TEXTS = {
    "no_shared_language": gettext_lazy(
        "Households within reach: %(n)s. None speaks a language of the family."),
    "no_shared_slot": gettext_lazy(
        "Households within reach that speak a language of the family: %(n)s. None is free "
        "at the same time."),
    "no_offer_for_needs": gettext_lazy(
        "Households within reach that share a language and a time slot: %(n)s. None offers "
        "what the family needs."),
    "only_unavailable": gettext_lazy(
        "Households that would fit: %(n)s. None is ready to be matched yet."),
    "only_full": gettext_lazy("Households that would fit: %(n)s. All are full."),
    "only_declined": gettext_lazy(
        "Households that would fit: %(n)s. Each pair was declined or matched before."),
    "taken": gettext_lazy(
        "Households that could help: %(n)s. The best total for everyone gave their places to "
        "other families (best score here %(best)s; lowest score of the families that got "
        "them %(theirs)s)."),
    "room_left": gettext_lazy(
        "Households with room that could help: %(n)s. Propose one by hand or run the "
        "matching again."),
}
READY_TEXTS = {
    "training": gettext_lazy("%(names)s would fit once the required training is done."),
    "screening": gettext_lazy("%(names)s would fit once screened."),
    "available": gettext_lazy("%(names)s would fit once marked available."),
    "paused": gettext_lazy("%(names)s would fit after their pause."),
    "consent": gettext_lazy("%(names)s would fit once they agree to be matched."),
}
NAMES_SHOWN = 4


def _names(ids: Sequence[int], households: dict[int, VolunteerHousehold], total: int) -> str:
    """"Marie, Jan, Piotr, Anna +3": the households' first names (ids when unknown), the
    nearest first, and how many more."""
    names = [households[i].contact_first_name if i in households else f"#{i}"
             for i in ids[:NAMES_SHOWN]]
    more = max(total, len(ids)) - len(names)
    return ", ".join(names) + (f" +{more}" if more > 0 else "")


def change_text(change: dict[str, Any], *, family: FamilyHousehold | None = None,
                households: dict[int, VolunteerHousehold] | None = None,
                reason: str = "") -> str:
    """One stored change in the active language ("A radius of 4 km instead of 3 km would
    reach Marie, Jan")."""
    kind, value = change.get("kind"), change.get("value")
    ids = list(change.get("volunteer_ids") or [])
    households = households or {}
    names = _names(ids, households, int(change.get("reaches") or len(ids)))
    if kind == "family_radius":
        return _("A radius of %(value)s km instead of %(current)s km would reach "
                 "%(names)s.") % {
            "value": number_format(value, decimal_pos=1), "names": names,
            "current": number_format(family.radius_km, decimal_pos=1) if family else "?"}
    if kind == "volunteer_radius":
        one = households.get(ids[0]) if ids else None
        return _("%(names)s would reach the family with a radius of %(value)s km instead "
                 "of %(current)s km.") % {
            "names": names, "value": number_format(value, decimal_pos=1),
            "current": number_format(one.radius_km, decimal_pos=1) if one else "?"}
    if kind == "family_slot":
        return _("Being free on %(slot)s too would reach %(names)s.") % {
            "slot": slot_label(str(value)), "names": names}
    if kind == "family_language":
        return _("%(names)s would fit if the family spoke %(language)s (or with an "
                 "interpreter).") % {"names": names, "language": language_label(str(value))}
    if kind == "volunteer_offer":
        return _("%(names)s would fit by offering %(service)s.") % {
            "names": names, "service": service_label(str(value))}
    if kind == "volunteer_ready" and str(value) in READY_TEXTS:
        return str(READY_TEXTS[str(value)]) % {"names": names}
    if kind == "volunteer_capacity":
        if reason == "taken":
            return _("One more place at %(names)s would let the family be proposed too.") % {
                "names": names}
        return _("%(names)s would fit but is full: one more place would do.") % {
            "names": names}
    return f"{kind}: {value}"


# --- For the pages ----------------------------------------------------------------------

def _records(entries: Sequence[dict[str, Any]], programme: Programme
             ) -> tuple[dict[int, FamilyHousehold], dict[int, VolunteerHousehold]]:
    """The families of ``entries`` and the households their changes name (names only)."""
    families = {f.pk: f for f in FamilyHousehold.objects.filter(
        programme=programme, pk__in=[e["family_id"] for e in entries]).only(
        "id", "contact_first_name", "contact_last_name", "postcode", "locality",
        "radius_km", "programme_id")}
    volunteer_ids = {i for e in entries for c in e.get("changes", [])
                     for i in c.get("volunteer_ids", [])}
    households = {h.pk: h for h in VolunteerHousehold.objects.filter(
        programme=programme, pk__in=volunteer_ids).only(
        "id", "contact_first_name", "radius_km", "capacity", "programme_id")}
    return families, households


def with_texts(entries: Sequence[dict[str, Any]], programme: Programme, records: tuple[
        dict[int, FamilyHousehold], dict[int, VolunteerHousehold]] | None = None
               ) -> list[dict[str, Any]]:
    """Stored entries with their ``text`` and each change's ``text`` in the active
    language (the JSON of ``voisins match --json``)."""
    families, households = records or _records(entries, programme)
    return [{**entry, "text": reason_text(entry),
             "changes": [{**c, "text": change_text(c, family=families.get(entry["family_id"]),
                                                  households=households,
                                                  reason=entry["reason"])}
                         for c in entry["changes"]]}
            for entry in entries]


def explained(entries: Sequence[dict[str, Any]], programme: Programme) -> list[dict[str, Any]]:
    """Stored entries written out for a page, grouped by reason (largest group first):
    each with its family, the reason and the changes in the active language. Families
    erased or moved since the run are left out."""
    records = _records(entries, programme)
    families = records[0]
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in with_texts([e for e in entries if e["family_id"] in families], programme,
                            records):
        groups.setdefault(entry["reason"], []).append({
            "family": families[entry["family_id"]], "text": entry["text"],
            "changes": [c["text"] for c in entry["changes"]]})
    return [{"reason": reason, "label": REASON_LABELS.get(reason, reason), "rows": rows}
            for reason, rows in sorted(groups.items(), key=lambda kv: -len(kv[1]))]


def family_waits(family: FamilyHousehold) -> dict[str, Any]:
    """Why one waiting family has nobody to be proposed now, written out for its pages."""
    entry = why_family_waits(family, selectors.excluded_pairs_of(family))
    groups = explained([entry], family.programme)
    row = groups[0]["rows"][0] if groups else {"text": reason_text(entry), "changes": []}
    return {"reason": entry["reason"], "label": REASON_LABELS.get(entry["reason"], ""), **row}


REASON_LABELS = {
    "no_households": gettext_lazy("No volunteer household yet"),
    "no_household_in_reach": gettext_lazy("Nobody within reach"),
    "no_shared_language": gettext_lazy("No shared language"),
    "no_shared_slot": gettext_lazy("No shared time slot"),
    "no_offer_for_needs": gettext_lazy("Nobody offers what the family needs"),
    "only_unavailable": gettext_lazy("Only households not ready yet"),
    "only_full": gettext_lazy("Only full households"),
    "only_declined": gettext_lazy("Only pairs declined before"),
    "taken": gettext_lazy("Places given to other families"),
    "room_left": gettext_lazy("A household with room could help"),
}


# --- Whom to recruit, where -------------------------------------------------------------

def recruitment_gaps(programme: Programme, *, limit: int = 20) -> dict[str, Any]:
    """The waiting families that no volunteer household can help now, by area, and the
    recruits that would make the most of them matchable (``voisins.matching.gaps``).

    A family counts when no household that may be proposed now (screened, trained,
    available, with room) fits it; the recruits live at the centre of the families'
    postcode areas and go as far as the programme's default radius.
    """
    from voisins.matching import Point, VolunteerIndex
    from voisins.matching.gaps import recruitment_gaps as find_gaps

    families = list(selectors.waiting_families(programme).only(*FAMILY_FIELDS)
                    .prefetch_related(None).prefetch_related(_lean_members("family_id")))
    engine_families = [bridge.family_input(f) for f in families]
    volunteers = [bridge.volunteer_input(v, selectors.room_left(v))
                  for v in selectors.matchable_volunteers(programme).only(*POOL_FIELDS)
                  .prefetch_related(None).prefetch_related(_lean_members("volunteer_id"))]
    volunteers = [v for v in volunteers if v.capacity > 0]
    helped: set[int] = set()
    if volunteers and engine_families:
        edges = VolunteerIndex(volunteers).edges(engine_families, selectors.excluded_pairs(
            programme), weights=bridge.weights_for(programme))
        helped = set(edges.family.tolist())
    left = [i for i in range(len(families)) if i not in helped]
    unmet = [families[i] for i in left]
    areas: dict[str, dict[str, Any]] = {}
    for f in unmet:
        area = areas.setdefault(f.postcode, {"postcode": f.postcode, "locality": f.locality,
                                             "lat": 0.0, "lon": 0.0, "waiting": 0})
        area["lat"] += f.lat
        area["lon"] += f.lon
        area["waiting"] += 1
    for area in areas.values():
        area["lat"] /= area["waiting"]
        area["lon"] /= area["waiting"]
    gaps = find_gaps(
        [engine_families[i] for i in left],
        {f.pk: f.postcode for f in unmet},
        {code: Point(lat=a["lat"], lon=a["lon"]) for code, a in areas.items()},
        radius_km=programme.default_radius_km, limit=limit)
    by_id = {f.pk: f for f in unmet}
    lines = [{
        "families": [by_id[i] for i in gap.family_ids], "count": len(gap.family_ids),
        "postcode": gap.area, "locality": areas[gap.area]["locality"],
        "language": gap.language, "slot": gap.slot, "need": gap.need,
        "radius_km": gap.radius_km,
        "text": _("A household speaking %(language)s, free on %(slot)s, offering "
                  "%(service)s, around %(postcode)s %(locality)s.") % {
            "language": language_label(gap.language),
            "slot": slot_label(gap.slot), "service": service_label(gap.need),
            "postcode": gap.area, "locality": areas[gap.area]["locality"]},
    } for gap in gaps]
    # The waiting list counts every waiting family; those that cannot be proposed a household
    # (a proposal awaits their answer, or no consent to be matched) are said apart.
    listed = selectors.waiting_list_count(programme)
    return {"waiting": len(families), "unmet": len(unmet), "lines": lines,
            "set_aside": max(0, listed - len(families)),
            "areas": sorted(areas.values(), key=lambda a: (-a["waiting"], a["postcode"]))}


def areas_geojson(areas: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The areas of :func:`recruitment_gaps` for the map: a point each (the mean of the
    families' postcode centroids or coarsened pins), never a household."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [round(a["lon"], 4), round(a["lat"], 4)]},
         "properties": {"postcode": a["postcode"], "locality": a["locality"],
                        "waiting": a["waiting"]}}
        for a in areas]}
