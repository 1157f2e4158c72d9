"""The precomputed months (`PooledMonth`) give exactly the figures pooled from the
publications themselves, and are never read stale."""

from datetime import date

import pytest

from voisins.networks import reports, selectors, services
from voisins.networks.models import PooledMonth

from .conftest import YEAR
from .factory import month_payload

pytestmark = pytest.mark.django_db


def _both(network, period):
    fresh = selectors.pooled_from_publications(network, period)
    kept = reports.report_build(network=network, period=period, language="en")
    recomputed = reports.report_build(network=network, period=period, language="en",
                                      pooled=fresh)
    return kept, recomputed


@pytest.mark.parametrize("months", [(1, 12), (3, 5), (12, 12)])
def test_precomputed_and_recomputed_figures_agree(network, months):
    period = selectors.period_of(date(YEAR, months[0], 1), date(YEAR, months[1], 1))
    kept, recomputed = _both(network, period)
    assert kept.figures() == recomputed.figures()
    assert kept.pooled.members == recomputed.pooled.members
    assert PooledMonth.objects.filter(network=network).count() == months[1] - months[0] + 1


def test_a_new_publication_is_seen_at_once(network):
    period = selectors.period_of(date(YEAR, 1, 1), date(YEAR, 12, 1))
    before = reports.report_build(network=network, period=period, language="en")
    north = network.members.get(programme__slug="north")
    started = before.pooled.members[north.pk].started
    services.publication_store(member=north, payload=month_payload(
        date(YEAR, 5, 1), started=60, active=70, table=[(10, 50)]))
    after, recomputed = _both(network, period)
    assert after.figures() == recomputed.figures()
    assert after.pooled.members[north.pk].started != started
    assert services.pooled_months_refresh(network=network, start=period.start,
                                          end=period.end) == 0


def test_a_month_without_publications_is_dropped(network):
    period = selectors.period_of(date(YEAR, 1, 1), date(YEAR, 12, 1))
    assert reports.report_build(network=network, period=period, language="en").pooled
    network.members.first().publications.all().delete()
    for member in network.members.all():
        member.publications.filter(period_start=date(YEAR, 2, 1)).delete()
    assert services.pooled_months_refresh(network=network, start=period.start,
                                          end=period.end) >= 1
    assert not PooledMonth.objects.filter(network=network, month=date(YEAR, 2, 1)).exists()
