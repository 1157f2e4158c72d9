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
    assert response.status_code == 400
    assert "end" in response.context["form"].errors


@pytest.mark.parametrize("persona", ["bob", "rita", "charlie"])
def test_others_do_not_see_the_dashboard(client, request, north, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("evaluation:dashboard", args=["north"])).status_code == 404


def test_the_recruitment_funnel_by_channel_agrees_with_recruitments_own(north, alice):
    """The dashboard counts the funnel itself (for a period, with counts made by the
    database); over the whole history it must equal voisins.recruitment's funnel."""
    from voisins.recruitment import selectors as recruitment_selectors
    from voisins.recruitment import services as recruitment

    from ..journey.conftest import advance
    from ..journey.test_funnel import signed_up

    press = recruitment.campaign_create(programme=north, name="Press", channel="press")
    facebook = recruitment.campaign_create(programme=north, name="FB", channel="facebook")
    for campaign, n in [(press, 6), (facebook, 3), (None, 2)]:
        for _ in range(n):
            recruitment.visit_record(programme=north, campaign=campaign)
    people = [signed_up(north, press, f"p{i}@example.org") for i in range(3)]
    advance(people[1], "screened")
    advance(people[2], "screened", "trained", "available", "matched")
    advance(signed_up(north, None, "d@example.org"), "screened", "trained")

    funnel = selectors.recruitment_funnel(programme=north, period=selectors.Period())
    theirs = recruitment_selectors.funnel(north, by="channel")
    assert funnel.rows == [(str(r.label), r.values) for r in theirs]
    assert funnel.rows == [("press release", [6, 3, 2, 1, 1]), ("Facebook", [3, 0, 0, 0, 0]),
                           ("no campaign (direct)", [2, 1, 1, 1, 0])]
    assert funnel.total == [11, 4, 3, 2, 1]
    # A period before any of it: nothing.
    past = selectors.recruitment_funnel(programme=north,
                                        period=selectors.Period(date(2020, 1, 1),
                                                                date(2020, 12, 31)))
    assert past.rows == [] and past.total == [0, 0, 0, 0, 0]


def test_training_completion_counts_the_periods_sessions_and_completions(north):
    from voisins.training import services as training
    from voisins.training.models import TrainingSession

    welcome = training.training_module_create(programme=north, title="Welcome", required=True)
    culture = training.training_module_create(programme=north, title="Culture", required=True,
                                              position=1)
    extra = training.training_module_create(programme=north, title="Homework", position=2)
    soon = timezone.now() + timedelta(days=1)
    sessions = {}
    for module in (welcome, culture, extra):
        sessions[module.title] = training.training_session_create(
            module=module, starts_at=soon, ends_at=soon + timedelta(hours=2), place="Hall")
    volunteers = [make_volunteer(north, i, status="screened") for i in range(3)]
    for volunteer in volunteers:
        for session in sessions.values():
            training.registration_create(session=session, volunteer=volunteer)
    # Time passes: Welcome was held 400 days ago, Culture and Homework 10 days ago.
    now = timezone.now()
    for title, days in (("Welcome", 400), ("Culture", 10), ("Homework", 10)):
        TrainingSession.objects.filter(pk=sessions[title].pk).update(
            starts_at=now - timedelta(days=days), ends_at=now - timedelta(days=days, hours=-2))
    ids = [v.pk for v in volunteers]
    training.attendance_record(session=sessions["Welcome"], attended=ids)
    training.attendance_record(session=sessions["Culture"], attended=ids[:2])
    training.attendance_record(session=sessions["Homework"], attended=ids[:1])

    result = selectors.training_completion(programme=north, period=selectors.default_period())
    rows = [(m.title, m.required, m.sessions, m.registered, m.attended) for m in result.modules]
    assert rows == [("Welcome", True, 0, 0, 0), ("Culture", True, 1, 3, 2),
                    ("Homework", False, 1, 3, 1)]
    assert result.registered == 6 and result.attended == 3
    assert result.attendance == pytest.approx(0.5)
    # Two households completed both required modules, on the day of Culture's session.
    assert result.completed == 2
    earlier = selectors.Period(None, timezone.localdate() - timedelta(days=30))
    assert selectors.training_completion(programme=north, period=earlier).completed == 0
    everything = selectors.training_completion(programme=north, period=selectors.Period())
    assert everything.completed == 2 and everything.registered == 9


def test_a_programme_without_required_modules_has_no_completion_figure(north):
    result = selectors.training_completion(programme=north, period=selectors.default_period())
    assert result.modules == [] and result.completed is None and result.attendance is None


def test_households_by_status_at_the_end_of_a_past_period(north):
    """Statuses replayed from the history: what the programme looked like then."""
    family = make_family(north, 1, status="intake_done")
    household_set_status(household=family, status="waiting")
    later = make_family(north, 2)
    from voisins.households.models import StatusChange

    # The family went on the waiting list a year ago; the second one registered today.
    year_ago = timezone.now() - timedelta(days=365)
    StatusChange.objects.filter(family=family).update(changed_at=year_ago)
    type(family).objects.filter(pk=family.pk).update(created_at=year_ago - timedelta(days=5))
    household_set_status(household=family, status="matched")
    then = selectors.Period(None, timezone.localdate() - timedelta(days=100))
    counts = {code: n for code, _label, n in selectors.households_by_status(
        programme=north, period=then)["families"] if n}
    assert counts == {"waiting": 1}
    now = {code: n for code, _label, n in selectors.households_by_status(
        programme=north, period=selectors.default_period())["families"] if n}
    assert now == {"matched": 1, later.status: 1}
    assert later.status != "matched"


def test_the_map_shows_households_taking_part_in_the_period(busy):
    """Families in a match during the period, or registered in it; never an old one."""
    old = make_family(busy, 50, postcode="5000")
    type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=900))
    board = selectors.dashboard(programme=busy, period=selectors.default_period())
    assert "5000" not in {code for code, *_rest in board.postcodes}
    long_ago = selectors.Period(timezone.localdate() - timedelta(days=1000),
                                timezone.localdate() - timedelta(days=800))
    board = selectors.dashboard(programme=busy, period=long_ago)
    assert [(code, f) for code, _place, f, _v in board.postcodes] == [("5000", 1)]


def test_the_page_shows_recruitment_and_training(client, alice, busy):
    client.force_login(alice)
    response = client.get(reverse("evaluation:dashboard", args=["north"]),
                          HTTP_ACCEPT_LANGUAGE="en")
    assert b"Recruitment funnel by channel" in response.content
    assert b"Training completion" in response.content


def test_charts_are_drawn_only_when_shown(busy):
    """The figures come without drawing: the practice sheet and the XLSX never pay for
    matplotlib. A chart is drawn the first time it is shown."""
    board = selectors.dashboard(programme=busy, period=selectors.default_period())
    charts = [board.monthly_chart, board.activities_chart, board.cases_chart,
              board.map_chart, board.funnel_chart, board.persistence.chart]
    assert not any("svg" in chart.__dict__ for chart in charts)
    assert board.persistence.overall.n == 8  # the figures are there all the same
    assert "<svg" in board.map_svg
    assert "svg" in board.map_chart.__dict__
    assert "svg" not in board.monthly_chart.__dict__
