"""schemathesis against the running API with a coordinator's token: no answer is a 5xx,
every answer matches the OpenAPI schema (status, content type, headers, body).

100 examples per operation when the CI variable is set, 15 locally. Paths point at real
records of the coordinator's programme, so the generated queries and bodies reach the
code behind the access checks rather than stopping at 404.
"""

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from voisins.api.services import token_create
from voisins.api.v1 import api

# CI fuzzes 100 examples per operation on SQLite; the PostgreSQL pass may ask for fewer.
EXAMPLES = int(os.environ.get("VOISINS_FUZZ_EXAMPLES") or (100 if os.environ.get("CI") else 15))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


# The schema the server publishes at /api/v1/openapi.json, built from the same object.
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))


@pytest.fixture
def coordinator_token(alice):
    return token_create(user=alice)[1]


@pytest.fixture
def records(north, alice, family, volunteer, victor, live_match):
    """One real record of every kind in alice's programme, for the paths to point at: a
    match waiting for its introduction, a draft proposal for a waiting family, a check-in,
    a case with a callback, an event alice is invited to; victor's household answers its
    own proposals and check-ins."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.conftest import agreed_to_matching, family_data
    from voisins.community.services import event_create, invitations_send
    from voisins.households.services import family_create
    from voisins.matches.models import CheckIn, MatchingRun, Proposal
    from voisins.mediation.services import callback_request, case_open
    from voisins.privacy.services import consent_give

    waiting = family_create(programme=north, **family_data(contact_first_name="Nour"))
    agreed_to_matching(waiting, volunteer)
    draft = Proposal.objects.create(programme=north, family=waiting, volunteer=volunteer,
                                    score=5, distance_km=0.3, created_by=alice)
    checkin = CheckIn.objects.create(match=live_match, side="volunteer", day_offset=0,
                                     due_on=timezone.localdate())
    case = case_open(programme=north, kind="practical", summary="The bike is broken.",
                     opened_by="staff", by=alice, match=live_match)
    callback = callback_request(case=case, requested_by="family", when="evening",
                                language="ar")
    starts = timezone.now() + timedelta(days=7)
    event = event_create(programme=north, by=alice, kind="meetup", title="Apéro",
                         starts_at=starts, ends_at=starts + timedelta(hours=2),
                         place="Maison de quartier", capacity=1)
    invitations_send(event=event, users=[alice, victor.user])
    from decimal import Decimal

    from tests.files.samples import pdf, upload
    from voisins.community.services import resource_save
    from voisins.expenses.services import ceiling_year_save, expense_record
    from voisins.files.services import case_attachment_add
    from voisins.recruitment.services import screening_update
    from voisins.training.services import training_module_create
    from voisins.volunteering.services import information_note_publish

    note = information_note_publish(programme=north, legal_status="asbl",
                                    organisation_name="Voisins du Nord", aim="Entraide",
                                    expenses_regime="none",
                                    published_at=timezone.now() - timedelta(days=1))
    ceiling_year_save(year=timezone.localdate().year, day_ceiling=Decimal("42.31"),
                      year_ceiling=Decimal("1692.51"), km_rate=Decimal("0.4326"))
    expense = expense_record(household=victor, spent_on=timezone.localdate(),
                             amount=Decimal("4.50"), description="Bus", via="link")
    screening_update(volunteer=volunteer, interview_place="Maison de quartier")
    attachment = case_attachment_add(case=case, upload=upload("lettre.pdf", pdf()), by=alice)
    return {
        "note_id": note.pk, "expense_id": expense.pk,
        "module_id": training_module_create(programme=north, title="Accueil").pk,
        "resource_id": resource_save(programme=north, kind="guide", title="Guide",
                                     body="Le guide.", languages=["fr"],
                                     target_group="volunteers").pk,
        "volunteer_id": volunteer.pk, "file_id": str(attachment.uuid),
        "slug": north.slug, "run_id": MatchingRun.objects.create(programme=north).pk,
        "proposal_id": draft.pk, "match_id": live_match.pk, "checkin_id": checkin.pk,
        "case_id": case.pk, "callback_id": callback.pk, "event_id": event.pk,
        "invitation_id": event.invitations.get(user=alice).pk,
        "consent_id": consent_give(household=family, purpose="matching").pk,
        "families": family.pk, "volunteers": volunteer.pk,
        "victor_token": token_create(user=victor.user)[1],
        "victor_proposal_id": Proposal.objects.create(
            programme=north, family=family_create(programme=north, **family_data()),
            volunteer=victor, score=5, distance_km=0.3, status="sent",
            sent_at=timezone.now(), expires_at=timezone.now() + timedelta(days=14)).pk,
    }


# A volunteer household's own operations are fuzzed with its own token (a coordinator
# has no household: every call would be a 404).
VOLUNTEER_PATHS = ("/api/v1/me/proposals", "/api/v1/me/check-ins",
                   "/api/v1/me/information-note", "/api/v1/me/expenses", "/api/v1/me/hours")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_api_never_fails_and_keeps_to_its_schema(case, live_server, coordinator_token,
                                                     records):
    token = coordinator_token
    parameters = case.path_parameters or {}
    for name in parameters:
        if name == "household_id":
            parameters[name] = records[case.operation.path.split("/")[3]]
        elif name in records:
            parameters[name] = records[name]
    if case.operation.path.startswith(VOLUNTEER_PATHS):
        token = records["victor_token"]
        if "proposal_id" in parameters:
            parameters["proposal_id"] = records["victor_proposal_id"]
    case.call_and_validate(base_url=live_server.url, checks=CHECKS,
                           headers={"Authorization": f"Bearer {token}"})
