"""Reads for the family pages and for the coordinator's view of a family's links."""

from django.http import HttpRequest
from django.urls import reverse

from voisins.households.models import FamilyHousehold
from voisins.households.status import FamilyStatus
from voisins.programmes.categories import BUILTIN_BY_CODE

from .models import FamilyLink
from .nav import family_nav
from .services import family_link_token

# What a family reads about where it stands: plain words, one pictogram.
STATUS_ICON = {
    FamilyStatus.REFERRED: "hands", FamilyStatus.INTAKE_DONE: "hands",
    FamilyStatus.WAITING: "map", FamilyStatus.MATCHED: "home", FamilyStatus.ENDED: "hands",
}


def family_home(*, family: FamilyHousehold, token: str) -> dict:
    """What the family's home page shows: its first name, where it stands, what it asked."""
    categories = {c.code: c for c in family.programme.service_categories.all()}
    needs = []
    for code, priority in sorted(family.needs.items(), key=lambda kv: (-kv[1], kv[0])):
        category = categories.get(code)
        builtin = BUILTIN_BY_CODE.get(code)
        needs.append({
            "code": code,
            "label": category.label if category else (builtin.label if builtin else code),
            "icon": category.icon if category else (builtin.icon if builtin else "hands"),
            "priority": priority,
        })
    return {
        "family": family, "programme": family.programme, "token": token,
        "status_icon": STATUS_ICON.get(family.status, "hands"), "needs": needs,
        "pages": family_nav(token),
        # The programme is paused (a lockdown): the page says so, with the team's message.
        "pause": family.programme.pauses.filter(ended_at__isnull=True).first(),
    }


def family_links(*, family: FamilyHousehold, request: HttpRequest) -> dict:
    """The family's links, newest first, each with the full URL to send."""
    links = list(FamilyLink.objects.filter(family=family)[:10])
    for link in links:
        link.url = request.build_absolute_uri(
            reverse("familypages:home", kwargs={"token": family_link_token(link)}))
    return {"family": family, "programme": family.programme, "links": links}
