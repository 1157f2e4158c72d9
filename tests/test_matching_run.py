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
CODES = ("host_language_code", "host_language_need")  # not on the coordinator's form


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


def test_a_need_reason_names_the_child_and_a_high_priority():
    from django.utils import translation

    with translation.override("en"):
        assert bridge.reason_text({"code": "need", "params": {
            "need": "homework", "priority": 3, "children_ages": [9]}}) == (
            "Homework help for a 9-year-old (priority 3 – most important)")
        assert bridge.reason_text({"code": "need", "params": {
            "need": "homework", "priority": 1, "children_ages": [6, 9]}}) == (
            "Homework help for children aged 6, 9")
        assert bridge.reason_text({"code": "need", "params": {"need": "transport"}}) == (
            "Transport")


def test_the_runs_reasons_are_the_engines_in_the_readers_words(client, alice, pool):
    from voisins.matches.services import matching_run_execute

    run = MatchingRun.objects.create(programme=pool[0][0].programme)
    matching_run_execute(run_id=run.pk)
    client.force_login(alice)
    page = client.get(f"/staff/north/matching/{run.pk}/", **EN).content.decode()
    # family_data: homework (priority 3) for a child; the volunteers offer homework help.
    assert "Homework help for a" in page and "(priority 3 – most important)" in page
    assert "Shared languages:" in page


def test_a_programmes_weights_are_validated_naming_the_weight(north):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("en"):
        north.matching_weights = {"wating": 3}
        with pytest.raises(ValidationError) as error:
            north.full_clean()
        assert "wating" in error.value.message_dict["matching_weights"][0]
        north.matching_weights = {"closeness": -1}
        with pytest.raises(ValidationError) as error:
            north.full_clean()
        assert "closeness" in error.value.message_dict["matching_weights"][0]
        north.matching_weights = {"waiting": 3, "walk_km": 0.5}
        north.full_clean()


def test_a_coordinator_changes_the_weights_and_the_engine_uses_them(client, alice, north):
    client.force_login(alice)
    page = client.get("/staff/north/matching/", **EN).content.decode()
    assert "How pairs are scored" in page and 'name="waiting"' in page
    from voisins.programmes.matching_weights import defaults

    data = {**defaults(), "waiting": "3.5", "walk_km": "0.8"}
    data = {k: v for k, v in data.items() if k not in ("host_language_code", "host_language_need")}
    response = client.post("/staff/north/matching/weights/", data, **EN)
    assert response.status_code == 302
    north.refresh_from_db()
    assert north.matching_weights == {"waiting": 3.5, "walk_km": 0.8}
    weights = bridge.weights_for(north)
    assert weights.waiting == 3.5 and weights.walk_km == 0.8 and weights.needs == 4.0
    # A weight the form does not show keeps its stored value; one back at its default
    # is no longer stored.
    from voisins.programmes.models import Programme

    Programme.objects.filter(pk=north.pk).update(
        matching_weights={"waiting": 3.5, "host_language_code": "nl"})
    client.post("/staff/north/matching/weights/", {**data, "waiting": "2"}, **EN)
    north.refresh_from_db()
    assert north.matching_weights == {"walk_km": 0.8, "host_language_code": "nl"}


def test_bad_weights_are_refused_with_the_field_and_nothing_is_saved(client, alice, north):
    from voisins.programmes.matching_weights import defaults

    client.force_login(alice)
    data = {k: v for k, v in defaults().items() if k not in CODES}
    response = client.post("/staff/north/matching/weights/", {**data, "slots_cap": "40"},
                           follow=True, **EN)
    assert "slots_cap" in response.content.decode()
    response = client.post("/staff/north/matching/weights/", {**data, "needs": "-2"},
                           follow=True, **EN)
    assert "Needs met" in response.content.decode()
    north.refresh_from_db()
    assert north.matching_weights == {}


def test_only_a_coordinator_may_change_the_weights(client, bob, charlie, north):
    for user in (bob, charlie):
        client.force_login(user)
        response = client.post("/staff/north/matching/weights/", {"waiting": "9"}, **EN)
        assert response.status_code in (403, 404)
    north.refresh_from_db()
    assert north.matching_weights == {}


def test_stored_weights_gone_bad_give_a_message_not_an_error_page(client, alice, pool):
    families, _ = pool
    from voisins.programmes.models import Programme

    Programme.objects.filter(pk=families[0].programme_id).update(
        matching_weights={"wating": 1})
    client.force_login(alice)
    page = client.get(f"/staff/north/families/{families[0].pk}/suggestions/", **EN)
    assert page.status_code == 200 and "wating" in page.content.decode()
