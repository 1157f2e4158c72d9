"""From records to engine input and back: batch matching (task, page, command) and
suggestions for one family."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from voisins.households.services import family_create, household_set_status, volunteer_create
from voisins.matches import bridge, selectors
from voisins.matches.models import MatchingRun, Proposal

from .conftest import agreed_to_matching, family_data, volunteer_data

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def engine():
    import voisins.matching

    return voisins.matching


@pytest.fixture
def pool(north):
    """Three waiting families and two volunteers nearby (one with room for two)."""
    families = [family_create(programme=north, **family_data(contact_first_name=n))
                for n in ("Amina", "Bilal", "Chadi")]
    v1 = volunteer_create(programme=north, **volunteer_data(contact_first_name="Marie",
                                                           capacity=2))
    v2 = volunteer_create(programme=north, **volunteer_data(contact_first_name="Jan"))
    agreed_to_matching(*families, v1, v2)
    return families, [v1, v2]


def test_a_family_becomes_engine_input(family, engine):
    data = bridge.family_input(family)
    assert data.id == family.pk and (data.lat, data.lon) == (family.lat, family.lon)
    assert set(data.needs) == {"homework", "french-conversation"}
    assert dict(data.need_priorities) == {"homework": 3, "french-conversation": 2}
    assert set(data.mother_tongues) == {"ar"} and {"ar", "fr"} <= set(data.languages)
    assert len(data.children_ages) == 1 and set(data.availability) == {"wed-pm", "sat-am"}


def test_matchable_volunteers_leave_out_paused_full_and_left(north, pool, alice):
    families, (v1, v2) = pool
    paused = volunteer_create(programme=north, **volunteer_data(contact_first_name="P"))
    household_set_status(household=paused, status="paused")
    rows = {v.pk: v for v in selectors.matchable_volunteers(north)}
    assert set(rows) == {v1.pk, v2.pk}
    proposal = Proposal.objects.create(programme=north, family=families[0], volunteer=v2)
    from voisins.matches.services import proposal_send

    proposal_send(proposal=proposal, by=alice)
    rows = {v.pk: v for v in selectors.matchable_volunteers(north)}
    assert selectors.room_left(rows[v2.pk]) == 0 and selectors.room_left(rows[v1.pk]) == 2


def test_a_coordinator_runs_matching_and_reviews_the_proposals(
        client, alice, pool, django_capture_on_commit_callbacks):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/north/matching/", **EN)
    run = MatchingRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/matching/{run.pk}/")
    assert run.status == "done"
    assert run.families_waiting == 3 and run.families_proposed == 3
    assert run.median_distance_km is not None
    drafts = Proposal.objects.filter(status="draft")
    assert drafts.count() == 3 and all(p.reasons for p in drafts)
    assert all(r["code"] for p in drafts for r in p.reasons)
    page = client.get(f"/staff/north/matching/{run.pk}/", **EN).content.decode()
    assert 'id="share">100 %<' in page and "km apart" in page
    # A second run replaces what is still under review.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/staff/north/matching/", **EN)
    assert Proposal.objects.filter(status="draft").count() == 3
    assert Proposal.objects.filter(status="discarded").count() == 3


def test_declined_pairs_are_left_out_of_the_next_run(pool, alice):
    from voisins.matches.services import matching_run_execute, proposal_answer, proposal_send

    families, (v1, v2) = pool
    for v in (v1, v2):
        proposal = proposal_send(proposal=Proposal.objects.create(
            programme=v.programme, family=families[0], volunteer=v), by=alice)
        proposal_answer(proposal=proposal, side="volunteer", accept=False, reason="no-time")
    run = MatchingRun.objects.create(programme=v1.programme)
    matching_run_execute(run_id=run.pk)
    assert not Proposal.objects.filter(family=families[0], status="draft").exists()
    assert Proposal.objects.filter(status="draft").count() == 2


def test_the_command_dry_run_prints_json_and_stores_nothing(pool):
    out = StringIO()
    call_command("match", "north", "--dry-run", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["families_waiting"] == 3 and result["families_proposed"] == 3
    assert result["share_proposed"] == 1.0 and len(result["proposals"]) == 3
    assert result["proposals"][0]["reasons"][0]["code"]
    assert not Proposal.objects.exists()


def test_the_command_stores_proposals_and_reports_totals(pool):
    out = StringIO()
    call_command("match", "north", stdout=out)
    assert "3 of 3 waiting families proposed for review" in out.getvalue()
    assert Proposal.objects.filter(status="draft").count() == 3


def test_the_command_names_an_unknown_programme(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nowhere"):
        call_command("match", "nowhere")


def test_a_coordinator_picks_a_suggestion_by_hand(client, alice, pool):
    families, (v1, v2) = pool
    client.force_login(alice)
    page = client.get(f"/staff/north/families/{families[0].pk}/suggestions/", **EN)
    assert page.status_code == 200 and "Marie" in page.content.decode()
    response = client.post(f"/staff/north/families/{families[0].pk}/suggestions/",
                           {"volunteer": v2.pk}, **EN)
    proposal = Proposal.objects.get(family=families[0])
    assert response["Location"].endswith(f"/proposals/{proposal.pk}/")
    assert proposal.volunteer == v2 and proposal.status == "draft" and proposal.reasons


def test_picking_a_volunteer_that_cannot_help_is_refused(client, alice, north, pool):
    families, _ = pool
    far = volunteer_create(programme=north, **volunteer_data(
        contact_first_name="Far", offers=["transport"]))
    agreed_to_matching(far)
    client.force_login(alice)
    response = client.post(f"/staff/north/families/{families[0].pk}/suggestions/",
                           {"volunteer": far.pk}, follow=True, **EN)
    assert "finds no match" in response.content.decode()
    assert not Proposal.objects.exists()
    response = client.post(f"/staff/north/families/{families[0].pk}/suggestions/",
                           {"volunteer": "abc"}, follow=True, **EN)
    assert response.status_code == 200 and not Proposal.objects.exists()


def test_reasons_are_written_in_the_readers_language():
    from django.utils import translation

    reason = {"code": "slots", "params": {"count": 2, "slots": ["wed-pm", "sat-am"]},
              "text": "2 slots"}
    with translation.override("en"):
        assert bridge.reason_text(reason) == (
            "2 time slots in common: Wednesday afternoon, Saturday morning")
    with translation.override("fr"):
        assert "mercredi" in bridge.reason_text(reason).lower()
    assert bridge.reason_text({"code": "new-kind", "text": "As is"}) == "As is"
