"""Small counts (issue 19, item 10): a count of 1 to 4 people or households reads "< 5"
everywhere it is shown to a role that does not see the people (a viewer): the programme
page, the recruitment funnel and the API's statistics, as on the evaluation dashboard.
Coordinators see every figure."""

from tests.conftest import bearer, family_data
from voisins.households.services import family_create


def test_the_viewers_programme_page_hides_counts_under_five(client, vera, alice, north,
                                                            family):
    client.force_login(vera)
    page = client.get("/staff/north/", HTTP_ACCEPT_LANGUAGE="en")
    counts = [n for _status, _label, n in page.context["counts"]["families"]]
    assert None in counts and 1 not in counts
    assert "&lt; 5" in page.content.decode()
    client.force_login(alice)
    page = client.get("/staff/north/", HTTP_ACCEPT_LANGUAGE="en")
    assert 1 in [n for _status, _label, n in page.context["counts"]["families"]]


def test_counts_of_five_or_more_are_shown_to_the_viewer(client, vera, north):
    for i in range(5):
        family_create(programme=north, **family_data(reference=f"R{i}"))
    client.force_login(vera)
    page = client.get("/staff/north/", HTTP_ACCEPT_LANGUAGE="en")
    counts = dict((s, n) for s, _label, n in page.context["counts"]["families"])
    assert 5 in counts.values()


def test_the_api_gives_no_small_count_to_a_viewer(client, vera, alice, north, family):
    viewer = client.get("/api/v1/programmes/north/statistics", **bearer(vera)).json()
    assert viewer["families_total"] is None
    assert all(n in (None, 0) for n in viewer["families"].values())
    assert all(n is None for n in viewer["family_mother_tongues"].values())
    assert viewer["median_waiting_days"] is None
    coordinator = client.get("/api/v1/programmes/north/statistics", **bearer(alice)).json()
    assert coordinator["families_total"] == 1


def test_the_recruitment_funnel_gives_no_small_count_to_a_viewer(client, vera, alice, north):
    from voisins.recruitment.models import Visit

    Visit.objects.create(programme=north)
    client.force_login(vera)
    page = client.get("/recruitment/north/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["total"].values[0] is None
    assert client.get("/recruitment/north/funnel.svg").status_code == 200
    client.force_login(alice)
    page = client.get("/recruitment/north/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["total"].values[0] == 1
