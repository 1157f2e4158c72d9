"""The map: households by postcode area, commune boundaries, a family's radius.

Leaflet comes from django-leaflet's static files, served by the app. Tiles are a setting
(VOISINS_MAP_TILES, none by default, so that no third party learns where staff look);
without tiles the map still draws the areas and the communes on a plain background.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from voisins import access
from voisins.audit.services import audit_list
from voisins.households.models import FamilyHousehold
from voisins.households.selectors import household_records

from . import selectors
from .forms import RadiusForm


def _tiles() -> dict:
    return {"url": settings.VOISINS.get("MAP_TILES", ""),
            "attribution": settings.VOISINS.get("MAP_ATTRIBUTION", "")}


@login_required
def map_page(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "view_households")
    return render(request, "workspace/map.html", {
        "programme": prog, "areas": selectors.map_areas(prog), "tiles": _tiles(),
    })


@login_required
def households_geojson(request: HttpRequest, slug: str) -> JsonResponse:
    prog = access.programme_or_404(request.user, slug, "view_households")
    return JsonResponse(_areas_geojson(selectors.map_areas(prog)))


def _areas_geojson(areas: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [round(a["lon"], 4), round(a["lat"], 4)]},
         "properties": {k: a[k] for k in ("postcode", "locality", "waiting", "matched",
                                          "volunteers")}}
        for a in areas
    ]}


@login_required
def family_radius(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "view_households")
    family = access.record_or_404(household_records(model=FamilyHousehold), request.user,
                                  "view_households", pk=pk, programme=prog)
    form = RadiusForm(request.GET or None, initial={"km": family.radius_km})
    km = form.cleaned_data["km"] if form.is_valid() else family.radius_km
    within = selectors.volunteers_within(family, km)
    audit_list(request=request, programme=prog,
               households=[v for v, _d in within["volunteers"]], via="radius")
    if request.GET.get("format") == "geojson":
        return JsonResponse(_radius_geojson(family, km, within))
    template = "workspace/_radius_results.html" if request.htmx else "workspace/radius.html"
    return render(request, template, {
        "programme": prog, "family": family, "form": form, "km": km, "within": within,
        "tiles": _tiles(),
    })


def _radius_geojson(family: FamilyHousehold, km: float, within: dict) -> dict:
    features = [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [family.lon, family.lat]},
        "properties": {"kind": "family", "radius_m": km * 1000, "postcode": family.postcode},
    }]
    features += [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [v.lon, v.lat]},
        "properties": {"kind": "volunteer", "name": str(v), "distance_km": d,
                       "postcode": v.postcode},
    } for v, d in within["volunteers"]]
    return {"type": "FeatureCollection", "features": features}
