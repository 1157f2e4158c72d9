"""The map shows households by postcode area, the communes, and a family's radius."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from voisins.households.services import volunteer_create
from voisins.workspace.selectors import distance_km, volunteers_within

from ..conftest import volunteer_data

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
COMMUNES = Path(__file__).resolve().parents[2] / "voisins/static/voisins/communes-be.geojson"


def test_it_groups_households_by_postcode_area_without_names(client, alice, family, volunteer):
    client.force_login(alice)
    data = client.get(reverse("workspace:map_households", args=["north"])).json()
    (area,) = data["features"]
    assert area["properties"] == {"postcode": "1030", "locality": "Schaerbeek", "waiting": 1,
                                  "matched": 0, "volunteers": 1}
    assert "Amina" not in json.dumps(data) and "Haddad" not in json.dumps(data)


def test_it_serves_the_map_page_with_leaflet_from_the_app(client, alice, family):
    client.force_login(alice)
    html = client.get(reverse("workspace:map", args=["north"]), **EN).content.decode()
    assert 'src="/static/leaflet/leaflet.js"' in html
    assert 'data-tiles=""' in html  # no tile server unless configured
    assert client.get("/static/leaflet/leaflet.js").status_code == 200


@pytest.mark.parametrize("who", ["charlie", "vera", "rita", "bob"])
def test_it_shows_nothing_to_others(client, request, family, who):
    client.force_login(request.getfixturevalue(who))
    for name, args in [("workspace:map", ["north"]), ("workspace:map_households", ["north"]),
                       ("workspace:family_radius", ["north", family.pk])]:
        assert client.get(reverse(name, args=args)).status_code == 404


def test_it_finds_the_volunteers_inside_a_family_radius(north, family):
    near = volunteer_create(programme=north, **volunteer_data(contact_last_name="Near",
                                                              postcode="1210"))
    far = volunteer_create(programme=north, **volunteer_data(contact_last_name="Far",
                                                             postcode="1180"))
    volunteer_create(programme=north, **volunteer_data(contact_last_name="Away",
                                                       postcode="1030", status="paused"))
    d_far = distance_km(family.lat, family.lon, far.lat, far.lon)
    inside = volunteers_within(family, 3)
    assert [v for v, _d in inside["volunteers"]] == [near]
    wider = volunteers_within(family, d_far + 0.1)
    assert far in [v for v, _d in wider["volunteers"]]
    assert wider["total"] == 2


def test_the_radius_page_draws_and_answers_bad_input_with_a_message(client, alice, family,
                                                                     volunteer):
    client.force_login(alice)
    url = reverse("workspace:family_radius", args=["north", family.pk])
    assert client.get(url, {"km": "2"}, **EN).context["within"]["total"] == 1
    for bad in ["-1", "abc", "1000", "nan"]:
        response = client.get(url, {"km": bad}, **EN)
        assert response.status_code == 200
        assert "Radius (km)" in response.content.decode()
        assert response.context["form"].errors
    geo = client.get(url, {"km": "2", "format": "geojson"}).json()
    assert [f["properties"]["kind"] for f in geo["features"]] == ["family", "volunteer"]


def test_it_ships_the_communes_of_brussels_and_wallonia():
    data = json.loads(COMMUNES.read_text())
    brussels = [f for f in data["features"] if f["properties"]["region"] == "bru"]
    assert len(brussels) == 19
    assert {"Liège", "Charleroi", "Namur", "Mons"} <= {
        f["properties"]["name"] for f in data["features"]}
    assert COMMUNES.stat().st_size < 100_000
    for feature in data["features"]:
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        ring = (feature["geometry"]["coordinates"][0] if feature["geometry"]["type"] == "Polygon"
                else feature["geometry"]["coordinates"][0][0])
        lon, lat = ring[0]
        assert 2.5 < lon < 6.5 and 49.4 < lat < 51.6  # lon, lat order, in Belgium
