"""A programme's monthly aggregates (what it publishes to its networks) add up to its own
dashboard's figures, and Kaplan–Meier pooled from the monthly life tables is the
programme's own Kaplan–Meier of its matches in whole months."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from voisins import rounding
from voisins.evaluation import selectors
from voisins.evaluation.survival import Spell, kaplan_meier
from voisins.networks import aggregates, services
from voisins.networks.aggregates import duration_month, months_between, programme_months
from voisins.networks.models import Publication
from voisins.networks.pooling import km_from_life_table, pool_life_tables
from voisins.programmes.models import Programme
from voisins.recruitment import services as recruitment

from ..journey.conftest import advance
from ..journey.test_funnel import signed_up


@pytest.fixture
def demo(db, alice):
    """A programme with years of matches, surveys, activities and hours (the demo, made
    through the services), and this year's recruitment: visits and sign-ups."""
    call_command("demo", families=30, volunteers=25, matches=8, ended=22, seed=5,
                 programme="demo", verbosity=0)
    programme = Programme.objects.get(slug="demo")
    press = recruitment.campaign_create(programme=programme, name="Press", channel="press")
    for campaign, n in [(press, 6), (None, 3)]:
        for _ in range(n):
            recruitment.visit_record(programme=programme, campaign=campaign)
    people = [signed_up(programme, press, f"p{i}@example.org") for i in range(3)]
    advance(people[1], "screened")
    advance(people[2], "screened", "trained", "available", "matched")
    advance(signed_up(programme, None, "d@example.org"), "screened", "trained")
    return programme


def _year_sums(programme, year, today):
    months = months_between(date(year, 1, 1), date(year, 12, 31))
    return programme_months(programme=programme, months=months, measured_on=today)


@pytest.mark.parametrize("years_ago", [0, 1, 2])
def test_a_years_months_add_up_to_the_dashboards_year(demo, years_ago):
    today = timezone.localdate()
    year = today.year - years_ago
    figures = _year_sums(demo, year, today)
    period = selectors.Period(date(year, 1, 1), date(year, 12, 31))
    board = selectors.dashboard(programme=demo, period=period, today=today)

    assert sum(f.matches.started for f in figures) == board.started
    assert sum(f.matches.ended for f in figures) == board.ended
    hours = sum((f.hours_given for f in figures), Decimal(0))
    assert rounding.hours(hours) == rounding.hours(board.hours_given)
    assert hours == board.hours_given
    funnel = [sum(getattr(f.funnel, stage) for f in figures)
              for stage in ("visited", "signed_up", "screened", "trained", "matched")]
    assert funnel == board.funnel.total
    # Each month's "started" is its cohort's life table's first "at risk".
    for f in figures:
        assert (f.persistence[0].at_risk if f.persistence else 0) == f.matches.started


def test_the_demo_gives_each_figure_something_to_count(demo):
    today = timezone.localdate()
    figures = _year_sums(demo, today.year, today) + _year_sums(demo, today.year - 1, today)
    assert sum(f.matches.started for f in figures) > 0
    assert sum(f.hours_given for f in figures) > 0
    assert sum(f.funnel.signed_up for f in figures) == 4
    assert sum(o.children for f in figures for o in f.outcomes) > 0


def test_outcome_sums_give_the_dashboards_means(demo):
    today = timezone.localdate()
    first = aggregates.first_month(programme=demo)
    figures = programme_months(programme=demo, months=months_between(first, today),
                               measured_on=today)
    checked = 0
    for wave in ("m6", "m12"):
        results = selectors.survey_results(programme=demo, wave=wave,
                                           period=selectors.Period(first, today))
        for outcome in results.outcomes:
            cells = [o for f in figures for o in f.outcomes
                     if o.indicator == outcome.indicator and o.wave == wave]
            children = sum(o.children for o in cells)
            assert children == outcome.children
            if outcome.start_mean is not None:
                checked += 1
                start = sum(o.start_total for o in cells) / children
                follow = sum(o.follow_total for o in cells) / children
                improved = sum(o.improved for o in cells) / children
                assert float(start) == pytest.approx(outcome.start_mean)
                assert float(follow) == pytest.approx(outcome.follow_mean)
                assert float(improved) == pytest.approx(outcome.improved)
    assert checked > 0


def test_kaplan_meier_from_pooled_life_tables_is_the_programmes_own(demo):
    today = timezone.localdate()
    first = aggregates.first_month(programme=demo)
    figures = programme_months(programme=demo, months=months_between(first, today),
                               measured_on=today)
    pooled = km_from_life_table(pool_life_tables(f.persistence for f in figures))
    # The programme's own Kaplan–Meier (lifelines), its matches measured in whole months.
    spells = [Spell(duration_month(s.days), s.ended)
              for s in selectors.match_spells(programme=demo, today=today)]
    assert sum(f.matches.started for f in figures) == len(spells)
    own = kaplan_meier(spells)
    at = {round(m * 365.25 / 12): s for m, s in zip(own.months, own.survival, strict=True)}
    assert len(pooled.points) > 3
    for month, survival in pooled.points:
        assert survival == pytest.approx(at[month], abs=1e-12)
    median = None if own.median_months is None else round(own.median_months * 365.25 / 12)
    assert pooled.median == median


def test_publish_local_stores_every_month_but_closed_ones(demo, alice):
    network = services.network_create(name="Réseau", by=alice)
    member = services.member_join(network=network, programme=demo, by=alice)
    today = timezone.localdate()
    first = aggregates.first_month(programme=demo)
    months = months_between(first, today)
    closed = months[1]
    services.period_close(network=network, start=closed, end=aggregates.month_end(closed),
                          by=alice)

    stored = aggregates.publish_local(member=member, until=today)

    assert stored == len(months) - 1
    kept = Publication.objects.filter(member=member)
    assert kept.count() == stored
    assert not kept.filter(period_start=closed).exists()
    # Published again the next night: the same months, replaced, nothing added.
    assert aggregates.publish_local(member=member, until=today) == stored
    assert kept.count() == stored
    services.member_leave(member=member)
    assert aggregates.publish_local(member=member, until=today) == 0


def test_a_month_without_anything_publishes_zeros(north):
    figures = aggregates.programme_month(programme=north, month=date(2020, 2, 10),
                                         measured_on=date(2026, 1, 1))
    assert figures.period_start == date(2020, 2, 1)
    assert figures.period_end == date(2020, 2, 29)
    assert figures.matches.started == 0 and figures.persistence == []
    assert figures.outcomes == [] and figures.hours_given == 0


def test_the_demo_function_publishes_the_networks_local_members(north, south, alice,
                                                                charlie):
    from voisins.networks.demo_publishing import demo
    from voisins.programmes.constants import Role
    from voisins.programmes.services import membership_grant

    from ..evaluation.conftest import make_family, make_match, make_volunteer

    membership_grant(user=alice, programme=south, role=Role.COORDINATOR)
    network = services.network_create(name="Réseau", by=alice)
    for programme in (north, south):
        services.member_join(network=network, programme=programme, by=alice)
        make_match(programme, make_family(programme, 1), make_volunteer(programme, 1),
                   date(2026, 1, 10))
    assert demo(network=network, until=date(2026, 3, 15)) == 6
    assert Publication.objects.filter(member__network=network).count() == 6
