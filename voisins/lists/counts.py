"""Counts for the pages: several querysets counted in one query, and counts kept in the
cache until any write."""

import logging
from collections.abc import Callable
from uuid import uuid4

from django.core.cache import cache
from django.db.models import F, Func, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce

from voisins.programmes.models import Programme

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


def to_call_message_saved(instance, **_signal) -> None:
    """A message saved: the to-call list's count changes only with one to call or called
    (a worker sending thousands of e-mails does not make every page count again)."""
    if instance.state in ("to_call", "called"):
        nav_counts_changed()


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



def _count(queryset: QuerySet) -> Coalesce:
    # COUNT(*) of `queryset` as a scalar subquery (a Func, so no GROUP BY is added).
    counted = queryset.order_by().annotate(
        _n=Func(F("pk"), function="COUNT", output_field=IntegerField())).values("_n")[:1]
    return Coalesce(Subquery(counted), 0)


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
