"""The programme page counts the households at each step; the counts are kept between
pages and show a change at once."""

from django.urls import reverse

from voisins.households.services import family_create, household_set_status, volunteer_create
from voisins.households.status import FamilyStatus, VolunteerStatus

from ..conftest import family_data, volunteer_data


def counts(client) -> dict[str, dict[str, int]]:
    response = client.get(reverse("staff:programme", args=["north"]),
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return {kind: {status: n for status, _label, n in rows}
            for kind, rows in response.context["counts"].items()}


def test_it_counts_every_step_and_leaves_archived_households_out(client, alice, north):
    for name in ("Amina", "Yusuf"):
        family_create(programme=north, **family_data(contact_first_name=name))
    family_create(programme=north, **family_data(contact_first_name="Old", archived=True))
    volunteer_create(programme=north, **volunteer_data())
    client.force_login(alice)
    seen = counts(client)
    assert list(seen["families"]) == list(FamilyStatus.values)
    assert list(seen["volunteers"]) == list(VolunteerStatus.values)
    assert seen["families"]["waiting"] == 2 and seen["families"]["referred"] == 0
    assert seen["volunteers"]["available"] == 1


def test_a_change_shows_at_once_although_the_counts_are_kept(client, alice, north):
    family = family_create(programme=north, **family_data())
    client.force_login(alice)
    assert counts(client)["volunteers"]["available"] == 0
    volunteer_create(programme=north, **volunteer_data(email="new@example.org"))
    assert counts(client)["volunteers"]["available"] == 1
    household_set_status(household=family, status="ended", by=alice, note="moved away")
    seen = counts(client)
    assert seen["families"]["waiting"] == 0 and seen["families"]["ended"] == 1
