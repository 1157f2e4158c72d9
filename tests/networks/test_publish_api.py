"""POST /api/v1/networks/publications: a programme on another instance publishes its
aggregate figures with a publication token; anything else is refused, naming the reason,
and stores nothing."""

import json
from datetime import date

import pytest

from voisins.networks import services
from voisins.networks.models import Publication


def month(start="2026-03-01", end="2026-03-31", **changes):
    payload = {
        "schema_version": 1, "period_start": start, "period_end": end,
        "measured_on": "2026-04-02", "town": "Liège",
        "matches": {"started": 2, "ended": 1, "active_at_end": 7},
        "persistence": [{"month": 0, "at_risk": 2, "ended": 0, "censored": 0},
                        {"month": 1, "at_risk": 2, "ended": 1, "censored": 1}],
        "outcomes": [{"indicator": "language", "wave": "m6", "children": 3,
                      "start_total": "7", "follow_total": "11", "improved": 2}],
        "funnel": {"visited": 9, "signed_up": 3, "screened": 2, "trained": 1, "matched": 1},
        "hours_given": "12.50",
    }
    payload.update(changes)
    return payload


@pytest.fixture
def network(alice):
    network = services.network_create(name="Réseau wallon", by=alice)
    member = services.remote_member_add(network=network, name="Voisins Liège", by=alice)
    _token, raw = services.publish_token_create(member=member, by=alice)
    other = services.remote_member_add(network=network, name="Voisins Namur", by=alice)
    return network, member, raw, other


def post(client, raw, body, **headers):
    return client.post("/api/v1/networks/publications", data=json.dumps(body),
                       content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
                       **({"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}), **headers)


def test_a_month_is_stored_for_the_tokens_member(client, network):
    _network, member, raw, _other = network
    response = post(client, raw, month())
    assert response.status_code == 200, response.content
    assert response.json() == {"stored": 1, "schema_version": 1}
    publication = Publication.objects.get(member=member)
    assert publication.period_start == date(2026, 3, 1)
    assert publication.payload["hours_given"] == "12.50"


def test_a_list_of_months_is_stored_and_a_month_sent_again_replaces_itself(client, network):
    _network, member, raw, _other = network
    assert post(client, raw, [month(), month("2026-04-01", "2026-04-30")]).json()["stored"] == 2
    assert post(client, raw, {"member": member.pk, "publications": [
        month(hours_given="13.00")]}).status_code == 200
    assert Publication.objects.filter(member=member).count() == 2
    assert Publication.objects.get(member=member, period_start=date(2026, 3, 1)
                                   ).payload["hours_given"] == "13.00"


def test_the_token_says_what_it_publishes_to(client, network):
    net, member, raw, _other = network
    services.period_close(network=net, start=date(2025, 1, 1), end=date(2025, 12, 31),
                          by=None)
    response = client.get("/api/v1/networks/publications",
                          HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.json() == {
        "network": "Réseau wallon", "programme": "Voisins Liège", "member": member.pk,
        "schema_version": 1,
        "closed_periods": [{"period_start": "2025-01-01", "period_end": "2025-12-31"}]}


def refused(response, status, where, words):
    assert response.status_code == status, response.content
    detail = response.json()["detail"]
    text = json.dumps(detail)
    assert words in text, text
    if where is not None:
        assert any(where == item["loc"][-len(where):] for item in detail), detail
    assert not Publication.objects.exists()


def test_a_field_outside_the_schema_is_refused(client, network):
    _n, _m, raw, _o = network
    refused(post(client, raw, month(families=[{"name": "Amina"}])), 422, ["families"],
            "Unknown field")
    bad_row = month()
    bad_row["matches"] = {**bad_row["matches"], "names": "x"}
    refused(post(client, raw, bad_row), 422, ["matches", "names"], "Unknown field")


def test_a_list_is_all_or_nothing(client, network):
    _n, _m, raw, _o = network
    good, bad = month(), month("2026-04-01", "2026-04-30", extra=1)
    refused(post(client, raw, [good, bad]), 422, [1, "extra"], "Unknown field")
    # The same month twice in one list.
    refused(post(client, raw, [good, month()]), 422, [1, "period_start"], "twice")


def test_figures_that_contradict_each_other_are_refused(client, network):
    _n, _m, raw, _o = network
    refused(post(client, raw, month(funnel={"visited": 1, "signed_up": 1, "screened": 2,
                                            "trained": 0, "matched": 0})),
            422, None, "funnel")


def test_too_many_months_are_refused(client, network):
    _n, _m, raw, _o = network
    refused(post(client, raw, [month()] * 241), 422, None, "240")


@pytest.mark.parametrize("raw", [None, "vnp_unknown", "not-even-a-publication-token"])
def test_an_unknown_token_is_refused(client, network, raw):
    refused(post(client, raw, month()), 401, None, "token")


def test_a_users_api_token_is_not_a_publication_token(client, network, alice):
    from voisins.api.services import token_create

    _token, raw = token_create(user=alice)
    refused(post(client, raw, month()), 401, None, "token")


def test_a_revoked_token_is_refused(client, network):
    _n, member, raw, _o = network
    services.publish_token_revoke(token=member.publish_tokens.get())
    refused(post(client, raw, month()), 401, None, "token")


def test_another_members_figures_are_refused(client, network):
    _n, _member, raw, other = network
    refused(post(client, raw, {"member": other.pk, "publications": [month()]}), 422,
            ["member"], "another programme")


def test_a_closed_period_is_refused(client, network):
    net, _m, raw, _o = network
    services.period_close(network=net, start=date(2026, 1, 1), end=date(2026, 3, 31),
                          by=None)
    refused(post(client, raw, [month("2026-04-01", "2026-04-30"), month()]), 422,
            [1, "period_start"], "closed")


def test_a_member_that_left_is_refused(client, network):
    _n, member, raw, _o = network
    services.member_leave(member=member)  # its tokens stop working
    refused(post(client, raw, month()), 401, None, "token")
    # Even with a token left live by hand, nothing is taken from a member that left.
    member.publish_tokens.update(revoked_at=None)
    refused(post(client, raw, month()), 422, ["member"], "left the network")


def test_publications_are_rate_limited(client, network, settings):
    from voisins.networks.api import router

    _n, _m, raw, _o = network
    throttle = router.throttle[0]
    rate = throttle.num_requests
    throttle.num_requests = 2
    try:
        assert post(client, raw, month()).status_code == 200
        assert post(client, raw, month()).status_code == 200
        assert post(client, raw, month()).status_code == 429
    finally:
        throttle.num_requests = rate


def test_the_schema_is_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json()
    body = doc["paths"]["/api/v1/networks/publications"]["post"]["requestBody"]
    refs = json.dumps(body)
    assert "#/components/schemas/Aggregates" in refs and '"maxItems": 240' in refs
    aggregates = doc["components"]["schemas"]["Aggregates"]
    assert aggregates["additionalProperties"] is False
    assert aggregates["properties"]["schema_version"]["const"] == 1
