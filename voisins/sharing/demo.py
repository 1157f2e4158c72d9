"""Demo data of shared materials, through the services only: the network publishes a
training module, one programme adopts it, then the network publishes a new version
(the programme is offered the update)."""

from typing import Any

from voisins.networks.models import Network
from voisins.programmes.models import Programme

from . import services
from .models import Adoption, Material
from .models import MaterialKind as Kind


def demo(*, network: Network, programmes: list[Programme], by: Any) -> dict[str, Any]:
    """Publish a training module to `network` (by `by`, one of its coordinators), adopt
    it in the first of `programmes` (a current member of the network), and publish its
    version 2: that programme's page then says "an update is offered".

    Idempotent: a network that shares the module already is left as it is.

    Returns ``{"material": Material, "adoption": Adoption | None}``."""
    title = "Rôle et limites du bénévole"
    existing = Material.objects.filter(network=network, kind=Kind.TRAINING_MODULE,
                                       title__startswith=title).first()
    if existing is not None:
        return {"material": existing, "adoption": Adoption.objects.filter(
            material=existing).first()}
    material = services.material_publish(network=network, kind=Kind.TRAINING_MODULE, by=by,
                                         content={
        "title": title, "required": True,
        "description": "Ce que fait un ménage bénévole, ce qu'il ne fait pas (papiers "
                       "administratifs officiels, argent, hébergement), et à qui "
                       "s'adresser quand une situation le dépasse."})
    adoption = None
    if programmes:
        adoption = services.adoption_create(material=material, programme=programmes[0],
                                            by=by)
    services.material_version_publish(material=material, by=by, content={
        "title": title, "required": True,
        "description": "Ce que fait un ménage bénévole, ce qu'il ne fait pas (papiers "
                       "administratifs officiels, argent, hébergement), à qui s'adresser "
                       "quand une situation le dépasse, et comment parler de ses limites "
                       "avec la famille."},
        what_changed="Une partie sur la manière de parler de ses limites avec la famille.")
    return {"material": material, "adoption": adoption}
