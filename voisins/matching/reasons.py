"""Why a pair was proposed, in words a coordinator understands.

Each reason is a :class:`~voisins.matching.model.Reason`: an English sentence with a
``code`` and ``params`` from which the application can write it in another language.

=================  ==================================================================
code               params
=================  ==================================================================
``need``           ``need`` (code), ``label``, ``priority`` (1-3), ``children_ages``
``distance``       ``km`` (rounded to 0.1), ``walking`` (bool)
``language``       ``languages`` (codes), ``names``
``mother_tongue``  ``languages`` (codes), ``names``
``host_language``  ``language`` (code), ``name``, ``need``
``slots``          ``count``, ``slots`` (codes in week order)
``children``       ``family_ages``, ``volunteer_ages``
``waiting``        ``days``
=================  ==================================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .model import SLOT_BITS, Family, Reason, Volunteer
from .rules import PairFeatures
from .weights import Weights

LANGUAGE_NAMES: dict[str, str] = {
    "am": "Amharic",
    "ar": "Arabic",
    "bg": "Bulgarian",
    "bn": "Bengali",
    "ckb": "Sorani Kurdish",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "ff": "Fula",
    "fr": "French",
    "hy": "Armenian",
    "it": "Italian",
    "ka": "Georgian",
    "kmr": "Kurmanji Kurdish",
    "ku": "Kurdish",
    "ln": "Lingala",
    "nl": "Dutch",
    "pl": "Polish",
    "prs": "Dari",
    "ps": "Pashto",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "rw": "Kinyarwanda",
    "sk": "Slovak",
    "so": "Somali",
    "sq": "Albanian",
    "sr": "Serbian",
    "sw": "Swahili",
    "ta": "Tamil",
    "ti": "Tigrinya",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "wo": "Wolof",
    "zh": "Chinese",
}
"""English names of the languages a Belgian programme meets most; other codes show as is."""

SERVICE_LABELS: dict[str, str] = {
    "homework": "homework help",
    "transport": "transport",
    "discover-area": "discovering the area",
    "paperwork": "help with paperwork and mail",
    "french-conversation": "French conversation",
    "shared-meal": "sharing a meal",
    "outings-children": "outings with the children",
    "digital-help": "help with computers and phones",
    "together": "doing things together",
}
"""English labels of the application's service codes; other codes are shown generically."""

_DAY_NAMES = {
    "mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
    "fri": "Friday", "sat": "Saturday", "sun": "Sunday",
}
_PART_NAMES = {"am": "morning", "pm": "afternoon", "eve": "evening"}
_CHILD_SERVICES = ("homework", "outings-children")


def language_name(code: str) -> str:
    """English name of a language code, or the code itself when unknown.

    Examples
    --------
    >>> language_name("prs"), language_name("xx")
    ('Dari', 'xx')
    """
    return LANGUAGE_NAMES.get(code, code)


def service_label(code: str) -> str:
    """English label of a service code; an unknown code is written out as words.

    Examples
    --------
    >>> service_label("paperwork"), service_label("bike-repair")
    ('help with paperwork and mail', 'help with bike repair')
    """
    return SERVICE_LABELS.get(code, "help with " + code.replace("-", " ").replace("_", " "))


def slot_label(slot: str) -> str:
    """``"wed-pm"`` → ``"Wednesday afternoon"``."""
    day, part = slot.split("-")
    return f"{_DAY_NAMES[day]} {_PART_NAMES[part]}"


def _and(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _children_phrase(ages: Sequence[int]) -> str:
    if len(ages) == 1:
        return f"a {ages[0]}-year-old"
    return "children aged " + _and([str(a) for a in ages])


def waiting_phrase(days: int) -> str:
    """How long a family has waited, in the unit a person would use.

    Examples
    --------
    >>> waiting_phrase(1), waiting_phrase(20), waiting_phrase(122)
    ('waiting for 1 day', 'waiting for 2 weeks', 'waiting for 4 months')
    """
    if days < 14:
        amount, unit = days, "day"
    elif days < 61:
        amount, unit = days // 7, "week"
    else:
        amount, unit = round(days / 30.44), "month"
    return f"waiting for {amount} {unit}{'' if amount == 1 else 's'}"


_CACHE: dict[tuple, Reason] = {}
_CACHE_LIMIT = 100_000


def _cached(key: tuple, make, *args) -> Reason:
    """The same reason object for the same words: a national batch has a few thousand
    distinct reasons for hundreds of thousands of proposals. Reasons are immutable (their
    ``params`` property returns a copy), so sharing them is safe. ``make(*args)`` gives
    (text, code, params) on a miss."""
    reason = _CACHE.get(key)
    if reason is None:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        text, code, params = make(*args)
        reason = _CACHE[key] = Reason(text, code=code, params=params)
    return reason


def _need_reason(need: str, priority: int, ages: tuple[int, ...]) -> tuple:
    label = service_label(need)
    text = f"{label} for {_children_phrase(ages)}" if ages else label
    if priority == 3:
        text += " (high priority)"
    return text, "need", {"need": need, "label": label, "priority": priority,
                          "children_ages": list(ages)}


def _need_reasons(family: Family, met_needs: Iterable[str]) -> list[Reason]:
    priority_of = family.need_priorities
    ordered = (sorted(met_needs, key=lambda n: (-priority_of.get(n, 1), n)) if priority_of
               else sorted(met_needs))
    reasons = []
    cache = _CACHE
    for need in ordered:
        priority = priority_of.get(need, 1)
        ages = family.children_ages if need in _CHILD_SERVICES else ()
        key = ("need", need, priority, ages)
        reason = cache.get(key)
        reasons.append(reason if reason is not None
                       else _cached(key, _need_reason, need, priority, ages))
    return reasons


def _distance_reason(km: float, walking: bool) -> tuple:
    text = f"{km:.1f} km apart, within walking distance" if walking else f"{km:.1f} km apart"
    return text, "distance", {"km": km, "walking": walking}


def _languages_reason(codes: frozenset[str], mother: bool) -> tuple:
    ordered = sorted(codes, key=lambda c: (language_name(c), c))
    names = [language_name(c) for c in ordered]
    if mother:
        return (f"the volunteer speaks the family's mother tongue, {_and(names)}",
                "mother_tongue", {"languages": ordered, "names": names})
    return f"both speak {_and(names)}", "language", {"languages": ordered, "names": names}


def _host_reason(code: str, need: str) -> tuple:
    name = language_name(code)
    return (f"can practise {name} with a {name} speaker", "host_language",
            {"language": code, "name": name, "need": need})


def _slots_reason(shared: frozenset[str]) -> tuple:
    slots = sorted(shared, key=SLOT_BITS.__getitem__)
    if len(slots) == 1:
        text = f"both free on {slot_label(slots[0])}"
    else:
        shown = [slot_label(s) for s in slots[:3]] + (["more"] if len(slots) > 3 else [])
        text = f"{len(slots)} shared time slots: {_and(shown)}"
    return text, "slots", {"count": len(slots), "slots": slots}


def _children_reason(family_ages: tuple[int, ...], volunteer_ages: tuple[int, ...]) -> tuple:
    return (
        f"children of similar ages ({_and([str(a) for a in family_ages])} in the family, "
        f"{_and([str(b) for b in volunteer_ages])} at the volunteer's)",
        "children", {"family_ages": list(family_ages), "volunteer_ages": list(volunteer_ages)},
    )


def explain(
    family: Family, volunteer: Volunteer, features: PairFeatures, weights: Weights
) -> tuple[Reason, ...]:
    """The reasons of a pair from its features, most important first.

    Parameters
    ----------
    family, volunteer : Family, Volunteer
    features : PairFeatures
        From :func:`voisins.matching.rules.pair_features`.
    weights : Weights
        For the walking distance and the age gap that the sentences mention.

    Returns
    -------
    tuple of Reason
        Needs met (high priority first), distance, shared languages, mother tongue,
        host language, shared slots, children of similar ages, waiting time.

    Notes
    -----
    ``O(size of the sets)``; called only for the proposals returned, never in the search.

    Examples
    --------
    >>> from voisins.matching import pair_features
    >>> f = Family(id="f1", lat=50.8466, lon=4.3517, languages={"ar"}, needs={"homework"},
    ...            availability={"wed-pm"}, radius_km=2, children_ages=[9],
    ...            waiting_days=122)
    >>> v = Volunteer(id="v1", lat=50.8566, lon=4.3517, languages={"ar", "fr"},
    ...               offers={"homework"}, availability={"wed-pm"}, radius_km=3)
    >>> for reason in explain(f, v, pair_features(f, v), Weights()):
    ...     print(f"{reason.code:8} {reason}")
    need     homework help for a 9-year-old
    distance 1.1 km apart
    language both speak Arabic
    slots    both free on Wednesday afternoon
    waiting  waiting for 4 months
    """
    reasons = _need_reasons(family, features.met_needs)
    cache = _CACHE

    km = round(features.distance_km, 1)
    walking = features.distance_km <= weights.walk_km
    key: tuple = ("distance", km, walking)
    reasons.append(cache.get(key) or _cached(key, _distance_reason, km, walking))

    shared = features.shared_languages
    if shared:
        key = ("language", shared)
        reasons.append(cache.get(key) or _cached(key, _languages_reason, shared, False))
    tongues = features.mother_tongues
    if tongues:
        key = ("mother_tongue", tongues)
        reasons.append(cache.get(key) or _cached(key, _languages_reason, tongues, True))
    if features.host_language:
        code, need = weights.host_language_code, weights.host_language_need
        key = ("host_language", code, need)
        reasons.append(cache.get(key) or _cached(key, _host_reason, code, need))

    slots = features.shared_slots
    key = ("slots", slots)
    reasons.append(cache.get(key) or _cached(key, _slots_reason, slots))

    if features.children_matched:
        gap = weights.children_age_gap
        family_ages = features.children_matched
        volunteer_ages = tuple(sorted({
            b for b in volunteer.children_ages if any(abs(a - b) <= gap for a in family_ages)
        }))
        key = ("children", family_ages, volunteer_ages)
        reasons.append(cache.get(key)
                       or _cached(key, _children_reason, family_ages, volunteer_ages))

    days = features.waiting_days
    if days > 0:
        key = ("waiting", days)
        reasons.append(cache.get(key) or _cached(key, _waiting_reason, days))
    return tuple(reasons)


def _waiting_reason(days: int) -> tuple:
    return waiting_phrase(days), "waiting", {"days": days}
