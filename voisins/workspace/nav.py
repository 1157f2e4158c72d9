"""The staff navigation, defined in one place, by what a coordinator does in a day.

Each entry names a URL. Pages that other parts of Voisins add later (proposals, cases,
trainings…) appear on their own once their URL name exists: an entry whose name does not
resolve is skipped, so the menu never links to a page that is not there.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from voisins import access


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Promise | str
    action: str  # the access.PERMISSIONS entry a user needs to see it
    query: str = ""


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("staff:families", _("Waiting families"), "view_households", "?status=waiting"),
    NavItem("matches:proposals", _("Proposals"), "view_households"),
    NavItem("matches:attention", _("Matches needing attention"), "view_households"),
    NavItem("matches:checkins_due", _("Check-ins due"), "view_households"),
    NavItem("mediation:cases", _("Cases"), "view_households"),
    NavItem("staff:volunteers", _("Volunteers"), "view_households"),
    NavItem("training:sessions", _("Trainings"), "view_households"),
    NavItem("community:events", _("Events"), "view_households"),
    NavItem("workspace:map", _("Map"), "view_households"),
    NavItem("reports:dashboard", _("Reports"), "view_aggregates"),
)


def _reverse(url_name: str, slug: str) -> str | None:
    # Programme pages take the programme's slug; a page of another app might not.
    for kwargs in ({"slug": slug}, {}):
        try:
            return reverse(url_name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def nav_for(user, programme, current_path: str = "") -> list[dict]:
    """The entries `user` may follow in `programme`, with their URL and whether current."""
    if programme is None:
        return []
    items = []
    for item in NAV_ITEMS:
        if not access.can(user, item.action, programme):
            continue
        url = _reverse(item.url_name, programme.slug)
        if url is None:
            continue
        items.append({"url": url + item.query, "label": item.label,
                      "current": bool(current_path) and current_path == url})
    return items
