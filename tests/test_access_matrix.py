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
def _pause_action(match):
    from voisins.matches.models import UndoableAction

    return UndoableAction.objects.get_or_create(programme_id=match.programme_id,
                                                kind="programme_pause")[0]


SLUG = lambda d: {"slug": "north"}  # noqa: E731
NETWORK = lambda d: {"network": "reseau"}  # noqa: E731
PROPOSAL = lambda d: {"slug": "north", "pk": d["proposal"].pk}  # noqa: E731
FAMILY_PK = lambda d: {"slug": "north", "pk": d["family"].pk}  # noqa: E731
MATCH = lambda d: {"slug": "north", "pk": d["match"].pk}  # noqa: E731
CASE = lambda d: {"slug": "north", "pk": d["case"].pk}  # noqa: E731
LINK = lambda d: {"token": d["link"]}  # noqa: E731
VLINK = lambda d: {"token": d["vlink"]}  # noqa: E731
NEWS = lambda d: {"slug": "north", "pk": d["news"].pk}  # noqa: E731
CAMPAIGN = lambda d: {"slug": "north", "pk": d["campaign"].pk}  # noqa: E731
VOLUNTEER_PK = lambda d: {"slug": "north", "pk": d["volunteer"].pk}  # noqa: E731
PUBLIC = {p: 200 for p in PERSONAS}
PAGES: dict[str, Row] = {
    "landing": Row({p: 302 for p in PERSONAS}),
    # For load balancers and monitors: no login, no data (tests/ops/test_health.py).
    "healthz": Row({p: 200 for p in PERSONAS}),
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
    # Registering and editing households, their consent; the programme's settings and team.
    "staff:family_new": Row(only(ALICE), SLUG),
    "staff:family_edit": Row(only(ALICE), FAMILY_PK),
    "staff:volunteer_new": Row(only(ALICE), SLUG),
    "staff:volunteer_edit": Row(only(ALICE), lambda d: {"slug": "north",
                                                        "pk": d["volunteer"].pk}),
    "staff:settings": Row(only(ALICE), SLUG),
    "staff:category_add": Row(POST_ONLY, SLUG),
    "staff:category_toggle": Row(POST_ONLY, lambda d: {"slug": "north",
                                                       "pk": d["category"].pk}),
    "staff:team": Row(only(ALICE), SLUG),
    "staff:group_messages": Row(only(ALICE), SLUG),
    "staff:group_message_new": Row(only(ALICE), SLUG),
    "staff:group_message": Row(only(ALICE), lambda d: {"slug": "north",
                                                       "pk": d["group"].pk}),
    "staff:team_member": Row(POST_ONLY, lambda d: {"slug": "north",
                                                   "pk": d["membership"].pk}),
    # The to-call list and the letters: the roles that see contact details.
    "staff:to_call": Row(only(ALICE), SLUG),
    "staff:to_call_record": Row(POST_ONLY, lambda d: {"slug": "north", "pk": d["to_call"].pk}),
    "staff:to_call_letters": Row(only(ALICE), SLUG),
    "staff:letter": Row(only(ALICE), lambda d: {"slug": "north", "kind": "families",
                                                "pk": d["family"].pk}),
    "gdpr:audit": Row(only(ALICE), _kind_pk),
    "gdpr:consents": Row(only(ALICE), _kind_pk),
    "gdpr:export": Row(only(ALICE), lambda d: _kind_pk(d) | {"fmt": "json"}),
    "gdpr:erase": Row(only(ALICE), lambda d: _kind_pk(d, "volunteers")),
    "gdpr:processing_record": Row(only(ALICE), lambda d: {"slug": "north"}),
    # A household's move to another programme of a network: its programme's coordinator.
    "transfers:household": Row(only(ALICE), _kind_pk),
    # --- match life (voisins.matches, voisins.mediation) ---
    "matches:dashboard": Row(only(ALICE), SLUG),
    "matches:matching": Row(only(ALICE), SLUG),
    "matches:proposals": Row(only(ALICE), SLUG),
    "matches:matches": Row(only({"alice": 200, "bob": 200}), SLUG),  # bob: his own only
    "matches:checkins_overdue": Row(only(ALICE), SLUG),
    "matches:gaps": Row(only(ALICE), SLUG),
    "matches:run": Row(only(ALICE), lambda d: {"slug": "north", "pk": d["run"].pk}),
    "matches:proposal": Row(only(ALICE), PROPOSAL),
    "matches:suggestions": Row(only(ALICE), FAMILY_PK),
    "matches:why_waiting": Row(only(ALICE), FAMILY_PK),
    "matches:match": Row(only(ALICE), MATCH),  # bob is not this match's mediator
    "mediation:cases": Row(only({"alice": 200, "bob": 200}), SLUG),
    # Issue 16: the form to open a case is a page (reached from a match or the case list).
    "mediation:case_new": Row(only({"alice": 200, "bob": 200}), SLUG),
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
    "familypages:message_choices": Row({p: 200 for p in PERSONAS}, LINK),
    "community:family_events": Row({p: 200 for p in PERSONAS}, LINK),
    # The children's questionnaires, answered at home through the family's link.
    "evaluation:family_surveys": Row({p: 200 for p in PERSONAS}, LINK),
    "evaluation:family_survey_answer": Row({p: 200 for p in PERSONAS}, lambda d: {
        "token": d["link"], "child": d["child"].pk, "wave": "start"}),
    # A volunteer's check-in link from its e-mail.
    "matches:checkin_link": Row({p: 200 for p in PERSONAS},
                                lambda d: {"token": d["checkin_token"]}),
    # A volunteer household's pages behind its personal link (victor's household here):
    # whoever holds the link gets them, without an account. Asking for one's link is public.
    **{name: Row({p: 200 for p in PERSONAS}, kwargs) for name, kwargs in {
        "volunteerpages:home": VLINK, "volunteerpages:data": VLINK,
        "volunteerpages:message_choices": VLINK,
        "volunteerpages:password": VLINK, "matches:volunteer_link_proposals": VLINK,
        "matches:volunteer_link_match": lambda d: {"token": d["vlink"], "pk": d["match"].pk},
        "matches:volunteer_link_checkin": lambda d: {
            "token": d["vlink"], "pk": d["volunteer_checkin"].pk},
        "volunteerpages:request": lambda d: {},
    }.items()},
    **{name: Row({p: 405 for p in PERSONAS}, kwargs) for name, kwargs in {
        "matches:volunteer_link_answer": lambda d: {"token": d["vlink"],
                                                    "pk": d["proposal"].pk},
        "matches:volunteer_link_activity": lambda d: {"token": d["vlink"],
                                                      "pk": d["match"].pk},
        "matches:volunteer_link_help": lambda d: {"token": d["vlink"], "pk": d["match"].pk},
        "volunteerpages:training_register": lambda d: {"token": d["vlink"],
                                                       "pk": d["other_session"].pk},
        "volunteerpages:training_cancel": lambda d: {"token": d["vlink"],
                                                     "pk": d["registration"].pk},
        "volunteerpages:rsvp": lambda d: {"token": d["vlink"], "pk": d["invitation"].pk},
        "community:family_rsvp": lambda d: {"token": d["link"], "pk": d["invitation"].pk},
    }.items()},
    # The coordinator's links to a volunteer household's pages.
    "familypages:staff_volunteer_links": Row(only(ALICE), VOLUNTEER_PK),
    "familypages:staff_volunteer_revoke": Row(POST_ONLY, lambda d: {
        "slug": "north", "pk": d["victor"].pk, "link_id": d["vlink_id"]}),
    # The coordinator's links to a family's pages.
    "familypages:staff_links": Row(only(ALICE), FAMILY_PK),
    "familypages:staff_revoke": Row(POST_ONLY, lambda d: {
        "slug": "north", "pk": d["family"].pk, "link_id": d["link_id"]}),
    # Actions that only take POST: GET is refused to everyone (after login for staff
    # pages). Who may POST them is tested in tests/test_match_*.py and test_mediation*.
    **{f"matches:{name}": Row(POST_ONLY, kwargs) for name, kwargs in {
        "pause_all": SLUG, "matching_weights": SLUG, "proposal_send": PROPOSAL,
        "proposals_send": SLUG, "run_send": lambda d: {"slug": "north", "pk": d["run"].pk},
        "proposal_discard": PROPOSAL,
        "proposal_family_answer": PROPOSAL, "proposal_volunteer_answer": PROPOSAL,
        "intro_plan": MATCH, "intro_held": MATCH, "match_pause": MATCH,
        "match_resume": MATCH, "match_end": MATCH, "match_clear": MATCH,
        "match_mediator": MATCH, "match_end_undo": MATCH,
        # A programme pause's undo record (its pause gone: the undo is refused, 302).
        "pause_undo": lambda d: {"slug": "north", "pk": _pause_action(d["match"]).pk},
        "volunteer_answer": lambda d: {"pk": d["proposal"].pk},
        "volunteer_activity": lambda d: {"pk": d["match"].pk},
        "volunteer_help": lambda d: {"pk": d["match"].pk},
    }.items()},
    **{f"matches:{name}": Row({p: 405 for p in PERSONAS}, kwargs) for name, kwargs in {
        "family_activity": LINK,
        "family_answer": lambda d: {"token": d["link"], "pk": d["proposal"].pk},
    }.items()},
    **{f"mediation:{name}": Row(POST_ONLY, kwargs) for name, kwargs in {
        "case_note": CASE, "case_assign": CASE, "case_resolve": CASE,
        "callback_done": lambda d: {"slug": "north", "pk": d["case"].pk,
                                    "callback_pk": d["callback"].pk},
    }.items()},
    # --- the shell (voisins.workspace) ---
    # Anyone logged in may search; the results hold only households of programmes where
    # the user may see households (test_search_finds_only_what_one_may_see).
    "workspace:search": Row(only({p: 200 for p in STAFF_ROLES})),
    # The language switch is public (POST only, no data): GET is refused to everyone.
    "workspace:language": Row({p: 405 for p in PERSONAS}, lambda d: {}),
    # Signed by Twilio (tests/test_messaging_webhooks.py): a GET is refused by everyone.
    "messaging:twilio_status": Row({p: 405 for p in PERSONAS}, lambda d: {}),
    # Off until the Mailgun signing key is set (tests/test_messaging_webhooks.py).
    "messaging:mailgun_tracking": Row({p: 404 for p in PERSONAS}, lambda d: {}),
    "workspace:map": Row(only(ALICE), SLUG),
    "workspace:map_households": Row(only(ALICE), SLUG),
    "workspace:family_radius": Row(only(ALICE), FAMILY_PK),
    # --- the public site of a programme (voisins.recruitment): public by design, so
    # charlie, the family and anonymous visitors get it like anyone else. ---
    **{f"recruitment:{name}": Row(PUBLIC, kwargs) for name, kwargs in {
        "public": SLUG, "privacy": SLUG, "join": SLUG, "share_image": SLUG,
        "feed": SLUG, "rss": SLUG,
        "public_news": lambda d: {"slug": "north", "pk": d["news"].pk},
        # The confirmation link of a sign-up e-mail: GET asks, POST confirms.
        "confirm": lambda d: {"slug": "north", "token": d["signup_token"]},
    }.items()},
    # A campaign's tracked link (on posters, in press releases): counts the visit and
    # sends to the sign-up form.
    "recruitment:campaign_link": Row({p: 302 for p in PERSONAS}, lambda d: {
        "slug": "north", "code": d["campaign"].code}),
    # --- recruitment, for coordinators; the funnel (counts only) for viewers too ---
    "recruitment:overview": Row(only({"alice": 200, "vera": 200}), SLUG),
    "recruitment:funnel_chart": Row(only({"alice": 200, "vera": 200}), SLUG),
    "recruitment:public_text": Row(only(ALICE), lambda d: {"slug": "north",
                                                           "language": "fr"}),
    "recruitment:news": Row(only(ALICE), SLUG),
    "recruitment:news_edit": Row(only(ALICE), NEWS),
    "recruitment:campaigns": Row(only(ALICE), SLUG),
    "recruitment:campaign": Row(only(ALICE), CAMPAIGN),
    "recruitment:campaign_qr": Row(only(ALICE), lambda d: CAMPAIGN(d) | {"kind": "svg"}),
    "recruitment:charter": Row(only(ALICE), SLUG),
    "recruitment:screening": Row(only(ALICE), VOLUNTEER_PK),
    "recruitment:screening_charter": Row(POST_ONLY, VOLUNTEER_PK),
    "recruitment:screening_decision": Row(POST_ONLY, VOLUNTEER_PK),
    # A referrer refers families and follows its own referrals (status only).
    "recruitment:referrals": Row(only({"alice": 200, "rita": 200}), SLUG),
    "recruitment:referral_new": Row(only({"alice": 200, "rita": 200}), SLUG),
    # --- training (voisins.training) ---
    "training:overview": Row(only(ALICE), SLUG),
    "training:session": Row(only(ALICE), lambda d: {"slug": "north",
                                                    "pk": d["session"].pk}),
    "training:required": Row(POST_ONLY, lambda d: {"slug": "north", "pk": d["module"].pk}),
    # --- community: events, invitations, calendar, resources (voisins.community) ---
    "community:events": Row(only(ALICE), SLUG),
    "community:event": Row(only(ALICE), lambda d: {"slug": "north", "pk": d["event"].pk}),
    # Everyone logged in answers their own invitations here (the list holds only theirs).
    "community:invitations": Row(only({p: 200 for p in STAFF_ROLES}), lambda d: {}),
    "community:rsvp": Row(POST_ONLY, lambda d: {"pk": d["invitation"].pk}),
    "community:calendar_renew": Row(POST_ONLY, lambda d: {}),
    # A person's calendar feed: calendar apps cannot log in, so the secret link is the key.
    "community:calendar": Row({p: 200 for p in PERSONAS}, lambda d: {
        "token": d["calendar_token"]}),
    # The library: coordinators and mediators, and the programme's volunteer households.
    "community:resources": Row(only({"alice": 200, "bob": 200, "victor": 200}), SLUG),
    "community:resource_new": Row(only(ALICE), SLUG),
    "community:resource_edit": Row(only(ALICE), lambda d: {"slug": "north",
                                                           "pk": d["resource"].pk}),
    # --- the volunteers' information note and insurance (voisins.volunteering): every
    # role but the referrer reads the note and the policies; who has not acknowledged it
    # (names) is the coordinators'. The household reads its own on its link and portal.
    "volunteering:overview": Row(only({"alice": 200, "bob": 200, "vera": 200}), SLUG),
    "volunteering:note": Row(only({"alice": 200, "bob": 200, "vera": 200}), lambda d: {
        "slug": "north", "pk": d["note"].pk}),
    "volunteering:pending": Row(only(ALICE), SLUG),
    "volunteering:paper": Row(POST_ONLY, VOLUNTEER_PK),
    "volunteering:link_note": Row({p: 200 for p in PERSONAS}, VLINK),
    "volunteering:portal_note": Row(only({"victor": 200}), lambda d: {}),
    # --- shared materials of networks (voisins.sharing): alice coordinates north and the
    # network north belongs to; the programme's side goes by the programme's role alone,
    # the network's by the network's (a network role never reaches a programme's copies:
    # tests/sharing/test_materials.py) ---
    "sharing:programme": Row(only(ALICE), SLUG),
    "sharing:adopt": Row(POST_ONLY, SLUG),
    "sharing:adoption": Row(only(ALICE), lambda d: {"slug": "north", "pk": d["adoption"].pk}),
    # A network viewer (vera) reads the network's materials; only its coordinator writes.
    "sharing:network": Row(only({"alice": 200, "vera": 200}),
                           lambda d: {"slug": d["network"].slug}),
    "sharing:material": Row(only({"alice": 200, "vera": 200}),
                            lambda d: {"slug": d["network"].slug,
                                                    "pk": d["material"].pk}),
    "sharing:material_new": Row(only(ALICE), lambda d: {"slug": d["network"].slug,
                                                        "kind": "training_module"}),
    # --- where the programme publishes to networks on other instances: its coordinators.
    "networks:links": Row(only(ALICE), SLUG),
    # --- the volunteer portal (voisins.portal): the household's own account only ---
    "portal:home": Row(only({"victor": 200}), lambda d: {}),
    **{f"portal:{name}": Row(POST_ONLY, kwargs) for name, kwargs in {
        "pause": lambda d: {}, "charter": lambda d: {},
        "training_register": lambda d: {"pk": d["other_session"].pk},
        "training_cancel": lambda d: {"pk": d["registration"].pk},
    }.items()},
    # --- starting a programme from a template (voisins.blueprints): a coordinator of any
    # programme may start another one, charlie included; no record of north is shown. ---
    "blueprints:new": Row(only({"alice": 200, "charlie": 200}), lambda d: {}),
    # --- evaluation (voisins.evaluation): figures for coordinators and viewers; the
    # surveys, the meeting and the history import for coordinators ---
    "evaluation:dashboard": Row(only({"alice": 200, "vera": 200}), SLUG),
    "evaluation:persistence": Row(only({"alice": 200, "vera": 200}), SLUG),
    "evaluation:survey_results": Row(only({"alice": 200, "vera": 200}), SLUG),
    "evaluation:reports": Row(only({"alice": 200, "vera": 200}), SLUG),
    "evaluation:practice_sheet": Row(only({"alice": 200, "vera": 200}), SLUG),
    "evaluation:import_matches": Row(only(ALICE), SLUG),
    "evaluation:surveys": Row(only(ALICE), SLUG),
    "evaluation:survey_answer": Row(only(ALICE), lambda d: {
        "slug": "north", "match": d["match"].pk, "child": d["child"].pk, "wave": "start"}),
    "evaluation:meetings": Row(only(ALICE), SLUG),
    "evaluation:meeting": Row(only(ALICE), lambda d: {"slug": "north",
                                                      "pk": d["meeting"].pk}),
    # --- private files (voisins.files): the case's attachment is for those who see the
    # case (bob is not its mediator); uploads only take POST; a handout behind victor's
    # link (he registered for its module). Deleting comes last: alice's POST deletes.
    "files:download": Row(only(ALICE), lambda d: {"key": d["attachment"].uuid}),
    "volunteerpages:file": Row({p: 200 for p in PERSONAS}, lambda d: {
        "token": d["vlink"], "key": d["handout"].uuid}),
    "files:case_upload": Row(POST_ONLY, CASE),
    "files:handout_upload": Row(POST_ONLY, lambda d: {"slug": "north",
                                                      "pk": d["module"].pk}),
    "files:resource_upload": Row(POST_ONLY, lambda d: {"slug": "north",
                                                       "pk": d["resource"].pk}),
    "files:charter_scan_upload": Row(POST_ONLY, VOLUNTEER_PK),
    "files:delete": Row(POST_ONLY, lambda d: {"key": d["attachment"].uuid}),
    # A volunteer household's feedback form before the meeting: the link in its e-mail is
    # the key (no account needed).
    "evaluation:feedback": Row({p: 200 for p in PERSONAS}, lambda d: {
        "token": d["meeting_invitation"].token}),
    # --- volunteers' expenses (voisins.expenses): coordinators; a household its own.
    "expenses:list": Row(only(ALICE), SLUG),
    "expenses:statement": Row(only(ALICE), lambda d: {
        "slug": "north", "pk": d["victor"].pk, "year": d["expense"].spent_on.year}),
    "expenses:export": Row(only(ALICE), lambda d: {
        "slug": "north", "year": d["expense"].spent_on.year, "extension": "xlsx"}),
    **{f"expenses:{name}": Row(POST_ONLY, kwargs) for name, kwargs in {
        "approve": lambda d: {"slug": "north", "pk": d["expense"].pk},
        "refuse": lambda d: {"slug": "north", "pk": d["expense"].pk},
        "regime": SLUG, "close_year": SLUG,
    }.items()},
    "expenses:portal": Row(only({"victor": 200}), lambda d: {}),
    "expenses:link": Row({p: 200 for p in PERSONAS}, VLINK),
    # --- networks (voisins.networks): alice coordinates the network "reseau", vera is
    # its viewer; nobody else reaches it. The list is also where a programme's
    # coordinator (alice, charlie) starts one. A programme's page of networks: its
    # coordinator only.
    "networks:list": Row(only({"alice": 200, "vera": 200, "charlie": 200})),
    **{f"networks:{name}": Row(only({"alice": 200, "vera": 200}), NETWORK)
       for name in ("home", "dashboard", "practice_sheet")},
    "networks:report": Row(only({"alice": 200, "vera": 200}), lambda d: {
        "network": "reseau", "extension": "xlsx"}),
    **{f"networks:{name}": Row(POST_ONLY, kwargs) for name, kwargs in {
        "staff_add": NETWORK, "remote_add": NETWORK, "period_close": NETWORK,
        "staff_remove": lambda d: {"network": "reseau", "pk": d["network_staff"].pk},
        "token_issue": lambda d: {"network": "reseau", "pk": d["network_remote"].pk},
        "token_revoke": lambda d: {"network": "reseau", "pk": d["network_token"].pk},
        "named": lambda d: {"slug": "north", "pk": d["network_member"].pk},
        "leave": lambda d: {"slug": "north", "pk": d["network_member"].pk},
    }.items()},
    "networks:programme": Row(only(ALICE), SLUG),
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
NOTE_ID = lambda d: {"note_id": d["note"].pk}  # noqa: E731

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
    "get_family_waiting": Row(api_only(ALICE), lambda d: {"family_id": d["family"].pk}),
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
    # victor's own match: the category is not the programme's, so the service names it.
    "log_my_activity": Row(api_only({"victor": 422}), MATCH_ID, "post",
                           {"category": "nonsense", "done_on": "2020-01-01", "hours": "2"}),
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
    # --- private files: with no file sent, whoever reaches the record is told to
    # choose one (422); the others get 404.
    "upload_case_file": Row(api_only({"alice": 422}), CASE_ID, "post"),
    "list_case_files": Row(api_only(ALICE), CASE_ID),
    "upload_handout": Row(api_only({"alice": 422}), lambda d: {"module_id": d["module"].pk},
                          "post"),
    "upload_resource_file": Row(api_only({"alice": 422}), lambda d: {
        "resource_id": d["resource"].pk}, "post"),
    "upload_charter_scan": Row(api_only({"alice": 422}), lambda d: {
        "volunteer_id": d["volunteer"].pk}, "post"),
    "download_file": Row(api_only(ALICE), lambda d: {"file_id": d["attachment"].uuid}),
    "delete_file": Row(api_only({"alice": 204}), lambda d: {"file_id": d["attachment"].uuid},
                       "delete"),
    "list_my_invitations": Row(api_only({}, everyone_with_token=200)),
    # --- the volunteers' information note and insurance: read by the roles that support
    # volunteers, written by coordinators; victor reads and acknowledges his own.
    "list_information_notes": Row(api_only({"alice": 200, "bob": 200, "vera": 200}), NORTH),
    "get_information_note": Row(api_only({"alice": 200, "bob": 200, "vera": 200}), NOTE_ID),
    "list_households_not_acknowledged": Row(api_only(ALICE), NORTH),
    "list_note_acknowledgements": Row(api_only(ALICE), NOTE_ID),
    "record_paper_acknowledgement": Row(api_only({"alice": 201}), NOTE_ID, "post",
                                        lambda d: {"volunteer_id": d["volunteer"].pk,
                                                   "acknowledged_on": str(d["today"])}),
    "get_my_information_note": Row(api_only({"victor": 200})),
    "acknowledge_my_information_note": Row(api_only({"victor": 200}), lambda d: {}, "post",
                                           lambda d: {"note_id": d["note"].pk}),
    "list_insurance_policies": Row(api_only({"alice": 200, "bob": 200, "vera": 200}), NORTH),
    "create_insurance_policy": Row(api_only({"alice": 201}), NORTH, "post", {
        "insurer": "Ethias", "policy_number": "45.1", "covers": ["civil_liability"],
        "valid_from": "2026-01-01"}),
    # Last: it supersedes the note the rows above use.
    "publish_information_note": Row(api_only({"alice": 201}), NORTH, "post", {
        "legal_status": "asbl", "organisation_name": "Voisins du Nord", "aim": "Entraide",
        "expenses_regime": "none"}),
    "answer_my_invitation": Row(api_only({"victor": 200}), INVITATION_ID, "post",
                                {"going": True}),
    # --- publications to a network (issue 20 §5): a publication token only, never a
    # user's API token nor a household's link.
    "publish_aggregates": Row(api_only({}, everyone_with_token=401), lambda d: {}, "post", {
        "schema_version": 1, "period_start": "2026-01-01", "period_end": "2026-01-31",
        "measured_on": "2026-02-01", "matches": {"started": 0, "ended": 0,
                                                  "active_at_end": 0},
        "persistence": [], "outcomes": [], "hours_given": "0",
        "funnel": {"visited": 0, "signed_up": 0, "screened": 0, "trained": 0, "matched": 0}}),
    "get_publish_token_scope": Row(api_only({}, everyone_with_token=401)),
    # --- expenses and hours: coordinators; a volunteer household its own (/me).
    "list_expenses": Row(api_only(ALICE), NORTH),
    "record_expense": Row(api_only({"alice": 201}), NORTH, "post", lambda d: {
        "household_id": d["victor"].pk, "spent_on": d["expense"].spent_on.isoformat(),
        "amount": "3.00", "description": "Bus"}),
    "approve_expense": Row(api_only(ALICE), lambda d: {"expense_id": d["expense"].pk}, "post"),
    "refuse_expense": Row(api_only(ALICE), lambda d: {"expense_id": d["other_expense"].pk},
                          "post", {"reason": "No receipt"}),
    "get_hours": Row(api_only(ALICE), NORTH),
    "list_my_expenses": Row(api_only({"victor": 200})),
    "record_my_expense": Row(api_only({"victor": 201}), lambda d: {}, "post", lambda d: {
        "spent_on": d["expense"].spent_on.isoformat(), "amount": "2.00",
        "description": "Tram"}),
    "get_my_hours": Row(api_only({"victor": 200})),
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
    from datetime import timedelta

    from django.utils import timezone

    from voisins.familypages.links import family_link_token, household_link_token
    from voisins.familypages.services import family_link_create, household_link_create
    from voisins.matches.models import CheckIn, MatchingRun
    from voisins.matches.services import introduction_plan, introduction_record
    from voisins.matches.tokens import checkin_token
    from voisins.mediation.services import callback_request, case_open

    introduction_plan(match=live_match, planned_at=timezone.now() + timedelta(days=1),
                      place="Maison de quartier", by=alice)
    introduction_record(match=live_match, held_on=timezone.localdate(), by=alice)
    case = case_open(programme=north, kind="practical", summary="The bike is broken.",
                     opened_by="staff", by=alice, match=live_match)
    callback = callback_request(case=case, requested_by="family", when="evening",
                                language="ar")
    link = family_link_create(family=family, by=alice)
    vlink = household_link_create(household=victor, by=alice)
    run = MatchingRun.objects.create(programme=north)
    from voisins.messaging.services import group_message_send
    from voisins.privacy.services import consent_give

    group = group_message_send(programme=north, purpose="news", texts={"fr": "Bonjour"},
                               households=[victor], description="Victor", by=alice)
    from voisins.volunteering.services import information_note_publish

    note = information_note_publish(
        programme=north, legal_status="asbl", organisation_name="Voisins du Nord",
        aim="Entraide", expenses_regime="none", published_at=timezone.now()
        - timedelta(days=1))
    journey = _journey_records(north, alice, rita, victor, volunteer)
    network = _network(north, alice, vera)
    return journey | _expenses(victor) | _files(case, journey["module"], alice) | network | (
        _sharing(network["network"], north, alice)) | {
        "group": group, "note": note, "today": timezone.localdate(),
        "consent": consent_give(household=family, purpose="photos", recorded_by=alice),
        "survey_consent": consent_give(household=family, purpose="surveys", recorded_by=alice),
        "category": north.service_categories.get(code="together"),
        "membership": bob.memberships.get(programme=north),
        "child": family.members.get(kind="child"),
        "run": run, "checkin_token": checkin_token(
        CheckIn.objects.filter(match=live_match, side="volunteer").first()),
            "family": family, "volunteer": volunteer, "match": live_match,
            # Amina's family has no digital channel: told of the match by phone.
            "to_call": family.messages.filter(state="to_call").first(),
            "proposal": live_match.proposal, "case": case, "callback": callback,
            "checkin": CheckIn.objects.filter(match=live_match, side="family").first(),
            "volunteer_checkin": CheckIn.objects.filter(match=live_match,
                                                        side="volunteer").first(),
            "link": family_link_token(link), "link_id": link.pk,
            "vlink": household_link_token(vlink), "vlink_id": vlink.pk, "victor": victor,
            "users": {"alice": alice, "bob": bob, "rita": rita, "vera": vera,
                      "charlie": charlie, "victor": victor.user}}


def _expenses(victor) -> dict:
    """Two expenses of victor's household, recorded through its link (issue 18)."""
    from decimal import Decimal

    from django.utils import timezone

    from voisins.expenses.services import ceiling_year_save, expense_record

    today = timezone.localdate()
    ceiling_year_save(year=today.year, day_ceiling=Decimal("42.31"),
                      year_ceiling=Decimal("1692.51"), km_rate=Decimal("0.4326"))
    expense, other = (expense_record(household=victor, spent_on=today, amount=Decimal(n),
                                     description="Bus", via="link") for n in (4, 5))
    return {"expense": expense, "other_expense": other}
def _network(north, alice, vera) -> dict:
    """The network "reseau": alice coordinates it, vera views it; north is a member, a
    remote programme has a token; a month of figures (issue 20)."""
    from datetime import date

    from voisins.networks import services
    from voisins.networks.demo import network_demo

    network, (member, remote) = network_demo(programmes=[north], by=alice, viewer=vera,
                                             until=date(2026, 1, 1), months=2,
                                             name="Réseau", remote=("Voisins Liège", "Liège"))
    token, _raw = services.publish_token_create(member=remote, by=alice)
    return {"network": network, "network_member": member, "network_remote": remote,
            "network_token": token,
            "network_staff": network.staff.get(user=vera)}


def _files(case, module, alice) -> dict:
    """A case attachment and a handout, through voisins.files's services."""
    from voisins.files import services

    from .files.samples import pdf, upload

    return {"attachment": services.case_attachment_add(
                case=case, upload=upload("lettre.pdf", pdf()), by=alice),
            "handout": services.handout_add(module=module, upload=upload(
                "guide.pdf", pdf()), by=alice)}


def _sharing(network, north, alice) -> dict:
    """The network north belongs to, coordinated by alice, shares a training module north
    adopted (voisins.sharing)."""
    from voisins.sharing.demo import demo

    shared = demo(network=network, programmes=[north], by=alice)
    return {"material": shared["material"], "adoption": shared["adoption"]}


def _journey_records(north, alice, rita, victor, volunteer) -> dict:
    """What the volunteer journey's and evaluation's pages show, made by their services."""
    from datetime import timedelta

    from django.utils import timezone

    from voisins.community import services as community
    from voisins.evaluation.services import meeting_invite, meeting_plan
    from voisins.recruitment import services as recruitment
    from voisins.recruitment.forms import SignupForm
    from voisins.recruitment.tokens import signup_token
    from voisins.training import services as training

    from .journey.conftest import SIGNUP

    soon = timezone.now() + timedelta(days=10)
    campaign = recruitment.campaign_create(programme=north, name="Posters", channel="other",
                                           by=alice)
    news = recruitment.news_post_create(programme=north, author=alice, language="fr",
                                        title="Repas partagé", body="Venez nombreux.")
    recruitment.charter_publish(programme=north, version="1", text="Nous respectons…")
    recruitment.screening_update(volunteer=volunteer, notes="Their cat Zorro is shy.")
    form = SignupForm(SIGNUP, programme=north)
    assert form.is_valid(), form.errors
    signup = recruitment.signup_submit(programme=north, data=form.household_data(),
                                       campaign=campaign, language="fr",
                                       confirm_url_for=lambda token: "/")
    recruitment.referral_create(programme=north, referrer=rita, consent_given_by="Nour",
                                contact_first_name="Nour", postcode="1030",
                                needs={"homework": 2},
                                languages=[{"code": "ar", "level": "native"}])
    module = training.training_module_create(programme=north, title="Role and limits")
    session, other_session = (training.training_session_create(
        module=module, starts_at=soon + timedelta(days=n), place="Maison de quartier",
        ends_at=soon + timedelta(days=n, hours=2)) for n in (0, 1))
    event = community.event_create(programme=north, by=alice, kind="meetup", title="Apéro",
                                   starts_at=soon, ends_at=soon + timedelta(hours=2),
                                   place="Maison de quartier", capacity=10)
    community.invitations_send(event=event, users=[victor.user])
    resource = community.resource_save(programme=north, kind="guide", title="First steps",
                                       url="https://example.org/guide", languages=["fr"],
                                       target_group="volunteers")
    meeting = meeting_plan(programme=north, year=soon.year, planned_at=soon,
                           place="Maison de quartier", by=alice)
    return {
        "campaign": campaign, "news": news, "module": module, "session": session,
        "other_session": other_session, "event": event, "resource": resource,
        "signup_token": signup_token(signup), "meeting": meeting,
        "invitation": event.invitations.get(user=victor.user),
        "registration": training.registration_create(session=session, volunteer=victor),
        "meeting_invitation": meeting_invite(meeting=meeting, volunteers=[victor])[0],
        "calendar_token": community.calendar_token_for(user=victor.user).token,
    }


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


# Names and contacts in the data set, and who may never read them on any page it reaches:
# Amina Haddad (north's family, matched with Victor Peeters), Marie Dubois (a north
# volunteer nobody but the coordinators deals with), Nour (the family Rita referred),
# Marc (a sign-up not yet confirmed) and Olena (south's family).
NORTH_PEOPLE = {"Amina", "Haddad", "Dubois", "Peeters", "victor.home@", "+32470112233",
                "Nour", "marc@example.org"}
# What coordinators alone read: the mediation case's summary, the screening notes.
NOTES = {"The bike is broken", "Zorro"}
NEVER_SEEN = {
    "alice": {"Olena"},
    "bob": NORTH_PEOPLE | NOTES | {"Olena"},  # no match or case of north is his
    "rita": NORTH_PEOPLE - {"Nour"} | NOTES | {"Olena"},  # her referral, nothing else
    "vera": NORTH_PEOPLE | NOTES | {"Olena"},  # figures only, never a name
    # The matched households see each other once both said yes (DESIGN.md).
    "victor": {"Dubois", "Nour", "Olena", "marc@example.org"} | NOTES,
    "family": {"Dubois", "Nour", "Olena", "marc@example.org"} | NOTES,
    "anonymous": NORTH_PEOPLE | NOTES | {"Olena"},
    "charlie": NORTH_PEOPLE | NOTES,
}
# Pages reached by a secret link show what the link's holder may see, whoever uses it.
LINK_HOLDER = {"familypages:home": "family", "matches:family_proposal": "family",
               "evaluation:family_surveys": "family",
               "evaluation:family_survey_answer": "family",
               "matches:family_checkin": "family", "matches:family_checkin_answer": "family",
               "matches:family_help": "family", "familypages:message_choices": "family",
               "community:family_events": "family",
               "matches:checkin_link": "victor", "volunteerpages:file": "victor",
               "evaluation:feedback": "victor", "community:calendar": "victor",
               **{name: "victor" for name in (
                   "volunteerpages:home", "volunteerpages:data", "volunteerpages:password",
                   "volunteerpages:message_choices", "matches:volunteer_link_proposals",
                   "volunteering:link_note",
                   "expenses:link",
                   "matches:volunteer_link_match",
                   "matches:volunteer_link_checkin")}}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reaches_exactly_its_pages(client, data, persona):
    """The status of every page, and no name or note on it that the persona must not see."""
    from django.urls import reverse

    if persona in data["users"]:
        client.force_login(data["users"][persona])
    if persona == "family":  # the family opens its own link first
        client.get(reverse("familypages:home", kwargs={"token": data["link"]}))
    query = ""
    wrong = []
    leaks = []
    for name, row in PAGES.items():
        url = reverse(name, kwargs=row.kwargs(data)) + query
        response = getattr(client, row.method)(url, row.data or {})
        if response.status_code != row.expect[persona]:
            wrong.append((name, url, row.expect[persona], response.status_code))
        if response.status_code == 302 and persona in ("anonymous", "family") \
                and name not in ("landing", "recruitment:campaign_link"):
            assert response["Location"].startswith("/accounts/login/"), (name, response)
        if response.status_code == 200 and response.get("Content-Type", "").startswith(
                ("text/", "application/json", "image/svg")):
            body = response.content.decode()
            seen = {w for w in NEVER_SEEN[LINK_HOLDER.get(name, persona)] if w in body}
            if seen:
                leaks.append((name, sorted(seen)))
    assert not wrong, f"{persona}: (page, url, expected, got) {wrong}"
    assert not leaks, f"{persona}: (page, names it must not see) {leaks}"




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
            body = row.data(data) if callable(row.data) else row.data
            kwargs.update(data=json.dumps(body), content_type="application/json")
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


RECORD_KWARGS = {"pk", "match", "child", "callback_pk", "link_id", "code", "token"}


def test_a_record_of_another_programme_is_404_even_under_ones_own_slug(client, data):
    """Charlie opens north's records, and posts north's actions, under south's address,
    where he is coordinator: the record is not found there."""
    from django.urls import reverse

    client.force_login(data["users"]["charlie"])
    wrong = []
    for name, row in PAGES.items():
        kwargs = row.kwargs(data)
        if kwargs.get("slug") != "north" or not RECORD_KWARGS & set(kwargs):
            continue
        url = reverse(name, kwargs=kwargs | {"slug": "south"})
        method = "post" if row.method == "post" or row.expect["alice"] == 405 else "get"
        response = getattr(client, method)(url, row.data or {})
        if response.status_code != 404:
            wrong.append((name, method, url, response.status_code))
    assert not wrong, f"(page, method, url, status) {wrong}"


# Who may post each action that only takes POST (the rest get 404, or the login page).
# Capability links (a family's answers) are left out: whoever holds the link may post.
POSTERS: dict[str, set[str]] = {
    name: {"alice"} for name, row in PAGES.items() if row.expect == POST_ONLY
} | {
    "matches:volunteer_answer": {"victor"}, "matches:volunteer_activity": {"victor"},
    "matches:volunteer_help": {"victor"}, "community:rsvp": {"victor"},
    "portal:pause": {"victor"}, "portal:charter": {"victor"},
    "portal:training_register": {"victor"}, "portal:training_cancel": {"victor"},
    "mediation:case_new": {"alice", "bob"},  # a mediator opens a case about their work
    "community:calendar_renew": set(STAFF_ROLES),  # one's own link
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_post_is_refused_to_whoever_may_not_use_the_page(client, data, persona):
    """POST reaches what GET reaches: a page refused to a persona refuses its form too, and
    an action that only takes POST is refused to all but those it is for."""
    from django.urls import reverse

    if persona in data["users"]:
        client.force_login(data["users"][persona])
    wrong = []
    for name, row in PAGES.items():
        if name in POSTERS:
            refused = persona not in POSTERS[name]
        elif row.method == "get" and row.expect[persona] in (302, 404) and \
                name not in ("landing", "staff:home", "recruitment:campaign_link",
                             # Whoever holds the provider's signing key may post
                             # (tests/test_messaging_webhooks.py); off here: 404.
                             "messaging:mailgun_tracking"):
            refused = True
        else:
            continue
        url = reverse(name, kwargs=row.kwargs(data))
        response = client.post(url, row.data or {})
        if refused:
            expected = 404 if persona in STAFF_ROLES else 302
            ok = response.status_code == expected and (
                expected == 404 or response["Location"].startswith("/accounts/login/"))
        else:
            ok = response.status_code not in (403, 404, 405) and response.status_code < 500
        if not ok:
            wrong.append((name, url, "refused" if refused else "allowed",
                          response.status_code))
    assert not wrong, f"{persona}: (page, url, should be, got) {wrong}"
