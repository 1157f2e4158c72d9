"""The sign-up funnel per campaign and channel, counted on a known data set."""

import re

import pytest
from django.utils import translation

from voisins.households.models import VolunteerHousehold
from voisins.recruitment import selectors, services
from voisins.recruitment.models import Signup

from ..conftest import volunteer_data
from .conftest import advance


def signed_up(north, campaign, email):
    data = volunteer_data(email=email, status="applied")
    data.pop("status")
    members = data.pop("members")
    signup = Signup.objects.create(programme=north, campaign=campaign, email=email,
                                   data={**data, "members": members})
    return services.signup_confirm(signup=signup).volunteer


@pytest.fixture
def dataset(north, alice):
    """press: 10 visits, 4 sign-ups: 1 stays applied, 1 screened, 1 trained then paused,
    1 matched. facebook A: 5 visits, 1 sign-up that left at screening. facebook B: 2 visits,
    nothing else. No campaign: 3 visits, 2 sign-ups, 1 screened."""
    press = services.campaign_create(programme=north, name="Press", channel="press")
    fb_a = services.campaign_create(programme=north, name="FB A", channel="facebook")
    fb_b = services.campaign_create(programme=north, name="FB B", channel="facebook")
    for campaign, n in [(press, 10), (fb_a, 5), (fb_b, 2), (None, 3)]:
        for _ in range(n):
            services.visit_record(programme=north, campaign=campaign)
    p = [signed_up(north, press, f"p{i}@example.org") for i in range(4)]
    advance(p[1], "screened")
    advance(p[2], "screened", "trained", "paused")
    advance(p[3], "screened", "trained", "available", "matched")
    advance(signed_up(north, fb_a, "f@example.org"), "left")
    d = [signed_up(north, None, f"d{i}@example.org") for i in range(2)]
    advance(d[0], "screened")
    # A household that came by import, not by sign-up, is in no funnel.
    from voisins.households.services import volunteer_create
    volunteer_create(programme=north, **volunteer_data(email="import@example.org"))
    return press, fb_a, fb_b


def test_it_counts_each_step_per_campaign(dataset):
    press, fb_a, fb_b = dataset
    with translation.override("en"):
        rows = {str(r.label): r.values
                for r in selectors.funnel(press.programme, by="campaign")}
    assert rows == {
        "Press": [10, 4, 3, 2, 1],
        "FB A": [5, 1, 0, 0, 0],
        "FB B": [2, 0, 0, 0, 0],
        "no campaign (direct)": [3, 2, 1, 0, 0],
    }
    total = selectors.funnel_total(selectors.funnel(press.programme))
    assert total.values == [20, 7, 4, 2, 1]


def test_it_counts_each_step_per_channel(dataset):
    press, *_ = dataset
    rows = {r.key: r.values for r in selectors.funnel(press.programme, by="channel")}
    assert rows == {"press": [10, 4, 3, 2, 1], "facebook": [7, 1, 0, 0, 0],
                    "none": [3, 2, 1, 0, 0]}


def test_it_ignores_other_programmes(dataset, south):
    services.visit_record(programme=south, campaign=None)
    assert selectors.funnel(south) == [] or selectors.funnel(south)[0].values == [
        1, 0, 0, 0, 0]
    assert selectors.funnel_total(selectors.funnel(dataset[0].programme)).values[0] == 20


def test_the_chart_is_an_svg_with_the_counts(client, alice, dataset):
    client.force_login(alice)
    response = client.get("/recruitment/north/funnel.svg?by=channel")
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    # Text stays text: the bar labels are the counts, the rows the channels.
    labels = re.findall(r"<text[^>]*>([^<]+)</text>", svg)
    assert {"10", "7", "3"} <= set(labels)
    assert "Press" not in svg
    response = client.get("/recruitment/north/funnel.svg?by=campaign")
    assert "Press" in response.content.decode()


def test_the_overview_shows_the_table(client, alice, dataset):
    client.force_login(alice)
    html = client.get("/recruitment/north/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Press" in html and "funnel.svg" in html


def test_the_viewer_sees_the_funnel_but_not_the_campaign_pages(client, vera, dataset):
    client.force_login(vera)
    assert client.get("/recruitment/north/").status_code == 200
    assert client.get("/recruitment/north/funnel.svg").status_code == 200
    assert client.get("/recruitment/north/campaigns/").status_code == 404


def test_a_tracked_link_counts_one_visit_per_session_and_credits_the_signup(
        client, north, signup_post, django_capture_on_commit_callbacks):
    campaign = services.campaign_create(programme=north, name="Poster", channel="other")
    for _ in range(3):
        response = client.get(f"/p/north/c/{campaign.code}/")
        assert response.status_code == 302
    client.get("/p/north/join/")
    assert campaign.visits.count() == 1
    assert north.visits.filter(campaign=None).count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/p/north/join/", signup_post())
    signup = Signup.objects.get()
    assert signup.campaign == campaign
    services.signup_confirm(signup=signup)
    assert VolunteerHousehold.objects.get().origin.campaign == campaign
    assert selectors.funnel(north)[0].values == [1, 1, 0, 0, 0]


def test_an_unknown_campaign_code_is_404(client, north):
    assert client.get("/p/north/c/nope/").status_code == 404


def test_the_funnel_chart_of_zeros_draws_no_negative_count():
    import re

    from voisins.recruitment.drawing import FunnelRow, funnel_svg

    svg = funnel_svg([FunnelRow("web", "Site"), FunnelRow("flyer", "Flyer")], "Funnel").decode()
    ticks = [float(t) for t in re.findall(r"<text[^>]*>\s*(-?[\d.]+)\s*</text>",
                                          svg.replace("−", "-"))]
    assert ticks and min(ticks) >= 0
    # Whole numbers of people, not 0.02 of one.
    assert all(t == int(t) for t in ticks)
