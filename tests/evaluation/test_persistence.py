"""Match persistence: Kaplan–Meier figures against a hand-computed case and against
lifelines run directly on generated data, the splits and the log-rank test."""

import random
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test

from voisins.evaluation import selectors
from voisins.evaluation.survival import DAYS_PER_MONTH, Spell, compare, kaplan_meier, log_rank

from .conftest import make_family, make_match, make_volunteer

TODAY = date(2025, 1, 1)


def test_it_matches_a_hand_computed_kaplan_meier():
    # Ended after 30, 90 and 150 days; still going after 60 and 120 days.
    # S(30) = 4/5 = 0.8; S(90) = 0.8 × 2/3 = 0.5333; S(150) = 0.5333 × 0/1 = 0.
    curve = kaplan_meier([Spell(30, True), Spell(60, False), Spell(90, True),
                          Spell(120, False), Spell(150, True)])
    assert curve.n == 5 and curve.ended == 3 and curve.active == 2
    assert [round(s, 4) for s in curve.survival] == [1.0, 0.8, 0.8, 0.5333, 0.5333, 0.0]
    # The median is the first time the curve reaches 0.5 or below: 150 days.
    assert curve.median_months == pytest.approx(150 / DAYS_PER_MONTH)
    three = curve.milestones[0]
    assert three.months == 3 and three.share == pytest.approx(8 / 15)  # day 91 > 90
    assert three.lower < three.share < three.upper
    # Nobody was followed 6 months (183 days): no figure rather than a guess.
    assert [m.share for m in curve.milestones[1:]] == [None, None, None]


def test_it_matches_a_hand_computed_log_rank():
    # Group a ends at 1 and 2, group b at 3 and 4.
    # t=1: E_a = 2/4, V = 2·2·1·3/(16·3) = 1/4; t=2: E_a = 1/3, V = 1·2·1·2/(9·2) = 2/9.
    # O − E = 2 − 5/6 = 7/6; χ² = (7/6)² / (17/36) = 49/17.
    test = log_rank([Spell(1, True, "a"), Spell(2, True, "a"), Spell(3, True, "b"),
                     Spell(4, True, "b")])
    assert test.statistic == pytest.approx(49 / 17)
    assert test.p_value == pytest.approx(0.08956, abs=1e-4)
    assert test.degrees_of_freedom == 1


def test_the_median_is_none_while_most_matches_go_on():
    curve = kaplan_meier([Spell(10, True)] + [Spell(400, False)] * 5)
    assert curve.median_months is None


def _generate(programme, rng, n):
    """n matches with random start dates and durations, some still active."""
    spells = []
    for i in range(n):
        family = make_family(programme, 1000 + i, postcode=rng.choice(["1000", "1030", "4000"]))
        volunteer = make_volunteer(programme, 1000 + i)
        start = date(2018, 1, 1) + timedelta(days=rng.randrange(0, 2400))
        days = int(rng.expovariate(1 / 300))
        end = start + timedelta(days=days)
        ended = end <= TODAY and rng.random() < 0.8
        make_match(programme, family, volunteer, start, end if ended else None)
        spells.append(((end if ended else TODAY) - start).days if start <= TODAY else None)
    return spells


@pytest.fixture
def generated(north):
    rng = random.Random(7)
    _generate(north, rng, 60)
    return north


def test_it_agrees_with_lifelines_on_generated_matches(generated):
    from voisins.matches.models import Match

    rows = list(Match.objects.filter(programme=generated).values_list(
        "started_on", "ended_on", "family__postcode"))
    durations = [((end or TODAY) - start).days for start, end, _ in rows]
    events = [end is not None for _, end, _ in rows]
    fitter = KaplanMeierFitter().fit(durations, events)

    result = selectors.persistence(programme=generated, today=TODAY)
    curve = result.overall
    assert curve.n == len(rows) and curve.ended == sum(events)
    assert curve.median_months * DAYS_PER_MONTH == pytest.approx(fitter.median_survival_time_)
    for milestone in curve.milestones:
        day = round(milestone.months * DAYS_PER_MONTH)
        if day <= max(durations):
            assert milestone.share == pytest.approx(float(fitter.predict(day)))
            band = fitter.confidence_interval_survival_function_
            row = band[band.index <= day].iloc[-1]
            assert milestone.lower == pytest.approx(row.iloc[0])
            assert milestone.upper == pytest.approx(row.iloc[1])

    split = selectors.persistence(programme=generated, split="district", today=TODAY)
    groups = [f"{p[:2]}xx" for *_, p in rows]
    expected = multivariate_logrank_test(durations, groups, events)
    assert split.comparison.test.p_value == pytest.approx(expected.p_value)
    assert {c.label for c in split.comparison.curves} == set(groups)
    assert sum(c.n for c in split.comparison.curves) == len(rows)


def test_a_period_keeps_only_matches_that_started_in_it(generated):
    period = selectors.Period(date(2020, 1, 1), date(2020, 12, 31))
    result = selectors.persistence(programme=generated, period=period, today=TODAY)
    from voisins.matches.models import Match

    expected = Match.objects.filter(programme=generated, started_on__year=2020).count()
    assert result.overall.n == expected


def test_the_cut_off_split_compares_before_and_after(generated):
    result = selectors.persistence(programme=generated, split="cutoff",
                                   cutoff=date(2020, 3, 16), today=TODAY)
    labels = [c.label for c in result.comparison.curves]
    # The date in the reader's format (English here, written day/month/year as in Belgium:
    # voisins/formats/en).
    assert labels == ["started before 16/03/2020", "started on or after 16/03/2020"]
    assert result.comparison.test.degrees_of_freedom == 1


def test_small_groups_are_hidden_from_the_split():
    spells = [Spell(d, True, "big") for d in range(10, 70, 10)] + [Spell(5, True, "tiny")] * 4
    result = compare(spells)
    assert [c.label for c in result.curves] == ["big"]
    assert result.hidden == ("tiny",)
    assert result.test is None


def test_the_need_and_cohort_splits_group_matches(north):
    volunteer = make_volunteer(north, 1)
    for i in range(6):
        family = make_family(north, i, needs={"homework": 3, "paperwork": 1})
        make_match(north, family, volunteer, date(2021, 1, 1) + timedelta(days=i),
                   date(2021, 6, 1))
    result = selectors.persistence(programme=north, split="need", today=TODAY)
    assert [c.label for c in result.comparison.curves] == ["Homework help"]
    result = selectors.persistence(programme=north, split="cohort", today=TODAY)
    assert [c.label for c in result.comparison.curves] == ["2021"]


def test_the_page_shows_the_chart_to_coordinator_and_viewer(client, alice, vera, north):
    volunteer = make_volunteer(north, 1)
    for i in range(6):
        make_match(north, make_family(north, i), volunteer, date(2022, 1, 1), date(2022, 7, 1))
    url = reverse("evaluation:persistence", args=["north"])
    for user in (alice, vera):
        client.force_login(user)
        response = client.get(url, {"split": "cohort"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert b"data:image/svg+xml;base64," in response.content
        assert response.context["result"].comparison.curves[0].n == 6


def test_the_page_names_a_bad_field(client, alice, north):
    client.force_login(alice)
    url = reverse("evaluation:persistence", args=["north"])
    response = client.get(url, {"split": "cutoff", "start": "2020-02-30"},
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"start", "cutoff"}


@pytest.mark.parametrize("persona", ["bob", "rita", "charlie"])
def test_others_do_not_see_the_page(client, request, north, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("evaluation:persistence", args=["north"])).status_code == 404


def test_cached_curves_follow_the_data(generated):
    """Curves are cached under a fingerprint of the matches: a reload reuses them, and a
    match that ends changes the figures at once (never a stale curve)."""
    from voisins.matches.models import Match

    first = selectors.persistence(programme=generated, today=TODAY)
    assert selectors.persistence(programme=generated, today=TODAY).overall == first.overall
    match = Match.objects.filter(programme=generated, status="active",
                                 started_on__lte=date(2024, 1, 1)).order_by("id").first()
    Match.objects.filter(pk=match.pk).update(status="ended", ended_on=date(2024, 6, 1))
    changed = selectors.persistence(programme=generated, today=TODAY)
    assert changed.overall.ended == first.overall.ended + 1
    spells = selectors.match_spells(programme=generated, today=TODAY)
    assert changed.overall == kaplan_meier(spells, label=changed.overall.label)
    assert changed.chart_svg != first.chart_svg
    # Another day, other durations for the matches still going: another curve.
    later = selectors.persistence(programme=generated, today=date(2025, 6, 1))
    assert later.overall != changed.overall


def test_the_chart_draws_each_curve_with_its_confidence_band(generated):
    result = selectors.persistence(programme=generated, split="district", today=TODAY)
    svg = result.chart_svg
    assert svg.startswith("<?xml")
    # One shaded band (95 % interval) per group, under its step curve.
    assert svg.count("fill-opacity: 0.15") == len(result.comparison.curves)
    for curve in result.comparison.curves:
        assert f"{curve.label} (n={curve.n})" in svg


def test_a_cut_off_date_splits_the_spells_exactly_there(north):
    volunteer = make_volunteer(north, 1)
    for i, start in enumerate([date(2020, 3, 15), date(2020, 3, 16), date(2020, 3, 17)]):
        make_match(north, make_family(north, i), volunteer, start, start + timedelta(days=30))
    with translation.override("en"):  # the date is written as the reader writes it
        groups = [s.group for s in selectors.match_spells(
            programme=north, split="cutoff", cutoff=date(2020, 3, 16), today=TODAY)]
    assert groups == ["started before 16/03/2020", "started on or after 16/03/2020",
                      "started on or after 16/03/2020"]
