"""Who gets what, everywhere: every staff page and every API operation, with each role.

Pages are collected from the URL resolver and operations from the OpenAPI schema, so a
page or an operation added later fails `test_every_page_has_expectations` (or its API
twin) until its row is written here. Nobody learns that a record of another programme
exists: they get 404, never 403.

Personas: alice coordinates "north", bob mediates there, rita refers to it, vera sees its
figures, victor is a volunteer household's own login, "family" holds a family's signed
link (here: its signed value, as a bearer token and in the query string), "anonymous"
nothing, and charlie coordinates "south".
"""

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import bearer
from voisins.api.v1 import api

PERSONAS = ["alice", "bob", "rita", "vera", "victor", "family", "anonymous", "charlie"]
STAFF_ROLES = ["alice", "bob", "rita", "vera", "victor", "charlie"]

# Parts of the site that are not staff pages, and why they are left to other tests.
NOT_STAFF_PAGES = {
    "admin/": "Django admin: super-users only (tests/test_access.py)",
    "accounts/": "allauth's login, logout and account pages: public by design",
    "i18n/": "language switch: public",
    "jsi18n/": "translation catalogue for scripts: public, no data",
    "api/v1/": "walked below through the OpenAPI schema",
}


def only(allowed: dict[str, int], others: int = 404, anonymous: int = 302) -> dict[str, int]:
    """Expected statuses: `allowed` personas as given, staff roles `others`, the rest
    `anonymous` (sent to the login page)."""
    table = {p: others for p in STAFF_ROLES}
    table.update(family=anonymous, anonymous=anonymous)
    table.update(allowed)
    return table


@dataclass
class Row:
    expect: dict[str, int]
    kwargs: Any = field(default=lambda d: {})
    method: str = "get"
    data: Any = None


def _kind_pk(d, kind="families"):
    pk = d["family"].pk if kind == "families" else d["volunteer"].pk
    return {"slug": "north", "kind": kind, "pk": pk}


ALICE = {"alice": 200}
POST_ONLY = only({p: 405 for p in STAFF_ROLES})
SLUG = lambda d: {"slug": "north"}  # noqa: E731
PROPOSAL = lambda d: {"slug": "north", "pk": d["proposal"].pk}  # noqa: E731
FAMILY_PK = lambda d: {"slug": "north", "pk": d["family"].pk}  # noqa: E731
MATCH = lambda d: {"slug": "north", "pk": d["match"].pk}  # noqa: E731
CASE = lambda d: {"slug": "north", "pk": d["case"].pk}  # noqa: E731
LINK = lambda d: {"token": d["link"]}  # noqa: E731
PAGES: dict[str, Row] = {
    "landing": Row({p: 302 for p in PERSONAS}),
    # Staff land on their programme; a volunteer household on its portal.
    "staff:home": Row(only({}, others=302)),
    "staff:programme": Row(only({"alice": 200, "vera": 200}), lambda d: {"slug": "north"}),
    "staff:families": Row(only(ALICE), lambda d: {"slug": "north"}),
    "staff:family": Row(only(ALICE), lambda d: {"slug": "north", "pk": d["family"].pk}),
    "staff:volunteers": Row(only(ALICE), lambda d: {"slug": "north"}),
    "staff:volunteer": Row(only(ALICE),
                           lambda d: {"slug": "north", "pk": d["volunteer"].pk}),
    "staff:status": Row(only({"alice": 302}), _kind_pk, method="post", data={}),
    "staff:import": Row(only(ALICE), lambda d: {"slug": "north"}),
    "gdpr:audit": Row(only(ALICE), _kind_pk),
    "gdpr:export": Row(only(ALICE), lambda d: _kind_pk(d) | {"fmt": "json"}),
    "gdpr:erase": Row(only(ALICE), lambda d: _kind_pk(d, "volunteers")),
    "gdpr:processing_record": Row(only(ALICE), lambda d: {"slug": "north"}),
    # --- match life (voisins.matches, voisins.mediation) ---
    "matches:dashboard": Row(only(ALICE), SLUG),
    "matches:matching": Row(only(ALICE), SLUG),
    "matches:proposals": Row(only(ALICE), SLUG),
    "matches:matches": Row(only({"alice": 200, "bob": 200}), SLUG),  # bob: his own only
    "matches:checkins_overdue": Row(only(ALICE), SLUG),
    "matches:run": Row(only(ALICE), lambda d: {"slug": "north", "pk": d["run"].pk}),
    "matches:proposal": Row(only(ALICE), PROPOSAL),
    "matches:suggestions": Row(only(ALICE), FAMILY_PK),
    "matches:match": Row(only(ALICE), MATCH),  # bob is not this match's mediator
    "mediation:cases": Row(only({"alice": 200, "bob": 200}), SLUG),
    "mediation:case": Row(only(ALICE), CASE),
    # A volunteer household's own pages.
    "matches:volunteer_home": Row(only({"victor": 200}), lambda d: {}),
    "matches:volunteer_match": Row(only({"victor": 200}), lambda d: {"pk": d["match"].pk}),
    "matches:volunteer_checkin": Row(only({"victor": 200}),
                                     lambda d: {"pk": d["volunteer_checkin"].pk}),
    # Capability links: whoever holds the (signed, expiring, revocable) link gets the page.
    # A family's pages (voisins.familypages owns the link; match life adds its pages).
    "familypages:home": Row({p: 200 for p in PERSONAS}, LINK),
    "matches:family_proposal": Row({p: 200 for p in PERSONAS}, LINK),
    "matches:family_checkin": Row({p: 200 for p in PERSONAS}, LINK),
    "matches:family_checkin_answer": Row({p: 200 for p in PERSONAS}, lambda d: {
        "token": d["link"], "pk": d["checkin"].pk}),
    "matches:family_help": Row({p: 200 for p in PERSONAS}, LINK),
    # A volunteer's check-in link from its e-mail.
    "matches:checkin_link": Row({p: 200 for p in PERSONAS},
                                lambda d: {"token": d["checkin_token"]}),
    # The coordinator's links to a family's pages.
    "familypages:staff_links": Row(only(ALICE), FAMILY_PK),
    "familypages:staff_revoke": Row(POST_ONLY, lambda d: {
        "slug": "north", "pk": d["family"].pk, "link_id": d["link_id"]}),
    # Actions that only take POST: GET is refused to everyone (after login for staff
    # pages). Who may POST them is tested in tests/test_match_*.py and test_mediation*.
    **{f"matches:{name}": Row(POST_ONLY, kwargs) for name, kwargs in {
        "pause_all": SLUG, "proposal_send": PROPOSAL, "proposal_discard": PROPOSAL,
        "proposal_family_answer": PROPOSAL,
        "intro_plan": MATCH, "intro_held": MATCH, "match_pause": MATCH,
        "match_resume": MATCH, "match_end": MATCH, "match_clear": MATCH,
        "match_mediator": MATCH,
        "volunteer_answer": lambda d: {"pk": d["proposal"].pk},
        "volunteer_activity": lambda d: {"pk": d["match"].pk},
        "volunteer_help": lambda d: {"pk": d["match"].pk},
    }.items()},
    **{f"matches:{name}": Row({p: 405 for p in PERSONAS}, kwargs) for name, kwargs in {
        "family_activity": LINK,
        "family_answer": lambda d: {"token": d["link"], "pk": d["proposal"].pk},
    }.items()},
    **{f"mediation:{name}": Row(POST_ONLY, kwargs) for name, kwargs in {
        "case_new": SLUG, "case_note": CASE, "case_assign": CASE, "case_resolve": CASE,
        "callback_done": lambda d: {"slug": "north", "pk": d["case"].pk,
                                    "callback_pk": d["callback"].pk},
    }.items()},
}


def api_only(allowed: dict[str, int], everyone_with_token: int | None = None
             ) -> dict[str, int]:
    table = {p: 404 if everyone_with_token is None else everyone_with_token
             for p in STAFF_ROLES}
    table.update(family=401, anonymous=401)
    table.update(allowed)
    return table


NORTH = lambda d: {"slug": "north"}  # noqa: E731
FAMILY = lambda d: {"household_id": d["family"].pk}  # noqa: E731
VOLUNTEER = lambda d: {"household_id": d["volunteer"].pk}  # noqa: E731
NEW_FAMILY = {"contact_first_name": "Nour", "postcode": "1030", "needs": {"homework": 2},
              "languages": [{"code": "ar"}], "availability": ["mon-pm"]}
NEW_VOLUNTEER = {"contact_first_name": "Luc", "postcode": "1030", "offers": ["homework"],
                 "languages": [{"code": "fr"}], "availability": ["mon-pm"]}
NORTH_ROLES = {"alice": 200, "bob": 200, "rita": 200, "vera": 200}
RUN = lambda d: {"run_id": d["run"].pk}  # noqa: E731
PROPOSAL_ID = lambda d: {"proposal_id": d["proposal"].pk}  # noqa: E731
MATCH_ID = lambda d: {"match_id": d["match"].pk}  # noqa: E731
CHECKIN_ID = lambda d: {"checkin_id": d["checkin"].pk}  # noqa: E731
VOLUNTEER_CHECKIN_ID = lambda d: {"checkin_id": d["volunteer_checkin"].pk}  # noqa: E731
CASE_ID = lambda d: {"case_id": d["case"].pk}  # noqa: E731
CALLBACK = lambda d: {"case_id": d["case"].pk, "callback_id": d["callback"].pk}  # noqa: E731
EVENT_ID = lambda d: {"event_id": d["event"].pk}  # noqa: E731
INVITATION_ID = lambda d: {"invitation_id": d["invitation"].pk}  # noqa: E731
CONSENT_ID = lambda d: {"consent_id": d["consent"].pk}  # noqa: E731

OPERATIONS: dict[str, Row] = {
    "list_programmes": Row(api_only({}, everyone_with_token=200)),
    "get_programme": Row(api_only(NORTH_ROLES), NORTH),
    "update_programme": Row(api_only(ALICE), NORTH, "patch", {"name": "Voisins Nord"}),
    "get_statistics": Row(api_only({"alice": 200, "vera": 200}), NORTH),
    "list_families": Row(api_only(ALICE), NORTH),
    "create_family": Row(api_only({"alice": 201}), NORTH, "post", NEW_FAMILY),
    "get_family": Row(api_only(ALICE), FAMILY),
    "update_family": Row(api_only(ALICE), FAMILY, "patch", {"wishes_note": "ok"}),
    "list_volunteers": Row(api_only(ALICE), NORTH),
    "create_volunteer": Row(api_only({"alice": 201}), NORTH, "post", NEW_VOLUNTEER),
    "get_volunteer": Row(api_only(ALICE), VOLUNTEER),
    "update_volunteer": Row(api_only(ALICE), VOLUNTEER, "patch", {"capacity": 2}),
    "list_referrals": Row(api_only({"alice": 200, "rita": 200}), NORTH),
    # --- match life: coordinators run it; bob mediates (none of these is assigned to him),
    # victor is the volunteer household of the match. Rows run in this order for each
    # persona, so the writes that change a match come after the reads.
    "start_matching_run": Row(api_only({"alice": 202}), NORTH, "post", {"dry_run": True}),
    "get_matching_run": Row(api_only(ALICE), RUN),
    "list_proposals": Row(api_only(ALICE), NORTH),
    "get_proposal": Row(api_only(ALICE), PROPOSAL_ID),
    # The proposal was accepted: coordinators reach it, and the service refuses the change.
    "create_proposal": Row(api_only({"alice": 422}), NORTH, "post",
                           {"family_id": 1, "volunteer_id": 1}),
    "update_proposal": Row(api_only({"alice": 409}), PROPOSAL_ID, "patch", {"note": "x"}),
    "send_proposal": Row(api_only({"alice": 409}), PROPOSAL_ID, "post"),
    "discard_proposal": Row(api_only({"alice": 409}), PROPOSAL_ID, "post"),
    "record_family_answer": Row(api_only({"alice": 409}), PROPOSAL_ID, "post",
                                {"accept": True}),
    "list_matches": Row(api_only({"alice": 200, "bob": 200}), NORTH),
    "get_match": Row(api_only(ALICE), MATCH_ID),
    "list_checkins": Row(api_only({"alice": 200, "bob": 200}), NORTH),
    "get_checkin": Row(api_only(ALICE), CHECKIN_ID),
    # Introduced already; the check-ins are not due yet.
    "plan_introduction": Row(api_only({"alice": 409}), MATCH_ID, "post",
                             {"planned_at": "2030-01-01T10:00:00Z", "place": "Parc"}),
    "record_introduction": Row(api_only({"alice": 409}), MATCH_ID, "post",
                               {"held_on": "2020-01-01"}),
    "record_checkin_answer": Row(api_only({"alice": 409}), CHECKIN_ID, "post",
                                 {"rating": 4, "frequency": "weekly"}),
    "assign_match_mediator": Row(api_only(ALICE), MATCH_ID, "put", {"mediator_id": None}),
    "clear_match_attention": Row(api_only(ALICE), MATCH_ID, "post"),
    "pause_match": Row(api_only(ALICE), MATCH_ID, "post", {"reason": "holidays"}),
    "resume_match": Row(api_only(ALICE), MATCH_ID, "post"),
    "pause_programme": Row(api_only({"alice": 201}), NORTH, "post", {"message": "Lockdown"}),
    "resume_programme": Row(api_only(ALICE), NORTH, "post"),
    "end_match": Row(api_only(ALICE), MATCH_ID, "post", {"reason": "goal-reached"}),
    # A volunteer household's own proposals and check-ins: victor's alone.
    "list_my_proposals": Row(api_only({"victor": 200})),
    "answer_my_proposal": Row(api_only({"victor": 409}), PROPOSAL_ID, "post",
                              {"accept": True}),
    "list_my_checkins": Row(api_only({"victor": 200})),
    "answer_my_checkin": Row(api_only({"victor": 409}), VOLUNTEER_CHECKIN_ID, "post",
                             {"rating": 4, "frequency": "weekly"}),
    # --- mediation: the case is about the match and assigned to nobody, so bob (a
    # mediator) lists cases and opens his own, but does not see this one.
    "list_cases": Row(api_only({"alice": 200, "bob": 200}), NORTH),
    "open_case": Row(api_only({"alice": 201, "bob": 201}), NORTH, "post",
                     {"kind": "practical", "summary": "The bike is broken."}),
    "get_case": Row(api_only(ALICE), CASE_ID),
    "add_case_note": Row(api_only({"alice": 201}), CASE_ID, "post", {"text": "Called."}),
    "complete_callback": Row(api_only(ALICE), CALLBACK, "post", {"minutes": 5, "text": "ok"}),
    "assign_case": Row(api_only(ALICE), CASE_ID, "put", {"assigned_to_id": None}),
    "resolve_case": Row(api_only(ALICE), CASE_ID, "post", {"resolution": "Repaired."}),
    # --- events: coordinators; an invitation is its invitee's (victor's) alone.
    "list_events": Row(api_only(ALICE), NORTH),
    "create_event": Row(api_only({"alice": 201}), NORTH, "post", {
        "kind": "meetup", "title": "Apéro", "starts_at": "2099-05-01T18:00:00Z",
        "ends_at": "2099-05-01T20:00:00Z", "place": "Maison de quartier"}),
    "get_event": Row(api_only(ALICE), EVENT_ID),
    "update_event_capacity": Row(api_only(ALICE), EVENT_ID, "put", {"capacity": 10}),
    "list_event_invitations": Row(api_only(ALICE), EVENT_ID),
    "invite_to_event": Row(api_only(ALICE), EVENT_ID, "post", {"groups": ["staff"]}),
    "record_event_attendance": Row(api_only(ALICE), EVENT_ID, "put", {"attended": []}),
    # --- consent: coordinators
    "list_family_consents": Row(api_only(ALICE), FAMILY),
    "give_family_consent": Row(api_only({"alice": 201}), FAMILY, "post", {"purpose": "surveys"}),
    "list_volunteer_consents": Row(api_only(ALICE), VOLUNTEER),
    "give_volunteer_consent": Row(api_only({"alice": 201}), VOLUNTEER, "post",
                                  {"purpose": "share_contact"}),
    "withdraw_consent": Row(api_only(ALICE), CONSENT_ID, "post"),
    "list_my_invitations": Row(api_only({}, everyone_with_token=200)),
    "answer_my_invitation": Row(api_only({"victor": 200}), INVITATION_ID, "post",
                                {"going": True}),
}


# --- collecting what exists -------------------------------------------------------------

def staff_pages() -> dict[str, str]:
    """URL name → route, for every named URL outside NOT_STAFF_PAGES."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(tuple(NOT_STAFF_PAGES)):
                continue
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, ns)
            elif isinstance(pattern, URLPattern):
                found[f"{namespace}{pattern.name}" if pattern.name else route] = route

    walk(get_resolver().url_patterns, "", "")
    return found


def api_operations() -> dict[str, tuple[str, str]]:
    """operationId → (method, path template) of every operation in the OpenAPI schema."""
    schema = api.get_openapi_schema()
    return {op["operationId"]: (method, path)
            for path, methods in schema["paths"].items() for method, op in methods.items()}


def test_every_page_has_expectations():
    missing = sorted(set(staff_pages()) - set(PAGES))
    assert not missing, f"pages without a row in PAGES: {missing}"
    gone = sorted(set(PAGES) - set(staff_pages()))
    assert not gone, f"rows for pages that no longer exist: {gone}"


def test_every_api_operation_has_expectations():
    missing = sorted(set(api_operations()) - set(OPERATIONS))
    assert not missing, f"API operations without a row in OPERATIONS: {missing}"
    gone = sorted(set(OPERATIONS) - set(api_operations()))
    assert not gone, f"rows for operations that no longer exist: {gone}"


# --- walking them -----------------------------------------------------------------------

@pytest.fixture
def data(north, south, alice, bob, rita, vera, charlie, family, volunteer, victor,
         live_match, south_family):
    from datetime import date, timedelta

    from django.utils import timezone

    from voisins.familypages.services import family_link_create, family_link_token
    from voisins.matches.models import CheckIn, MatchingRun
    from voisins.matches.services import checkin_token, introduction_plan, introduction_record
    from voisins.mediation.services import callback_request, case_open

    introduction_plan(match=live_match, planned_at=timezone.now() + timedelta(days=1),
                      place="Maison de quartier", by=alice)
    introduction_record(match=live_match, held_on=date.today(), by=alice)
    case = case_open(programme=north, kind="practical", summary="The bike is broken.",
                     opened_by="staff", by=alice, match=live_match)
    callback = callback_request(case=case, requested_by="family", when="evening",
                                language="ar")
    link = family_link_create(family=family, by=alice)
    run = MatchingRun.objects.create(programme=north)
    return {"run": run, "checkin_token": checkin_token(
        CheckIn.objects.filter(match=live_match, side="volunteer").first()),
            "family": family, "volunteer": volunteer, "match": live_match,
            "proposal": live_match.proposal, "case": case, "callback": callback,
            "checkin": CheckIn.objects.filter(match=live_match, side="family").first(),
            "volunteer_checkin": CheckIn.objects.filter(match=live_match,
                                                        side="volunteer").first(),
            "link": family_link_token(link), "link_id": link.pk,
            "users": {"alice": alice, "bob": bob, "rita": rita, "vera": vera,
                      "charlie": charlie, "victor": victor.user}}


@pytest.fixture
def api_data(data, north, alice, victor):
    """`data`, and what only the API walk needs: an event victor is invited to, a
    consent of the family."""
    from datetime import timedelta

    from django.utils import timezone

    from voisins.community.services import event_create, invitations_send
    from voisins.privacy.services import consent_give

    starts = timezone.now() + timedelta(days=7)
    event = event_create(programme=north, by=alice, kind="meetup", title="Apéro",
                         starts_at=starts, ends_at=starts + timedelta(hours=2),
                         place="Maison de quartier", capacity=5)
    invitations_send(event=event, users=[victor.user])
    return {**data, "event": event, "invitation": event.invitations.get(),
            "consent": consent_give(household=data["family"], purpose="matching")}


def _headers(persona: str, d: dict) -> dict[str, str]:
    if persona in d["users"]:
        return bearer(d["users"][persona])
    if persona == "family":
        return {"HTTP_AUTHORIZATION": f"Bearer {d['link']}", "HTTP_ACCEPT_LANGUAGE": "en"}
    return {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reaches_exactly_its_pages(client, data, persona):
    from django.urls import reverse

    if persona in data["users"]:
        client.force_login(data["users"][persona])
    if persona == "family":  # the family opens its own link first
        client.get(reverse("familypages:home", kwargs={"token": data["link"]}))
    query = ""
    wrong = []
    for name, row in PAGES.items():
        url = reverse(name, kwargs=row.kwargs(data)) + query
        response = getattr(client, row.method)(url, row.data or {})
        if response.status_code != row.expect[persona]:
            wrong.append((name, url, row.expect[persona], response.status_code))
        if response.status_code == 302 and persona in ("anonymous", "family") \
                and name != "landing":
            assert response["Location"].startswith("/accounts/login/"), (name, response)
    assert not wrong, f"{persona}: (page, url, expected, got) {wrong}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reaches_exactly_its_api_operations(client, api_data, persona):
    import json

    data = api_data
    headers = _headers(persona, data)
    wrong = []
    operations = api_operations()
    for operation_id, row in OPERATIONS.items():
        method, template = operations[operation_id]
        path = template.format(**row.kwargs(data))
        kwargs = dict(headers)
        if row.data is not None:
            kwargs.update(data=json.dumps(row.data), content_type="application/json")
        response = getattr(client, method)(path, **kwargs)
        if response.status_code != row.expect[persona]:
            wrong.append((operation_id, path, row.expect[persona], response.status_code,
                          response.content[:200]))
    assert not wrong, f"{persona}: (operation, path, expected, got) {wrong}"


def test_no_answer_to_another_programme_is_a_403(client, data):
    """Charlie, coordinator of south, probes north's records by every route: only 404."""
    from django.urls import reverse

    client.force_login(data["users"]["charlie"])
    for name, row in PAGES.items():
        response = getattr(client, row.method)(reverse(name, kwargs=row.kwargs(data)),
                                               row.data or {})
        assert response.status_code != 403, name
