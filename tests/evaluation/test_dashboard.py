from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from voisins.evaluation import selectors
from voisins.households.services import household_set_status
from voisins.matches.models import Activity
from voisins.mediation.models import Case

from .conftest import make_family, make_match, make_volunteer


@pytest.fixture
def busy(north):
    """A year of activity in "north": matches started and ended, activities, cases."""
    today = timezone.localdate()
    volunteer = make_volunteer(north, 1)
    for i in range(8):
        family = make_family(north, i, postcode="1030" if i % 2 else "4000")
        start = today - timedelta(days=30 * (i + 1))
        match = make_match(north, family, volunteer, start,
                           start + timedelta(days=20) if i % 3 == 0 else None)
        Activity.objects.create(match=match, side="family", category="homework",
                                done_on=start + timedelta(days=3))
    Case.objects.create(programme=north, kind="practical", opened_by="staff", summary="x",
                        resolution="-")  # "" is stored as NULL: see the report
    return north


def test_it_counts_the_periods_figures(busy):
    today = timezone.localdate()
    board = selectors.dashboard(programme=busy, period=selectors.default_period(today))
    assert board.started == 8
    assert board.ended == 3
    assert board.live_now == 5
    assert sum(s for _m, s, _e in board.months) == 8
    assert board.activities == [("Homework help", 8)]
    assert board.cases == [("practical problem", 1)]
    assert {code for code, *_rest in board.postcodes} == {"1030", "4000"}
    assert board.map_svg.startswith("<?xml") and "<svg" in board.map_svg


def test_a_period_before_any_match_shows_zero(busy):
    board = selectors.dashboard(programme=busy,
                                period=selectors.Period(date(2001, 1, 1), date(2001, 12, 31)))
    assert board.started == 0 and board.persistence.overall is None
    assert len(board.months) == 12


def test_waiting_time_runs_from_the_waiting_list_to_the_match(north):
    volunteer = make_volunteer(north, 1)
    family = make_family(north, 1, status="intake_done")
    household_set_status(household=family, status="waiting")
    today = timezone.localdate()
    make_match(north, family, volunteer, today)
    waiting = make_family(north, 2)
    waiting.waiting_since = timezone.now() - timedelta(days=40)
    waiting.save()
    result = selectors.waiting_times(programme=north, period=selectors.default_period())
    assert result.matched_n == 1 and result.matched_median == 0
    # Still waiting (the test match left its status alone): 0 and 40 days.
    assert result.waiting_n == 2
    assert result.waiting_median == 20 and result.waiting_p90 == pytest.approx(36)


def test_the_page_renders_for_coordinator_and_viewer(client, alice, vera, busy):
    for user in (alice, vera):
        client.force_login(user)
        response = client.get(reverse("evaluation:dashboard", args=["north"]),
                              HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert response.content.count(b"data:image/svg+xml;base64,") >= 4


def test_a_bad_period_is_named(client, alice, busy):
    client.force_login(alice)
    response = client.get(reverse("evaluation:dashboard", args=["north"]),
                          {"start": "2024-05-01", "end": "2024-01-01"})
    assert response.status_code == 200
    assert "end" in response.context["form"].errors


@pytest.mark.parametrize("persona", ["bob", "rita", "charlie"])
def test_others_do_not_see_the_dashboard(client, request, north, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("evaluation:dashboard", args=["north"])).status_code == 404
