import pytest

from voisins.mediation import services as mediation
from voisins.training import services as training


@pytest.fixture
def case(live_match, alice):
    return mediation.case_open(programme=live_match.programme, kind="misunderstanding",
                               summary="A letter from the commune.", opened_by="staff",
                               match=live_match)


@pytest.fixture
def module(north):
    return training.training_module_create(programme=north, title="Welcome",
                                           required=True)


@pytest.fixture
def session(module):
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now() + timedelta(days=3)
    return training.training_session_create(module=module, starts_at=start,
                                            ends_at=start + timedelta(hours=2),
                                            place="Maison de quartier", capacity=10)
