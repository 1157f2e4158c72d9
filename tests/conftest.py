"""Shared personas, in the manner of healthchecks' BaseTestCase.

Alice coordinates programme "north"; Bob mediates there; Rita refers families to it;
Vera sees its aggregate figures only; Charlie coordinates programme "south" and must see
nothing of "north".
"""

import gc
import os
import shutil

import pytest
from allauth.account.models import EmailAddress

from voisins.accounts.models import User
from voisins.households.services import family_create, volunteer_create
from voisins.programmes.constants import Role
from voisins.programmes.services import membership_grant, programme_create

PASSWORD = "correct horse battery staple"


def make_user(email: str, **extra: object) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def north(db):
    return programme_create(name="Voisins Nord", slug="north")


@pytest.fixture
def south(db):
    return programme_create(name="Voisins Sud", slug="south")


def staff_member(first_name: str, programme, role: str):
    """A member of a programme's staff, `first_name@example.org`, with `role`."""
    user = make_user(f"{first_name.lower()}@example.org", first_name=first_name)
    membership_grant(user=user, programme=programme, role=role)
    return user


@pytest.fixture
def alice(north):
    return staff_member("Alice", north, Role.COORDINATOR)


@pytest.fixture
def alice_reads_english(alice):
    """Alice reads English (her account's language, and the test's): confirmations and
    pages are checked word for word."""
    from django.utils import translation

    alice.language = "en"
    alice.save()
    with translation.override("en"):
        yield alice


@pytest.fixture
def bob(north):
    return staff_member("Bob", north, Role.MEDIATOR)


@pytest.fixture
def rita(north):
    return staff_member("Rita", north, Role.REFERRER)


@pytest.fixture
def vera(north):
    return staff_member("Vera", north, Role.VIEWER)


@pytest.fixture
def charlie(south):
    return staff_member("Charlie", south, Role.COORDINATOR)


def family_data(**overrides: object) -> dict:
    data = {
        "contact_first_name": "Amina",
        "contact_last_name": "Haddad",
        "postcode": "1030",
        "languages": [{"code": "ar", "level": "native"}, {"code": "fr", "level": "basic"}],
        "availability": ["wed-pm", "sat-am"],
        "needs": {"homework": 3, "french-conversation": 2},
        "status": "waiting",
        # Chosen with Amina at intake (without a choice, her pages would be in Arabic).
        "page_language": "fr",
        "members": [
            {"kind": "adult", "birth_year": 1985},
            {"kind": "child", "birth_year": 2016, "school_level": "primary"},
        ],
    }
    data.update(overrides)
    return data


def volunteer_data(**overrides: object) -> dict:
    data = {
        "contact_first_name": "Marie",
        "contact_last_name": "Dubois",
        "postcode": "1030",
        "languages": [{"code": "fr", "level": "native"}, {"code": "ar", "level": "basic"}],
        "availability": ["wed-pm"],
        "offers": ["homework"],
        "status": "available",
        "members": [{"kind": "adult", "birth_year": 1970}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def family(north):
    return family_create(programme=north, **family_data())


@pytest.fixture
def volunteer(north):
    return volunteer_create(programme=north, **volunteer_data())


@pytest.fixture
def south_family(south):
    return family_create(programme=south, **family_data(contact_first_name="Olena"))


def chromium_path() -> str | None:
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )


# --- Speed: the cyclic garbage collector ------------------------------------------------
# A test process holds every collected test, Django, hypothesis and schemathesis: a full
# gc.collect() walks all of it (0.2 s each in a worker), and the importers call one per
# chunk of rows. What is alive once the tests are collected, and after each batch of
# tests, is frozen (gc.freeze: still counted by reference, never walked by the cyclic
# collector again), so a collection walks only what the current test made. What a test
# measures (garbage freed between chunks, memory peaks) is made after the freeze.
REFREEZE_EVERY = 25
_tests_since_freeze = 0


def _collect_and_freeze() -> None:
    gc.collect()
    gc.freeze()


def pytest_collection_finish(session):
    _collect_and_freeze()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    global _tests_since_freeze
    _tests_since_freeze += 1
    if _tests_since_freeze >= REFREEZE_EVERY:
        _tests_since_freeze = 0
        _collect_and_freeze()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database; on PostgreSQL its commits do not wait for the disk,
    for every session of it, the worker and server processes the tests start too (the
    test process's own connections already say so, tests/settings.py)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            cursor.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits live in the cache: every test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _empty_private_files():
    """Private files (voisins.files) are kept in memory in tests: every test starts with
    an empty store, as its database starts empty."""
    from django.core.files.storage import storages

    storages._storages.pop("private", None)  # the next use builds a fresh one
    yield


# --- API, audit and privacy (issue 8) ------------------------------------------------------

def bearer(user) -> dict:
    """Headers for the test client that carry a fresh API token of `user`."""
    from voisins.api.services import token_create

    _token, raw = token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def volunteer_user(north, volunteer):
    """A volunteer household's own login: no staff role anywhere."""
    user = make_user("valentin@example.org", first_name="Valentin")
    volunteer.user = user
    volunteer.save(update_fields=["user"])
    return user


@pytest.fixture
def api_as(client):
    """`api_as(user)` → a function calling the API with that user's token (None: anonymous)."""
    import json as _json

    def make(user):
        headers = bearer(user) if user is not None else {"HTTP_ACCEPT_LANGUAGE": "en"}

        def call(method: str, path: str, data=None, **extra):
            kwargs = dict(headers, **extra)
            if data is not None and method.lower() != "get":
                kwargs.update(data=_json.dumps(data), content_type="application/json")
            elif data is not None:
                kwargs["data"] = data
            return getattr(client, method.lower())(f"/api/v1{path}", **kwargs)
        return call
    return make

# --- Match life (voisins.matches, voisins.mediation) ------------------------------------------

@pytest.fixture
def victor(north):
    """A volunteer household with its own account (logs in to answer and follow its match)."""
    user = make_user("victor@example.org", first_name="Victor", language="nl")
    return volunteer_create(programme=north, user=user, **volunteer_data(
        contact_first_name="Victor", contact_last_name="Peeters", phone="+32470112233",
        email="victor.home@example.org"))


def agreed_to_matching(*households) -> None:
    """The households agreed to be matched (batch matching and proposals check it)."""
    from voisins.privacy.services import consent_give

    for household in households:
        consent_give(household=household, purpose="matching")


@pytest.fixture
def draft_proposal(north, family, victor, alice):
    """A proposal under review, as the engine would have stored it; both households agreed
    to be matched."""
    from voisins.matches.models import Proposal

    agreed_to_matching(family, victor)
    return Proposal.objects.create(
        programme=north, family=family, volunteer=victor, score=7.5, distance_km=0.4,
        created_by=alice,
        reasons=[{"code": "distance", "params": {"km": 0.4, "walking": True},
                  "text": "0.4 km apart"},
                 {"code": "need", "params": {"need": "homework", "priority": 3},
                  "text": "offers homework help"}])


@pytest.fixture
def sent_proposal(draft_proposal, alice):
    from voisins.matches.services import proposal_send

    return proposal_send(proposal=draft_proposal, by=alice)


@pytest.fixture
def live_match(sent_proposal, alice, victor):
    """Both households said yes: a match waiting for its introduction."""
    from voisins.matches.services import proposal_answer

    proposal_answer(proposal=sent_proposal, side="volunteer", accept=True, by=victor.user)
    proposal = proposal_answer(proposal=sent_proposal, side="family", accept=True, by=alice)
    return proposal.match


# --- A programme with a record in every table (issue 8: export, erasure, backup) ------------

# Personal details the whole-programme fixture writes about Amina's family, Victor's
# household and their match: none of them may survive an erasure of the household.
FAMILY_SECRETS = ["Amina", "Haddad", "amina@example.org", "488776655", "Yara", "Hassan",
                  "Rue des Palais 12", "Amina cries", "Yara's teacher", "Amina's husband"]
VOLUNTEER_SECRETS = ["Victor", "Peeters", "victor.home@example.org", "victor@example.org",
                     "470112233", "Victor's back", "Victor drives", "Victor told"]


@pytest.fixture
def whole_programme(north, south, alice, bob, charlie, family, victor, live_match, south_family,
                    django_capture_on_commit_callbacks):
    """Amina's family matched with Victor's household, with everything match life,
    mediation, evaluation, recruitment, training, community and the family pages keep
    about them — and at least one row in every table of Voisins."""
    from datetime import timedelta

    from django.utils import timezone

    from voisins.api.services import token_create
    from voisins.community.services import (
        calendar_token_for,
        event_create,
        invitation_respond,
        invitations_send,
        resource_save,
    )
    from voisins.evaluation.services import (
        feedback_submit,
        meeting_invite,
        meeting_plan,
        survey_record,
    )
    from voisins.familypages.services import family_link_create
    from voisins.gdpr.services import household_erase
    from voisins.households.models import Member
    from voisins.matches.models import CheckIn, MatchingRun
    from voisins.matches.services import (
        activity_log,
        checkin_answer,
        contact_reveal,
        introduction_plan,
        introduction_record,
        programme_pause_all,
        programme_resume_all,
    )
    from voisins.mediation.services import callback_request, case_add_note, case_open
    from voisins.privacy.models import PrivacyNotice
    from voisins.privacy.services import consent_give
    from voisins.programmes.models import Organisation
    from voisins.recruitment.models import Signup, Visit, VolunteerOrigin
    from voisins.recruitment.services import (
        campaign_create,
        charter_publish,
        news_post_create,
        public_text_save,
        screening_accept_charter,
        screening_update,
    )
    from voisins.training.services import (
        registration_create,
        training_module_create,
        training_session_create,
    )

    now = timezone.now()
    north.organisations.add(Organisation.objects.create(name="Convivial"))
    family.email, family.phone = "amina@example.org", "+32488776655"
    family.wishes_note = "Amina's husband works nights"
    family.save()
    Member.objects.filter(family=family, kind="child").update(first_name="Yara")
    PrivacyNotice.objects.create(programme=north, version="1", text="We keep…")
    for purpose in ("share_contact", "surveys"):
        consent_give(household=family, purpose=purpose, recorded_by=alice,
                     given_by_name="Hassan", interpreter="Service Interprètes")
        consent_give(household=victor, purpose=purpose, recorded_by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        match = live_match
        match.started_on = timezone.localdate() - timedelta(days=40)
        match.save(update_fields=["started_on"])
        introduction_plan(match=match, planned_at=now - timedelta(days=30),
                          place="Rue des Palais 12", by=alice)
        introduction_record(match=match, held_on=timezone.localdate() - timedelta(days=30),
                            note="Amina cries with joy", by=alice)
        for side, worry in (("family", "Yara's teacher is worried"),
                            ("volunteer", "Victor's back hurts")):
            checkin = CheckIn.objects.filter(match=match, side=side, day_offset=14).get()
            checkin_answer(checkin=checkin, rating=4, frequency="weekly", worry=worry,
                           activities="homework", by=alice)
        activity_log(match=match, side="volunteer", category="homework",
                     done_on=timezone.localdate(), text="Victor drives Yara to school",
                     by=victor.user)
        contact_reveal(match=match, viewer="volunteer", viewer_user=victor.user)
        programme_pause_all(programme=north, message="Pause", by=alice)
        programme_resume_all(programme=north, by=alice)
        case = case_open(programme=north, kind="conflict", summary="Victor told us Amina cries",
                         opened_by="staff", by=alice, match=match)
        case_add_note(case=case, text="Called Amina's husband", by=alice)
        callback_request(case=case, requested_by="family", when="after Amina's work",
                         language="ar")
        case_open(programme=north, kind="safeguarding", summary="Yara's teacher called",
                  opened_by="volunteer", match=match)
    MatchingRun.objects.create(programme=north, created_by=alice)
    child = family.members.get(kind="child")
    survey_record(match=match, child=child, wave="start", answers={"happiness": 4,
                                                                   "belonging": 3},
                  language="ar", by=alice)
    meeting = meeting_plan(programme=north, year=timezone.localdate().year,
                           planned_at=now + timedelta(days=10), place="Salle", by=alice)
    invitation = meeting_invite(meeting=meeting, volunteers=[victor])[0]
    from voisins.messaging.services import group_message_send

    group_message_send(programme=north, purpose="match", by=alice, description="In a match",
                       texts={"fr": "Bonjour {first_name}, comment va le binôme ? {link}"},
                       households=[victor, family])
    feedback_submit(invitation=invitation, what_works="Victor drives a lot",
                    what_is_hard="Finding time", what_to_change="", themes=[])
    module = training_module_create(programme=north, title="Welcome")
    session = training_session_create(module=module, starts_at=now + timedelta(days=3),
                                      ends_at=now + timedelta(days=3, hours=2),
                                      place="Maison", capacity=10)
    registration_create(session=session, volunteer=victor)
    campaign = campaign_create(programme=north, name="Spring", channel="press", by=alice)
    Visit.objects.create(programme=north, campaign=campaign)
    Signup.objects.create(programme=north, campaign=campaign, email="victor@example.org",
                          data={"contact_first_name": "Victor", "phone": "+32470112233"},
                          confirmed_at=now, volunteer=victor)
    VolunteerOrigin.objects.create(volunteer=victor, campaign=campaign, channel="press")
    charter_publish(programme=north, version="1", text="We respect…")
    screening_update(volunteer=victor, notes="Victor drives well", interview_place="Victor's home")
    screening_accept_charter(volunteer=victor)
    public_text_save(programme=north, language="fr", tagline="Voisins", about="…",
                     how_to_join="…", how_to_refer="…")
    news_post_create(programme=north, author=alice, language="fr", title="News", body="…")
    starts = now + timedelta(days=7)
    event = event_create(programme=north, by=alice, kind="meetup", title="Apéro",
                         starts_at=starts, ends_at=starts + timedelta(hours=2), place="Parc")
    invitations_send(event=event, users=[victor.user, alice])
    invitation_respond(invitation=event.invitations.get(user=victor.user), going=True)
    calendar_token_for(user=victor.user)
    resource_save(programme=north, kind="guide", title="Guide", url="https://example.org",
                  languages=["fr"], target_group="volunteers")
    # Private files (voisins.files): a letter in the case, the scan of Victor's charter.
    from tests.files.samples import pdf, png, upload
    from voisins.files.services import case_attachment_add, charter_scan_add

    case_attachment_add(case=case, upload=upload("Amina-lettre.pdf", pdf()), by=alice)
    charter_scan_add(screening=victor.screening, upload=upload("charte-Victor.png", png()),
                     by=alice)
    family_link_create(family=family, by=alice)
    token_create(user=alice)
    # Issue 18: an expense of Victor's household (the regime set, a past year closed).
    from decimal import Decimal

    from voisins.expenses import services as expenses

    expenses.ceiling_year_save(year=now.year, day_ceiling=Decimal("44.02"),
                               year_ceiling=Decimal("1760.83"), km_rate=Decimal("0.4326"))
    expenses.expense_settings_set(programme=north, regime="flat", by=alice)
    expenses.expense_record(household=victor, spent_on=timezone.localdate(),
                            description="Bus to Amina's school", amount=Decimal("4.20"),
                            via="link")
    expenses.year_close(programme=north, year=now.year - 1, by=alice)
    household_erase(household=south_family)
    from voisins.volunteering.services import (
        information_note_publish,
        insurance_policy_create,
        note_acknowledge,
    )

    note = information_note_publish(
        programme=north, by=alice, published_at=now - timedelta(days=10),
        legal_status="asbl", organisation_name="Voisins du Nord", aim="Des voisins.",
        expenses_regime="flat")
    note_acknowledge(note=note, volunteer=victor, channel="link")
    insurance_policy_create(programme=north, insurer="Ethias", policy_number="45.1",
                            covers=["civil_liability"], valid_from=now.date(),
                            valid_to=now.date() + timedelta(days=300))
    # A network the programme belongs to, a remote member with its token, a publication
    # and a closed period (issue 20).
    from voisins.networks import services as networks

    network = networks.network_create(name="Réseau Voisins", by=alice)
    networks.member_join(network=network, programme=north, by=alice, named=True)
    remote = networks.remote_member_add(network=network, name="Voisins Liège", by=alice)
    networks.publish_token_create(member=remote, by=alice)
    networks.publication_store(member=remote, payload={
        "schema_version": 1, "period_start": "2026-01-01", "period_end": "2026-01-31",
        "measured_on": "2026-02-01", "matches": {"started": 1, "ended": 0,
                                                  "active_at_end": 1},
        "persistence": [{"month": 0, "at_risk": 1, "ended": 0, "censored": 1}],
        "outcomes": [], "funnel": {"visited": 3, "signed_up": 1, "screened": 1,
                                   "trained": 1, "matched": 1},
        "hours_given": "2.50"})
    from datetime import date

    networks.period_close(network=network, start=date(2025, 1, 1), end=date(2025, 12, 31),
                          by=alice)
    # Shared materials (issue 20 §3): the network shares a training module and a message
    # template; north adopts both (a message template row of its own), a new version of
    # the module is offered.
    from voisins.sharing import services as sharing
    from voisins.sharing.demo import demo as sharing_demo

    sharing_demo(network=network, programmes=[north], by=alice)
    template = sharing.material_publish(network=network, kind="message_template", by=alice,
                                        content={"name": "Bienvenue", "purpose": "news",
                                                 "texts": {"fr": "Bonjour {first_name}"}})
    sharing.adoption_create(material=template, programme=north, by=alice)
    # The network's dashboard pools the month once (PooledMonth, issue 20 part B).
    networks.pooled_months_refresh(network=network, start=date(2026, 1, 1),
                                   end=date(2026, 1, 31))
    # Amina's family agreed (through Hassan and an interpreter) to move to "south", a
    # programme of the same network; the move itself is not made (issue 20 §4).
    from voisins.transfers.services import transfer_consent_record

    networks.member_join(network=network, programme=south, by=charlie)
    transfer_consent_record(household=family, to_programme=south, transfer=True,
                            matching=True, contact=True, given_by_name="Hassan",
                            interpreter="Service Interprètes", by=alice)
    # Where north publishes to a network run on another instance (its token encrypted).
    networks.network_link_set(programme=north, url="https://network.example.org",
                              token="vnp_" + "x" * 43, network_name="Réseau wallon",
                              by=alice)
    # The task worker's own rows: a heartbeat, a periodic job's claim (no personal data).
    from voisins.ops.models import PeriodicRun
    from voisins.ops.worker import beat, new_worker_id

    beat(new_worker_id())
    PeriodicRun.objects.create(job="followup", period_start=now)
    return {"family": family, "volunteer": victor, "match": match, "case": case,
            "event": event}


@pytest.fixture(autouse=True)
def _many_connections_one_at_a_time(request):
    """Tests that open many database connections at once (50 threads on PostgreSQL) take
    turns across xdist workers: two at the same time would go over PostgreSQL's 100
    connections. (A file lock: pytest-xdist's --dist loadgroup does not group tests
    under pytest 9.)"""
    if request.node.get_closest_marker("postgres") is None:
        yield
        return
    import fcntl
    import tempfile
    from pathlib import Path

    from django.conf import settings

    # One lock per database server (its connections are what runs out), the same for
    # every xdist worker: each worker's NAME is its own test database by now.
    db = settings.DATABASES["default"]
    server = f"{db.get('HOST') or 'local'}-{db.get('PORT') or 'default'}".replace("/", "_")
    lock = Path(tempfile.gettempdir()) / f"voisins-tests-pg-{server}.lock"
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
