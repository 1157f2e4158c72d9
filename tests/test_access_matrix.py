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
from django.core import signing
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
PAGES: dict[str, Row] = {
    "landing": Row({p: 302 for p in PERSONAS}),
    "staff:home": Row(only({"victor": 200}, others=302)),
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
def data(north, south, alice, bob, rita, vera, charlie, family, volunteer, volunteer_user,
         south_family):
    return {"family": family, "volunteer": volunteer, "users": {
        "alice": alice, "bob": bob, "rita": rita, "vera": vera, "charlie": charlie,
        "victor": volunteer_user}}


def _headers(persona: str, d: dict) -> dict[str, str]:
    if persona in d["users"]:
        return bearer(d["users"][persona])
    if persona == "family":
        link = signing.dumps({"family": d["family"].pk}, salt="family-link")
        return {"HTTP_AUTHORIZATION": f"Bearer {link}", "HTTP_ACCEPT_LANGUAGE": "en"}
    return {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reaches_exactly_its_pages(client, data, persona):
    from django.urls import reverse

    if persona in data["users"]:
        client.force_login(data["users"][persona])
    query = ""
    if persona == "family":
        query = "?t=" + signing.dumps({"family": data["family"].pk}, salt="family-link")
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
def test_each_persona_reaches_exactly_its_api_operations(client, data, persona):
    import json

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
