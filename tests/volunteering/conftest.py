from datetime import timedelta

import pytest
from django.utils import timezone

from voisins.volunteering.services import information_note_publish, insurance_policy_create

NOTE = {"legal_status": "asbl", "organisation_name": "Voisins du Nord",
        "aim": "Mettre en contact des voisins.", "expenses_regime": "flat",
        "enterprise_number": "0456.789.123", "contact": "02 123 45 67"}


@pytest.fixture
def note(north, alice):
    return information_note_publish(programme=north, by=alice,
                                    published_at=timezone.now() - timedelta(days=10), **NOTE)


@pytest.fixture
def policy(north):
    today = timezone.localdate()
    return insurance_policy_create(programme=north, insurer="Ethias", policy_number="45.1",
                                   covers=["civil_liability", "bodily_accidents"],
                                   valid_from=today - timedelta(days=30),
                                   valid_to=today + timedelta(days=300))


@pytest.fixture(autouse=True)
def _english():
    """The services' refusals are read in English here (the site's default is French)."""
    from django.utils import translation

    with translation.override("en"):
        yield
