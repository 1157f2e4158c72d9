"""Audited reads in lists (issue 19, item 8): every page that shows last names (household
lists, search, proposals, matches, the radius search) writes one entry naming the
households shown, and a search that finds a family by its phone number records that
the phone was read."""

from auditlog.models import LogEntry

from tests.conftest import family_data
from voisins.households.services import family_create


def _list_entries(via: str) -> list[LogEntry]:
    return [e for e in LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
            if (e.additional_data or {}).get("via") == via]


def test_a_list_of_families_writes_one_entry_naming_every_family_shown(client, alice,
                                                                       north, family):
    other = family_create(programme=north, **family_data(reference="F2",
                                                         contact_last_name="Saleh"))
    client.force_login(alice)
    assert client.get("/staff/north/families/?status=").status_code == 200
    [entry] = _list_entries("families")
    assert entry.actor == alice
    assert entry.object_id == north.pk
    assert set(entry.additional_data["records"]) == {f"familyhousehold #{family.pk}",
                                                     f"familyhousehold #{other.pk}"}
    assert entry.additional_data["fields"] == ["contact_last_name"]


def test_a_search_by_phone_number_is_audited_with_the_phone(client, alice, north):
    family = family_create(programme=north, **family_data(phone="+32 470 55 66 77"))
    client.force_login(alice)
    response = client.get("/search/", {"q": "0470 55 66 77"})
    assert family in response.context["results"]["families"]
    [entry] = _list_entries("search")
    assert entry.additional_data["records"] == [f"familyhousehold #{family.pk}"]
    assert entry.additional_data["fields"] == ["contact_last_name", "phone"]
    assert family.phone not in str(entry.additional_data)


def test_a_search_that_finds_nobody_writes_nothing(client, alice, family):
    client.force_login(alice)
    client.get("/search/", {"q": "nobody-like-this"})
    assert _list_entries("search") == []


def test_the_lists_of_proposals_and_matches_are_audited(client, alice, live_match):
    client.force_login(alice)
    assert client.get("/staff/north/matches/").status_code == 200
    [entry] = _list_entries("match_rows")
    assert f"familyhousehold #{live_match.family_id}" in entry.additional_data["records"]
    assert f"volunteerhousehold #{live_match.volunteer_id}" in entry.additional_data["records"]
    assert client.get("/staff/north/proposals/?status=").status_code == 200
    assert _list_entries("proposal_rows")
