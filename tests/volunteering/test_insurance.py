"""Insurance policies (issue 18, item 2): what they cover, when, whom; the policy in force
on the note; a reminder to the coordinators before a policy ends, once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.conftest import volunteer_data
from voisins.households.services import volunteer_create
from voisins.volunteering import selectors
from voisins.volunteering.models import InsurancePolicy
from voisins.volunteering.services import insurance_policy_create, insurance_reminders_send
from voisins.volunteering.tasks import insurance_reminders

TODAY = timezone.localdate


def _policy(north, **change):
    data = {"programme": north, "insurer": "Ethias", "policy_number": "45.9",
            "covers": ["civil_liability"], "valid_from": TODAY()}
    return insurance_policy_create(**{**data, **change})


@pytest.mark.parametrize("change,field", [
    ({"valid_to": TODAY() - timedelta(days=1)}, "valid_to"),
    ({"covers": []}, "covers"),
    ({"covers": ["fire"]}, "covers"),
    ({"covers": ["other"]}, "covers_other"),
    ({"insurer": ""}, "insurer"),
    ({"policy_number": "  "}, "policy_number"),
    ({"covers_all": False}, "households"),
])
def test_a_bad_policy_is_refused_naming_the_field(north, change, field):
    with pytest.raises(ValidationError) as exc:
        _policy(north, **change)
    assert field in exc.value.message_dict
    assert not InsurancePolicy.objects.exists()


def test_a_chosen_set_holds_only_households_of_the_programme(north, south, volunteer):
    other = volunteer_create(programme=south, **volunteer_data())
    with pytest.raises(ValidationError) as exc:
        _policy(north, covers_all=False, households=[volunteer, other])
    assert "households" in exc.value.message_dict
    policy = _policy(north, covers_all=False, households=[volunteer])
    assert list(selectors.policy_households(policy)) == [volunteer]


def test_every_active_household_is_covered_by_default(north, volunteer, victor):
    policy = _policy(north, covers=["civil_liability", "other"], covers_other="Vélos")
    assert set(selectors.policy_households(policy)) == {volunteer, victor}
    assert policy.cover_labels() == ["civil liability", "Vélos"]


def test_the_policy_in_force_is_the_one_valid_today(north, volunteer, victor):
    _policy(north, policy_number="old", valid_from=TODAY() - timedelta(days=400),
            valid_to=TODAY() - timedelta(days=1))
    current = _policy(north, policy_number="now", valid_to=TODAY() + timedelta(days=10))
    chosen = _policy(north, policy_number="few", covers_all=False, households=[victor])
    assert selectors.policies_in_force(north) == [current, chosen]
    assert selectors.policies_for_household(volunteer) == [current]
    assert selectors.policies_for_household(victor) == [current, chosen]


def test_the_coordinators_are_told_once_before_a_policy_ends(
        north, alice, django_capture_on_commit_callbacks, settings):
    settings.VOISINS_INSURANCE_REMINDER_DAYS = 30
    ending = _policy(north, valid_to=TODAY() + timedelta(days=20))
    _policy(north, policy_number="later", valid_to=TODAY() + timedelta(days=60))
    _policy(north, policy_number="open")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert insurance_reminders.call() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert insurance_reminders_send() == 0
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert "45.9" in mail.outbox[0].body and "Ethias" in mail.outbox[0].body
    ending.refresh_from_db()
    assert ending.reminder_sent_at is not None


def test_the_reminder_job_is_scheduled_in_the_worker():
    from voisins.ops.schedule import JOBS

    job = next(j for j in JOBS if j.name == "insurance-reminders")
    assert job.task is insurance_reminders
