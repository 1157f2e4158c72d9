"""Forged links and odd parameters never cause a server error, on either database."""

import pytest

from voisins.community.services import calendar_token_for

from ..conftest import make_user

ODD = ["%00", "%FF", "'", "%22%5D", "a" * 300, "%F0%9F%98%80"]


@pytest.mark.parametrize("odd", ODD)
def test_public_pages_and_links(client, north, odd):
    for url in [f"/p/north/?lang={odd}", f"/p/north/news/feed/?lang={odd}",
                f"/p/north/c/{odd}/", f"/p/north/confirm/{odd}/",
                f"/community/calendar/{odd}.ics", f"/p/north/join/?lang={odd}"]:
        assert client.get(url).status_code in (200, 302, 400, 404), url


@pytest.mark.parametrize("odd", ODD)
def test_staff_pages_with_odd_parameters(client, alice, north, odd):
    client.force_login(alice)
    for url in [f"/community/north/resources/?q={odd}&kind={odd}&language={odd}"
                f"&target={odd}&indicator={odd}",
                f"/recruitment/north/funnel.svg?by={odd}&campaign={odd}"]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("odd", ["%00", "x" * 3000])
def test_forms_with_odd_values(client, alice, north, odd, signup_post):
    from urllib.parse import unquote
    value = unquote(odd)
    assert client.post("/p/north/join/", signup_post(postcode=value, motivation=value,
                                                     contact_first_name=value)
                       ).status_code == 200
    client.force_login(alice)
    assert client.post("/recruitment/north/campaigns/",
                       {"name": value, "channel": value}).status_code == 200


def test_the_calendar_of_someone_without_a_household(client, db):
    token = calendar_token_for(user=make_user("staff@example.org")).token
    assert client.get(f"/community/calendar/{token}.ics").status_code == 200
