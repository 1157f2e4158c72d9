"""Why a family still waits, and the smallest change that would let it be proposed.

For a family that a batch run did not propose, the households of the pool pass through
the engine's rules one at a time, in the order a coordinator thinks of them::

    within reach → a shared language → a shared time slot → an offer for a need
      → ready to be matched (screened, trained…) → room left → not declined before

The first rule that leaves nobody is the **binding constraint** (the ``reason``). When
some households pass every rule, the family has feasible partners and the optimum gave
their places to other families (``taken``), or, rarely, it was not among the best
candidates the batch kept for a household that still has room (``room_left``).

Then, for each rule alone, the households that fail *only* that rule say what single
change would make the family matchable, and with whom: a larger radius (the family's, or
one household's), one more time slot, a language, an offer, a household made ready, one
more place. Every change is exact with respect to :func:`~voisins.matching.feasible`:
applied to the family or to the named households, each of those pairs becomes feasible
(the tests re-run ``feasible`` on every change they get).

A whole waiting list is explained in blocks of families, every pair of a block in one
set of arrays (:meth:`WaitingIndex.explain_many`); the plain path, one family at a time,
gives the same answers (kept, and compared in the tests).

Reason codes (``Waiting.reason``):

``no_households``
    The pool has no volunteer household at all.
``no_household_in_reach``
    No household lives within both radii.
``no_shared_language``
    Households within reach, none speaks a language of the family.
``no_shared_slot``
    Within reach with a shared language, but no shared time slot.
``no_offer_for_needs``
    Within reach, a shared language and slot, but nobody offers what the family needs.
``only_unavailable``
    The only households that fit are not ready to be matched (not screened, required
    training not done, paused: the caller says which, see ``unavailable``).
``only_full``
    The only households that fit have no room left.
``only_declined``
    The only households that fit were declined before (excluded pairs).
``taken``
    Households fit, and the optimum gave all their places to other families.
``room_left``
    A household that fits still has room: the batch kept only each family's best
    candidates; propose it by hand or run the matching again.

Change kinds (``Change.kind``, with ``Change.value``):

``family_radius`` (km)
    The family's radius raised to ``value`` reaches ``volunteer_ids``.
``volunteer_radius`` (km)
    That one household's radius raised to ``value`` reaches the family.
``family_slot`` (slot code)
    The family also available at ``value``.
``family_language`` (language code)
    The family also speaking ``value`` (or an interpreter for it).
``volunteer_offer`` (service code)
    One of ``volunteer_ids`` offering the family's need ``value``.
``volunteer_ready`` (the caller's code, e.g. ``"training"``)
    One of ``volunteer_ids`` made ready (screened, trained…).
``volunteer_capacity`` (places)
    One of ``volunteer_ids`` taking ``value`` more family.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from .errors import InvalidFieldError
from .geo import EARTH_RADIUS_KM, haversine_prepared, prepare, spatial_rank
from .model import SLOT_BITS, Family, Proposal, Volunteer
from .rules import Exclude, as_exclude_set
from .search import CodeBook, VolunteerIndex, check_unique, id_sort_key
from .weights import DEFAULT_WEIGHTS, Weights

REASONS: tuple[str, ...] = (
    "no_households", "no_household_in_reach", "no_shared_language", "no_shared_slot",
    "no_offer_for_needs", "only_unavailable", "only_full", "only_declined", "taken",
    "room_left",
)
"""Every reason code, in the order of the rules."""

CHANGE_KINDS: tuple[str, ...] = (
    "volunteer_capacity", "volunteer_ready", "family_slot", "family_radius",
    "volunteer_radius", "volunteer_offer", "family_language",
)
"""Every change kind, cheapest first (the order changes are listed in on a tie)."""

STRIP_KM = 2.0
"""Height of the index's latitude strips."""

NEAR_KM = 3.0
"""How far beyond its radius a family's neighbourhood is searched first."""

MAX_LISTED = 20
"""A change names at most this many households (the nearest); ``reaches`` counts all."""

SLOT_ORDER = tuple(sorted(SLOT_BITS, key=SLOT_BITS.__getitem__))

BLOCK_FAMILIES = 1024
"""Families explained together by the vectorised path (their pairs in one set of arrays)."""

BLOCK_PAIRS = 100_000
"""At most this many pairs in a block (but for a block of one family)."""

NEAR_FIRST = 0.3
"""``proposable`` first looks within this share of each family's radius."""

VECTORISE_FROM = 8
"""From how many families :meth:`WaitingIndex.explain_many` explains them in blocks."""

RADIUS_STEP_KM = 0.5
"""A new radius is rounded up to this step: "4 km", not "3.87 km"."""

_KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180.0
_KEY_STRIDE = 1000.0
_FREE = 1 << 31  # above every slot's bit

# The rules, in funnel order; each name is also the key of Waiting.counts.
_RULES = ("in_reach", "language", "slot", "offer", "ready", "room", "not_declined")
_EMPTY_REASON = dict(zip(_RULES, REASONS[1:8], strict=True))


@dataclass(frozen=True, kw_only=True)
class Change:
    """One change that would make the family matchable, and with whom.

    Parameters
    ----------
    kind : str
        One of :data:`CHANGE_KINDS`.
    value : str, int or float
        The new radius in km, the slot, language or service code, the caller's code of
        what a household lacks, or the number of places to add.
    volunteer_ids : tuple
        The households the change would reach, nearest first, at most
        :data:`MAX_LISTED`.
    reaches : int
        How many households it would reach in all (the length of ``volunteer_ids``
        when not given).
    """

    kind: str
    value: Hashable
    volunteer_ids: tuple[Hashable, ...]
    reaches: int = 0

    def __post_init__(self) -> None:
        if not self.reaches:
            object.__setattr__(self, "reaches", len(self.volunteer_ids))


@dataclass(frozen=True, kw_only=True)
class Waiting:
    """Why one family was not proposed.

    Parameters
    ----------
    family_id : str or int
    reason : str
        One of :data:`REASONS`.
    text : str
        The reason as an English sentence (the application writes its own from
        ``reason`` and ``params``).
    counts : mapping of str to int
        Households left after each rule, in order: ``in_reach``, ``language``, ``slot``,
        ``offer``, ``ready``, ``room``, ``not_declined``.
    changes : tuple of Change
        The single changes that would make the family matchable, the one reaching most
        households first (then the cheapest kind).
    params : mapping
        Values of the sentence: for ``taken``, ``households``, ``best_score`` and
        ``their_score`` (the lowest score among the families that got those places).
    """

    family_id: Hashable
    reason: str
    text: str
    counts: Mapping[str, int]
    changes: tuple[Change, ...] = ()
    params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))


class WaitingIndex:
    """The volunteer households of a pool, arranged to explain many families quickly.

    Parameters
    ----------
    volunteers : iterable of Volunteer
        Every household of the pool, those not ready to be matched included (they are
        how ``only_unavailable`` is found); ``capacity`` is the room each has left.
    unavailable : mapping of volunteer id to str, optional
        Households that may not be proposed yet, each with the caller's code of why
        (``"screening"``, ``"training"``, ``"paused"``…).

    Raises
    ------
    DuplicateIdError
        Two volunteers with the same id.
    InvalidFieldError
        An element that is not a Volunteer, or an ``unavailable`` id not in the pool.

    Notes
    -----
    ``O(n log n)`` for ``n`` households (sorted by latitude, sets as bit masks).
    """

    def __init__(self, volunteers: Iterable[Volunteer],
                 unavailable: Mapping[Hashable, str] | None = None):
        vols = list(volunteers)
        for v in vols:
            if not isinstance(v, Volunteer):
                raise InvalidFieldError("volunteers", f"expected Volunteer, got {v!r}")
        check_unique("volunteer", [v.id for v in vols])
        unavailable = dict(unavailable or {})
        unknown = set(unavailable) - {v.id for v in vols}
        if unknown:
            raise InvalidFieldError("unavailable", "ids not in the pool",
                                    value=sorted(unknown, key=id_sort_key))
        # Strips of latitude, each sorted by longitude: a family looks at the strips its
        # circle crosses and, in each, at the span of longitudes the circle covers.
        strips = np.floor(np.array([v.lat for v in vols], dtype=np.float64)
                          * _KM_PER_DEGREE / STRIP_KM).astype(np.int64)
        order = np.lexsort((np.array([v.lon for v in vols], dtype=np.float64), strips))
        vols = [vols[i] for i in order.tolist()]
        self.volunteers: list[Volunteer] = vols
        self.strips = strips[order]
        self.lons = np.array([v.lon for v in vols], dtype=np.float64)
        self.lats = np.array([v.lat for v in vols], dtype=np.float64)
        # One sorted key per household: its strip, then its longitude (0 to 360 after the
        # shift, below the stride).
        self.keys = self.strips * _KEY_STRIDE + (self.lons + 180.0)
        self.phi, self.lmb, self.cos = prepare([v.lat for v in vols], self.lons)
        self.radius = np.array([v.radius_km for v in vols], dtype=np.float64)
        self.max_radius = float(self.radius.max()) if vols else 0.0
        self.capacity = np.array([v.capacity for v in vols], dtype=np.int64)
        self.languages = CodeBook(c for v in vols for c in v.languages)
        self.offers = CodeBook(c for v in vols for c in v.offers)
        self.language_masks = self.languages.masks(
            [self.languages.integer(v.languages) for v in vols])
        self.offer_masks = self.offers.masks([self.offers.integer(v.offers) for v in vols])
        self.slot_masks = np.array([_slot_integer(v.availability) for v in vols],
                                   dtype=np.uint32)
        self.ready = np.array([v.id not in unavailable for v in vols], dtype=bool)
        # The slots, and one bit for "ready, with room": one read for the cheap rules.
        self.slots_and_free = self.slot_masks | np.where(
            self.ready & (self.capacity > 0), np.uint32(_FREE), np.uint32(0))
        # What each household lacks, as an index into lacking_codes (0: nothing).
        self.lacking_codes = ["", *sorted(set(unavailable.values()))]
        position = {code: i for i, code in enumerate(self.lacking_codes)}
        self.lacking = np.array([position[unavailable.get(v.id, "")] for v in vols],
                                dtype=np.int64)
        self.unavailable = unavailable
        self._ids = [v.id for v in vols]
        self._scoring_index: VolunteerIndex | None = None

    def __len__(self) -> int:
        return len(self.volunteers)

    def _scorer(self) -> VolunteerIndex:
        if self._scoring_index is None:
            self._scoring_index = VolunteerIndex(
                v for v, ready in zip(self.volunteers, self.ready.tolist(), strict=True)
                if ready and v.capacity > 0)
        return self._scoring_index

    def proposable(self, families: Sequence[Family], *, exclude: Exclude = (),
                   weights: Weights = DEFAULT_WEIGHTS, vectorised: bool = True) -> np.ndarray:
        """Which of ``families`` have a household that may be proposed to them now.

        Parameters
        ----------
        families : sequence of Family
        exclude : iterable of (family_id, volunteer_id), default ()
        weights : Weights, optional
            Only for ``vectorised=False`` (the answer does not depend on it).
        vectorised : bool, default True

        Returns
        -------
        numpy.ndarray of bool
            One per family, in their order: True when some household of the pool that
            is ready and has room is :func:`~voisins.matching.feasible` with it.

        Notes
        -----
        The families in blocks of :data:`BLOCK_FAMILIES`; for each, only the ready
        households with room that speak one of its languages (an index by language,
        built once), first within :data:`NEAR_FIRST` of its radius, then the whole
        radius for the families without a fit there; each other rule a mask, the
        distances last: nothing is scored. With ``vectorised=False``, one vectorised
        search over the ready households with room (the index of :meth:`explain`'s
        scores, built once), as :meth:`~voisins.matching.search.VolunteerIndex.edges`,
        scoring every feasible pair: the same answer, kept to check this one against.

        Examples
        --------
        >>> f = Family(id="f", lat=50.85, lon=4.35, languages={"ar"}, needs={"homework"},
        ...            availability={"sat-am"}, radius_km=2)
        >>> v = Volunteer(id="v", lat=50.85, lon=4.36, languages={"ar"},
        ...               offers={"homework"}, availability={"sat-am"}, radius_km=2)
        >>> WaitingIndex([v]).proposable([f]).tolist(), WaitingIndex([v], {"v": "training"}
        ...                                                         ).proposable([f]).tolist()
        ([True], [False])
        """
        out = np.zeros(len(families), dtype=bool)
        if not len(families) or not self.volunteers:
            return out
        exclude = as_exclude_set(exclude) if exclude else frozenset()
        if not vectorised:
            scorer = self._scorer()
            if len(scorer):
                out[scorer.edges(families, exclude, weights=weights).family] = True
            return out
        for family in families:
            if not isinstance(family, Family):
                raise InvalidFieldError("families", f"expected Family, got {family!r}")
        declined = _by_family(exclude)
        order = np.argsort(spatial_rank(lat=[f.lat for f in families],
                                        lon=[f.lon for f in families]), kind="stable")
        for block in np.array_split(order, max(1, -(-len(families) // BLOCK_FAMILIES))):
            members = [families[i] for i in block.tolist()]
            # First the nearest households (a fit there is a fit), then the whole
            # radius for the families without one.
            found = self._block_fits(members, declined, NEAR_FIRST)
            rest = np.flatnonzero(~found)
            if len(rest):
                found[rest] = self._block_fits([members[j] for j in rest.tolist()], declined)
            out[block] = found
        return out

    def explain(self, family: Family, *, assigned: Mapping[Hashable, Sequence[float]]
                | None = None, exclude: Exclude = (), weights: Weights = DEFAULT_WEIGHTS,
                max_changes: int = 5) -> Waiting:
        """Why ``family`` is not proposed, and the smallest changes (see the module).

        Parameters
        ----------
        family : Family
        assigned : mapping of volunteer id to the scores of the families it got
            The batch's proposals by household (see :func:`explain_waiting`); a
            household absent from it got nobody. None when no batch ran.
        exclude : iterable of (family_id, volunteer_id), default ()
            Pairs never to propose, as given to :func:`~voisins.matching.propose`.
        weights : Weights, optional
            For the scores of ``taken``.
        max_changes : int, default 5

        Returns
        -------
        Waiting

        Notes
        -----
        ``O(b + c·s)`` for ``b`` households in the latitude band of the family's
        largest useful radius and ``c`` of them within that radius, ``s`` the size of
        their sets.
        """
        return self.explain_many([family], assigned=assigned, exclude=exclude,
                                 weights=weights, max_changes=max_changes)[0]

    def explain_many(self, families: Sequence[Family], *,
                     assigned: Mapping[Hashable, Sequence[float]] | None = None,
                     exclude: Exclude = (), weights: Weights = DEFAULT_WEIGHTS,
                     max_changes: int = 5, vectorised: bool | None = None) -> list[Waiting]:
        """:meth:`explain` for each of ``families``, in their order.

        Parameters
        ----------
        families : sequence of Family
        assigned, exclude, weights, max_changes
            As for :meth:`explain`.
        vectorised : bool or None, default None
            True explains the families in blocks (below), False one at a time (the
            plain path, kept to check the other against: the answers are the same);
            None chooses blocks from :data:`VECTORISE_FROM` families (for one family,
            the plain path has fewer NumPy calls).

        Notes
        -----
        The families are taken in blocks of :data:`BLOCK_FAMILIES` along a Z-order
        curve of their homes; in a block, every (family, household) pair the rules look
        at is laid out in one set of arrays (rows of the index, distances, one mask per
        rule), and the counts, the binding rule and every change are reductions over
        the pairs grouped by family: a few dozen NumPy calls a block instead of a few
        dozen a family. The scores of the pairs of every family with fitting households
        (``taken``) come from one vectorised search over all of them.
        """
        exclude = as_exclude_set(exclude) if exclude else frozenset()
        families = list(families)
        for family in families:
            if not isinstance(family, Family):
                raise InvalidFieldError("families", f"expected Family, got {family!r}")
        out: list[Waiting | _Fitting | None]
        if not self.volunteers:
            out = [Waiting(family_id=family.id, reason="no_households",
                           text="There is no volunteer household in the pool.",
                           counts=MappingProxyType(dict.fromkeys(_RULES, 0)))
                   for family in families]
        elif vectorised or (vectorised is None and len(families) >= VECTORISE_FROM):
            out = self._explain_blocks(families, exclude, weights, max_changes)
        else:
            out = []
            for family in families:
                # First the neighbourhood (every household within the family's radius,
                # and the nearest ones beyond it); farther only when no nearer one
                # would do.
                full, reach = _reaches(family, self.max_radius)
                result = self._explain_within(family, reach, exclude, weights, max_changes)
                if result is None:
                    result = self._explain_within(family, full, exclude, weights,
                                                  max_changes)
                out.append(result)
        fitting = [r for r in out if isinstance(r, _Fitting)]
        if fitting:
            done = iter(self._fitting(fitting, assigned or {}, exclude, weights))
            out = [next(done) if isinstance(r, _Fitting) else r for r in out]
        return out  # type: ignore[return-value]

    def _explain_within(self, family: Family, reach: float, exclude: Exclude,
                        weights: Weights, max_changes: int) -> Waiting | _Fitting | None:
        """:meth:`explain` among the households within ``reach``; None when a household
        beyond it might be the nearest one a larger family radius would reach."""
        full = max(family.radius_km, self.max_radius)
        d, rows = self._candidates(family, reach)
        v_radius = self.radius[rows]
        in_reach = d <= np.minimum(family.radius_km, v_radius)
        language = _intersects(_take(self.language_masks, rows),
                               _family_masks(self.languages, family.languages))
        offer = _intersects(_take(self.offer_masks, rows),
                            _family_masks(self.offers, family.needs))
        slot = (self.slot_masks[rows] & np.uint32(_slot_integer(family.availability))) != 0
        ready = self.ready[rows]
        room = self.capacity[rows] > 0
        passed = {"in_reach": in_reach, "language": language, "slot": slot, "offer": offer,
                  "ready": ready, "room": room}
        excluded_set = exclude
        # The exclusion is looked up only for households that pass every other rule,
        # or all but one (the only ones a change can reach).
        fails = sum((~a).astype(np.int8) for a in passed.values())
        not_declined = np.ones(len(rows), dtype=bool)
        if excluded_set:
            for i in np.flatnonzero(fails <= 1).tolist():
                vid = self.volunteers[rows[i]].id
                not_declined[i] = (family.id, vid) not in excluded_set
        passed["not_declined"] = not_declined
        counts, funnel = {}, np.ones(len(rows), dtype=bool)
        for rule in _RULES:
            funnel = funnel & passed[rule]
            counts[rule] = int(funnel.sum())
        if reach < full:
            others = np.ones(len(rows), dtype=bool)
            for name, ok in passed.items():
                if name != "in_reach":
                    others &= ok
            wider = others & (d > family.radius_km) & (d <= self.radius[rows])
            if not wider.any() or _round_up(float(d[wider].min())) > reach:
                return None
        changes = self._changes(family, rows, d, passed, weights, max_changes)
        if counts["not_declined"]:
            where = np.flatnonzero(funnel)
            nearest = rows[where[np.argsort(d[where], kind="stable")[:MAX_LISTED]]]
            return _Fitting(family, len(where),
                            tuple(self.volunteers[r].id for r in nearest.tolist()),
                            counts, changes)
        reason = next(_EMPTY_REASON[rule] for rule in _RULES if counts[rule] == 0)
        return Waiting(family_id=family.id, reason=reason, text=_TEXTS[reason].format(**counts),
                       counts=MappingProxyType(counts), changes=changes)

    # -- many families at once

    def _explain_blocks(self, families: list[Family], exclude: Exclude, weights: Weights,
                        max_changes: int) -> list[Waiting | _Fitting]:
        """The vectorised path of :meth:`explain_many` (before ``taken``)."""
        out: list[Waiting | _Fitting | None] = [None] * len(families)
        declined = _by_family(exclude)
        order = np.argsort(spatial_rank(lat=[f.lat for f in families],
                                        lon=[f.lon for f in families]), kind="stable")
        arrays = self._family_arrays(families)  # once, sliced for each block
        for block in self._blocks(families, order):
            members = [families[i] for i in block.tolist()]
            reaches = [_reaches(f, self.max_radius) for f in members]
            first = self._explain_block(members, [r for _f, r in reaches], declined,
                                        weights, max_changes, arrays.part(block))
            # Farther only for the families whose neighbourhood did not settle it.
            again = [j for j, r in enumerate(first) if r is None]
            if again:
                wider = self._explain_block([members[j] for j in again],
                                            [reaches[j][0] for j in again], declined,
                                            weights, max_changes,
                                            arrays.part(block[again]))
                for j, r in zip(again, wider, strict=True):
                    first[j] = r
            for i, r in zip(block.tolist(), first, strict=True):
                out[i] = r
        return out  # type: ignore[return-value]

    def _blocks(self, families: list[Family], order: np.ndarray) -> Iterator[np.ndarray]:
        """``order`` cut into blocks of at most :data:`BLOCK_FAMILIES` families and, but
        for a family alone, :data:`BLOCK_PAIRS` pairs (their arrays then stay in the
        processor's caches: a block of a thousand families in a dense area is slower
        than the plain path)."""
        for block in np.array_split(order, max(1, -(-len(order) // BLOCK_FAMILIES))):
            members = [families[i] for i in block.tolist()]
            pairs, _none = self._block_rows(members, [_reaches(f, self.max_radius)[1]
                                                      for f in members], count_only=True)
            ends = np.cumsum(pairs)
            start = 0
            while start < len(block):
                stop = max(start + 1, int(np.searchsorted(
                    ends, (ends[start - 1] if start else 0) + BLOCK_PAIRS, "right")))
                yield block[start:stop]
                start = stop

    def _explain_block(self, families: list[Family], reach: list[float],
                       exclude: Mapping[Hashable, list], weights: Weights, max_changes: int,
                       arrays: _FamilyArrays | None = None
                       ) -> list[Waiting | _Fitting | None]:
        """:meth:`_explain_within` for each of ``families`` (each with its ``reach``;
        ``exclude`` the excluded households' ids by family id; ``arrays`` their
        :meth:`_family_arrays`, built when not given),
        with every pair of the block in one set of arrays, grouped by family (then by
        row of the index, as the plain path sees them)."""
        n = len(families)
        fa = arrays if arrays is not None else self._family_arrays(families)
        k, rows = self._block_rows(families, reach)
        language = _intersects_words(_take(self.language_masks, rows), k, fa.languages)
        offer = _intersects_words(_take(self.offer_masks, rows), k, fa.offers)
        f_slots = fa.slots
        slots = self.slots_and_free[rows]
        slot = (slots & f_slots[k]) != 0
        # A pair beyond the family's radius counts only when every other rule holds (the
        # family's radius is then the one change, or a reason to look farther): the
        # distances are computed for those, and for the pairs inside the box of the
        # family's radius, not for the rest of the box of ``reach``.
        wanted = (language & offer & slot & (slots >= np.uint32(_FREE))) | (
            (np.abs(self.lats[rows] - fa.lat[k]) <= fa.lat_limit[k])
            & (np.abs(self.lons[rows] - fa.lon[k]) <= fa.lon_limit[k]))  # inside the box
        k, rows = k[wanted], rows[wanted]
        ready = self.ready[rows]
        room = self.capacity[rows] > 0
        d = haversine_prepared(fa.phi[k], fa.lmb[k], fa.cos[k], self.phi[rows],
                               self.lmb[rows], self.cos[rows])  # _distances
        f_radius = fa.radius
        v_radius = self.radius[rows]
        keep = (d <= np.maximum(f_radius[k], v_radius)) & \
            (d <= np.array(reach, dtype=np.float64)[k])
        keep_wanted = np.flatnonzero(wanted)[keep]
        k, rows, d, v_radius = k[keep], rows[keep], d[keep], v_radius[keep]
        in_reach = d <= np.minimum(f_radius[k], v_radius)
        passed = {"in_reach": in_reach, "language": language[keep_wanted],
                  "slot": slot[keep_wanted], "offer": offer[keep_wanted],
                  "ready": ready[keep], "room": room[keep]}
        fails = sum((~a).view(np.int8) for a in passed.values())
        counts: dict[str, list[int]] = {}
        funnel = np.ones(len(rows), dtype=bool)
        for rule in _RULES[:-1]:
            funnel = funnel & passed[rule]
            counts[rule] = np.bincount(k[funnel], minlength=n).tolist()
        # Past the counts, only the pairs failing at most one rule matter (a change
        # makes one rule hold); the others are dropped here.
        keep = np.flatnonzero(fails <= 1)
        k, rows, d, v_radius, fails = k[keep], rows[keep], d[keep], v_radius[keep], fails[keep]
        passed = {rule: ok[keep] for rule, ok in passed.items()}
        not_declined = ~self._declined(families, k, rows, exclude)
        passed["not_declined"] = not_declined
        fails = fails + (~not_declined).view(np.int8)
        funnel = fails == 0
        counts["not_declined"] = np.bincount(k[funnel], minlength=n).tolist()
        result: list[Waiting | _Fitting | None] = [None] * n
        settled = [True] * n
        narrow = [j for j in range(n)
                  if reach[j] < max(families[j].radius_km, self.max_radius)]
        if narrow:
            others = np.ones(len(rows), dtype=bool)
            for name, ok in passed.items():
                if name != "in_reach":
                    others &= ok
            wider = others & (d > f_radius[k]) & (d <= v_radius)
            nearest = _group_min(k[wider], d[wider], n)
            for j in narrow:
                if not math.isfinite(nearest[j]) or _round_up(float(nearest[j])) > reach[j]:
                    settled[j] = False
        changes = self._block_changes(families, k, rows, d, f_radius, v_radius, passed,
                                      fails == 1, weights, max_changes)
        fit_count, fit_ids = self._nearest(funnel, k, rows, d, n)
        for j, family in enumerate(families):
            if not settled[j]:
                continue
            mine = {rule: counts[rule][j] for rule in _RULES}
            if mine["not_declined"]:
                result[j] = _Fitting(family, fit_count[j], fit_ids[j], mine, changes[j])
                continue
            reason = next(_EMPTY_REASON[rule] for rule in _RULES if mine[rule] == 0)
            result[j] = Waiting(family_id=family.id, reason=reason,
                                text=_TEXTS[reason].format(**mine),
                                counts=MappingProxyType(mine), changes=changes[j])
        return result

    def _block_fits(self, families: list[Family], declined: Mapping[Hashable, list],
                    share: float = 1.0) -> np.ndarray:
        """Per family of a block, whether a household that is ready and has room is
        feasible with it: the households of each language of the family looked at
        (those that are ready, with room), then the other rules, the distance last.
        With ``share`` < 1, only the households within that share of the family's
        radius are looked at (True is then sure, False is not)."""
        by_language = self._free_by_language()
        ks, rows_found = [], []
        for code, members in _speakers(families, by_language).items():
            rows, strips, keys = by_language[code]
            k, at = self._block_rows([families[j] for j in members],
                                     [families[j].radius_km * share for j in members],
                                     (strips, keys))
            ks.append(np.array(members, dtype=np.int64)[k])
            rows_found.append(rows[at])
        if not ks:
            return np.zeros(len(families), dtype=bool)
        # A household speaking two of the family's languages is met twice: harmless for
        # "is there one".
        k, rows = np.concatenate(ks), np.concatenate(rows_found)
        f_slots = np.array([_slot_integer(f.availability) for f in families], dtype=np.uint32)
        keep = (self.slot_masks[rows] & f_slots[k]) != 0
        k, rows = k[keep], rows[keep]
        keep = _intersects_each(_take(self.offer_masks, rows), k, [
            _family_masks(self.offers, f.needs) for f in families])
        k, rows = k[keep], rows[keep]
        f_radius = np.array([f.radius_km for f in families], dtype=np.float64)
        keep = self._distances(families, k, rows) <= np.minimum(f_radius[k], self.radius[rows])
        k = k[keep][~self._declined(families, k[keep], rows[keep], declined)]
        return np.bincount(k, minlength=len(families)) > 0

    def _id_array(self) -> np.ndarray:
        """The households' ids by row, as an array of objects (built once)."""
        found = getattr(self, "_ids_by_row", None)
        if found is None:
            found = self._ids_by_row = np.empty(len(self._ids), dtype=object)
            for row, id_ in enumerate(self._ids):  # one by one: an id may be a tuple
                found[row] = id_
        return found

    def _declined(self, families: list[Family], k: np.ndarray, rows: np.ndarray,
                  declined: Mapping[Hashable, list]) -> np.ndarray:
        """Per pair (``k`` the family's position, ``rows`` the household's), whether it
        is excluded (``declined``: the excluded households' ids by family id)."""
        if not declined or not len(k):
            return np.zeros(len(k), dtype=bool)
        row_of = getattr(self, "_row_of", None)
        if row_of is None:
            row_of = self._row_of = {id_: row for row, id_ in enumerate(self._ids)}
        n_rows = len(self._ids)
        keys = [j * n_rows + row_of[v] for j, f in enumerate(families)
                for v in declined.get(f.id, ()) if v in row_of]
        if not keys:
            return np.zeros(len(k), dtype=bool)
        return np.isin(k * n_rows + rows, np.array(keys, dtype=np.int64))

    def _free_by_language(self) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """For each language, the rows of the households that speak it and are ready,
        with room, with their strips and keys (built once)."""
        found = getattr(self, "_by_language", None)
        if found is None:
            free = self.ready & (self.capacity > 0)
            found = {}
            for code, bit in self.languages.positions.items():
                word = self.language_masks[bit // 64]
                rows = np.flatnonzero(free & ((word >> np.uint64(bit % 64)) & np.uint64(1)
                                              != 0))
                found[code] = (rows, self.strips[rows], self.keys[rows])
            self._by_language = found
        return found

    def _block_rows(self, families: list[Family], reach: list[float],
                    part: tuple[np.ndarray, np.ndarray] | None = None,
                    count_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """The pairs :meth:`_candidates` looks at for each family (before the
        distances): the family's position in ``families`` and the household's row;
        grouped by family, rows ascending. With ``part`` (the strips and keys of some
        rows, in the index's order), positions among those rows instead; with
        ``count_only``, how many pairs each family has (and None)."""
        strips, keys = part if part is not None else (self.strips, self.keys)
        first, last, low, high, band = [], [], [], [], []
        for family, km in zip(families, reach, strict=True):
            span = km / _KM_PER_DEGREE + 1e-9
            first.append(math.floor((family.lat - span) * _KM_PER_DEGREE / STRIP_KM))
            last.append(math.floor((family.lat + span) * _KM_PER_DEGREE / STRIP_KM))
            widest = max(abs(family.lat) + span, 0.0)
            cos = math.cos(math.radians(min(widest, 89.9)))
            dlon = span / cos if cos > 1e-6 else 360.0
            band.append(family.lon - dlon < -180.0 or family.lon + dlon > 180.0)
            low.append(family.lon - dlon - 1e-7)
            high.append(family.lon + dlon + 1e-7)
        first_a = np.array(first, dtype=np.int64)
        last_a = np.array(last, dtype=np.int64)
        lo = np.searchsorted(strips, first_a, side="left")
        hi = np.searchsorted(strips, last_a, side="right")
        whole = np.array(band, dtype=bool) | (hi - lo < 64)
        # Families that look at their whole band: one range each.
        w = np.flatnonzero(whole)
        # The others: each strip's span of longitudes, every strip of every family in
        # two searches of the (strip, longitude) keys.
        s = np.flatnonzero(~whole)
        per = (last_a[s] - first_a[s] + 1)
        fam = np.repeat(s, per)
        strip = (np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
                 + np.repeat(first_a[s], per)).astype(np.float64) * _KEY_STRIDE + 180.0
        start = np.searchsorted(keys, strip + np.array(low)[fam], "left")
        stop = np.searchsorted(keys, strip + np.array(high)[fam], "right")
        range_family = np.concatenate([w, fam])
        range_start = np.concatenate([lo[w], start])
        range_stop = np.concatenate([hi[w], stop])
        by_family = np.argsort(range_family, kind="stable")
        range_family, range_start = range_family[by_family], range_start[by_family]
        lengths = np.maximum(range_stop[by_family] - range_start, 0)
        if count_only:
            return np.bincount(range_family, weights=lengths, minlength=len(families)), None
        total = int(lengths.sum())
        rows = np.arange(total) + np.repeat(range_start - np.cumsum(lengths) + lengths, lengths)
        return np.repeat(range_family, lengths), rows

    def _family_arrays(self, families: list[Family]) -> _FamilyArrays:
        """What :meth:`_explain_block` reads of each family, as arrays (one row per
        family, in their order): the box of :meth:`_near_limits`,
        :meth:`_distances` and :func:`_family_masks` compute for a block."""
        lat_limit, lon_limit = self._near_limits(families)
        lat = np.array([f.lat for f in families], dtype=np.float64)
        lon = np.array([f.lon for f in families], dtype=np.float64)
        phi, lmb, cos = prepare(lat.tolist(), lon.tolist())

        def words(book: CodeBook, sets: list[frozenset[str]]) -> tuple[np.ndarray, ...]:
            masks = [_family_masks(book, codes) for codes in sets]
            return tuple(np.array([m[w] for m in masks], dtype=np.uint64)
                         for w in range(book.words))

        return _FamilyArrays(
            languages=words(self.languages, [f.languages for f in families]),
            offers=words(self.offers, [f.needs for f in families]),
            slots=np.array([_slot_integer(f.availability) for f in families],
                           dtype=np.uint32),
            radius=np.array([f.radius_km for f in families], dtype=np.float64),
            lat=lat, lon=lon, phi=np.asarray(phi), lmb=np.asarray(lmb),
            cos=np.asarray(cos), lat_limit=lat_limit, lon_limit=lon_limit)

    def _near_limits(self, families: list[Family]) -> tuple[np.ndarray, np.ndarray]:
        """Per family, the half-height and half-width in degrees of a box that holds its
        whole circle (a degree of latitude is the same everywhere; the longitudes by the
        haversine's own bound, widened by 1e-6 degree; infinite near a pole or across the
        antimeridian): a household outside it is surely farther than the radius."""
        lat_limit, lon_limit = [], []
        for family in families:
            span = family.radius_km / _KM_PER_DEGREE
            widest = abs(family.lat) + span
            lat_limit.append(span + 1e-6)
            if widest >= 89.0:
                lon_limit.append(math.inf)
                continue
            ratio = math.sin(math.radians(span) / 2.0) / math.cos(math.radians(widest))
            dlon = math.degrees(2.0 * math.asin(min(1.0, ratio))) + 1e-6
            crosses = family.lon - dlon < -180.0 or family.lon + dlon > 180.0
            lon_limit.append(math.inf if crosses or ratio >= 1.0 else dlon)
        return (np.array(lat_limit, dtype=np.float64),
                np.array(lon_limit, dtype=np.float64))

    def _distances(self, families: list[Family], k: np.ndarray, rows: np.ndarray
                   ) -> np.ndarray:
        """The distance of each pair (``k`` the family's position, ``rows`` the
        household's), as :meth:`_candidates` computes it."""
        phi, lmb, fcos = prepare([f.lat for f in families], [f.lon for f in families])
        return haversine_prepared(phi[k], lmb[k], fcos[k], self.phi[rows], self.lmb[rows],
                                  self.cos[rows])

    def _nearest(self, mask: np.ndarray, k: np.ndarray, rows: np.ndarray, d: np.ndarray,
                 n: int) -> tuple[list[int], list[tuple[Hashable, ...]]]:
        """Per family: how many of its pairs ``mask`` selects, and the ids of the nearest
        :data:`MAX_LISTED` of them (ties in row order, as a stable sort by distance)."""
        where = np.flatnonzero(mask)
        # By distance, then (a stable sort) by family: lexsort's order. The families'
        # positions are small integers, sorted stably in linear time.
        where = where[np.argsort(d[where], kind="stable")]
        group = k[where]
        if n <= np.iinfo(np.int16).max:
            group = group.astype(np.int16)
        by_group = np.argsort(group, kind="stable")
        where, group = where[by_group], group[by_group]
        count = np.bincount(group, minlength=n)
        rank = np.arange(len(where)) - np.repeat(np.cumsum(count) - count, count)
        listed = rank < MAX_LISTED
        ids = self._id_array()
        named = ids[rows[where[listed]]].tolist()
        shown = np.minimum(count, MAX_LISTED).tolist()
        out, at = [], 0
        for m in shown:
            out.append(tuple(named[at:at + m]))
            at += m
        return count.tolist(), out

    def _block_changes(self, families: list[Family], k: np.ndarray, rows: np.ndarray,
                       d: np.ndarray, f_radius: np.ndarray, v_radius: np.ndarray,
                       passed: dict[str, np.ndarray], single: np.ndarray, weights: Weights,
                       max_changes: int) -> list[tuple[Change, ...]]:
        """:meth:`_changes` of each family of a block."""
        n = len(families)
        found: list[list[Change]] = [[] for _ in range(n)]

        def add(kind: str, values: dict[int, Hashable], mask: np.ndarray) -> None:
            count, named = self._nearest(mask, k, rows, d, n)
            for j, value in values.items():
                found[j].append(Change(kind=kind, value=value, reaches=count[j],
                                       volunteer_ids=named[j]))

        not_in_reach = single & ~passed["in_reach"]
        # The family's radius: households it does not reach but that reach it.
        wider = not_in_reach & (d > f_radius[k]) & (d <= v_radius)
        if wider.any():
            nearest = _group_min(k[wider], d[wider], n)
            values = {j: _round_up(float(nearest[j])) for j in
                      np.flatnonzero(np.isfinite(nearest)).tolist()}
            limit = np.full(n, -np.inf)
            limit[list(values)] = list(values.values())
            add("family_radius", values, wider & (d <= limit[k]))
        # One household's radius: the family reaches it, it does not reach the family.
        shorter = not_in_reach & (d <= f_radius[k]) & (d > v_radius)
        if shorter.any():
            where = np.flatnonzero(shorter)
            where = where[np.lexsort((d[where] - v_radius[where], k[where]))]
            group = k[where]
            firsts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
            for j, best in zip(group[firsts].tolist(), where[firsts].tolist(), strict=True):
                found[j].append(Change(kind="volunteer_radius",
                                       value=_round_up(float(d[best])),
                                       volunteer_ids=(self._ids[int(rows[best])],)))
        # One more slot for the family: the one most households share (on a tie, the
        # first in the week).
        mask = single & ~passed["slot"]
        if mask.any():
            slots = self.slot_masks[rows]
            tally = _group_bit_counts((slots[mask].astype(np.uint64),), k[mask], n,
                                      len(SLOT_BITS))
            has = np.flatnonzero(tally.any(axis=1))
            bit = np.zeros(n, dtype=np.uint32)
            bit[has] = np.argmax(tally[has], axis=1)
            add("family_slot", {j: SLOT_ORDER[int(bit[j])] for j in has.tolist()},
                mask & ((slots >> bit[k]) & np.uint32(1) != 0))
        # One more language for the family: the one most households speak (on a tie, the
        # host language, then by code).
        mask = single & ~passed["language"]
        if mask.any():
            words = _take(self.language_masks, rows)
            n_bits = 64 * len(words)
            tally = _group_bit_counts(tuple(w[mask] for w in words), k[mask], n, n_bits)
            codes = self.languages.positions
            preferred = sorted(codes, key=lambda c: (c != weights.host_language_code, c))
            tie = np.zeros(n_bits, dtype=np.int64)  # higher is preferred on a tie
            for i, c in enumerate(preferred):
                tie[codes[c]] = len(preferred) - i
            has = np.flatnonzero(tally.any(axis=1))
            best = np.argmax(tally[has] * (n_bits + 1) + tie * (tally[has] > 0), axis=1)
            by_bit = {i: c for c, i in codes.items()}
            bit = np.zeros(n, dtype=np.int64)
            bit[has] = best
            speaks = np.zeros(len(rows), dtype=bool)
            for w, word in enumerate(words):
                in_word = (bit[k] // 64) == w
                speaks |= in_word & ((word >> (bit[k] % 64).astype(np.uint64))
                                     & np.uint64(1) != 0)
            add("family_language", {j: by_bit[int(bit[j])] for j in has.tolist()},
                mask & speaks)
        mask = single & ~passed["offer"]
        if mask.any():
            add("volunteer_offer", {
                j: min(families[j].needs, key=lambda need, f=families[j]: (-f.priority(need),
                                                                           need))
                for j in np.unique(k[mask]).tolist()}, mask)
        mask = single & ~passed["ready"]
        if mask.any():
            lacking = self.lacking[rows]
            n_codes = len(self.lacking_codes)
            table = np.bincount(k[mask] * n_codes + lacking[mask],
                                minlength=n * n_codes).reshape(n, n_codes)
            named = {}
            for j in np.flatnonzero(table.any(axis=1)).tolist():
                named[j] = sorted((c for i, c in enumerate(self.lacking_codes)
                                   if table[j, i]),
                                  key=lambda c, j=j: (-table[j, self.lacking_codes.index(c)],
                                                      c))
            for code in self.lacking_codes:
                if not any(code in codes for codes in named.values()):
                    continue
                # Kept in each family's order (most households first) below.
                add("volunteer_ready", {j: code for j, codes in named.items() if code in codes},
                    mask & (lacking == self.lacking_codes.index(code)))
            for j, codes in named.items():
                ready = [c for c in found[j] if c.kind == "volunteer_ready"]
                others = [c for c in found[j] if c.kind != "volunteer_ready"]
                ready.sort(key=lambda c, codes=codes: codes.index(c.value))
                found[j] = others + ready
        mask = single & ~passed["room"]
        if mask.any():
            add("volunteer_capacity", dict.fromkeys(np.unique(k[mask]).tolist(), 1), mask)
        rank = {kind: i for i, kind in enumerate(CHANGE_KINDS)}
        out = []
        for changes in found:
            changes.sort(key=lambda c: (-c.reaches, rank[c.kind]))
            out.append(tuple(changes[:max_changes]))
        return out

    # -- parts of explain

    def _candidates(self, family: Family, reach: float
                    ) -> tuple[np.ndarray, np.ndarray]:
        """Distances and rows of the households within ``reach`` km of the family and
        within ``max(family radius, their radius)``: no single change reaches one
        farther away."""
        span = reach / _KM_PER_DEGREE + 1e-9  # a degree of latitude is the same everywhere
        first = math.floor((family.lat - span) * _KM_PER_DEGREE / STRIP_KM)
        last = math.floor((family.lat + span) * _KM_PER_DEGREE / STRIP_KM)
        lo = np.searchsorted(self.strips, first, side="left")
        hi = np.searchsorted(self.strips, last, side="right")
        widest = max(abs(family.lat) + span, 0.0)
        cos = math.cos(math.radians(min(widest, 89.9)))
        dlon = span / cos if cos > 1e-6 else 360.0
        parts = []
        if family.lon - dlon < -180.0 or family.lon + dlon > 180.0 or hi - lo < 64:
            parts.append(np.arange(lo, hi))
        else:
            # Each strip's span of longitudes, all strips in two searches of the (strip,
            # longitude) keys; a hair wider than the circle (the distances decide).
            strips = np.arange(first, last + 1, dtype=np.float64) * _KEY_STRIDE + 180.0
            start = np.searchsorted(self.keys, strips + (family.lon - dlon - 1e-7), "left")
            stop = np.searchsorted(self.keys, strips + (family.lon + dlon + 1e-7), "right")
            lengths = stop - start
            if lengths.sum():
                parts.append(np.arange(int(lengths.sum()))
                             + np.repeat(start - np.cumsum(lengths) + lengths, lengths))
        rows = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        phi, lmb, fcos = prepare([family.lat], [family.lon])
        d = haversine_prepared(phi, lmb, fcos, self.phi[rows], self.lmb[rows], self.cos[rows])
        keep = (d <= np.maximum(family.radius_km, self.radius[rows])) & (d <= reach)
        return d[keep], rows[keep]

    def _changes(self, family: Family, rows: np.ndarray, d: np.ndarray,
                 passed: dict[str, np.ndarray], weights: Weights, max_changes: int
                 ) -> tuple[Change, ...]:
        out: list[Change] = []
        vols = self.volunteers

        # Failing only ``rule``: exactly one rule failed, and it is that one.
        single = sum((~ok).view(np.int8) for ok in passed.values()) == 1

        def all_but(rule: str) -> np.ndarray:
            return single & ~passed[rule]

        def change(kind: str, value: Hashable, mask: np.ndarray) -> Change:
            # The nearest households first, at most MAX_LISTED of them.
            where = np.flatnonzero(mask)
            nearest = where[np.argsort(d[where], kind="stable")[:MAX_LISTED]]
            return Change(kind=kind, value=value, reaches=len(where),
                          volunteer_ids=tuple(vols[r].id for r in rows[nearest].tolist()))

        v_radius = self.radius[rows]
        # The family's radius: households it does not reach but that reach it.
        wider = all_but("in_reach") & (d > family.radius_km) & (d <= v_radius)
        if wider.any():
            value = _round_up(float(d[wider].min()))
            out.append(change("family_radius", value, wider & (d <= value)))
        # One household's radius: the family reaches it, it does not reach the family.
        shorter = all_but("in_reach") & (d <= family.radius_km) & (d > v_radius)
        if shorter.any():
            candidates = np.flatnonzero(shorter)
            best = candidates[np.argmin(d[candidates] - v_radius[candidates])]
            one = np.zeros(len(rows), dtype=bool)
            one[best] = True
            out.append(change("volunteer_radius", _round_up(float(d[best])), one))
        # One more slot for the family: the one most households share (on a tie, the
        # first in the week).
        mask = all_but("slot")
        if mask.any():
            slots = self.slot_masks[rows]
            tally = _bit_counts((slots[mask].astype(np.uint64),), len(SLOT_BITS))
            bit = int(np.argmax(tally))
            out.append(change("family_slot", SLOT_ORDER[bit],
                              mask & ((slots >> np.uint32(bit)) & np.uint32(1) != 0)))
        # One more language for the family: the one most households speak (on a tie, the
        # host language, then by code).
        mask = all_but("language")
        if mask.any():
            words = _take(self.language_masks, rows)
            tally = _bit_counts(tuple(w[mask] for w in words), 64 * len(words))
            codes = self.languages.positions
            value = min((c for c in codes if tally[codes[c]]),
                        key=lambda c: (-tally[codes[c]], c != weights.host_language_code, c))
            word, bit = divmod(codes[value], 64)
            speaks = (words[word] >> np.uint64(bit)) & np.uint64(1) != 0
            out.append(change("family_language", value, mask & speaks))
        mask = all_but("offer")
        if mask.any():
            need = min(family.needs, key=lambda n: (-family.priority(n), n))
            out.append(change("volunteer_offer", need, mask))
        mask = all_but("ready")
        if mask.any():
            lacking = self.lacking[rows]
            found = np.bincount(lacking[mask], minlength=len(self.lacking_codes))
            for code in sorted((c for i, c in enumerate(self.lacking_codes) if found[i]),
                               key=lambda c: (-found[self.lacking_codes.index(c)], c)):
                out.append(change("volunteer_ready", code,
                                  mask & (lacking == self.lacking_codes.index(code))))
        mask = all_but("room")
        if mask.any():
            out.append(change("volunteer_capacity", 1, mask))
        rank = {kind: i for i, kind in enumerate(CHANGE_KINDS)}
        out.sort(key=lambda c: (-c.reaches, rank[c.kind]))
        return tuple(out[:max_changes])

    def _fitting(self, pending: list[_Fitting], assigned: Mapping[Hashable, Sequence[float]],
                 exclude: Exclude, weights: Weights) -> list[Waiting]:
        """Families with households that fit: their places went to others (``taken``),
        or one still has room (``room_left``)."""
        scorer = self._scorer()
        vols = scorer.volunteers
        # Every fitting pair of every such family scored at once by the vectorised search
        # (the same score as voisins.matching.score).
        edges = scorer.edges([p.family for p in pending], exclude, weights=weights)
        # Per household met there: families it got in the batch, and their lowest score.
        got = np.zeros(len(vols), dtype=np.int64)
        lowest = np.full(len(vols), np.inf)
        capacity = np.zeros(len(vols), dtype=np.int64)
        for row in np.unique(edges.volunteer).tolist():
            capacity[row] = vols[row].capacity
            scores = assigned.get(vols[row].id)
            if scores:
                got[row], lowest[row] = len(scores), min(scores)
        # Per family, as reductions over its pairs: households with room left, the best
        # score here (at least 0), the lowest score of the families that got them.
        n_pending = len(pending)
        order = np.argsort(edges.family, kind="stable")
        group, rows_v = edges.family[order], edges.volunteer[order]
        free_count = np.bincount(group, weights=got[rows_v] < capacity[rows_v],
                                 minlength=n_pending).astype(np.int64).tolist()
        best = np.maximum(-_group_min(group, -edges.score[order], n_pending), 0.0).tolist()
        theirs = _group_min(group, lowest[rows_v], n_pending).tolist()
        out = []
        for i, p in enumerate(pending):
            counts = MappingProxyType(p.counts)
            if free_count[i]:
                n = free_count[i]
                out.append(Waiting(family_id=p.family.id, reason="room_left",
                                   text=_TEXTS["room_left"].format(households=n),
                                   counts=counts, changes=p.changes,
                                   params=MappingProxyType({"households": n})))
                continue
            more = Change(kind="volunteer_capacity", value=1, reaches=p.fits,
                          volunteer_ids=p.nearest)
            params = {"households": p.fits, "best_score": round(best[i], 4),
                      "their_score": round(theirs[i], 4)}
            out.append(Waiting(family_id=p.family.id, reason="taken",
                               text=_TEXTS["taken"].format(**params), counts=counts,
                               changes=(more, *p.changes), params=MappingProxyType(params)))
        return out


@dataclass(frozen=True, kw_only=True)
class _FamilyArrays:
    """:meth:`WaitingIndex._family_arrays`: one row per family."""

    languages: tuple[np.ndarray, ...]  # the family's languages, one uint64 array a word
    offers: tuple[np.ndarray, ...]  # its needs, likewise
    slots: np.ndarray
    radius: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    phi: np.ndarray
    lmb: np.ndarray
    cos: np.ndarray
    lat_limit: np.ndarray
    lon_limit: np.ndarray

    def part(self, at: np.ndarray) -> _FamilyArrays:
        """The rows ``at``, in that order."""
        return _FamilyArrays(**{
            name: tuple(w[at] for w in value) if isinstance(value, tuple) else value[at]
            for name, value in vars(self).items()})


@dataclass(frozen=True)
class _Fitting:
    """A family whose rules leave some households: finished by :meth:`WaitingIndex._fitting`."""

    family: Family
    fits: int  # how many households fit
    nearest: tuple[Hashable, ...]  # the nearest of them, at most MAX_LISTED
    counts: dict[str, int]
    changes: tuple[Change, ...]


def why_waiting(family: Family, volunteers: Iterable[Volunteer] | WaitingIndex, *,
                proposals: Iterable[Proposal] = (), exclude: Exclude = (),
                unavailable: Mapping[Hashable, str] | None = None,
                weights: Weights | None = None, max_changes: int = 5) -> Waiting:
    """Why one family is not proposed, and the smallest changes that would help.

    Parameters
    ----------
    family : Family
    volunteers : iterable of Volunteer, or WaitingIndex
        The whole pool (see :class:`WaitingIndex`); pass an index built once to explain
        many families.
    proposals : iterable of Proposal, default ()
        The batch's proposals, to tell ``taken`` from ``room_left``.
    exclude, unavailable, weights, max_changes
        See :class:`WaitingIndex` and :meth:`WaitingIndex.explain`.

    Returns
    -------
    Waiting

    Notes
    -----
    Building the index is ``O(n log n)``; the question itself is
    :meth:`WaitingIndex.explain`'s.

    Examples
    --------
    >>> f = Family(id="f1", lat=50.8466, lon=4.3517, languages={"prs"},
    ...            needs={"homework"}, availability={"sun-pm"}, radius_km=3)
    >>> v = Volunteer(id="v1", lat=50.8466, lon=4.4100, languages={"prs", "fr"},
    ...               offers={"homework"}, availability={"sun-pm"}, radius_km=5)
    >>> w = why_waiting(f, [v])
    >>> w.reason, w.changes[0].kind, w.changes[0].value, w.changes[0].volunteer_ids
    ('no_household_in_reach', 'family_radius', 4.5, ('v1',))
    """
    index = volunteers if isinstance(volunteers, WaitingIndex) else WaitingIndex(
        volunteers, unavailable)
    return index.explain(family, assigned=_assigned(proposals), exclude=exclude,
                         weights=weights or DEFAULT_WEIGHTS, max_changes=max_changes)


def explain_waiting(families: Iterable[Family], volunteers: Iterable[Volunteer] | WaitingIndex,
                    proposals: Iterable[Proposal], *, exclude: Exclude = (),
                    unavailable: Mapping[Hashable, str] | None = None,
                    weights: Weights | None = None, max_changes: int = 5) -> list[Waiting]:
    """Why each family that ``proposals`` leave out waits, in the order of ``families``.

    Parameters
    ----------
    families : iterable of Family
        Everyone the batch considered.
    volunteers : iterable of Volunteer, or WaitingIndex
        The whole pool, households not ready included (see ``unavailable``).
    proposals : iterable of Proposal
        What the batch proposed (:func:`~voisins.matching.propose`).
    exclude, unavailable, weights, max_changes
        As for :func:`why_waiting`.

    Returns
    -------
    list of Waiting
        One for every family without a proposal.

    Notes
    -----
    One :meth:`WaitingIndex.explain` per family left out.
    """
    families = list(families)
    proposals = list(proposals)
    index = volunteers if isinstance(volunteers, WaitingIndex) else WaitingIndex(
        volunteers, unavailable)
    proposed = {p.family_id for p in proposals}
    by_volunteer = _assigned(proposals)
    weights = weights or DEFAULT_WEIGHTS
    exclude = as_exclude_set(exclude) if exclude else frozenset()
    return index.explain_many([f for f in families if f.id not in proposed],
                              assigned=by_volunteer, exclude=exclude, weights=weights,
                              max_changes=max_changes)


def apply_change(change: Change, family: Family, volunteer: Volunteer) -> tuple[Family, Volunteer]:
    """The family and the volunteer as they would be after ``change`` (for checking it).

    Examples
    --------
    >>> f = Family(id="f", lat=50.85, lon=4.35, languages={"ar"}, needs={"homework"},
    ...            availability={"sat-am"}, radius_km=1)
    >>> v = Volunteer(id="v", lat=50.85, lon=4.35, languages={"fr"}, offers={"homework"},
    ...               availability={"sat-am"}, radius_km=1)
    >>> from voisins.matching import feasible
    >>> feasible(*apply_change(Change(kind="family_language", value="fr",
    ...                               volunteer_ids=("v",)), f, v))
    True
    """
    from dataclasses import replace

    kind, value = change.kind, change.value
    if kind == "family_radius":
        return replace(family, radius_km=value), volunteer
    if kind == "volunteer_radius":
        return family, replace(volunteer, radius_km=value)
    if kind == "family_slot":
        return replace(family, availability=family.availability | {value}), volunteer
    if kind == "family_language":
        return replace(family, languages=family.languages | {value}), volunteer
    if kind == "volunteer_offer":
        return family, replace(volunteer, offers=volunteer.offers | {value})
    if kind == "volunteer_capacity":
        return family, replace(volunteer, capacity=volunteer.capacity + int(value))
    if kind == "volunteer_ready":
        return family, volunteer  # the engine's rules do not see readiness
    raise InvalidFieldError("kind", f"unknown change {kind!r}", value=kind)


# --- helpers ------------------------------------------------------------------------------

_TEXTS = {
    "no_household_in_reach": "No volunteer household lives within reach of both radii.",
    "no_shared_language": "{in_reach} household(s) within reach, none speaks a language of "
                          "the family.",
    "no_shared_slot": "{language} household(s) within reach speak a language of the family, "
                      "none is free at the same time.",
    "no_offer_for_needs": "{slot} household(s) within reach share a language and a time "
                          "slot, none offers what the family needs.",
    "only_unavailable": "{offer} household(s) would fit, none is ready to be matched yet.",
    "only_full": "{ready} household(s) would fit, all are full.",
    "only_declined": "{room} household(s) would fit, all were declined before.",
    "taken": "{households} household(s) could help; the best total gave their places to "
             "other families (best score here {best_score}, theirs from {their_score}).",
    "room_left": "{households} household(s) with room could help: propose one by hand or "
                 "run the matching again.",
}


def _bit_counts(words: tuple[np.ndarray, ...], bits: int) -> np.ndarray:
    """How many of the masks have each bit set (bit ``64 * word + b``)."""
    counts = np.zeros(64 * len(words), dtype=np.int64)
    for w, word in enumerate(words):
        as_bytes = np.ascontiguousarray(word, dtype="<u8").view(np.uint8)
        bits_set = np.unpackbits(as_bytes.reshape(-1, 8), axis=1, bitorder="little")
        counts[64 * w:64 * (w + 1)] = bits_set.sum(axis=0)
    return counts[:bits]


def _slot_integer(slots: Iterable[str]) -> int:
    return sum(1 << SLOT_BITS[s] for s in slots)


def _family_masks(book: CodeBook, codes: frozenset[str]) -> tuple[int, ...]:
    value = book.integer(codes)
    low = (1 << 64) - 1
    return tuple((value >> (64 * w)) & low for w in range(book.words))


def _reaches(family: Family, max_radius: float) -> tuple[float, float]:
    """How far a family's households are looked for: at most (``full``), and first (its
    neighbourhood: within its radius, and the nearest ones beyond it)."""
    full = max(family.radius_km, max_radius)
    return full, min(full, max(2.0 * family.radius_km, family.radius_km + NEAR_KM))


def _group_min(group: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """The smallest of ``values`` of each group ``0 … n-1`` (inf for a group with none);
    ``group`` ascending."""
    out = np.full(n, np.inf)
    if len(group):
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        out[group[starts]] = np.minimum.reduceat(values, starts)
    return out


def _group_bit_counts(words: tuple[np.ndarray, ...], group: np.ndarray, n: int,
                      bits: int) -> np.ndarray:
    """:func:`_bit_counts` of each group ``0 … n-1``, one row per group; ``group``
    ascending."""
    counts = np.zeros((n, 64 * len(words)), dtype=np.int64)
    if len(group):
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        for w, word in enumerate(words):
            as_bytes = np.ascontiguousarray(word, dtype="<u8").view(np.uint8)
            bits_set = np.unpackbits(as_bytes.reshape(-1, 8), axis=1, bitorder="little")
            counts[group[starts], 64 * w:64 * (w + 1)] = np.add.reduceat(
                bits_set, starts, axis=0, dtype=np.int64)
    return counts[:, :bits]


def _intersects_words(masks: tuple[np.ndarray, ...], group: np.ndarray,
                      family: tuple[np.ndarray, ...]) -> np.ndarray:
    """:func:`_intersects_each` with the families' masks as one array a word."""
    result = np.zeros(len(group), dtype=bool)
    for word, bits in zip(masks, family, strict=True):
        if bits.any():
            result |= (word & bits[group]) != 0
    return result


def _intersects_each(masks: tuple[np.ndarray, ...], group: np.ndarray,
                     family: list[tuple[int, ...]]) -> np.ndarray:
    """:func:`_intersects` of each pair's masks with its family's (``family[group]``)."""
    result = np.zeros(len(group), dtype=bool)
    for w, word in enumerate(masks):
        bits = np.array([f[w] for f in family], dtype=np.uint64)
        if bits.any():
            result |= (word & bits[group]) != 0
    return result


def _by_family(exclude: Exclude) -> dict[Hashable, list[Hashable]]:
    """The excluded pairs as the volunteers' ids by family id."""
    out: dict[Hashable, list[Hashable]] = {}
    for pair in exclude:
        if isinstance(pair, tuple) and len(pair) == 2:
            out.setdefault(pair[0], []).append(pair[1])
    return out


def _speakers(families: list[Family], known: Mapping[str, object]) -> dict[str, list[int]]:
    """The positions of the families speaking each language of ``known``."""
    out: dict[str, list[int]] = {}
    for j, family in enumerate(families):
        for code in family.languages:
            if code in known:
                out.setdefault(code, []).append(j)
    return out


def _take(masks: tuple[np.ndarray, ...], rows: np.ndarray) -> tuple[np.ndarray, ...]:
    return tuple(word[rows] for word in masks)


def _intersects(masks: tuple[np.ndarray, ...], family: tuple[int, ...]) -> np.ndarray:
    result = np.zeros(len(masks[0]), dtype=bool)
    for word, bits in zip(masks, family, strict=True):
        if bits:
            result |= (word & np.uint64(bits)) != 0
    return result


def _round_up(km: float) -> float:
    value = math.ceil(km / RADIUS_STEP_KM - 1e-12) * RADIUS_STEP_KM
    return value if value >= km else value + RADIUS_STEP_KM


def _assigned(proposals: Iterable[Proposal]) -> dict[Hashable, list[float]]:
    out: dict[Hashable, list[float]] = {}
    for p in proposals:
        out.setdefault(p.volunteer_id, []).append(p.score)
    return out


__all__ = ["CHANGE_KINDS", "REASONS", "Change", "Waiting", "WaitingIndex",
           "apply_change", "explain_waiting", "why_waiting"]
