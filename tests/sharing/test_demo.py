"""voisins.sharing.demo: a training module published, adopted by the first programme, and
its version 2 offered to it — through services only; a second call adds nothing."""

from voisins.networks.services import member_join, network_create
from voisins.sharing.demo import demo
from voisins.sharing.models import Adoption, MaterialVersion
from voisins.sharing.services import update_offered


def test_the_demo_offers_an_update_of_an_adopted_module(north, south, alice, charlie):
    network = network_create(name="Réseau", by=alice)
    member_join(network=network, programme=north, by=alice)
    member_join(network=network, programme=south, by=charlie)
    shared = demo(network=network, programmes=[north, south], by=alice)
    adoption = shared["adoption"]
    assert adoption.programme == north and adoption.version.number == 1
    assert north.training_modules.get(pk=adoption.copy_id).required
    assert update_offered(adoption=adoption).number == 2
    assert not south.adoptions.exists()
    again = demo(network=network, programmes=[north], by=alice)
    assert again["material"] == shared["material"]
    assert (Adoption.objects.count(), MaterialVersion.objects.count()) == (1, 2)
