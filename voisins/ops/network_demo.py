"""The demo's network (issue 20): the demo programme and a second programme of this
instance in one network, their figures published by the same code as every night, a
training module shared and adopted, a family moved from one to the other with its
consent; and a third programme registered as publishing from another instance (its
figures arrive when that instance publishes: `tests/networks/test_two_instances.py`
starts one to show it).

Made through the services and the engine, like the rest of the demo: the second
programme's households and matches come from the same generators as the first's, and its
published figures are computed from them (`voisins.networks.aggregates`)."""

from __future__ import annotations

from django.utils import timezone

from voisins.accounts.models import User
from voisins.networks import services as networks
from voisins.networks.demo_publishing import demo as publish_demo
from voisins.networks.models import Network
from voisins.programmes.models import Programme
from voisins.sharing.demo import demo as sharing_demo
from voisins.transfers.demo import demo as transfer_demo

from . import household_demo, match_demo

NETWORK_NAME = "Réseau Voisins Solidaires"


def generate(*, programme: Programme, login_email: str, seed: int) -> Network | None:
    """Add the network to the demo of `programme`, whose coordinator (`login_email`)
    becomes the network's coordinator; None when the network is already there."""
    if Network.objects.filter(name=NETWORK_NAME).exists():
        return None
    second_slug = f"{programme.slug}-namur"
    second_login = household_demo.generate(families=50, volunteers=40, seed=seed + 1,
                                           slug=second_slug)
    second = Programme.objects.get(slug=second_slug)
    match_demo.generate(programme=second, matches=10, proposals=2, ended=30, seed=seed + 1,
                        password=second_login.password)
    coordinator = User.objects.get(email=login_email)
    other = User.objects.get(email=second_login.email)
    network = networks.network_create(
        name=NETWORK_NAME, by=coordinator,
        description="Les programmes de voisinage solidaire qui partagent la pratique.")
    networks.member_join(network=network, programme=programme, by=coordinator, named=True)
    networks.member_join(network=network, programme=second, by=other, named=False)
    networks.remote_member_add(network=network, name="Voisins Liège", town="Liège",
                               by=coordinator, named=True)
    sharing_demo(network=network, programmes=[programme], by=coordinator)
    transfer_demo(from_programme=second, to_programme=programme, by=other)
    publish_demo(network=network, until=timezone.localdate())
    return network
