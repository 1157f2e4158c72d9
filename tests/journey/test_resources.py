"""The resource library: languages, target group, IMMERSE indicators; search and filters;
seen by the programme's staff and volunteers only."""

import pytest

from voisins.community import services
from voisins.community.models import Indicator, Resource

from ..conftest import make_user


@pytest.fixture
def library(north, south):
    guide = services.resource_save(
        programme=north, kind="guide", title="Aide aux devoirs", url="https://example.org/g",
        description="Homework help for primary school", languages=["fr", "nl"],
        target_group="volunteers", indicators=["academic-skills", "host-language"])
    video = services.resource_save(
        programme=north, kind="video", title="Welcome video", url="https://example.org/v",
        description="What a first visit looks like", languages=["en", "ar"],
        target_group="families", indicators=["belonging"])
    sheet = services.resource_save(
        programme=north, kind="material", title="Jeux de société", body="Liste de jeux.",
        languages=["fr"], target_group="children",
        indicators=["friends-bridges", "life-satisfaction"])
    services.resource_save(programme=south, kind="guide", title="Aide south",
                           url="https://example.org/s", languages=["fr"],
                           target_group="volunteers")
    return guide, video, sheet


@pytest.mark.parametrize("query,expected", [
    ("", {"Aide aux devoirs", "Welcome video", "Jeux de société"}),
    ("?q=homework", {"Aide aux devoirs"}),
    ("?q=first+visit", {"Welcome video"}),
    ("?kind=video", {"Welcome video"}),
    ("?language=fr", {"Aide aux devoirs", "Jeux de société"}),
    ("?language=ar", {"Welcome video"}),
    ("?target=children", {"Jeux de société"}),
    ("?indicator=academic-skills", {"Aide aux devoirs"}),
    ("?indicator=belonging&language=en", {"Welcome video"}),
    ("?language=fr&kind=video", set()),
    ("?language=%22%5D&indicator=%27x", {"Aide aux devoirs", "Welcome video",
                                         "Jeux de société"}),
])
def test_it_searches_and_filters(client, alice, library, query, expected):
    client.force_login(alice)
    response = client.get(f"/community/north/resources/{query}")
    assert response.status_code == 200
    assert {r.title for r in response.context["resources"]} == expected


def test_the_seven_immerse_indicators_are_offered(client, alice, library):
    assert len(Indicator.values) == 7
    client.force_login(alice)
    html = client.get("/community/north/resources/").content.decode()
    for code in Indicator.values:
        assert f'value="{code}"' in html


def test_volunteers_of_the_programme_and_mediators_see_it_others_do_not(
        client, library, volunteer, bob, charlie, rita):
    volunteer.user = make_user("marie@example.org")
    volunteer.save()
    client.force_login(volunteer.user)
    assert client.get("/community/north/resources/").status_code == 200
    assert client.get("/community/south/resources/").status_code == 404
    assert client.get("/community/north/resources/new/").status_code == 404
    client.force_login(bob)
    assert client.get("/community/north/resources/").status_code == 200
    for user in (charlie, rita):
        client.force_login(user)
        assert client.get("/community/north/resources/").status_code == 404


def test_a_coordinator_adds_a_resource_and_bad_input_names_the_field(client, alice, north):
    client.force_login(alice)
    response = client.post("/community/north/resources/new/", {
        "kind": "guide", "title": "Guide", "languages": ["fr"], "target_group": "volunteers",
        "indicators": ["nonsense"], "url": "", "body": ""})
    errors = response.context["form"].errors
    assert "indicators" in errors
    response = client.post("/community/north/resources/new/", {
        "kind": "guide", "title": "Guide", "languages": ["fr"], "target_group": "volunteers",
        "indicators": ["belonging"], "url": "", "body": ""})
    assert "url" in response.context["form"].errors
    assert Resource.objects.count() == 0
    response = client.post("/community/north/resources/new/", {
        "kind": "guide", "title": "Guide", "languages": ["fr", "ar"],
        "target_group": "volunteers", "indicators": ["belonging"],
        "url": "https://example.org/x", "body": ""})
    assert response.status_code == 302
    assert Resource.objects.get().languages == ["fr", "ar"]
