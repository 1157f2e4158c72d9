"""Links on a family's home page to the other pages a family may have (answer a proposal,
a check-in…), by URL name. Names that do not resolve yet are skipped, so pages other apps
add later appear on their own. Each page takes the family's `token`."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FamilyNavItem:
    url_name: str
    label: Promise | str
    icon: str


FAMILY_NAV_ITEMS: tuple[FamilyNavItem, ...] = (
    FamilyNavItem("matches:family_proposal", _("A neighbour for you"), "hands"),
    FamilyNavItem("matches:family_checkin", _("How is it going?"), "speech"),
    FamilyNavItem("matches:family_help", _("Ask for help"), "phone"),
    FamilyNavItem("evaluation:family_surveys", _("Questions for your children"), "book"),
    FamilyNavItem("community:family_events", _("Events"), "meal"),
    FamilyNavItem("familypages:message_choices", _("How we write to you"), "letter"),
)


def family_nav(token: str) -> list[dict]:
    items = []
    for item in FAMILY_NAV_ITEMS:
        try:
            url = reverse(item.url_name, kwargs={"token": token})
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": item.label, "icon": item.icon})
    return items
