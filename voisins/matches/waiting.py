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

import hashlib
import json
import marshal
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.status import VolunteerStatus
from voisins.programmes.constants import LanguageLevel
from voisins.programmes.labels import language_label, service_label, slot_label
from voisins.programmes.matching_weights import engine
from voisins.programmes.models import Programme

from . import bridge, selectors

if TYPE_CHECKING:
    from voisins import matching

# --- The pool, read as plain values and kept between requests ----------------------------
#
# Reading ten thousand households as model instances and turning them into the engine's
# records took most of the time of "why waiting" and "whom to recruit". The pool is read
# as tuples instead (selectors.volunteer_pool_rows, JSON left as text), and what is built
# from them is kept between requests without ever being stale:
# - the engine's records, in this process, by the values each is made from (_record);
# - the index of the whole pool (batch runs, gaps) and the gaps themselves, in Django's
#   cache and the last few in this process, under a digest of the tuples they are made
#   from (and of the year, which children's ages depend on): any change to a household, a
#   match, a proposal, a training or a consent gives a new key; nothing is invalidated.

CACHE_SECONDS = 24 * 3600
# Part of every key: raised when what is kept changes shape (2: the engine's index gained
# arrays for its vectorised paths), so that a value kept by an older version is not read.
_FORMAT = 2
_MEMO_SIZE = 4
_memo: OrderedDict[str, Any] = OrderedDict()
_memo_lock = threading.Lock()


def _digest(kind: str, *parts: object) -> str:
    """A key naming ``parts`` (plain values): marshal is twice as quick as pickle on rows
    of numbers and strings; pickle takes the rest (dates)."""
    value = (kind, _FORMAT, timezone.now().year, parts)
    try:
        data = marshal.dumps(value)
    except ValueError:
        data = pickle.dumps(value, protocol=5)
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def _remembered(kind: str, key: str, compute: Callable[[], Any]) -> Any:
    """The value of ``kind`` under ``key`` (a digest of its input): from this process's
    memory, else from Django's cache, else computed and stored in both."""
    name = f"voisins:waiting:{kind}:{key}"
    with _memo_lock:
        value = _memo.get(name)
    if value is None:
        value = cache.get(name)
        if value is None:
            value = compute()
            cache.set(name, value, CACHE_SECONDS)
    with _memo_lock:
        _memo[name] = value
        _memo.move_to_end(name)
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return value


# The engine's records by the values they are made from: after a change to a few households
# the index is rebuilt from the records of the others (a record is immutable, and its key
# is everything it is made of). Emptied past 60,000 records (about 70 MiB).
_RECORDS_KEPT = 60_000
_made: dict[tuple, Any] = {}


def _record(make: Callable[..., Any], *values: Any) -> Any:
    """``make(*values)``, made once for the same values (all plain and hashable)."""
    key = (make, *values)
    record = _made.get(key)
    if record is None:
        if len(_made) >= _RECORDS_KEPT:
            _made.clear()
        record = _made[key] = make(*values)
    return record


def _ages(children: Iterable[tuple[int, int]]) -> dict[int, tuple[int, ...]]:
    """Children's ages by household, as ``bridge`` computes them."""
    year = timezone.now().year
    out: dict[int, list[int]] = {}
    for household, born in children:
        out.setdefault(household, []).append(min(max(0, year - born), bridge.MAX_CHILD_AGE))
    return {household: tuple(sorted(ages)) for household, ages in out.items()}


def _codes(languages: list[dict[str, Any]]) -> tuple[set[str], set[str]]:
    """A household's language codes and mother tongues (``Household.language_codes``
    and ``.mother_tongues``)."""
    return ({e["code"] for e in languages},
            {e["code"] for e in languages if e.get("level") == LanguageLevel.NATIVE})


def _build_pool(rows: dict[str, list]) -> matching.waiting.WaitingIndex:
    """The engine's index of a pool read by ``selectors.volunteer_pool_rows``."""
    ages = _ages(rows["children"])
    volunteers, unavailable = [], {}
    for (pk, status, lat, lon, languages, offers, availability, radius, capacity, trained,
         consenting, live, pending) in rows["households"]:
        room = max(0, capacity - live - pending)
        if status in (VolunteerStatus.AVAILABLE, VolunteerStatus.MATCHED) and \
                trained and consenting and capacity > 0:
            pass  # it may be proposed now, with the room it has left
        elif status == VolunteerStatus.APPLIED:
            unavailable[pk] = "screening"
        elif status == VolunteerStatus.PAUSED:
            unavailable[pk] = "paused"
        elif not trained:
            unavailable[pk] = "training"
        elif not consenting:
            unavailable[pk] = "consent"
        elif status in (VolunteerStatus.SCREENED, VolunteerStatus.TRAINED):
            unavailable[pk] = "available"
        else:
            room = 0  # it could be proposed but for its capacity
        volunteers.append(_record(_volunteer_record, pk, lat, lon, languages, offers,
                                  availability, radius, room, ages.get(pk, ())))
    return engine().waiting.WaitingIndex(volunteers, unavailable)


def _volunteer_record(pk: int, lat: float, lon: float, languages: str, offers: str,
                      availability: str, radius: float, room: int, ages: tuple[int, ...]
                      ) -> matching.Volunteer:
    """A volunteer household read by ``selectors.volunteer_pool_rows`` as
    ``bridge.volunteer_input`` builds it."""
    codes, tongues = _codes(json.loads(languages))
    return engine().Volunteer(id=pk, lat=lat, lon=lon, languages=codes,
                              offers=set(json.loads(offers)),
                              availability=set(json.loads(availability)), radius_km=radius,
                              capacity=room, children_ages=ages, mother_tongues=tongues)


def _pool(programme: Programme) -> tuple[matching.waiting.WaitingIndex, str]:
    """The programme's pool as the engine's index (built once for every question until
    the pool changes), and the digest that names it."""
    rows = selectors.volunteer_pool_rows(programme)
    key = _digest("pool", rows)
    return _remembered("pool", key, lambda: _build_pool(rows)), key


def _family_record(row: tuple, ages: dict[int, tuple[int, ...]]) -> matching.Family:
    """A family read by ``selectors.waiting_family_rows`` as ``bridge.family_input``
    builds it."""
    pk, _postcode, _locality, lat, lon, languages, needs, availability, radius, since = row
    days = 0 if since is None else max(0, (timezone.now() - since).days)
    return _record(_make_family, pk, lat, lon, languages, needs, availability, radius, days,
                   ages.get(pk, ()))


def _make_family(pk: int, lat: float, lon: float, languages: str, needs: str,
                 availability: str, radius: float, days: int, ages: tuple[int, ...]
                 ) -> matching.Family:
    priorities = json.loads(needs)
    priorities = priorities if isinstance(priorities, dict) else {}
    codes, tongues = _codes(json.loads(languages))
    return engine().Family(id=pk, lat=lat, lon=lon, languages=codes, needs=set(priorities),
                           availability=set(json.loads(availability)), radius_km=radius,
                           waiting_days=days, children_ages=ages,
                           need_priorities=dict(priorities), mother_tongues=tongues)


def waiting_index(programme: Programme) -> tuple[matching.waiting.WaitingIndex, str]:
    """The engine's index of the programme's pool, and the digest that names it.

    Every volunteer household that is in the programme and has not left (nor was archived
    or erased); those that may not be proposed now carry the code of what they lack, and
    those that may, the room they have left. Kept between requests (see above).
    """
    return _pool(programme)


def not_proposed(programme: Programme, families: Sequence[FamilyHousehold],
                 proposals: Iterable[matching.Proposal],
                 exclude: Iterable[tuple[int, int]]) -> list[dict[str, Any]]:
    """Why each of ``families`` that ``proposals`` leave out waits, as stored JSON."""
    index, _key = waiting_index(programme)
    entries = engine().waiting.explain_waiting(
        [bridge.family_input(f) for f in families], index, list(proposals),
        exclude=set(exclude), weights=bridge.weights_for(programme))
    return [as_json(entry) for entry in entries]


def why_family_waits(family: FamilyHousehold, exclude: Iterable[tuple[int, int]]
                     ) -> dict[str, Any]:
    """Why one family has nobody to be proposed now (no batch: ``taken`` cannot occur;
    a household that fits and has room gives ``room_left``).

    Only the pool's rows that could count for the family are read (plain values, in the
    box of ``selectors.within_box``): within the larger of its radius and the largest
    radius of the pool, the farthest the engine looks for one family, so the answer is
    the whole pool's. The engine's index is built of them; their records are kept between
    requests (:func:`_record`).
    """
    widest = selectors.volunteer_pool_widest_radius(family.programme)
    rows = selectors.volunteer_pool_rows(
        family.programme, near=(family.lat, family.lon, max(family.radius_km, widest)))
    index = _build_pool(rows)
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

    The households and families are read as plain values; the analysis is kept in the
    cache under a digest of everything it is made from (never stale), and only the
    families it names are loaded as records.
    """
    weights = bridge.weights_for(programme)
    index, pool_key = _pool(programme)
    families = selectors.waiting_family_rows(programme)
    excluded = sorted(selectors.excluded_pairs(programme))
    key = _digest("gaps", pool_key, families, excluded, weights.to_dict(),
                  programme.default_radius_km, limit)
    found = _remembered("gaps", key, lambda: _find_gaps(
        index, families, excluded, weights, programme.default_radius_km, limit))
    named = {i for line in found["lines"] for i in line["family_ids"]}
    records = {f.pk: f for f in FamilyHousehold.objects.filter(
        programme=programme, pk__in=named).only("id", "contact_first_name", "programme_id")}
    lines = [{**{k: v for k, v in line.items() if k != "family_ids"},
              "families": [records[i] for i in line["family_ids"] if i in records],
              "text": _("A household speaking %(language)s, free on %(slot)s, offering "
                        "%(service)s, around %(postcode)s %(locality)s.") % {
                  "language": language_label(line["language"]),
                  "slot": slot_label(line["slot"]), "service": service_label(line["need"]),
                  "postcode": line["postcode"], "locality": line["locality"]}}
             for line in found["lines"]]
    # The waiting list counts every waiting family; those that cannot be proposed a household
    # (a proposal awaits their answer, or no consent to be matched) are said apart.
    listed = selectors.waiting_list_count(programme)
    return {"waiting": found["waiting"], "unmet": found["unmet"], "lines": lines,
            "set_aside": max(0, listed - found["waiting"]),
            "areas": [dict(a) for a in found["areas"]]}


def _find_gaps(index: matching.waiting.WaitingIndex, rows: dict[str, list],
               excluded: list[tuple[int, int]], weights: matching.Weights,
               radius_km: float, limit: int) -> dict[str, Any]:
    """:func:`recruitment_gaps` as plain values (what is kept in the cache)."""
    ages = _ages(rows["children"])
    families = rows["families"]
    engine_families = [_family_record(row, ages) for row in families]
    helped = index.proposable(engine_families, exclude=set(excluded), weights=weights)
    left = [i for i, ok in enumerate(helped.tolist()) if not ok]
    areas: dict[str, dict[str, Any]] = {}
    for i in left:
        _pk, postcode, locality, lat, lon = families[i][:5]
        area = areas.setdefault(postcode, {"postcode": postcode, "locality": locality,
                                           "lat": 0.0, "lon": 0.0, "waiting": 0})
        area["lat"] += lat
        area["lon"] += lon
        area["waiting"] += 1
    for area in areas.values():
        area["lat"] /= area["waiting"]
        area["lon"] /= area["waiting"]
    gaps = engine().gaps.recruitment_gaps(
        [engine_families[i] for i in left],
        {families[i][0]: families[i][1] for i in left},
        {code: engine().Point(lat=a["lat"], lon=a["lon"]) for code, a in areas.items()},
        radius_km=radius_km, limit=limit)
    lines = [{"family_ids": list(gap.family_ids), "count": len(gap.family_ids),
              "postcode": gap.area, "locality": areas[gap.area]["locality"],
              "language": gap.language, "slot": gap.slot, "need": gap.need,
              "radius_km": gap.radius_km} for gap in gaps]
    return {"waiting": len(families), "unmet": len(left), "lines": lines,
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
