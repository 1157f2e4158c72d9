"""Staff lists page, sort and filter on the server, answer htmx with rows only, and run a
bounded number of queries whatever their size."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from voisins.households.models import FamilyHousehold
from voisins.households.services import family_create, volunteer_create

from ..conftest import family_data, volunteer_data

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def families(client, **params):
    return client.get(reverse("staff:families", args=["north"]), params, **EN)


@pytest.fixture
def three(north):
    made = [
        family_create(programme=north, **family_data(contact_last_name="Zeroual",
                                                      postcode="1000")),
        family_create(programme=north, **family_data(contact_last_name="Abadi", postcode="1050",
                                                      needs={"transport": 1})),
        family_create(programme=north, **family_data(contact_last_name="Moreau", status="referred",
                                                      postcode="1030")),
    ]
    FamilyHousehold.objects.filter(pk=made[0].pk).update(
        waiting_since=timezone.now() - timedelta(days=100))
    return made


def names(response) -> list[str]:
    return [h["contact_last_name"] for h in response.context["page"]]


def test_it_filters_by_status(client, alice, three):
    client.force_login(alice)
    assert sorted(names(families(client, status="waiting"))) == ["Abadi", "Zeroual"]


def test_it_filters_by_need_postcode_and_waiting_time(client, alice, three):
    client.force_login(alice)
    assert names(families(client, need="transport")) == ["Abadi"]
    assert names(families(client, postcode="103")) == ["Moreau"]
    assert names(families(client, waiting_days="30")) == ["Zeroual"]


def test_it_sorts_both_ways(client, alice, three):
    client.force_login(alice)
    assert names(families(client, sort="name")) == ["Abadi", "Moreau", "Zeroual"]
    assert names(families(client, sort="-name")) == ["Zeroual", "Moreau", "Abadi"]
    html = families(client, sort="name").content.decode()
    assert 'aria-sort="ascending"' in html


def test_it_names_the_field_of_a_bad_filter_and_keeps_it(client, alice, three):
    client.force_login(alice)
    response = families(client, waiting_days="-4", status="nonsense", sort="drop")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Waiting for at least (days)" in html and 'value="-4"' in html
    assert "Select a valid choice" in html
    assert len(names(response)) == 3  # bad filters are left out, not guessed


def test_it_answers_htmx_with_the_rows_only(client, alice, three):
    client.force_login(alice)
    html = client.get(reverse("staff:families", args=["north"]), {"sort": "name"},
                      HTTP_HX_REQUEST="true", **EN).content.decode()
    assert "<table>" in html and "<html" not in html


def test_it_pages_without_repeating_a_row(client, alice, north):
    for i in range(55):
        family_create(programme=north, **family_data(contact_last_name=f"N{i:02d}"))
    client.force_login(alice)
    first = names(families(client, sort="name"))
    second = names(families(client, sort="name", page="2"))
    assert len(first) == 50 and len(second) == 5
    assert not set(first) & set(second)
    assert families(client, page="999").status_code == 200
    assert families(client, page="x").status_code == 200


def test_it_shows_nothing_to_another_programme(client, charlie, three):
    client.force_login(charlie)
    assert families(client).status_code == 404


@pytest.mark.parametrize("n", [3, 60])
def test_it_runs_a_bounded_number_of_queries(client, alice, north, n,
                                             django_assert_max_num_queries):
    for i in range(n):
        family_create(programme=north, **family_data(contact_last_name=f"F{i}"))
        volunteer_create(programme=north, **volunteer_data(contact_last_name=f"V{i}"))
    client.force_login(alice)
    pages = [reverse("staff:families", args=["north"]),
             reverse("staff:volunteers", args=["north"]),
             reverse("staff:programme", args=["north"]),
             reverse("workspace:map", args=["north"]),
             reverse("workspace:map_households", args=["north"]),
             reverse("workspace:search") + "?q=F1"]
    for url in pages:
        with django_assert_max_num_queries(12):
            assert client.get(url, **EN).status_code == 200
    family = FamilyHousehold.objects.filter(programme=north).first()
    with django_assert_max_num_queries(12):
        client.get(reverse("workspace:family_radius", args=["north", family.pk]), **EN)
