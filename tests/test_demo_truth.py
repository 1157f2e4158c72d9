"""The demo data tells the truth (issue 14, item 3): every proposal and match is a pair the
engine finds feasible, at the distance its households' coordinates give; its dates agree
with the households' own; names go with the gender recorded; and the outcome surveys have
enough children for the IMMERSE indicators to show."""

import io
from collections import defaultdict
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import models, transaction
from django.utils import timezone

from voisins import matching
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.matches import bridge
from voisins.matches.models import CheckIn, Match, Notification, Proposal
from voisins.ops import household_demo
from voisins.programmes.models import Programme

# The module's fixture makes the demo once; the mark makes pytest-django set up the test
# database even when this module runs alone.
pytestmark = pytest.mark.django_db

MAKE_RUN = ["--families", "120", "--volunteers", "100", "--matches", "25", "--proposals", "8",
            "--ended", "80", "--journey", "--seed", "1"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo programme of `make run`, made once for this module and rolled back after."""
    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", *MAKE_RUN, stdout=out)
        yield Programme.objects.get(slug="demo"), out.getvalue()
        transaction.set_rollback(True)


def test_every_proposal_is_a_pair_the_engine_finds_feasible_at_its_true_distance(demo):
    programme, _out = demo
    proposals = Proposal.objects.filter(programme=programme).select_related(
        "family", "volunteer").prefetch_related("family__members", "volunteer__members")
    assert proposals.count() >= 25 + 8 + 60
    for p in proposals:
        family, volunteer = bridge.family_input(p.family), bridge.volunteer_input(p.volunteer)
        assert matching.feasible(family, volunteer), (p.family.reference, p.volunteer.reference)
        distance = matching.distance_km(family, volunteer)
        assert p.distance_km == pytest.approx(distance, abs=0.01)
        assert distance <= min(p.family.radius_km, p.volunteer.radius_km)
        shown = [r for r in p.reasons if r["code"] == "distance"]
        assert shown and shown[0]["params"]["km"] == pytest.approx(distance, abs=0.05)


def test_the_command_makes_what_it_was_asked_and_says_so(demo):
    programme, out = demo
    assert "25 matches" in out and "8 proposals waiting" in out and "80 past matches" in out
    matches = Match.objects.filter(programme=programme)
    assert matches.filter(status__in=Match.LIVE).count() == 25
    assert matches.filter(status="ended").count() == 80
    assert Proposal.objects.filter(programme=programme, status="sent").count() == 8
    # The simulated past sends nothing.
    assert not Notification.objects.exists()


def test_match_dates_agree_with_the_households(demo):
    programme, _out = demo
    for m in Match.objects.filter(programme=programme).select_related(
            "family", "volunteer", "proposal"):
        family, volunteer = m.family, m.volunteer
        assert family.arrival_date < m.started_on
        assert family.created_at.date() < m.started_on
        assert volunteer.created_at.date() < m.started_on
        assert m.proposal.sent_at.date() <= m.started_on
        assert m.proposal.created_at <= m.proposal.sent_at <= m.proposal.closed_at
        if m.introduced_on:
            assert m.started_on <= m.introduced_on
        if m.ended_on:
            assert m.introduced_on <= m.ended_on and m.end_reason
        assert m.created_at.date() == m.started_on
    for c in CheckIn.objects.filter(match__programme=programme, answered_at__isnull=False):
        assert c.due_on <= c.answered_at.date()


def test_a_household_has_one_match_at_a_time_within_its_capacity(demo):
    programme, _out = demo
    spans = defaultdict(list)
    for m in Match.objects.filter(programme=programme).select_related("volunteer"):
        end = m.ended_on or m.started_on.max
        spans[("f", m.family_id)].append((m.started_on, end, 1))
        spans[("v", m.volunteer_id)].append((m.started_on, end, m.volunteer.capacity))
    for (kind, _pk), rows in spans.items():
        for start, _end, capacity in rows:
            at_once = sum(1 for s, e, _c in rows if s <= start <= e)
            assert at_once <= (1 if kind == "f" else capacity)


def test_households_live_state_follows_their_matches(demo):
    programme, _out = demo
    for m in Match.objects.filter(programme=programme, status__in=Match.LIVE).select_related(
            "family", "volunteer"):
        assert m.family.status == "matched" and m.volunteer.status == "matched"
    for f in FamilyHousehold.objects.filter(programme=programme, status="waiting"):
        assert not f.matches.filter(status__in=Match.LIVE).exists()
        last = f.matches.order_by("-ended_on").first()
        if last is not None:
            assert f.waiting_since.date() >= last.ended_on


def test_names_go_with_the_gender_recorded(demo):
    programme, _out = demo
    women = set(household_demo.VOLUNTEER_WOMEN)
    men = set(household_demo.VOLUNTEER_MEN)
    for origin in household_demo.FAMILY_ORIGINS:
        women |= set(origin[2])
        men |= set(origin[3])
    for model in (FamilyHousehold, VolunteerHousehold):
        for first, gender in model.objects.filter(programme=programme).values_list(
                "contact_first_name", "contact_gender"):
            assert first in (women if gender == "f" else men), (first, gender)


@pytest.mark.parametrize("wave", ["m6", "m12"])
def test_the_immerse_indicators_have_enough_children_to_show(demo, wave):
    from voisins.evaluation.selectors import Period, default_period, survey_results

    programme, _out = demo
    for period in (Period(), default_period()):  # all time, and the last twelve months
        results = survey_results(programme=programme, wave=wave, period=period)
        assert len(results.outcomes) == 7
        assert not [o.indicator for o in results.outcomes if o.suppressed], period


def test_a_volunteer_household_is_screened_and_trained_before_its_first_match(demo):
    from voisins.recruitment.models import Screening
    from voisins.training.models import Registration

    programme, _out = demo
    past_applied = VolunteerHousehold.objects.filter(programme=programme).exclude(
        status__in=["applied", "left"])
    screened = {s.volunteer_id: s for s in Screening.objects.filter(
        volunteer__in=past_applied, decision="accepted")}
    assert set(screened) == set(past_applied.values_list("pk", flat=True))
    assert not past_applied.filter(exception_at__isnull=False).exists()
    for m in Match.objects.filter(programme=programme):
        assert screened[m.volunteer_id].decided_at.date() < m.started_on
        attended = Registration.objects.filter(volunteer=m.volunteer_id, attended=True,
                                               session__module__required=True)
        assert attended.exists()
        assert all(r.session.ends_at.date() <= m.started_on - timedelta(days=1)
                   for r in attended.select_related("session"))


def test_parents_are_older_than_their_children(demo):
    from voisins.households.models import Member

    programme, _out = demo
    years = defaultdict(lambda: {"adult": [], "child": []})
    for family, volunteer, kind, born in Member.objects.filter(
            models.Q(family__programme=programme) | models.Q(volunteer__programme=programme)
    ).values_list("family", "volunteer", "kind", "birth_year"):
        years[(family, volunteer)][kind].append(born)
    for household in years.values():
        if household["child"]:
            assert min(household["adult"]) <= min(household["child"]) - 18


def test_the_simulated_past_sends_nothing(demo):
    # Proposals, meetings and check-ins of the generated past went through the real
    # services; none of their messages may be left queued for the worker to send now.
    from voisins.messaging.models import Message

    messages = Message.objects.filter(programme__slug="demo")
    assert not messages.filter(state="queued").exists()
    assert not messages.filter(created_at__gte=timezone.now() - timedelta(minutes=30)).exists()


def test_a_household_told_in_the_simulated_past_has_its_message_on_record(demo):
    # A proposal was sent to both households: their pages list what they were told, when.
    from voisins.matches.models import Proposal
    from voisins.messaging.models import Message

    for proposal in Proposal.objects.filter(programme__slug="demo", status="sent"):
        for household in (proposal.family, proposal.volunteer):
            told = Message.objects.filter(**{household.side: household}, purpose="proposal")
            assert told.exists(), household
            message = told.latest("created_at")
            assert abs(message.created_at - proposal.sent_at) < timedelta(minutes=5)
            assert message.state in ("delivered", "to_call", "called")
