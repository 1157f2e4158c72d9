"""Why a family still waits, on the programme's records: stored with every batch run,
printed by `voisins match --json`, shown on the run page and where "who could help?"
finds nobody."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from voisins.households.models import VolunteerHousehold
from voisins.households.services import family_create, household_set_status, volunteer_create
from voisins.matches.models import MatchingRun
from voisins.matches.services import matching_run_execute

from .conftest import agreed_to_matching, family_data, volunteer_data

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def pool(north):
    """Amina (Arabic) can be helped by Marie; Olena (Ukrainian only) by nobody nearby;
    Dari-speaking Farid's only match in language is a household still to be screened."""
    amina = family_create(programme=north, **family_data(contact_first_name="Amina"))
    olena = family_create(programme=north, **family_data(
        contact_first_name="Olena", languages=[{"code": "uk", "level": "native"}]))
    farid = family_create(programme=north, **family_data(
        contact_first_name="Farid", languages=[{"code": "prs", "level": "native"}]))
    marie = volunteer_create(programme=north, **volunteer_data(contact_first_name="Marie"))
    nadia = volunteer_create(programme=north, **volunteer_data(
        contact_first_name="Nadia", status="applied",
        languages=[{"code": "prs", "level": "native"}, {"code": "fr", "level": "native"}]))
    agreed_to_matching(amina, olena, farid, marie, nadia)
    return {"amina": amina, "olena": olena, "farid": farid, "marie": marie, "nadia": nadia}


def test_a_batch_run_stores_why_each_family_left_out_waits(north, pool):
    run = matching_run_execute(run_id=MatchingRun.objects.create(programme=north).pk)
    by_family = {e["family_id"]: e for e in run.not_proposed}
    assert set(by_family) == {pool["olena"].pk, pool["farid"].pk}
    assert by_family[pool["olena"].pk]["reason"] == "no_shared_language"
    farid = by_family[pool["farid"].pk]
    assert farid["reason"] == "only_unavailable"
    assert {"kind": "volunteer_ready", "value": "screening",
            "volunteer_ids": [pool["nadia"].pk], "reaches": 1} in farid["changes"]
    # Marie fits but for the language: French (the host language) is what she speaks too.
    assert {"kind": "family_language", "value": "fr",
            "volunteer_ids": [pool["marie"].pk], "reaches": 1} in farid["changes"]


def test_the_match_command_lists_not_proposed_families_with_reason_text_and_changes(
        north, pool):
    out = StringIO()
    call_command("match", north.slug, "--dry-run", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert [p["family_id"] for p in data["proposals"]] == [pool["amina"].pk]
    entries = {e["family_id"]: e for e in data["not_proposed"]}
    assert set(entries) == {pool["olena"].pk, pool["farid"].pk}
    for entry in entries.values():
        assert entry["reason"] and entry["text"]
        for change in entry["changes"]:
            assert {"kind", "value", "volunteer_ids", "text"} <= set(change)
    assert entries[pool["farid"].pk]["changes"][0]["volunteer_ids"] == [pool["nadia"].pk]


def test_a_household_that_has_not_done_the_required_training_is_named_as_the_reason(
        north, pool):
    from voisins.training.services import training_module_create

    training_module_create(programme=north, title="Welcome", required=True)
    run = matching_run_execute(run_id=MatchingRun.objects.create(programme=north).pk)
    amina = next(e for e in run.not_proposed if e["family_id"] == pool["amina"].pk)
    assert amina["reason"] == "only_unavailable"
    assert {"kind": "volunteer_ready", "value": "training",
            "volunteer_ids": [pool["marie"].pk], "reaches": 1} in amina["changes"]


def test_the_run_page_groups_the_families_left_out_by_reason(client, alice, north, pool):
    run = matching_run_execute(run_id=MatchingRun.objects.create(programme=north).pk)
    client.force_login(alice)
    page = client.get(f"/staff/north/matching/{run.pk}/", **EN).content.decode()
    assert "Not proposed, and why" in page
    assert "No shared language" in page and "Olena" in page
    assert "Nadia would fit once screened." in page


def test_who_could_help_says_why_nobody_can_and_what_would_change_it(
        client, alice, north, pool):
    household_set_status(household=pool["marie"], status="paused")
    client.force_login(alice)
    page = client.get(f"/staff/north/families/{pool['amina'].pk}/suggestions/", **EN)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Why this family still waits" in text
    assert "Only households not ready yet" in text
    assert "Marie would fit after their pause." in text


def test_the_family_page_says_why_a_waiting_family_waits(client, alice, north, pool):
    household_set_status(household=pool["marie"], status="paused")
    client.force_login(alice)
    page = f"/staff/north/families/{pool['amina'].pk}/"
    section = f"/staff/north/families/{pool['amina'].pk}/why-waiting/"
    # The family's page loads the section after itself (it reads the households around);
    # without JavaScript its link opens the same answer as a page.
    text = client.get(page, **EN).content.decode()
    assert "Why this family still waits" in text and f'hx-get="{section}"' in text
    part = client.get(section, HTTP_HX_REQUEST="true", **EN).content.decode()
    assert "<html" not in part and "Marie would fit after their pause." in part
    whole = client.get(section, **EN).content.decode()
    assert "<html" in whole and "Marie would fit after their pause." in whole
    # A family that a household with room can help is not told "recruiting is the way".
    household_set_status(household=pool["marie"], status="available")
    part = client.get(section, HTTP_HX_REQUEST="true", **EN).content.decode()
    assert "A household with room could help" in part
    assert "recruiting nearby is the way" not in part
    # A family that no longer waits gets no analysis, and no section on its page.
    household_set_status(household=pool["olena"], status="ended")
    assert "Why this family still waits" not in client.get(
        f"/staff/north/families/{pool['olena'].pk}/", **EN).content.decode()
    part = client.get(f"/staff/north/families/{pool['olena'].pk}/why-waiting/",
                      HTTP_HX_REQUEST="true", **EN).content.decode()
    assert "not on the waiting list" in part


def test_the_pool_read_as_plain_values_gives_the_engine_the_records_of_the_households(
        north, pool):
    from voisins.households.models import Member
    from voisins.matches import bridge, selectors, waiting

    Member.objects.create(volunteer=pool["marie"], kind="child",
                          birth_year=timezone.now().year - 9)
    Member.objects.create(family=pool["amina"], kind="child",
                          birth_year=timezone.now().year - 8)
    index, _key = waiting.waiting_index(north)
    volunteers = {v.pk: v for v in VolunteerHousehold.objects.filter(programme=north)}
    for record in index.volunteers:
        household = volunteers[record.id]
        room = record.capacity if record.id in index.unavailable else selectors.room_left(
            selectors.matchable_volunteers(north).get(pk=record.id))
        assert record == bridge.volunteer_input(household, room)
    assert index.unavailable == {pool["nadia"].pk: "screening"}
    rows = selectors.waiting_family_rows(north)
    ages = waiting._ages(rows["children"])
    families = {f.pk: f for f in selectors.waiting_families(north)}
    assert {row[0] for row in rows["families"]} == set(families)
    for row in rows["families"]:
        assert waiting._family_record(row, ages) == bridge.family_input(families[row[0]])


def test_why_a_family_waits_is_kept_between_requests_and_never_stale(north, pool):
    from voisins.matches import bridge, waiting
    from voisins.matching.waiting import WaitingIndex

    # A household far away (another city) does not change the family's answer: the
    # engine looks at its neighbourhood only.
    far = volunteer_create(programme=north, **volunteer_data(
        contact_first_name="Lucie", postcode="4000", radius_km=5,
        languages=[{"code": "uk", "level": "native"}]))
    agreed_to_matching(far)
    family = pool["olena"]
    whole, key = waiting.waiting_index(north)
    near = WaitingIndex([v for v in whole.volunteers if v.id != far.pk], whole.unavailable)
    one = bridge.family_input(family)
    assert near.explain(one) == whole.explain(one)
    # Asked again, the index is the one built before; once a household changes, it is not.
    assert waiting.waiting_index(north) == (whole, key)
    before = waiting.why_family_waits(family, set())
    assert before["reason"] == "no_shared_language"
    VolunteerHousehold.objects.filter(pk=pool["marie"].pk).update(
        languages=[{"code": "uk", "level": "fluent"}])
    again, new_key = waiting.waiting_index(north)
    assert new_key != key and again is not whole
    assert waiting.why_family_waits(family, set())["reason"] == "room_left"
    household_set_status(household=pool["marie"], status="paused", by=None)
    assert waiting.why_family_waits(family, set())["reason"] == "only_unavailable"


def test_a_wider_radius_is_offered_with_the_households_it_would_reach(
        client, alice, north, pool):
    far = volunteer_create(programme=north, **volunteer_data(
        contact_first_name="Piotr", postcode="1000", radius_km=15,
        languages=[{"code": "uk", "level": "native"}]))
    agreed_to_matching(far)
    olena = pool["olena"]
    olena.radius_km = 0.5
    olena.save(update_fields=["radius_km"])
    run = matching_run_execute(run_id=MatchingRun.objects.create(programme=north).pk)
    entry = next(e for e in run.not_proposed if e["family_id"] == olena.pk)
    assert entry["reason"] == "no_shared_language"  # Marie is near, but speaks no Ukrainian
    [change] = [c for c in entry["changes"] if c["kind"] == "family_radius"]
    assert change["volunteer_ids"] == [far.pk] and change["value"] > 0.5


def test_the_api_says_why_a_family_waits_and_lists_the_families_a_run_left_out(
        api_as, alice, charlie, north, pool):
    as_alice = api_as(alice)
    answer = as_alice("get", f"/families/{pool['farid'].pk}/waiting")
    assert answer.status_code == 200
    body = answer.json()
    assert body["reason"] == "only_unavailable" and body["text"]
    assert {"kind": "volunteer_ready", "value": "screening",
            "volunteer_ids": [pool["nadia"].pk], "reaches": 1,
            "text": "Nadia would fit once screened."} in body["changes"]
    # Another programme's coordinator learns nothing, not even that the family exists.
    assert api_as(charlie)("get", f"/families/{pool['farid'].pk}/waiting").status_code == 404
    run = matching_run_execute(run_id=MatchingRun.objects.create(programme=north).pk)
    left_out = as_alice("get", f"/matching-runs/{run.pk}").json()["not_proposed"]
    assert {e["family_id"] for e in left_out} == {pool["olena"].pk, pool["farid"].pk}


def test_whom_to_recruit_lists_the_households_worth_recruiting_and_the_areas(
        client, alice, north, pool):
    client.force_login(alice)
    page = client.get("/staff/north/matching/gaps/", **EN)
    text = page.content.decode()
    assert page.status_code == 200
    # Olena (Ukrainian) and Farid (Dari) wait without a household that fits.
    assert "2 of the 3 waiting families" in text
    assert "A household speaking Ukrainian" in text
    assert "A household speaking Dari" in text or "A household speaking Persian" in text
    link = "/recruitment/north/campaigns/?target_postcode=1030&amp;target_language=uk"
    assert link in text
    geo = client.get("/staff/north/matching/gaps/?format=geojson").json()
    [area] = geo["features"]
    assert area["properties"] == {"postcode": "1030", "locality": pool["olena"].locality,
                                  "waiting": 2}


def test_whom_to_recruit_says_which_waiting_families_it_leaves_out_so_counts_agree(
        client, alice, north, pool):
    # A family without consent to be matched is on the waiting list (the menu counts it)
    # but cannot be proposed: the page says it is set apart instead of losing it.
    family_create(programme=north, **family_data(contact_first_name="Noor"))
    client.force_login(alice)
    text = client.get("/staff/north/matching/gaps/", **EN).content.decode()
    assert "2 of the 3 waiting families" in text
    assert "without consent to be matched (1)" in text


def test_every_recruitment_gap_is_exact_with_respect_to_the_engine(north, pool):
    from voisins import matching
    from voisins.matches import bridge
    from voisins.matches.waiting import recruitment_gaps

    gaps = recruitment_gaps(north)
    families = {f.pk: f for f in (pool["olena"], pool["farid"])}
    assert gaps["lines"]
    for line in gaps["lines"]:
        area = next(a for a in gaps["areas"] if a["postcode"] == line["postcode"])
        recruit = matching.Volunteer(id="r", lat=area["lat"], lon=area["lon"],
                                     languages={line["language"]}, offers={line["need"]},
                                     availability={line["slot"]}, radius_km=line["radius_km"])
        claimed = {f.pk for f in line["families"]}
        assert claimed == {pk for pk, f in families.items()
                           if matching.feasible(bridge.family_input(f), recruit)}


def test_a_campaign_made_from_a_gap_is_prefilled_and_keeps_whom_it_looks_for(
        client, alice, north):
    client.force_login(alice)
    query = "target_postcode=1030&target_language=uk&target_slot=wed-pm&target_need=homework"
    form = client.get(f"/recruitment/north/campaigns/?{query}", **EN).content.decode()
    assert 'value="1030"' in form and "Recruit: Ukrainian" in form
    response = client.post("/recruitment/north/campaigns/", {
        "name": "Ukrainian speakers in Schaerbeek", "channel": "facebook",
        "target_postcode": "1030", "target_language": "uk", "target_slot": "wed-pm",
        "target_need": "homework"}, **EN)
    assert response.status_code == 302
    page = client.get(response["Location"], **EN).content.decode()
    assert "Looking for" in page and "Ukrainian" in page and "around 1030" in page
    bad = client.post("/recruitment/north/campaigns/", {
        "name": "Bad", "channel": "facebook", "target_language": "Ukrainian!"}, **EN)
    assert bad.status_code == 200 and "ISO 639" in bad.content.decode()


def test_reading_the_run_page_is_audited_with_the_families_it_names(client, alice, north,
                                                                     pool):
    from auditlog.models import LogEntry

    run = matching_run_execute(run_id=MatchingRun.objects.create(programme=north).pk)
    client.force_login(alice)
    before = LogEntry.objects.count()
    client.get(f"/staff/north/matching/{run.pk}/", **EN)
    entry = LogEntry.objects.order_by("-pk").first()
    assert LogEntry.objects.count() == before + 1
    assert f"#{pool['olena'].pk}" in str(entry.additional_data)


def test_a_family_whose_proposal_awaits_answers_waits_for_them(client, alice, sent_proposal):
    # Not "nobody within reach": a household was proposed; the answers are what it waits for.
    client.force_login(alice)
    family = sent_proposal.family
    part = client.get(f"/staff/north/families/{family.pk}/why-waiting/",
                      HTTP_HX_REQUEST="true", **EN).content.decode()
    assert f"A proposal with {sent_proposal.volunteer} was sent on" in part
    assert "not for a household" in part
    assert "The smallest changes" not in part
