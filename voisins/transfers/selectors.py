"""Reads of transfers: which programmes a household may move to (those of a network its
programme is a current member of, on this instance), the consent recorded for a move, and
a household's transfers."""

from django.db.models import QuerySet

from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.networks.models import Network, NetworkMember
from voisins.programmes.models import Programme

from .models import Transfer

Household = FamilyHousehold | VolunteerHousehold


def _current_members() -> QuerySet[NetworkMember]:
    """Programmes of this instance that are members now (members on another instance are
    left out: moving a household between instances is out of scope)."""
    return NetworkMember.objects.filter(left_at__isnull=True, programme__isnull=False)


def target_programmes(programme: Programme) -> QuerySet[Programme]:
    """The other programmes of this instance that share a network with `programme`, both
    current members."""
    networks = _current_members().filter(programme=programme).values("network_id")
    ids = _current_members().filter(network_id__in=networks).exclude(
        programme=programme).values("programme_id")
    return Programme.objects.filter(pk__in=ids).order_by("name")


def common_network(from_programme: Programme, to_programme: Programme) -> Network | None:
    """A network both programmes are current members of (the oldest), or None."""
    mine = _current_members().filter(programme=from_programme).values("network_id")
    return (Network.objects.filter(pk__in=mine, members__programme=to_programme,
                                   members__left_at__isnull=True)
            .order_by("pk").first())


def transfers_of(household: Household) -> QuerySet[Transfer]:
    """Every transfer of `household`, out of its programme or into it, newest first."""
    if isinstance(household, FamilyHousehold):
        queryset = Transfer.objects.filter(family=household) | Transfer.objects.filter(
            new_family=household)
    else:
        queryset = Transfer.objects.filter(volunteer=household) | Transfer.objects.filter(
            new_volunteer=household)
    return queryset.select_related("from_programme", "to_programme", "network").order_by(
        "-consented_at", "-id")


def done_transfer(household: Household) -> Transfer | None:
    """The move out of its programme that `household` made, if it made one."""
    return (Transfer.objects.filter(**{household.side: household}, status=Transfer.Status.DONE)
            .select_related("to_programme").first())


def pending_transfer(household: Household, to_programme: Programme | None = None
                     ) -> Transfer | None:
    """The newest consent to a move of `household` not carried out yet (to `to_programme`
    when given)."""
    queryset = Transfer.objects.filter(**{household.side: household},
                                       status=Transfer.Status.CONSENTED)
    if to_programme is not None:
        queryset = queryset.filter(to_programme=to_programme)
    return queryset.select_related(
        "to_programme", "consent_transfer", "consent_matching", "consent_contact").order_by(
        "-consented_at", "-id").first()


def transfers_out(programme: Programme) -> QuerySet[Transfer]:
    """The programme's households that moved away or wait to, newest first."""
    return Transfer.objects.filter(from_programme=programme).select_related(
        "to_programme").order_by("-consented_at", "-id")


def transfer_page(household: Household) -> dict:
    """What the transfer page of `household` shows: where it may move, the consent
    recorded for a move not made yet, the move made, and what would be copied."""
    done = done_transfer(household)
    pending = None if done is not None else pending_transfer(household)
    is_family = isinstance(household, FamilyHousehold)
    children = (list(household.members.filter(kind="child").values_list("birth_year", flat=True))
                if is_family else [])
    names = {c.code: c.label for c in household.programme.service_categories.all()}
    codes = list(household.needs) if is_family else list(household.offers)
    return {"targets": target_programmes(household.programme), "pending": pending,
            "categories": [names.get(code, code) for code in codes],
            "done": done, "children": children, "is_family": is_family,
            "new_household": done.new_household if done is not None else None}
