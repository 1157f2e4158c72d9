"""Vectorised candidate search: every feasible pair, scored, without looking at all pairs.

Volunteers are indexed once (:class:`VolunteerIndex`):

* their set attributes become **bit masks** in numpy arrays — languages and offers
  through a :class:`CodeBook` (as many 64-bit words as there are codes, so any number of
  languages works), the 21 availability slots in one ``uint32``, children's ages in one
  ``uint64`` (bit ``a`` for age ``a``);
* there is one **index entry per (volunteer, language)**, sorted by language, radius
  band (the quartiles of the volunteers' radii), latitude strip (strips of fixed
  height), then longitude. A family only looks at the entries of the languages it
  speaks, for each band only as far as ``min(its radius, the band's largest radius)``,
  and for each strip crossed by that circle one ``searchsorted`` finds the entries
  inside the longitude span of the circle on that strip. The span is computed exactly
  on the sphere (poles and the ±180° meridian included); candidates then pass the same
  haversine test as
  :func:`voisins.matching.feasible`. A pair that shares several languages is kept only
  under the first of them, so each feasible pair is found exactly once.

Why not a k-d tree: ``scipy.spatial.cKDTree`` finds the same neighbours but returns them
as Python lists, about 130 ns per pair, and around Brussels the 100 000-household
benchmark has 250 million pairs within reach; the strips give them as numpy ranges, and
the language and radius splits cut them to 96 million before anything is computed.

Families are processed in batches of about :data:`PAIR_BUDGET` candidate pairs, so
memory stays bounded however dense the map is. Each batch is filtered with vectorised
bit operations (needs/offers, slots), then by distance, then by ``exclude``, and only
the survivors are scored, with :func:`voisins.matching.rules.combine` — the same
function the scalar :func:`voisins.matching.score` calls. With several workers
(:mod:`voisins.matching.parallel`) each forked process takes every other block of
families (blocks of neighbours along a Z-order curve), encodes and searches them; the
pairs come back in the same order.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .errors import DuplicateIdError, InvalidFieldError
from .geo import EARTH_RADIUS_KM, haversine_prepared, prepare, spatial_rank
from .model import SLOT_BITS, Family, Volunteer
from .parallel import fork_map, resolve_workers
from .picking import proposals_for, suggest_edges
from .rules import Exclude, as_exclude_set, combine
from .weights import DEFAULT_WEIGHTS, Weights

Masks = tuple[np.ndarray, ...]
"""A bit-mask column: one ``uint64`` array per 64 codes."""

BLOCK_FAMILIES = 4096
"""Families searched together (in Z-order of their homes), and shared out to workers."""

PARALLEL_WORK = 20_000_000
"""Families times index entries from which ``workers=None`` searches in two processes
(5 000 families and 3 000 volunteers around one town is about 0.1 s of work; forking
costs a few milliseconds)."""

PAIR_BUDGET = 500_000
"""Candidate pairs handled at once: bounds the memory of the search (~100 bytes each).
Half a million keeps the working arrays in the CPU caches: 20 % faster than 2 million."""

_LON_BITS = 34  # longitude quantum 2 pi / 2**34 rad: 2.3 mm at the equator
_LON_SCALE = (1 << _LON_BITS) / (2 * math.pi)
_LON_MARGIN = 1e-8  # radians (6 cm): covers rounding in the span and the quantisation
_MAX_GROUPS = 1 << (62 - _LON_BITS)  # languages x bands x strips must fit in the key


def id_sort_key(id_: Hashable) -> tuple[bool, Hashable]:
    """Sort key of ids that may mix integers and strings: integers first."""
    return (isinstance(id_, str), id_)


def check_unique(kind: str, ids: Sequence[Hashable]) -> None:
    """Raise :class:`DuplicateIdError` when an id appears twice (``O(n)``)."""
    if len(set(ids)) != len(ids):
        seen: set[Hashable] = set()
        duplicates = [i for i in ids if i in seen or seen.add(i)]
        raise DuplicateIdError(kind, dict.fromkeys(duplicates))


class CodeBook:
    """Bit positions of a vocabulary of codes, and masks of sets of codes.

    Examples
    --------
    >>> book = CodeBook(["fr", "nl", "ar"])
    >>> [int(w[0]) for w in book.masks([book.integer(frozenset({"ar", "nl"}))])]
    [5]
    """

    def __init__(self, codes: Iterable[str]):
        # The most frequent codes get the lowest bits: the search keeps a pair under the
        # first language both speak, so the big ranges (French, Dutch, English) need no
        # check for pairs already found under an earlier language.
        count = Counter(codes)
        ordered = sorted(count, key=lambda code: (-count[code], code))
        self.positions = {code: i for i, code in enumerate(ordered)}
        self.words = max(1, math.ceil(len(self.positions) / 64))
        self._cache: dict[frozenset[str], int] = {}

    def __len__(self) -> int:
        return len(self.positions)

    def bit(self, code: str) -> int | None:
        return self.positions.get(code)

    def integer(self, codes: frozenset[str]) -> int:
        """The mask of a set of codes as a Python integer; unknown codes are dropped."""
        value = self._cache.get(codes)
        if value is None:
            positions = self.positions
            value = sum(1 << positions[c] for c in codes if c in positions)
            if len(self._cache) < 100_000:
                self._cache[codes] = value
        return value

    def masks(self, integers: Sequence[int]) -> Masks:
        """Masks of Python-integer masks, split into ``uint64`` words."""
        if self.words == 1:
            return (np.array(integers, dtype=np.uint64),)
        low = (1 << 64) - 1
        return tuple(
            np.array([(v >> (64 * w)) & low for v in integers], dtype=np.uint64)
            for w in range(self.words)
        )


def _take(masks: Masks, index: np.ndarray) -> Masks:
    return tuple(word[index] for word in masks)


def _intersects(a: Masks, b: Masks) -> np.ndarray:
    result = (a[0] & b[0]) != 0
    for wa, wb in zip(a[1:], b[1:], strict=True):
        result |= (wa & wb) != 0
    return result


def _common(a: Masks, b: Masks) -> np.ndarray:
    count = np.bitwise_count(a[0] & b[0]).astype(np.int64)
    for wa, wb in zip(a[1:], b[1:], strict=True):
        count += np.bitwise_count(wa & wb)
    return count


def _bits(masks: Masks) -> tuple[np.ndarray, np.ndarray]:
    """(row, bit) of every set bit, sorted by row then bit."""
    rows, bits = [], []
    for w, word in enumerate(masks):
        matrix = np.unpackbits(word.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
        r, b = np.nonzero(matrix)
        rows.append(r)
        bits.append(b + 64 * w)
    row, bit = np.concatenate(rows), np.concatenate(bits)
    order = np.lexsort((bit, row))
    return row[order], bit[order]


def _below(masks: Masks, row: np.ndarray, bit: np.ndarray) -> Masks:
    """For each (row, bit): the row's mask restricted to bits lower than ``bit``."""
    out = []
    for w, word in enumerate(masks):
        values = word[row]
        shift = np.clip(bit - 64 * w, 0, 64)
        low = np.where(shift >= 64, ~np.uint64(0),
                       (np.uint64(1) << np.minimum(shift, 63).astype(np.uint64)) - np.uint64(1))
        out.append(values & low)
    return tuple(out)


def _slot_integer(slots: frozenset[str], cache: dict) -> int:
    value = cache.get(slots)
    if value is None:
        value = cache[slots] = sum(1 << SLOT_BITS[s] for s in slots)
    return value


def _age_integer(ages: tuple[int, ...]) -> int:
    value = 0
    for a in ages:
        value |= 1 << a
    return value


def _dilate(masks: np.ndarray, gap: int) -> np.ndarray:
    """Ages within ``gap`` years of an age in the mask (ages stay below 64 - gap)."""
    out = masks.copy()
    for shift in range(1, gap + 1):
        out |= (masks << np.uint64(shift)) | (masks >> np.uint64(shift))
    return out


def _lon_quantum(lmb: np.ndarray) -> np.ndarray:
    q = np.floor((lmb + np.pi) * _LON_SCALE)
    return np.minimum(np.maximum(q, 0), (1 << _LON_BITS) - 1).astype(np.int64)


@dataclass
class FamilyArrays:
    """The families of one call, encoded against a volunteer index's code books."""

    ids: list[Hashable]
    phi: np.ndarray
    lmb: np.ndarray
    cos: np.ndarray
    radius: np.ndarray
    languages: Masks
    mother_tongues: Masks
    needs_any: Masks
    needs_by_priority: tuple[Masks, Masks, Masks]
    total_priority: np.ndarray
    host_need: np.ndarray
    slots: np.ndarray
    ages: np.ndarray
    age_count: np.ndarray
    waiting: np.ndarray
    packed: np.ndarray | None
    """Needs and slots in one word, when the index packs offers and slots."""

    def __len__(self) -> int:
        return len(self.ids)

    def part(self, part: np.ndarray) -> FamilyArrays:
        """The families at the indices ``part``, in that order."""
        def cut(value):
            if value is None:
                return None
            if isinstance(value, list):
                return [value[k] for k in part.tolist()]
            if isinstance(value, tuple):
                return tuple(cut(v) for v in value)
            return value[part]

        return FamilyArrays(**{name: cut(getattr(self, name))
                               for name in self.__dataclass_fields__})


@dataclass
class Edges:
    """Feasible pairs as arrays: family index, volunteer index (in the caller's order),
    score and distance."""

    family: np.ndarray
    volunteer: np.ndarray
    score: np.ndarray
    distance_km: np.ndarray
    found: int = 0
    """Feasible pairs found before keeping each family's best ``max_candidates``."""

    @classmethod
    def concatenate(cls, parts: Sequence[Edges]) -> Edges:
        if not parts:
            empty_i = np.empty(0, dtype=np.int64)
            return cls(empty_i, empty_i.copy(), np.empty(0), np.empty(0))
        return cls(*(np.concatenate([getattr(p, f) for p in parts])
                     for f in ("family", "volunteer", "score", "distance_km")),
                   found=sum(p.found for p in parts))

    def subset(self, keep: np.ndarray) -> Edges:
        return Edges(self.family[keep], self.volunteer[keep], self.score[keep],
                     self.distance_km[keep], found=self.found)

    def __len__(self) -> int:
        return len(self.score)


class VolunteerIndex:
    """Volunteers encoded and spatially indexed once, to search them many times.

    Parameters
    ----------
    volunteers : iterable of Volunteer
        Ids must be unique.

    Raises
    ------
    DuplicateIdError
        Two volunteers with the same id.

    Notes
    -----
    Building is ``O(n log n)`` for ``n`` volunteers (a Python pass over their sets, then
    numpy); under a second for 100 000. Volunteers with capacity 0 are kept out of the
    index. :meth:`suggest` answers one family in about a millisecond; :meth:`edges`
    scores every feasible pair of many families.

    Examples
    --------
    >>> v = Volunteer(id="v1", lat=50.85, lon=4.35, languages={"ar"}, offers={"homework"},
    ...               availability={"wed-pm"}, radius_km=3)
    >>> f = Family(id="f1", lat=50.86, lon=4.35, languages={"ar"}, needs={"homework"},
    ...            availability={"wed-pm"}, radius_km=2)
    >>> index = VolunteerIndex([v])
    >>> [p.volunteer_id for p in index.suggest(f, k=5)]
    ['v1']
    """

    def __init__(self, volunteers: Iterable[Volunteer]):
        self.volunteers: list[Volunteer] = list(volunteers)
        for v in self.volunteers:
            if not isinstance(v, Volunteer):
                raise InvalidFieldError("volunteers", f"expected Volunteer, got {v!r}")
        ids = [v.id for v in self.volunteers]
        check_unique("volunteer", ids)
        self.position = {id_: i for i, id_ in enumerate(ids)}
        order_by_id = sorted(range(len(ids)), key=lambda i: id_sort_key(ids[i]))
        self.id_rank_of = np.empty(len(ids), dtype=np.int64)
        """Rank of each volunteer (in the order given) when sorted by id."""
        self.id_rank_of[order_by_id] = np.arange(len(ids))

        active = np.array([i for i, v in enumerate(self.volunteers) if v.capacity > 0],
                          dtype=np.int64)
        vols = [self.volunteers[i] for i in active]
        self.languages_book = CodeBook(c for v in vols for c in v.languages)
        self.offers_book = CodeBook(c for v in vols for c in v.offers)
        lang_ints = [self.languages_book.integer(v.languages) for v in vols]
        slot_cache: dict = {}

        radius = np.array([v.radius_km for v in vols], dtype=np.float64)
        # Strips two thirds of a typical radius high: a balance between candidates
        # outside the circle and ranges per family (measured at 100 000 per side: 10 %
        # faster than a third on the national geography, the same on the dense one).
        typical = float(np.median(radius)) if len(vols) else 1.0
        # Radius bands (at the quartiles of the radii): a family looks at the volunteers of
        # a band only as far as the band's largest radius, so that volunteers who go
        # 1 km are not searched for 5 km away. A quarter fewer candidates with 1-5 km radii.
        self.band_max = (np.unique(np.quantile(radius, [0.25, 0.5, 0.75, 1.0], method="higher"))
                         if len(vols) else np.zeros(1))
        band = np.searchsorted(self.band_max, radius, side="left")
        n_groups = max(1, len(self.languages_book)) * len(self.band_max)
        min_strip = math.pi * EARTH_RADIUS_KM * n_groups / (_MAX_GROUPS - n_groups)
        self.strip_km = min(max(typical / 1.5, 0.05, min_strip), 5000.0)
        self.strip_rad = self.strip_km / EARTH_RADIUS_KM
        self.n_strips = int(math.floor(math.pi / self.strip_rad)) + 1

        # One entry per (volunteer, language), sorted by (language, band, strip, longitude).
        entry_vol, entry_lang = [], []
        for k, value in enumerate(lang_ints):
            while value:
                low = value & -value
                entry_vol.append(k)
                entry_lang.append(low.bit_length() - 1)
                value ^= low
        entry_vol_a = np.array(entry_vol, dtype=np.int64)
        entry_lang_a = np.array(entry_lang, dtype=np.int64)
        phi, lmb, cos = prepare([v.lat for v in vols], [v.lon for v in vols])
        group = ((entry_lang_a * len(self.band_max) + band[entry_vol_a]) * self.n_strips
                 + self._strip(phi)[entry_vol_a])
        keys = (group << _LON_BITS) | _lon_quantum(lmb)[entry_vol_a]
        order = np.argsort(keys, kind="stable")
        e = entry_vol_a[order]

        self.keys = keys[order]
        self.volunteer = active[e]
        """Index, in the volunteers given, of the volunteer of each entry."""
        self.id_rank = self.id_rank_of[self.volunteer]
        self.phi, self.lmb, self.cos, self.radius = phi[e], lmb[e], cos[e], radius[e]
        # Per volunteer first (one Python pass), then per entry by numpy indexing.
        languages = self.languages_book.masks(lang_ints)
        offers = self.offers_book.masks([self.offers_book.integer(v.offers) for v in vols])
        slots = np.array([_slot_integer(v.availability, slot_cache) for v in vols],
                         dtype=np.uint32)
        ages = np.array([_age_integer(v.children_ages) for v in vols], dtype=np.uint64)
        self.languages = _take(languages, e)
        self.offers = _take(offers, e)
        self.slots = slots[e]
        self.ages = ages[e]
        # With at most 32 service codes, offers and slots share one word, so that both
        # filters cost one gather per side.
        self.packed = (
            self.offers[0] | (self.slots.astype(np.uint64) << np.uint64(32))
            if len(self.offers_book) <= 32 else None
        )
        self._cache: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.volunteers)

    # ------------------------------------------------------------ geometry

    def _strip(self, phi: np.ndarray) -> np.ndarray:
        strip = np.floor((phi + np.pi / 2) / self.strip_rad).astype(np.int64)
        return np.minimum(np.maximum(strip, 0), self.n_strips - 1)

    def _spans(self, phi: np.ndarray, lmb: np.ndarray, radius_km: np.ndarray):
        """For each family, the strips its search circle crosses and, on each, the
        longitude span ``[lo, hi]`` (radians, possibly past ±pi) that holds every point
        of the circle on that strip. Returns ``(family, strip, lo, hi)``."""
        rho = np.minimum(radius_km * (1 + 1e-9) / EARTH_RADIUS_KM + 1e-12, np.pi)
        first = self._strip(phi - rho)
        count = self._strip(phi + rho) - first + 1
        fam = np.repeat(np.arange(len(phi)), count)
        strip = first[fam] + (np.arange(count.sum()) - np.repeat(np.cumsum(count) - count,
                                                                  count))
        phi_f, rho_f = phi[fam], rho[fam]
        cos_rho = np.cos(rho_f)
        # The circle holds a pole: every longitude is in reach.
        full = cos_rho <= np.abs(np.sin(phi_f))
        # The circle is widest at latitude `widest`; inside a strip its span is largest
        # at the latitude of the strip closest to that (the span is unimodal).
        with np.errstate(invalid="ignore", divide="ignore"):
            widest = np.arcsin(np.minimum(np.maximum(np.sin(phi_f) / cos_rho, -1.0), 1.0))
            bottom = strip * self.strip_rad - np.pi / 2
            at = np.minimum(np.maximum(widest, bottom), bottom + self.strip_rad)
            denominator = np.cos(at) * np.cos(phi_f)
            arg = (cos_rho - np.sin(at) * np.sin(phi_f)) / denominator
        full |= (denominator <= 1e-15) | (arg <= -1.0)
        half = np.arccos(np.minimum(np.maximum(arg, -1.0), 1.0)) + _LON_MARGIN
        full |= half >= np.pi
        lo = np.where(full, -np.pi, lmb[fam] - half)
        hi = np.where(full, np.pi, lmb[fam] + half)
        return fam, strip, lo, hi

    def _ranges(self, fa: FamilyArrays):
        """Slices ``[start, stop)`` of the entries that hold every volunteer within reach
        of each family (its radius, and the largest radius of the band) and speaking one
        of its languages.

        Returns ``(family, start, stop, earlier)`` sorted by family, where ``earlier`` is
        the mask of the family's languages before the slice's language (to keep a pair
        only under its first shared language). Empty slices are dropped.
        """
        spans = [self._spans(fa.phi, fa.lmb, np.minimum(fa.radius, band_max))
                 for band_max in self.band_max]
        fam, strip, lo, hi = (np.concatenate(column) for column in zip(*spans, strict=True))
        band = np.repeat(np.arange(len(spans)), [len(span[0]) for span in spans])
        # A span past ±pi continues on the other side of the meridian.
        west, east = lo < -np.pi, hi > np.pi
        fam = np.concatenate([fam, fam[west], fam[east]])
        strip = np.concatenate([strip, strip[west], strip[east]])
        band = np.concatenate([band, band[west], band[east]])
        lo, hi = (
            np.concatenate([np.maximum(lo, -np.pi), lo[west] + 2 * np.pi,
                            np.full(east.sum(), -np.pi)]),
            np.concatenate([np.minimum(hi, np.pi), np.full(west.sum(), np.pi),
                            hi[east] - 2 * np.pi]),
        )
        order = np.argsort(fam, kind="stable")
        fam, strip, band, lo, hi = fam[order], strip[order], band[order], lo[order], hi[order]

        # Cross each span with the family's languages.
        lang_row, lang_bit = _bits(fa.languages)
        n = len(fa.ids)
        per_family = np.bincount(lang_row, minlength=n)
        first_lang = np.cumsum(per_family) - per_family
        reps = per_family[fam]
        span = np.repeat(np.arange(len(fam)), reps)
        k = np.arange(len(span)) - np.repeat(np.cumsum(reps) - reps, reps)
        which = first_lang[fam[span]] + k
        language = lang_bit[which]
        group = (language * len(self.band_max) + band[span]) * self.n_strips + strip[span]
        start = np.searchsorted(self.keys, (group << _LON_BITS) | _lon_quantum(lo[span]),
                                side="left")
        stop = np.searchsorted(self.keys, (group << _LON_BITS) | _lon_quantum(hi[span]),
                               side="right")
        keep = stop > start
        family = fam[span][keep]
        earlier = _below(fa.languages, family, language[keep])
        return family, start[keep], stop[keep], earlier

    # ------------------------------------------------------------ families

    def encode(self, families: Sequence[Family], weights: Weights) -> FamilyArrays:
        """Encode families against this index's code books (``O(total size of sets)``)."""
        languages, offers = self.languages_book, self.offers_book
        lang, tongue, needs, slots, ages = [], [], [], [], []
        by_priority: tuple[list[int], list[int], list[int]] = ([], [], [])
        total, host, waiting, lat, lon, radius = [], [], [], [], [], []
        slot_cache: dict = {}
        positions = offers.positions
        for f in families:
            if not isinstance(f, Family):
                raise InvalidFieldError("families", f"expected Family, got {f!r}")
            lang.append(languages.integer(f.languages))
            tongue.append(languages.integer(f.mother_tongues))
            need_mask = offers.integer(f.needs)
            needs.append(need_mask)
            if f.need_priorities:
                parts = [0, 0, 0]
                for n in f.needs:
                    if n in positions:
                        parts[f.priority(n) - 1] |= 1 << positions[n]
                for p in range(3):
                    by_priority[p].append(parts[p])
                total.append(sum(f.priority(n) for n in f.needs))
            else:
                by_priority[0].append(need_mask)
                by_priority[1].append(0)
                by_priority[2].append(0)
                total.append(len(f.needs))
            host.append(weights.host_language_need in f.needs)
            slots.append(_slot_integer(f.availability, slot_cache))
            ages.append(_age_integer(f.children_ages))
            waiting.append(f.waiting_days)
            lat.append(f.lat)
            lon.append(f.lon)
            radius.append(f.radius_km)
        phi, lmb, cos = prepare(lat, lon)
        age_masks = np.array(ages, dtype=np.uint64)
        needs_any = offers.masks(needs)
        slot_masks = np.array(slots, dtype=np.uint32)
        return FamilyArrays(
            ids=[f.id for f in families],
            phi=phi, lmb=lmb, cos=cos,
            radius=np.array(radius, dtype=np.float64),
            languages=languages.masks(lang),
            mother_tongues=languages.masks(tongue),
            needs_any=needs_any,
            needs_by_priority=(offers.masks(by_priority[0]), offers.masks(by_priority[1]),
                               offers.masks(by_priority[2])),
            total_priority=np.array(total, dtype=np.int64),
            host_need=np.array(host, dtype=bool),
            slots=slot_masks,
            ages=age_masks,
            age_count=np.bitwise_count(age_masks).astype(np.int64),
            waiting=np.array(waiting, dtype=np.int64),
            packed=(needs_any[0] | (slot_masks.astype(np.uint64) << np.uint64(32))
                    if self.packed is not None else None),
        )

    # ------------------------------------------------------------ search

    def edges(
        self,
        families: Sequence[Family] | FamilyArrays,
        exclude: Exclude = (),
        *,
        weights: Weights,
        max_candidates: int | None = None,
        workers: int | None = 1,
    ) -> Edges:
        """Every feasible pair of ``families`` with this index's volunteers, scored.

        Parameters
        ----------
        families : sequence of Family (or already encoded)
        exclude : iterable of (family_id, volunteer_id)
        weights : Weights
        max_candidates : int or None
            Keep only the best ``max_candidates`` pairs of each family (by score, then
            volunteer id); None keeps all.
        workers : int or None, default 1
            Processes to search in (see :mod:`voisins.matching.parallel`); None chooses
            (two on a multi-core machine when there are more than
            :data:`PARALLEL_WORK`).

        Returns
        -------
        Edges
            Family indices into ``families``, volunteer indices into the volunteers
            given to the index, scores and distances; grouped by family.

        Notes
        -----
        Work is proportional to the candidate pairs that share a language and lie in the
        strips crossed by each family's circle (about 1.2 times those within its radius),
        in batches of :data:`PAIR_BUDGET`; memory is ``O(PAIR_BUDGET + kept pairs)`` per
        worker. Families are searched in blocks of :data:`BLOCK_FAMILIES` along a
        Z-order curve of their homes; with several workers each takes every other block
        and encodes and searches it. Pairs come out grouped by family, blocks in order,
        the same whatever the number of workers.
        """
        n_families = len(families)
        if n_families == 0 or len(self.keys) == 0:
            return Edges.concatenate([])
        if isinstance(families, FamilyArrays):
            lat, lon = families.phi, families.lmb
        else:
            for f in families:
                if not isinstance(f, Family):
                    raise InvalidFieldError("families", f"expected Family, got {f!r}")
            lat, lon = [f.lat for f in families], [f.lon for f in families]
        n_workers = resolve_workers(workers, float(n_families) * len(self.keys),
                                    PARALLEL_WORK)
        exclude = as_exclude_set(exclude) if exclude else ()
        # Families in blocks along a Z-order curve: a batch then reads nearby index
        # entries (10 % faster at 100 000). The blocks do not depend on the workers, who
        # take every other one (a big city spans several), so the pairs come out in the
        # same order however many there are.
        order = np.argsort(spatial_rank(lat=lat, lon=lon), kind="stable")
        blocks = np.array_split(order, -(-n_families // BLOCK_FAMILIES))
        n_workers = min(n_workers, len(blocks))

        def search(mine: list[np.ndarray]) -> list[Edges]:
            found = []
            for block in mine:
                fa = (families.part(block) if isinstance(families, FamilyArrays)
                      else self.encode([families[k] for k in block.tolist()], weights))
                edges = self._edges(fa, exclude, weights, max_candidates)
                edges.family = block[edges.family]
                found.append(edges)
            return found

        shares = fork_map(search, [blocks[w::n_workers] for w in range(n_workers)])
        return Edges.concatenate([shares[k % n_workers][k // n_workers]
                                  for k in range(len(blocks))])

    def _edges(self, fa: FamilyArrays, exclude: Exclude, weights: Weights,
               max_candidates: int | None) -> Edges:
        """:meth:`edges` for encoded families, in this process."""
        excluded = self._excluded_keys(fa.ids, exclude)
        family, start, stop, earlier = self._ranges(fa)
        vol_ages = self._similar_ages(weights.children_age_gap)
        speaks_host = self._speaks(weights.host_language_code)
        priorities = [(p, masks) for p, masks in enumerate(fa.needs_by_priority, start=1)
                      if any(word.any() for word in masks)]
        parts = []
        for batch in _batches(family, stop - start, len(fa.ids)):
            part = self._batch_edges(fa, family[batch], start[batch], stop[batch],
                                     _take(earlier, batch), excluded, vol_ages, speaks_host,
                                     priorities, weights)
            if max_candidates is not None:
                part = _keep_best(part, max_candidates, self.id_rank)
            part.volunteer = self.volunteer[part.volunteer]
            parts.append(part)
        return Edges.concatenate(parts)

    def _excluded_keys(self, family_ids: list[Hashable], exclude: Exclude) -> np.ndarray | None:
        if not exclude:
            return None
        family_pos = {id_: i for i, id_ in enumerate(family_ids)}
        keys = [
            family_pos[f] * len(self.volunteers) + self.position[v]
            for f, v in exclude
            if f in family_pos and v in self.position
        ]
        return np.unique(np.array(keys, dtype=np.int64)) if keys else None

    def _similar_ages(self, gap: int) -> np.ndarray:
        """Per entry, the ages within ``gap`` years of a child's age (cached per gap)."""
        key = f"ages:{gap}"
        if key not in self._cache:
            self._cache[key] = _dilate(self.ages, gap)
        return self._cache[key]

    def _speaks(self, code: str) -> np.ndarray:
        """Per entry, whether the volunteer speaks ``code`` (cached per code)."""
        key = f"speaks:{code}"
        if key not in self._cache:
            bit = self.languages_book.bit(code)
            if bit is None:
                self._cache[key] = np.zeros(len(self.keys), dtype=bool)
            else:
                word = self.languages[bit // 64]
                self._cache[key] = (word >> np.uint64(bit % 64)) & np.uint64(1) != 0
        return self._cache[key]

    def _batch_edges(self, fa, family, start, stop, earlier, excluded, vol_ages, speaks_host,
                     priorities, weights) -> Edges:
        size = stop - start
        r = np.repeat(np.arange(len(size)), size)
        j = np.arange(size.sum()) + np.repeat(start - (np.cumsum(size) - size), size)

        # Cheapest and most selective filters first; each keeps the survivors only.
        # Pairs of a range with no earlier language cannot have been found already.
        later = earlier[0] != 0
        for word in earlier[1:]:
            later |= word != 0
        if later.any():
            check = np.flatnonzero(later[r])
            found = _intersects(_take(earlier, r[check]), _take(self.languages, j[check]))
            if found.any():
                keep = np.ones(len(r), dtype=bool)
                keep[check[found]] = False
                r, j = r[keep], j[keep]
        i = family[r]
        if self.packed is not None:
            both = fa.packed[i] & self.packed[j]
            keep = ((both & np.uint64(0xFFFFFFFF)) != 0) & ((both >> np.uint64(32)) != 0)
            i, j = i[keep], j[keep]
        else:
            keep = _intersects(_take(fa.needs_any, i), _take(self.offers, j))
            i, j = i[keep], j[keep]
            keep = (fa.slots[i] & self.slots[j]) != 0
            i, j = i[keep], j[keep]
        distance = haversine_prepared(fa.phi[i], fa.lmb[i], fa.cos[i],
                                      self.phi[j], self.lmb[j], self.cos[j])
        keep = distance <= np.minimum(fa.radius[i], self.radius[j])
        i, j, distance = i[keep], j[keep], distance[keep]
        if excluded is not None:
            keep = ~np.isin(i * len(self.volunteers) + self.volunteer[j], excluded)
            i, j, distance = i[keep], j[keep], distance[keep]

        # Pairs come out grouped by family but not in volunteer order inside a family;
        # the order does not matter to the solver and ties are broken by id later.
        met = np.zeros(len(i), dtype=np.int64)
        offers = _take(self.offers, j)
        for priority, masks in priorities:
            met += priority * _common(_take(masks, i), offers)
        vol_has_children = self.ages[j] != 0
        score = combine(
            weights,
            distance_km=distance,
            met_priority=met,
            total_priority=fa.total_priority[i],
            shared_slots=np.bitwise_count(fa.slots[i] & self.slots[j]),
            mother_tongue=_intersects(_take(fa.mother_tongues, i), _take(self.languages, j)),
            host_language=fa.host_need[i] & speaks_host[j],
            children_matched=np.bitwise_count(fa.ages[i] & vol_ages[j]),
            children_total=np.where(vol_has_children, fa.age_count[i], 0),
            waiting_days=fa.waiting[i],
        )
        return Edges(i, j, score, distance, found=len(i))

    # ------------------------------------------------------------ one family

    def suggest(
        self,
        family: Family,
        k: int = 10,
        exclude: Exclude = (),
        *,
        weights: Weights | None = None,
    ):
        """The ``k`` best feasible volunteers for one family, best first.

        See :func:`voisins.matching.suggest`, which this answers without rebuilding the
        index; ``O(candidates near the family + k log k)``.
        """
        weights = weights or DEFAULT_WEIGHTS
        edges = suggest_edges(self, family, k, exclude, weights)
        return proposals_for([family], self.volunteers, edges, weights)


def _batches(family: np.ndarray, size: np.ndarray, n_families: int) -> Iterator[slice]:
    """Slices of the ranges (sorted by family) holding about PAIR_BUDGET pairs each, cut
    at family boundaries so that each family's pairs are in one batch."""
    if len(family) == 0:
        return
    per_family = np.bincount(family, weights=size, minlength=n_families)
    cumulative = np.cumsum(per_family)
    marks = np.arange(PAIR_BUDGET, cumulative[-1], PAIR_BUDGET)
    cuts = np.searchsorted(cumulative, marks, side="left") + 1
    bounds = np.unique(np.r_[0, cuts, n_families].clip(0, n_families))
    range_bounds = np.searchsorted(family, bounds, side="left")
    for a, b in zip(range_bounds[:-1], range_bounds[1:], strict=True):
        if b > a:
            yield slice(a, b)


def _keep_best(edges: Edges, k: int, id_rank: np.ndarray) -> Edges:
    """Each family's ``k`` best pairs by score, ties by volunteer id.

    ``edges`` are grouped by family, with volunteers still as index entries. The k-th
    best score of each family with more than ``k`` pairs comes from ``np.partition`` on
    rows of a padded matrix (families grouped by pair count, so padding at most doubles
    the work); pairs above it are kept, pairs equal to it by volunteer id.
    """
    fam = edges.family
    if len(fam) == 0:
        return edges
    starts = np.flatnonzero(np.r_[True, fam[1:] != fam[:-1]])
    counts = np.diff(np.r_[starts, len(fam)])
    if counts.max() <= k:
        return edges
    group = np.repeat(np.arange(len(starts)), counts)
    threshold = np.full(len(starts), -np.inf)
    over = np.flatnonzero(counts > k)
    width_class = np.ceil(np.log2(counts[over])).astype(np.int64)
    for cls in np.unique(width_class):
        groups = over[width_class == cls]
        c = counts[groups]
        width = int(c.max())
        matrix = np.full((len(groups), width), -np.inf)
        rows = np.repeat(np.arange(len(groups)), c)
        cols = np.arange(c.sum()) - np.repeat(np.cumsum(c) - c, c)
        matrix[rows, cols] = edges.score[np.repeat(starts[groups], c) + cols]
        threshold[groups] = np.partition(matrix, width - k, axis=1)[:, width - k]
    t = threshold[group]
    keep = edges.score > t
    tied = np.flatnonzero(edges.score == t)
    if len(tied):
        room = k - np.bincount(group[keep], minlength=len(starts))
        tied = tied[np.lexsort((id_rank[edges.volunteer[tied]], group[tied]))]
        g = group[tied]
        first = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        rank = np.arange(len(tied)) - np.repeat(first, np.diff(np.r_[first, len(tied)]))
        keep[tied[rank < room[g]]] = True
    return edges.subset(keep)
