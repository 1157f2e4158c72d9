"""What a household's personal link is, apart from writing one: its kind (a family's or a
volunteer household's: its model, salt, lifetime and home page), its signed token, and a
household's links."""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet

from voisins.households.models import FamilyHousehold, Household, VolunteerHousehold

from .models import FamilyLink, HouseholdLink, VolunteerLink

SALT = "voisins.familypages.link"


@dataclass(frozen=True)
class LinkKind:
    """What differs between the two kinds of household's links."""

    name: str            # "family" or "volunteer"
    model: type[HouseholdLink]
    salt: str            # a family's token never opens a volunteer household's pages
    days_setting: str    # VOISINS[...]: how long a link works
    home: str            # the URL name of the household's home page (takes `token`)


KINDS = {
    "family": LinkKind("family", FamilyLink, SALT, "FAMILY_LINK_DAYS", "familypages:home"),
    "volunteer": LinkKind("volunteer", VolunteerLink, "voisins.familypages.volunteer-link",
                          "VOLUNTEER_LINK_DAYS", "volunteerpages:home"),
}


def link_kind(household: Household | HouseholdLink) -> LinkKind:
    """The kind of a household, or of a link."""
    if isinstance(household, FamilyHousehold | FamilyLink):
        return KINDS["family"]
    if isinstance(household, VolunteerHousehold | VolunteerLink):
        return KINDS["volunteer"]
    raise TypeError(f"not a household: {type(household).__name__}")


def link_days(kind: LinkKind) -> int:
    """How many days a link of `kind` works (the setting)."""
    return settings.VOISINS[kind.days_setting]


def household_link_token(link: HouseholdLink) -> str:
    """The part of the URL that identifies `link`, signed with the site's secret."""
    return signing.Signer(salt=link_kind(link).salt).sign(link.key)


family_link_token = household_link_token


def household_links_of(household: Household) -> QuerySet:
    """The links of `household`, newest first."""
    kind = link_kind(household)
    return kind.model.objects.filter(**{kind.model.household_field: household})
