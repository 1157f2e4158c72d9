import pytest
from django.core.exceptions import ValidationError

from voisins.households.services import household_set_status


def test_a_waiting_family_can_be_matched_and_its_history_is_kept(family, alice):
    household_set_status(household=family, status="matched", by=alice)
    family.refresh_from_db()
    assert family.status == "matched"
    steps = list(family.status_changes.values_list("from_status", "to_status"))
    assert steps == [("", "waiting"), ("waiting", "matched")]
    assert family.status_changes.last().changed_by == alice


@pytest.mark.parametrize(
    ("start", "new"), [("referred", "matched"), ("waiting", "intake_done"),
                       ("referred", "waiting")],
)
def test_it_refuses_a_family_move_the_pipeline_does_not_allow(north, start, new):
    from voisins.households.services import family_create

    from .conftest import family_data

    family = family_create(programme=north, **family_data(status=start))
    with pytest.raises(ValidationError) as exc:
        household_set_status(household=family, status=new)
    assert "status" in exc.value.message_dict
    family.refresh_from_db()
    assert family.status == start
    assert family.status_changes.count() == 1


def test_a_volunteer_walks_the_whole_pipeline(north):
    from voisins.households.services import volunteer_create

    from .conftest import volunteer_data

    volunteer = volunteer_create(programme=north, **volunteer_data(status="applied"))
    for step in ["screened", "trained", "available", "matched", "paused", "available", "left"]:
        household_set_status(household=volunteer, status=step)
    volunteer.refresh_from_db()
    assert volunteer.status == "left"
    assert volunteer.status_changes.count() == 8


def test_it_refuses_to_make_an_applicant_available_before_screening(north):
    from voisins.households.services import volunteer_create

    from .conftest import volunteer_data

    volunteer = volunteer_create(programme=north, **volunteer_data(status="applied"))
    with pytest.raises(ValidationError):
        household_set_status(household=volunteer, status="available")


def test_going_back_to_the_waiting_list_restarts_the_waiting_clock(family):
    household_set_status(household=family, status="matched")
    before = family.waiting_since
    household_set_status(household=family, status="waiting")
    family.refresh_from_db()
    assert family.waiting_since >= before


def test_the_status_page_refuses_a_bad_move_with_a_message(client, alice, north):
    from voisins.households.services import family_create

    from .conftest import family_data

    family = family_create(programme=north, **family_data(status="referred"))
    client.force_login(alice)
    response = client.post(f"/staff/north/families/{family.pk}/status/",
                           {"status": "matched"}, follow=True)
    assert response.status_code == 200
    assert "cannot go from" in response.content.decode() or "ne peut pas" in \
        response.content.decode()
    family.refresh_from_db()
    assert family.status == "referred"
