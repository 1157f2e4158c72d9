"""The staff navigation, defined in one place, by what a coordinator does in a day.

Each entry names a URL. An entry whose name does not resolve is skipped, so the menu never
links to a page that is not there (tests/pages/test_shell_nav.py checks that every entry of
NAV_ITEMS does resolve). Lists where work waits show how many items wait there.
"""

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl

from django.urls import (
    NoReverseMatch,
    URLResolver,
    get_resolver,
    get_script_prefix,
    get_urlconf,
    reverse,
)
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from voisins import access

from . import selectors


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Promise | str
    action: str  # the access.PERMISSIONS entry a user needs to see it
    query: str = ""
    count: str = ""  # a key of selectors.nav_counts: how many wait in that list
    # The words on the programme's home page, where the count stands alone on a card and
    # the menu's short word would not say what waits ("Proposals": drafts to send).
    card: Promise | str = ""


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("staff:families", _("Waiting families"), "view_households", "?status=waiting",
            count="waiting"),
    NavItem("matches:proposals", _("Proposals"), "manage_matches", count="proposals",
            card=_("Proposals to review and send")),
    NavItem("matches:matches", _("Matches needing attention"), "mediate", "?attention=1",
            count="attention"),
    NavItem("matches:checkins_overdue", _("Check-ins due"), "manage_matches",
            count="checkins"),
    NavItem("mediation:cases", _("Cases"), "mediate", count="cases"),
    NavItem("staff:to_call", _("To call"), "call_households", count="to_call"),
    NavItem("matches:dashboard", _("Follow-up"), "manage_matches"),
    NavItem("staff:volunteers", _("Volunteers"), "view_households"),
    NavItem("training:overview", _("Trainings"), "manage_training"),
    NavItem("community:events", _("Events"), "manage_events"),
    NavItem("staff:group_messages", _("Messages"), "message_groups"),
    NavItem("workspace:map", _("Map"), "view_households"),
    NavItem("evaluation:dashboard", _("Reports"), "view_aggregates"),
)


def _reverse(url_name: str, slug: str) -> str | None:
    # Every staff page writes the menu: its thirteen reverse() are made once per programme
    # (and URL configuration and prefix), not on every request.
    return _reversed(url_name, slug, get_script_prefix(), get_resolver(get_urlconf()))


@lru_cache(maxsize=2048)
def _reversed(url_name: str, slug: str, _prefix: str, resolver: URLResolver) -> str | None:
    # Programme pages take the programme's slug; a page of another app might not.
    for kwargs in ({"slug": slug}, {}):
        try:
            return reverse(url_name, urlconf=resolver.urlconf_name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def _is_current(url: str, query: str, here: str) -> bool:
    # The page is current when the paths agree and the entry's filters are all in force.
    path, _sep, here_query = here.partition("?")
    return path == url and set(parse_qsl(query.lstrip("?"))) <= set(parse_qsl(here_query))


def nav_for(user, programme, current_path: str = "") -> list[dict]:
    """The entries `user` may follow in `programme`: URL, label, whether it is the current
    page (`current_path` may carry a query string), and how many items wait there (None
    when the entry has no count). The counts cost one query together, none while they
    are in the cache."""
    if programme is None:
        return []
    items = []
    for item in NAV_ITEMS:
        if not access.can(user, item.action, programme):
            continue
        url = _reverse(item.url_name, programme.slug)
        if url is None:
            continue
        items.append({"url": url + item.query, "label": item.label, "key": item.count,
                      "card": item.card or item.label,
                      "current": _is_current(url, item.query, current_path)})
    counts = selectors.cached_nav_counts(programme, user,
                                         [i["key"] for i in items if i["key"]])
    for entry in items:
        entry["count"] = counts.get(entry.pop("key"))
    return items
