"""Issue 16, item 3: a batch run's page is reviewed and sent in one action — the pairs
named, with their areas, distance, score and reasons, filtered and sorted by GET
parameters (nonsense answers 400 naming the field), every draft ticked by default, a
message edited one click away and back, and the ticked proposals sent together with what
each household was told. A trial run cannot be sent and says so."""

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from voisins.households.services import family_create, volunteer_create
from voisins.matches.models import MatchingRun, Proposal
from voisins.matches.services import matching_run_execute

from .conftest import agreed_to_matching, family_data, volunteer_data

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def households(programme, n: int, start: int = 0) -> None:
    """`n` families, each with a volunteer household of its own postcode that can help it."""
    postcodes = ["1030", "1210", "1000"]
    for i in range(start, start + n):
        postcode = postcodes[i % 3]
        family = family_create(programme=programme, **family_data(
            contact_first_name=f"Fam{i}", contact_last_name="Ali", postcode=postcode,
            email=f"fam{i}@example.org"))
        volunteer = volunteer_create(programme=programme, **volunteer_data(
            contact_first_name=f"Vol{i}", contact_last_name="Dupont", postcode=postcode,
            email=f"vol{i}@example.org"))
        agreed_to_matching(family, volunteer)


def run(programme, *, dry_run: bool = False) -> MatchingRun:
    made = MatchingRun.objects.create(programme=programme, dry_run=dry_run)
    return matching_run_execute(run_id=made.pk)


def run_url(done: MatchingRun) -> str:
    return reverse("matches:run", args=["north", done.pk])


@pytest.fixture
def real_run(north, alice):
    households(north, 3)
    return run(north)


def test_the_pairs_are_named_with_their_areas_and_every_draft_is_ticked(
        client, alice, real_run):
    client.force_login(alice)
    html = client.get(run_url(real_run), **EN).content.decode()
    proposals = list(Proposal.objects.filter(run=real_run))
    assert len(proposals) == 3
    for p in proposals:
        assert str(p.family) in html and str(p.volunteer) in html
        assert f"#{p.family_id}" not in html
        assert f'value="{p.pk}" form="run-send" id="select-{p.pk}" checked' in html
    assert "1030" in html and "1210" in html and "km" in html
    assert "Send the selected proposals" in html
    # The reading names households: audited, as before.
    assert LogEntry.objects.filter(additional_data__via="matching_run").exists()


def test_a_trial_run_names_its_pairs_and_cannot_be_sent(client, alice, north):
    households(north, 2)
    trial = run(north, dry_run=True)
    client.force_login(alice)
    html = client.get(run_url(trial), **EN).content.decode()
    assert "Fam0 Ali" in html and "Vol1 Dupont" in html
    assert "#" + str(trial.result[0]["family_id"]) + "<" not in html
    assert 'name="proposal"' not in html and "Run for real" in html
    response = client.post(reverse("matches:run_send", args=["north", trial.pk]),
                           {"proposal": ["1"]}, follow=True, **EN)
    assert "cannot be sent" in response.content.decode()
    assert not Proposal.objects.exists() and not mail.outbox


def test_filters_and_sorts_are_server_side(client, alice, north, real_run):
    client.force_login(alice)
    html = client.get(run_url(real_run), {"area": "1210"}, **EN).content.decode()
    assert "Fam1 Ali" in html and "Fam0 Ali" not in html and "Fam2 Ali" not in html
    Proposal.objects.filter(family__contact_first_name="Fam2").update(distance_km=4.5,
                                                                       score=0.5)
    html = client.get(run_url(real_run), {"max_km": "3"}, **EN).content.decode()
    assert "Fam2 Ali" not in html and "Fam0 Ali" in html
    html = client.get(run_url(real_run), {"min_score": "1"}, **EN).content.decode()
    assert "Fam2 Ali" not in html
    html = client.get(run_url(real_run), {"sort": "-distance"}, **EN).content.decode()
    assert html.index("Fam2 Ali") < html.index("Fam0 Ali")
    html = client.get(run_url(real_run), {"sort": "family"}, **EN).content.decode()
    assert html.index("Fam0 Ali") < html.index("Fam1 Ali") < html.index("Fam2 Ali")


@pytest.mark.parametrize("params, field", [
    ({"area": "9999"}, "area"), ({"max_km": "far"}, "max_km"), ({"max_km": "-1"}, "max_km"),
    ({"max_km": "nan"}, "max_km"), ({"min_score": "x" * 300}, "min_score"),
    ({"sort": "password"}, "sort"),
])
def test_nonsense_filters_answer_400_naming_the_field(client, alice, real_run, params,
                                                      field):
    client.force_login(alice)
    response = client.get(run_url(real_run), params, **EN)
    assert response.status_code == 400
    assert f"({field}):" in response.content.decode()


def test_the_ticked_proposals_are_sent_in_one_action_and_the_rest_stays(
        client, alice, real_run, django_capture_on_commit_callbacks):
    first, second, third = Proposal.objects.filter(run=real_run).order_by("id")
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matches:run_send", args=["north", real_run.pk]),
                               {"proposal": [first.pk, third.pk], "back": "sort=distance"},
                               **EN)
    assert response.status_code == 302
    assert response["Location"] == run_url(real_run) + "?sort=distance"
    statuses = dict(Proposal.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "sent", second.pk: "draft", third.pk: "sent"}
    html = client.get(response["Location"], **EN).content.decode()
    assert "2 proposals sent" in html and str(first.family) in html
    # The truthful summary: who was told, and how (reach_summary).
    assert "The family (Fam0): e-mail queued" in html
    assert "The volunteer household (Vol2): e-mail queued" in html
    told = {m.to[0] for m in mail.outbox}
    assert {"fam0@example.org", "vol0@example.org", "fam2@example.org"} <= told
    assert "fam1@example.org" not in told and "vol1@example.org" not in told


def test_proposals_of_another_run_are_not_sent_from_this_one(
        client, alice, north, real_run, draft_proposal):
    client.force_login(alice)
    client.post(reverse("matches:run_send", args=["north", real_run.pk]),
                {"proposal": [draft_proposal.pk]}, **EN)
    assert Proposal.objects.get(pk=draft_proposal.pk).status == "draft"


def test_nothing_ticked_or_nonsense_sends_nothing(client, alice, real_run):
    client.force_login(alice)
    url = reverse("matches:run_send", args=["north", real_run.pk])
    response = client.post(url, {}, follow=True, **EN)
    assert "Select at least one proposal" in response.content.decode()
    assert client.post(url, {"proposal": ["x"]}, **EN).status_code == 400
    assert not Proposal.objects.filter(status="sent").exists()


def test_the_message_is_edited_one_click_away_and_back(client, alice, real_run):
    proposal = Proposal.objects.filter(run=real_run).first()
    client.force_login(alice)
    html = client.get(run_url(real_run), **EN).content.decode()
    edit = reverse("matches:proposal", args=["north", proposal.pk]) + "?back=run#h-edit"
    assert edit in html
    page = client.get(edit.split("#")[0], **EN).content.decode()
    assert 'name="back" value="run"' in page and "Save and back to the run" in page
    response = client.post(edit.split("?")[0], {"note": "Ils habitent la même rue.",
                                                "back": "run"}, **EN)
    assert response.status_code == 302 and response["Location"] == run_url(real_run) + "#pairs"
    assert "Ils habitent la même rue." in client.get(run_url(real_run), **EN).content.decode()


def test_another_programme_cannot_see_or_send_the_run(client, charlie, real_run):
    client.force_login(charlie)
    assert client.get(run_url(real_run)).status_code == 404
    response = client.post(reverse("matches:run_send", args=["north", real_run.pk]),
                           {"proposal": [p.pk for p in real_run.proposals.all()]})
    assert response.status_code == 404
    assert not Proposal.objects.filter(status="sent").exists()


@pytest.mark.parametrize("dry_run", [False, True])
def test_the_run_page_costs_the_same_queries_with_more_pairs(client, alice, north, dry_run):
    client.force_login(alice)

    def queries(n_more: int, start: int) -> int:
        households(north, n_more, start)
        done = run(north, dry_run=dry_run)
        client.get(run_url(done), **EN)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(run_url(done), **EN).status_code == 200
        return len(captured)

    assert queries(1, 0) == queries(4, 1)
