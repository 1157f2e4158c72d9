from datetime import date

import pytest

from tests.conftest import make_user
from voisins.networks import services

from .factory import publish_year

YEAR = 2025


@pytest.fixture
def nadia(db):
    """Nadia coordinates the network "Réseau Est"; she holds no programme role."""
    return make_user("nadia@example.org", first_name="Nadia")


@pytest.fixture
def nico(db):
    """Nico is a viewer of the network; no programme role."""
    return make_user("nico@example.org", first_name="Nico")


@pytest.fixture
def network(north, south, alice, charlie, nadia, nico):
    """North (named) and south (not named) on this instance, Liège on another one; a
    year of publications for each."""
    from voisins.programmes.constants import NetworkRole

    net = services.network_create(name="Réseau Est", by=alice)
    services.network_staff_set(network=net, user=nadia, role=NetworkRole.COORDINATOR)
    services.network_staff_set(network=net, user=nico, role=NetworkRole.VIEWER)
    n = services.member_join(network=net, programme=north, by=alice, named=True)
    s = services.member_join(network=net, programme=south, by=charlie, named=False)
    r = services.remote_member_add(network=net, name="Voisins Liège", town="Liège",
                                   by=alice, named=False)
    for seed, member, town in ((1, n, "Bruxelles"), (2, s, "Namur"), (3, r, "Liège")):
        publish_year(member, YEAR, seed=seed, town=town)
    return net


PERIOD = {"start": f"{YEAR}-01", "end": f"{YEAR}-12"}
__all__ = ["PERIOD", "YEAR", "date"]
