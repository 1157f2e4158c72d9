"""Reads on households that cross relations or filter: what the staff lists show."""

from collections.abc import Callable

from django.db.models import Count, Q, QuerySet

from voisins import rows
from voisins.phones import can_receive_sms
from voisins.places import normalise_postcode
from voisins.programmes.languages import language_name
from voisins.programmes.models import Programme

from .models import FamilyHousehold, Household, VolunteerHousehold
from .status import FamilyStatus, VolunteerStatus

SORTS = {
    "name": ("contact_last_name", "contact_first_name", "id"),
    "-name": ("-contact_last_name", "-contact_first_name", "-id"),
    "postcode": ("postcode", "id"),
    "-postcode": ("-postcode", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "waiting": ("waiting_since", "id"),
}


def version_of(record: FamilyHousehold | VolunteerHousehold) -> str:
    """A record's version: its last update time in microseconds. Every save changes it."""
    return str(int(record.updated_at.timestamp() * 1_000_000))


# The columns the staff lists show of a household (for ``QuerySet.only()``). A household
# row has some 35 columns, five of them JSON: the lists that read only what they show cost
# 7 to 30 % less CPU (docs/benchmarks.md, "Load test"). A column shown but not listed here
# costs a query a row, which tests/ops/test_query_budgets.py catches.
LIST_COLUMNS = {
    "families": ("contact_first_name", "contact_last_name", "postcode", "locality",
                 "languages", "status", "waiting_since"),
    "volunteers": ("contact_first_name", "contact_last_name", "postcode", "locality",
                   "languages", "status", "capacity"),
}


def volunteer_households() -> QuerySet[VolunteerHousehold]:
    """Every volunteer household with its programme: what voisins.access looks a
    volunteer's own household up in (access imports no app's models)."""
    return VolunteerHousehold.objects.select_related("programme")
def household_list_rows(page: QuerySet, *, kind: str, link: Callable[[object], str]
                        ) -> list[dict]:
    """A page of the families or volunteer households list (`kind`) as its rows show it:
    the columns of LIST_COLUMNS as plain values (no household becomes an object), with
    ``url`` (``link(pk)``), ``status_label`` (as the reader reads it, first letter
    capital), ``language_names`` and, for families, ``waiting_since`` as its date ("—"
    when none). Labels and dates are made once a page (voisins.rows)."""
    status = rows.labels((FamilyStatus if kind == "families" else VolunteerStatus).choices,
                         first_capital=True)
    dates = rows.Dates(empty="—")
    names: dict[str, str] = {}
    found = list(page.values("id", *LIST_COLUMNS[kind]))
    for row in found:
        row["url"] = link(row["id"])
        row["status_label"] = status.get(row["status"], row["status"])
        codes = [language.get("code") if isinstance(language, dict) else None
                 for language in row["languages"] or ()]
        row["language_names"] = [names.get(code) or names.setdefault(code, language_name(code))
                                 for code in codes]
        if kind == "families":
            row["waiting_since"] = dates(row["waiting_since"])
    return found


def names_of(*relations: str) -> list[str]:
    """The columns that name the households behind `relations` (their ``str()``), for
    ``QuerySet.only()``: ``names_of("family")`` → family__contact_first_name, …"""
    return [f"{relation}__{column}" for relation in relations
            for column in ("contact_first_name", "contact_last_name")]




def household_records(*, model: type[Household]) -> QuerySet:
    """Every household of `model` (families or volunteer households), for access to narrow
    to the one asked for."""
    return model.objects.all()


def households_of_programme(*, model: type[Household], programme: Programme) -> QuerySet:
    """The households of `model` in `programme`, unordered (the caller filters and sorts)."""
    return model.objects.filter(programme=programme)


def households_listed(*, model: type[Household], programme: Programme) -> QuerySet:
    """The households of `model` in `programme` with the columns the staff lists show."""
    kind = "families" if model is FamilyHousehold else "volunteers"
    return households_of_programme(model=model, programme=programme).only(*LIST_COLUMNS[kind])


def household_of_programme(*, model: type[Household], programme: Programme,
                           pk: object) -> Household | None:
    """Household `pk` of `model` in `programme`, or None (also for a `pk` that is no number,
    as a form posts it)."""
    if not str(pk).isdigit():
        return None
    return households_of_programme(model=model, programme=programme).filter(pk=pk).first()


def households_with_programme(*, model: type[Household]) -> QuerySet:
    """Households of `model` with their programme (a letter, a link, an export)."""
    return model.objects.select_related("programme")


def households_with_members(*, model: type[Household]) -> QuerySet:
    """Households of `model` with their members (the household's form)."""
    return model.objects.prefetch_related("members")


def households_with_history(*, model: type[Household]) -> QuerySet:
    """Households of `model` with their members and their status changes, each with who
    made it (the household's page)."""
    return model.objects.prefetch_related("members", "status_changes__changed_by")


def volunteer_household_of_user(*, user: object) -> VolunteerHousehold | None:
    """The volunteer household whose account is `user`, with its programme, or None."""
    return VolunteerHousehold.objects.filter(user=user).select_related("programme").first()


def household_search(queryset: QuerySet, q: str) -> QuerySet:
    """Households whose name, postcode, reference or phone contains `q`."""
    # PostgreSQL text cannot hold NUL; nobody searches for control characters anyway.
    q = "".join(ch for ch in (q or "") if ch.isprintable()).strip()[:100]
    if not q:
        return queryset
    digits = "".join(ch for ch in q if ch.isdigit())
    condition = (
        Q(contact_first_name__icontains=q)
        | Q(contact_last_name__icontains=q)
        | Q(reference__iexact=q)
        | Q(postcode=normalise_postcode(q))
        | Q(locality__icontains=q)
    )
    if len(digits) >= 4:
        condition |= Q(phone__contains=digits[-4:])
    return queryset.filter(condition)



def status_numbers(programme: Programme) -> dict[str, int]:
    """How many families and volunteer households are at each step, as
    ``{"families:waiting": 12, "volunteers:available": 30, …}`` (two queries)."""
    numbers = {}
    for kind, model in (("families", FamilyHousehold), ("volunteers", VolunteerHousehold)):
        for status, n in (model.objects.filter(programme=programme, archived=False)
                          .values_list("status").annotate(n=Count("id"))
                          .values_list("status", "n")):
            numbers[f"{kind}:{status}"] = n
    return numbers


def status_counts(numbers: dict[str, int]) -> dict[str, list[tuple[str, str, int]]]:
    """`numbers` (see status_numbers) as the programme page lists them: every step in
    order, with its label, none left out."""
    return {
        kind: [(s, label, numbers.get(f"{kind}:{s}", 0)) for s, label in statuses.choices]
        for kind, statuses in (("families", FamilyStatus), ("volunteers", VolunteerStatus))
    }


def household_channels(household: FamilyHousehold | VolunteerHousehold) -> list[str]:
    """The channels ``household`` really has, in the order Voisins prefers them: e-mail
    when it (or, for a volunteer household, its account) has an address, SMS when its
    number is a mobile one, and always "by phone or in person"."""
    from .models import Channel

    user = getattr(household, "user", None) if getattr(household, "user_id", None) else None
    channels = []
    if household.email or getattr(user, "email", ""):
        channels.append(Channel.EMAIL.value)
    if household.phone and can_receive_sms(household.phone):
        channels.append(Channel.SMS.value)
    channels.append(Channel.PHONE.value)
    return channels
