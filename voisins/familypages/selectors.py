"""Reads for the family pages and for the coordinator's view of a family's links."""

from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.status import FamilyStatus
from voisins.programmes.categories import BUILTIN_BY_CODE

from .links import household_link_token, household_links_of, link_kind
from .nav import family_nav

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


def household_links(*, household: FamilyHousehold | VolunteerHousehold,
                    request: HttpRequest) -> dict:
    """The household's links, newest first, each with the full URL to send, and what the
    coordinator's link card needs (its kind, its URL names)."""
    kind = link_kind(household)
    links = list(household_links_of(household)[:10])
    for link in links:
        link.url = request.build_absolute_uri(
            reverse(kind.home, kwargs={"token": household_link_token(link)}))
        if link.active:
            link.share = _share(household, link.url)
    prefix = "familypages:staff_" if kind.name == "family" else "familypages:staff_volunteer_"
    return {"household": household, "family": household, "programme": household.programme,
            "links": links, "kind": kind.name, "links_url": prefix + "links",
            "revoke_url": prefix + "revoke"}


def _share(household: FamilyHousehold | VolunteerHousehold, url: str) -> dict:
    """What the coordinator needs to hand a live link over: its QR code (inline SVG, to
    show on a phone or print on a letter), and a text message and an e-mail prefilled
    with it, opened in the coordinator's own apps (Voisins itself sends nothing here)."""
    import segno

    qr = segno.make(url, error="m", micro=False)
    # The message is in the household's language when Voisins speaks it.
    language = getattr(household, "page_language", "") or translation.get_language()
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language()
    with translation.override(language):
        text = _("Your personal link to your pages: %(url)s") % {"url": url}
        subject = _("Your personal link")
    phone = str(household.phone or "").replace(" ", "")
    return {
        "qr_svg": mark_safe(qr.svg_inline(scale=3, border=2)),  # noqa: S308 (segno's own SVG)
        "sms": f"sms:{phone}?body={quote(text)}",
        "mailto": (f"mailto:{quote(household.email or '', safe='@')}"
                   f"?subject={quote(subject)}&body={quote(text)}"),
    }


def revoke_preview(*, household: FamilyHousehold | VolunteerHousehold) -> dict:
    """What closing one of `household`'s links does and who learns of it, for the
    confirmation page."""
    return {
        "what": [_("The link stops working at once and for good: whoever opens it (the "
                   "household, or someone it was sent to by mistake) is told that it is no "
                   "longer valid."),
                 _("The household's other links, and its data, do not change.")],
        "told": [_("Nobody is sent a message: if %(name)s still needs a link, create a new "
                   "one and send it.") % {"name": household.contact_first_name}],
    }


def volunteer_page_language(volunteer: VolunteerHousehold) -> str:
    """The language of a volunteer household's pages when it chose none: its account's
    language, else the first language it speaks that Voisins has pages in, else the
    programme's first such language, else the site's."""
    known = [code for code, _name in settings.LANGUAGES]
    user = volunteer.user if volunteer.user_id else None
    candidates = [getattr(user, "language", "") or ""]
    candidates += [entry.get("code", "") for entry in volunteer.languages or []
                   if isinstance(entry, dict)]
    candidates += list(volunteer.programme.languages or [])
    return next((code for code in candidates if code in known), settings.LANGUAGE_CODE)
