"""The site's pages, for the tests that walk them all (tests/browser/test_every_page.py,
tests/pages/test_languages.py): who opens each one and with which arguments, the routes
that are no page to look at, and a programme full of demo-like data to show them with."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone


@dataclass
class Visit:
    who: str  # "alice" (coordinator, desk), "victor" (volunteer, phone),
    #           "family" (its link, phone, Arabic), "anonymous" (desk)
    kwargs: Any = field(default=lambda d: {})
    query: str = ""


SLUG = lambda d: {"slug": "north"}  # noqa: E731
FAMILY = lambda d: {"slug": "north", "pk": d["family"].pk}  # noqa: E731
TOKEN = lambda d: {"token": d["link"]}  # noqa: E731
VTOKEN = lambda d: {"token": d["vlink"]}  # noqa: E731

PAGES: dict[str, Visit] = {
    # The staff shell and its lists
    "staff:home": Visit("alice"),  # one programme: sends alice to it
    "staff:programme": Visit("alice", SLUG),
    "staff:families": Visit("alice", SLUG),
    "staff:family": Visit("alice", FAMILY),
    "staff:volunteers": Visit("alice", SLUG),
    "staff:volunteer": Visit("alice", lambda d: {"slug": "north", "pk": d["volunteer"].pk}),
    "staff:import": Visit("alice", SLUG),
    "staff:family_new": Visit("alice", SLUG),
    "staff:family_edit": Visit("alice", FAMILY),
    "staff:volunteer_new": Visit("alice", SLUG),
    "staff:volunteer_edit": Visit("alice", lambda d: {"slug": "north",
                                                      "pk": d["volunteer"].pk}),
    "staff:settings": Visit("alice", SLUG),
    "staff:team": Visit("alice", SLUG),
    "staff:to_call": Visit("alice", SLUG),
    "staff:group_messages": Visit("alice", SLUG),
    "staff:group_message_new": Visit("alice", SLUG),
    "staff:group_message": Visit("alice", lambda d: {"slug": "north", "pk": d["group"].pk}),
    "workspace:search": Visit("alice", query="?q=10"),
    "workspace:map": Visit("alice", SLUG),
    "workspace:family_radius": Visit("alice", FAMILY, "?km=3"),
    "familypages:staff_links": Visit("alice", FAMILY),
    "gdpr:audit": Visit("alice", lambda d: {"slug": "north", "kind": "families",
                                            "pk": d["family"].pk}),
    "gdpr:erase": Visit("alice", lambda d: {"slug": "north", "kind": "volunteers",
                                            "pk": d["other_volunteer"].pk}),
    "gdpr:processing_record": Visit("alice", SLUG),
    "gdpr:consents": Visit("alice", lambda d: {"slug": "north", "kind": "families",
                                               "pk": d["family"].pk}),
    "transfers:household": Visit("alice", lambda d: {"slug": "north", "kind": "families",
                                                     "pk": d["family"].pk}),
    "blueprints:new": Visit("alice"),
    # Match life
    "matches:dashboard": Visit("alice", SLUG),
    "matches:matching": Visit("alice", SLUG),
    "matches:run": Visit("alice", lambda d: {"slug": "north", "pk": d["run"].pk}),
    "matches:gaps": Visit("alice", SLUG),
    "matches:proposals": Visit("alice", SLUG),
    "matches:proposal": Visit("alice", lambda d: {"slug": "north", "pk": d["draft"].pk}),
    "matches:suggestions": Visit("alice", lambda d: {"slug": "north",
                                                     "pk": d["waiting"].pk}),
    "matches:why_waiting": Visit("alice", lambda d: {"slug": "north",
                                                     "pk": d["waiting"].pk}),
    "matches:matches": Visit("alice", SLUG),
    "matches:match": Visit("alice", lambda d: {"slug": "north", "pk": d["match"].pk}),
    "matches:checkins_overdue": Visit("alice", SLUG),
    "mediation:cases": Visit("alice", SLUG),
    "mediation:case_new": Visit("alice", SLUG),
    "mediation:case": Visit("alice", lambda d: {"slug": "north", "pk": d["case"].pk}),
    # Recruitment, training, community
    "recruitment:overview": Visit("alice", SLUG),
    "recruitment:public_text": Visit("alice", lambda d: {"slug": "north", "language": "fr"}),
    "recruitment:news": Visit("alice", SLUG),
    "recruitment:news_edit": Visit("alice", lambda d: {"slug": "north", "pk": d["news"].pk}),
    "recruitment:campaigns": Visit("alice", SLUG),
    "recruitment:campaign": Visit("alice", lambda d: {"slug": "north",
                                                      "pk": d["campaign"].pk}),
    "recruitment:charter": Visit("alice", SLUG),
    "recruitment:screening": Visit("alice", lambda d: {"slug": "north",
                                                       "pk": d["volunteer"].pk}),
    "recruitment:referrals": Visit("alice", SLUG),
    "recruitment:referral_new": Visit("alice", SLUG),
    "training:overview": Visit("alice", SLUG),
    "training:session": Visit("alice", lambda d: {"slug": "north", "pk": d["session"].pk}),
    "community:events": Visit("alice", SLUG),
    "community:event": Visit("alice", lambda d: {"slug": "north", "pk": d["event"].pk}),
    "community:resources": Visit("alice", SLUG),
    "community:resource_new": Visit("alice", SLUG),
    "community:resource_edit": Visit("alice", lambda d: {"slug": "north",
                                                         "pk": d["resource"].pk}),
    # The volunteers' information note and insurance
    "volunteering:overview": Visit("alice", SLUG),
    "volunteering:note": Visit("alice", lambda d: {"slug": "north", "pk": d["note"].pk}),
    "volunteering:pending": Visit("alice", SLUG),
    # Evaluation and reports
    "evaluation:dashboard": Visit("alice", SLUG),
    "evaluation:persistence": Visit("alice", SLUG),
    "evaluation:import_matches": Visit("alice", SLUG),
    "evaluation:surveys": Visit("alice", SLUG),
    "evaluation:survey_results": Visit("alice", SLUG),
    "evaluation:survey_answer": Visit("alice", lambda d: {
        "slug": "north", "match": d["match"].pk, "child": d["child"].pk, "wave": "start"}),
    "evaluation:reports": Visit("alice", SLUG),
    "evaluation:meetings": Visit("alice", SLUG),
    "evaluation:meeting": Visit("alice", lambda d: {"slug": "north", "pk": d["meeting"].pk}),
    "evaluation:practice_sheet": Visit("alice", SLUG),
    # A volunteer household, on its phone
    "portal:home": Visit("victor"),
    "community:invitations": Visit("victor"),
    "matches:volunteer_home": Visit("victor"),
    "volunteering:portal_note": Visit("victor"),
    "matches:volunteer_match": Visit("victor", lambda d: {"pk": d["match"].pk}),
    "matches:volunteer_checkin": Visit("victor", lambda d: {"pk": d["volunteer_checkin"].pk}),
    # A family, through its link, on its phone, in Arabic
    "familypages:home": Visit("family", TOKEN),
    "matches:family_proposal": Visit("family", TOKEN),
    "matches:family_checkin": Visit("family", TOKEN),  # sends it to the check-in due
    "evaluation:family_surveys": Visit("family", TOKEN),
    "evaluation:family_survey_answer": Visit("family", lambda d: {
        "token": d["link"], "child": d["child"].pk, "wave": "start"}),
    "matches:family_checkin_answer": Visit("family", lambda d: {
        "token": d["link"], "pk": d["family_checkin"].pk}),
    "matches:family_help": Visit("family", TOKEN),
    "familypages:message_choices": Visit("family", TOKEN),
    "community:family_events": Visit("family", TOKEN),
    # A volunteer household through its personal link, without an account (in its
    # language: tests/pages/test_languages.py)
    "volunteerpages:home": Visit("anonymous", VTOKEN),
    "volunteerpages:data": Visit("anonymous", VTOKEN),
    "volunteerpages:message_choices": Visit("anonymous", VTOKEN),
    "volunteerpages:password": Visit("anonymous", VTOKEN),
    "matches:volunteer_link_proposals": Visit("anonymous", VTOKEN),
    "matches:volunteer_link_match": Visit("anonymous", lambda d: {
        "token": d["vlink"], "pk": d["match"].pk}),
    "matches:volunteer_link_checkin": Visit("anonymous", lambda d: {
        "token": d["vlink"], "pk": d["volunteer_checkin"].pk}),
    "volunteerpages:request": Visit("anonymous"),
    "volunteering:link_note": Visit("anonymous", VTOKEN),
    "expenses:link": Visit("anonymous", VTOKEN),
    "expenses:portal": Visit("victor"),
    "expenses:list": Visit("alice", SLUG),
    # Shared materials of networks (voisins.sharing): alice coordinates north and the network
    "sharing:programme": Visit("alice", SLUG),
    "sharing:adoption": Visit("alice", lambda d: {"slug": "north", "pk": d["adoption"].pk}),
    "sharing:network": Visit("alice", lambda d: {"slug": d["network"].slug}),
    "sharing:material": Visit("alice", lambda d: {"slug": d["network"].slug,
                                                  "pk": d["material"].pk}),
    "sharing:material_new": Visit("alice", lambda d: {"slug": d["network"].slug,
                                                      "kind": "message_template"}),
    "networks:links": Visit("alice", SLUG),
    "familypages:staff_volunteer_links": Visit("alice", lambda d: {
        "slug": "north", "pk": d["volunteer"].pk}),
    # Links from e-mails and the public site, without an account
    "landing": Visit("anonymous"),  # to the login page
    "matches:checkin_link": Visit("anonymous", lambda d: {"token": d["checkin_token"]}),
    "evaluation:feedback": Visit("anonymous", lambda d: {"token": d["feedback_token"]}),
    "recruitment:public": Visit("anonymous", SLUG),
    "recruitment:public_news": Visit("anonymous", lambda d: {"slug": "north",
                                                             "pk": d["news"].pk}),
    "recruitment:privacy": Visit("anonymous", SLUG),
    "recruitment:join": Visit("anonymous", SLUG),
    "recruitment:campaign_link": Visit("anonymous", lambda d: {"slug": "north",
                                                               "code": d["campaign"].code}),
    "recruitment:confirm": Visit("anonymous", lambda d: {"slug": "north",
                                                         "token": d["signup_token"]}),
    # Networks of programmes (issue 20): alice coordinates "Réseau Voisins".
    "networks:list": Visit("alice"),
    "networks:home": Visit("alice", lambda d: {"network": d["network"].slug}),
    "networks:dashboard": Visit("alice", lambda d: {"network": d["network"].slug}),
    "networks:practice_sheet": Visit("alice", lambda d: {"network": d["network"].slug}),
    "networks:programme": Visit("alice", SLUG),
}

# allauth's pages (the resolver walk leaves accounts/ out): the ones people see.
ACCOUNT_PAGES: dict[str, Visit] = {
    "account_login": Visit("anonymous"),
    "account_reset_password": Visit("anonymous"),
    "account_signup": Visit("anonymous"),
    "account_email": Visit("alice"),
    "account_change_password": Visit("alice"),
    "mfa_index": Visit("alice"),
}

POST_ONLY = "an action behind a button (POST); its page is the one the button is on"
NOT_PAGES: dict[str, str] = {
    **dict.fromkeys([
        "staff:status", "familypages:staff_revoke", "community:rsvp", "community:calendar_renew",
        "portal:charter", "portal:pause", "portal:training_register", "portal:training_cancel",
        "training:required", "recruitment:screening_charter", "recruitment:screening_decision",
        "mediation:case_note", "mediation:case_assign",
        "mediation:case_resolve", "mediation:callback_done", "matches:pause_all",
        "matches:proposal_send", "matches:proposal_discard", "matches:proposal_family_answer",
        "matches:intro_plan", "matches:intro_held", "matches:match_pause",
        "matches:match_resume", "matches:match_end", "matches:match_clear",
        "matches:match_mediator", "matches:volunteer_answer", "matches:volunteer_activity",
        "matches:volunteer_help", "matches:family_answer", "matches:family_activity",
        "workspace:language", "staff:category_add", "staff:category_toggle", "staff:team_member",
        "matches:matching_weights", "matches:proposal_volunteer_answer",
        "matches:volunteer_link_answer", "matches:volunteer_link_activity",
        "matches:volunteer_link_help", "volunteerpages:training_register",
        "volunteerpages:training_cancel", "volunteerpages:rsvp", "community:family_rsvp",
        "familypages:staff_volunteer_revoke", "matches:proposals_send", "matches:run_send",
        "staff:to_call_record", "matches:match_end_undo", "matches:pause_undo",
        "volunteering:paper",
        "expenses:approve", "expenses:refuse", "expenses:regime", "expenses:close_year",
        "files:case_upload", "files:handout_upload", "files:resource_upload",
        "files:charter_scan_upload", "files:delete", "sharing:adopt",
        "networks:staff_add", "networks:staff_remove", "networks:remote_add",
        "networks:token_issue", "networks:token_revoke", "networks:period_close",
        "networks:named", "networks:leave",
    ], POST_ONLY),
    "networks:report": "a download (the network's PDF or XLSX; tests/networks/)",
    "expenses:statement": "a download (the PDF statement of one household; "
                          "tests/test_expenses.py)",
    "expenses:export": "a download (XLSX or CSV for the accountant; tests/test_expenses.py)",
    "files:download": "a download (a private file; tests/files/test_download.py)",
    "volunteerpages:file": "a download (a handout behind the household's link)",
    "messaging:twilio_status": "a webhook: the SMS provider reports delivery (signed POST)",
    "messaging:mailgun_tracking": "a webhook: the e-mail provider reports bounces (signed POST)",
    "healthz": "a health check for the operator's monitoring (200 or 503, no data)",
    "gdpr:export": "a download (JSON or PDF of one household)",
    "staff:letter": "a download (the PDF letter of one household; tests/test_letters.py)",
    "staff:to_call_letters": "a download (one PDF of letters; tests/test_letters.py)",
    "community:calendar": "an iCalendar feed for the volunteer's phone",
    "recruitment:feed": "an Atom feed", "recruitment:rss": "an RSS feed",
    "recruitment:share_image": "the PNG shown when the public page is shared",
    "recruitment:funnel_chart": "an SVG chart, shown on recruitment:overview",
    "recruitment:campaign_qr": "a QR code image, shown on recruitment:campaign",
    "workspace:map_households": "GeoJSON, drawn on workspace:map",
}


# --- A programme full of life ------------------------------------------------------------

def programme_full_of_life(north, alice, family, victor, live_match) -> dict[str, Any]:
    """The demo's households and journey (campaigns, news, trainings, events, resources),
    a matching run with its proposals, a match with its first meeting and check-ins, a
    case with a callback, an evaluation meeting, a sign-up waiting for its confirmation."""
    from voisins.blueprints.demo import journey_demo
    from voisins.evaluation.services import meeting_invite, meeting_plan
    from voisins.familypages.links import family_link_token, household_link_token
    from voisins.familypages.services import family_link_create, household_link_create
    from voisins.households.models import FamilyHousehold, VolunteerHousehold
    from voisins.matches.models import CheckIn, Match, Proposal
    from voisins.matches.services import (
        introduction_plan,
        introduction_record,
        matching_run_start,
    )
    from voisins.matches.tokens import checkin_token
    from voisins.mediation.services import callback_request, case_open
    from voisins.ops.household_demo import generate
    from voisins.recruitment.models import Signup
    from voisins.recruitment.tokens import signup_token

    generate(families=60, volunteers=40, seed=3, slug="north")
    journey_demo(north, seed=3)
    from voisins.expenses.demo import expenses_demo

    expenses_demo(north, seed=3)
    FamilyHousehold.objects.filter(pk=family.pk).update(page_language="ar")
    Match.objects.filter(pk=live_match.pk).update(
        started_on=timezone.localdate() - timedelta(days=40))
    live_match.refresh_from_db()
    introduction_plan(match=live_match, planned_at=timezone.now() - timedelta(days=21),
                      place="Maison de quartier", by=alice)
    introduction_record(match=live_match, held_on=timezone.localdate() - timedelta(days=20),
                        by=alice)
    run = matching_run_start(programme=north, by=alice, dry_run=False)
    case = case_open(programme=north, kind="practical", summary="Le vélo est cassé.",
                     opened_by="staff", by=alice, match=live_match)
    callback_request(case=case, requested_by="family", when="le soir", language="ar")
    meeting = meeting_plan(programme=north, year=timezone.localdate().year,
                           planned_at=timezone.now() + timedelta(days=30), place="Salle")
    invitation = meeting_invite(meeting=meeting, volunteers=[victor])[0]
    signup = Signup.objects.create(programme=north, email="new@example.org", language="fr",
                                   data={})
    waiting = (FamilyHousehold.objects.filter(programme=north, status="waiting")
               .exclude(pk=family.pk).first())
    from voisins.privacy.services import consent_give

    consent_give(household=family, purpose="surveys")  # its children's questionnaires
    from voisins.messaging.services import group_message_send

    group = group_message_send(
        programme=north, purpose="news", by=alice, description="Ménages bénévoles · 1030",
        texts={"fr": "Bonjour {first_name}, pique-nique samedi : {link}"},
        households=list(VolunteerHousehold.objects.filter(programme=north)
                        .select_related("programme", "user")[:5]))
    # A network north belongs to, with a year of published figures (voisins.networks.demo),
    # which shares a training module north adopted and then updated (voisins.sharing.demo).
    from voisins.networks.demo import network_demo
    from voisins.sharing.demo import demo as sharing_demo

    network, _members = network_demo(programmes=[north], by=alice,
                                     until=timezone.localdate(), months=14)
    shared = sharing_demo(network=network, programmes=[north], by=alice)
    return {
        "group": group, "network": network, "material": shared["material"],
        "adoption": shared["adoption"],
        "family": family, "volunteer": victor, "match": live_match, "run": run, "case": case,
        "other_volunteer": VolunteerHousehold.objects.filter(programme=north).exclude(
            pk=victor.pk).first(),
        "draft": Proposal.objects.filter(programme=north, status="draft").first()
        or live_match.proposal,
        "waiting": waiting,
        "child": family.members.filter(kind="child").first(),
        "news": north.news_posts.first(), "campaign": north.campaigns.first(),
        "session": north.training_modules.first().sessions.first(),
        "event": north.events.first(), "resource": north.resources.first(),
        "meeting": meeting, "feedback_token": invitation.token,
        "note": north.information_notes.first(),
        "signup_token": signup_token(signup),
        "link": family_link_token(family_link_create(family=family, by=alice)),
        "vlink": household_link_token(household_link_create(household=victor, by=alice)),
        "family_checkin": CheckIn.objects.filter(match=live_match, side="family",
                                                 day_offset=14).first(),
        "volunteer_checkin": CheckIn.objects.filter(match=live_match, side="volunteer",
                                                    day_offset=14).first(),
        "checkin_token": checkin_token(CheckIn.objects.filter(
            match=live_match, side="volunteer", day_offset=14).first()),
    }
