"""Demo data for transfers (issue 20): one waiting family of a programme moves, with its
consent, to another programme of a network both belong to — through the services only.

Call it after both programmes joined a common network, e.g. from ``voisins demo``::

    from voisins.transfers.demo import demo
    demo(from_programme=north, to_programme=south, by=north_coordinator)
"""

from voisins.accounts.models import User
from voisins.households.models import FamilyHousehold
from voisins.households.status import FamilyStatus
from voisins.programmes.models import Programme

from . import services
from .models import Transfer


def demo(*, from_programme: Programme, to_programme: Programme, by: User) -> Transfer | None:
    """Move the longest-waiting family of ``from_programme`` that was not moved yet (its
    consent recorded by ``by``, a coordinator of ``from_programme``, with an interpreter)
    to ``to_programme``, its new home at the new programme's first postcode of a household
    (else the old one). Returns the transfer, or None when no family waits."""
    family = (FamilyHousehold.objects.filter(programme=from_programme, archived=False,
                                             status=FamilyStatus.WAITING)
              .exclude(transfers_out__status=Transfer.Status.DONE)
              .order_by("waiting_since", "pk").first())
    if family is None:
        return None
    services.transfer_consent_record(
        household=family, to_programme=to_programme, transfer=True, matching=True,
        contact=True, given_by_name="", interpreter="Interprète du réseau", by=by)
    postcode = (FamilyHousehold.objects.filter(programme=to_programme)
                .values_list("postcode", flat=True).first() or family.postcode)
    return services.household_transfer(household=family, to_programme=to_programme,
                                       postcode=postcode, by=by)
