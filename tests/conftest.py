"""Shared personas, in the manner of healthchecks' BaseTestCase.

Alice coordinates programme "north"; Bob mediates there; Rita refers families to it;
Vera sees its aggregate figures only; Charlie coordinates programme "south" and must see
nothing of "north".
"""

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


@pytest.fixture
def alice(north):
    user = make_user("alice@example.org", first_name="Alice")
    membership_grant(user=user, programme=north, role=Role.COORDINATOR)
    return user


@pytest.fixture
def bob(north):
    user = make_user("bob@example.org", first_name="Bob")
    membership_grant(user=user, programme=north, role=Role.MEDIATOR)
    return user


@pytest.fixture
def rita(north):
    user = make_user("rita@example.org", first_name="Rita")
    membership_grant(user=user, programme=north, role=Role.REFERRER)
    return user


@pytest.fixture
def vera(north):
    user = make_user("vera@example.org", first_name="Vera")
    membership_grant(user=user, programme=north, role=Role.VIEWER)
    return user


@pytest.fixture
def charlie(south):
    user = make_user("charlie@example.org", first_name="Charlie")
    membership_grant(user=user, programme=south, role=Role.COORDINATOR)
    return user


def family_data(**overrides: object) -> dict:
    data = {
        "contact_first_name": "Amina",
        "contact_last_name": "Haddad",
        "postcode": "1030",
        "languages": [{"code": "ar", "level": "native"}, {"code": "fr", "level": "basic"}],
        "availability": ["wed-pm", "sat-am"],
        "needs": {"homework": 3, "french-conversation": 2},
        "status": "waiting",
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


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits live in the cache: every test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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


@pytest.fixture
def draft_proposal(north, family, victor, alice):
    """A proposal under review, as the engine would have stored it."""
    from voisins.matches.models import Proposal

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
