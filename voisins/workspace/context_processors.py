"""What every page's shell needs: the current programme, its navigation, the languages."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from voisins import access
from voisins.networks.selectors import networks

from .nav import nav_for
from .selectors import programme_paused_since


def _programmes(request: HttpRequest) -> list:
    """The programmes where the user holds a staff role (read once per request, with the
    roles: see access.programmes_of)."""
    return access.programmes_of(request.user)


def _current_programme(request: HttpRequest):
    programmes = _programmes(request)
    if not programmes:
        return None
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("slug") if match else None
    for programme in programmes:
        if programme.slug == slug:
            return programme
    return programmes[0] if len(programmes) == 1 else None


def shell(request: HttpRequest) -> dict:
    """`shell_is_staff`, `shell_programme` and `shell_nav` are computed only when a template
    uses them."""
    programme = SimpleLazyObject(lambda: _current_programme(request) or False)
    return {
        # Staff get the search and their programmes; a volunteer household does not.
        "shell_is_staff": SimpleLazyObject(lambda: bool(_programmes(request))),
        "shell_programme": programme,
        # The first day of the programme's running pause: a banner on every staff page.
        "shell_paused_since": SimpleLazyObject(
            lambda: (programme and bool(_programmes(request))
                     and programme_paused_since(programme, request.user)) or False),
        "shell_nav": SimpleLazyObject(
            lambda: nav_for(request.user, programme or None, request.get_full_path())),
        # "Network" in the menu, for whoever holds a role in a network.
        "shell_networks": SimpleLazyObject(
            lambda: access.holds_network_role(request.user, networks())),
        # Each language in its own name, untranslated, so that anyone finds theirs.
        "shell_languages": [(code, name) for code, name in settings.LANGUAGES
                            if code in settings.STAFF_LANGUAGES],
        "shell_family_languages": settings.LANGUAGES,
    }
