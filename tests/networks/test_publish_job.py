"""The nightly job: every current member of this instance publishes its months, and a
member that left publishes nothing more."""

from datetime import date, timedelta

from django.utils import timezone

from voisins.networks import services
from voisins.networks.models import Publication
from voisins.networks.tasks import publish_aggregates
from voisins.ops.schedule import JOBS

from ..evaluation.conftest import make_family, make_match, make_volunteer


def test_the_job_runs_every_night():
    job = next(j for j in JOBS if j.name == "publish-aggregates")
    assert job.task is publish_aggregates
    assert job.every == timedelta(days=1)


def test_the_job_publishes_every_current_local_member(north, south, alice, charlie):
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # last month
    for programme, n in ((north, 1), (south, 2)):
        make_match(programme, make_family(programme, n), make_volunteer(programme, n),
                   start + timedelta(days=3))
    network = services.network_create(name="Réseau", by=alice)
    ours = services.member_join(network=network, programme=north, by=alice)
    other = services.network_create(name="Autre", by=charlie)
    gone = services.member_join(network=other, programme=south, by=charlie)
    services.member_leave(member=gone)

    assert publish_aggregates.call() == 2  # last month and this one, north only
    assert set(Publication.objects.values_list("member", "period_start")) == {
        (ours.pk, start), (ours.pk, today.replace(day=1))}
    last = Publication.objects.get(period_start=start).payload
    assert last["matches"] == {"started": 1, "ended": 0, "active_at_end": 1}
    assert last["measured_on"] == today.isoformat()
    assert date.fromisoformat(last["period_end"]).month == start.month
