"""Fixtures of the volunteer journey, on top of the shared personas in tests/conftest.py."""

import pytest

from voisins.households.services import household_set_status
from voisins.recruitment import services as recruitment

SIGNUP = {
    "email": "marc@example.org", "contact_first_name": "Marc", "contact_last_name": "Peeters",
    "phone": "0470 11 22 33", "postcode": "1030", "adult_birth_years": "1970, 1972",
    "children_birth_years": "2012", "language_1": "fr", "level_1": "native",
    "language_2": "nl", "level_2": "fluent", "offers": ["homework", "shared-meal"],
    "availability": ["wed-pm", "sat-am"], "radius_km": "3", "motivation": "We have time.",
    "consent": "on", "website": "",
}


@pytest.fixture
def signup_post():
    def make(**overrides):
        data = dict(SIGNUP)
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}
    return make


def confirm_signup(signup):
    return recruitment.signup_confirm(signup=signup)


def advance(volunteer, *statuses):
    for status in statuses:
        household_set_status(household=volunteer, status=status)
