"""Typed shapes of the API's households and programmes (OpenAPI is generated from them)."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from ninja import Schema
from pydantic import Field

from voisins.apibase import LanguageCode, Moment, Slug, Text
from voisins.households.models import Channel, FamilyWish, Gender, MemberKind, SchoolLevel
from voisins.households.selectors import SORTS
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.programmes.constants import SLOTS, LanguageLevel

Slot = Literal[SLOTS]  # type: ignore[valid-type]
FamilyStatusCode = Literal[tuple(FamilyStatus.values)]  # type: ignore[valid-type]
VolunteerStatusCode = Literal[tuple(VolunteerStatus.values)]  # type: ignore[valid-type]
GenderCode = Literal[tuple(Gender.values)]  # type: ignore[valid-type]
WishCode = Literal[tuple(FamilyWish.values)]  # type: ignore[valid-type]
PageLanguage = Literal[tuple(code for code, _name in settings.LANGUAGES)]  # type: ignore[valid-type]
# "": chosen by Voisins (what the household has; the first language it speaks that
# Voisins writes in).
ChannelCode = Literal[("", *Channel.values)]  # type: ignore[valid-type]
MessageLanguage = Literal[("", *(code for code, _name in settings.LANGUAGES))]  # type: ignore[valid-type]
SortKey = Literal[tuple(SORTS)]  # type: ignore[valid-type]
Priority = Annotated[int, Field(ge=1, le=3)]


class Language(Schema):
    code: LanguageCode
    level: Literal[tuple(LanguageLevel.values)] = "fluent"  # type: ignore[valid-type]


class MemberIn(Schema):
    kind: Literal[tuple(MemberKind.values)]  # type: ignore[valid-type]
    first_name: Text(100) = ""  # type: ignore[valid-type]
    birth_year: int = Field(ge=1900, le=2100)
    school_level: Literal[tuple(SchoolLevel.values)] = ""  # type: ignore[valid-type]


class MemberOut(Schema):
    kind: str
    first_name: str
    birth_year: int
    school_level: str


class Pin(Schema):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


# --- In ------------------------------------------------------------------------------

class _HouseholdIn(Schema):
    reference: Text(60) = ""  # type: ignore[valid-type]
    contact_first_name: Text(100) = Field(min_length=1)  # type: ignore[valid-type]
    contact_last_name: Text(100) = ""  # type: ignore[valid-type]
    contact_gender: GenderCode = ""
    email: Text(254) = ""  # type: ignore[valid-type]
    phone: Text(30) = ""  # type: ignore[valid-type]
    preferred_channel: ChannelCode = ""
    message_language: MessageLanguage = ""
    news_opt_out: bool = False
    postcode: Text(12) = Field(min_length=1)  # type: ignore[valid-type]
    pin: Pin | None = None
    languages: list[Language] = Field(min_length=1, max_length=20)
    availability: list[Slot] = Field(default_factory=list, max_length=21)
    radius_km: float | None = Field(None, ge=0.1, le=50)
    members: list[MemberIn] = Field(default_factory=list, max_length=20)


class FamilyIn(_HouseholdIn):
    needs: dict[Slug, Priority] = Field(min_length=1, max_length=30,
                                   description="Service category code → priority 1–3.")
    arrival_date: date | None = None
    wishes: list[WishCode] = Field(default_factory=list, max_length=10)
    wishes_note: Text(2000) = ""  # type: ignore[valid-type]
    page_language: PageLanguage = "fr"
    status: FamilyStatusCode = FamilyStatus.REFERRED.value


class VolunteerIn(_HouseholdIn):
    offers: list[Slug] = Field(min_length=1, max_length=30)
    capacity: int = Field(1, ge=0, le=10)
    motivation: Text(2000) = ""  # type: ignore[valid-type]
    status: VolunteerStatusCode = VolunteerStatus.APPLIED.value


class _HouseholdPatch(Schema):
    reference: Text(60) | None = None  # type: ignore[valid-type]
    contact_first_name: Text(100) | None = Field(None, min_length=1)  # type: ignore[valid-type]
    contact_last_name: Text(100) | None = None  # type: ignore[valid-type]
    contact_gender: GenderCode | None = None
    email: Text(254) | None = None  # type: ignore[valid-type]
    phone: Text(30) | None = None  # type: ignore[valid-type]
    preferred_channel: ChannelCode | None = None
    message_language: MessageLanguage | None = None
    news_opt_out: bool | None = None
    postcode: Text(12) | None = Field(None, min_length=1)  # type: ignore[valid-type]
    pin: Pin | None = None
    languages: list[Language] | None = Field(None, min_length=1, max_length=20)
    availability: list[Slot] | None = Field(None, max_length=21)
    radius_km: float | None = Field(None, ge=0.1, le=50)


class FamilyPatch(_HouseholdPatch):
    needs: dict[Slug, Priority] | None = Field(None, min_length=1, max_length=30)
    arrival_date: date | None = None
    wishes: list[WishCode] | None = Field(None, max_length=10)
    wishes_note: Text(2000) | None = None  # type: ignore[valid-type]
    page_language: PageLanguage | None = None
    status: FamilyStatusCode | None = None


class VolunteerPatch(_HouseholdPatch):
    offers: list[Slug] | None = Field(None, min_length=1, max_length=30)
    capacity: int | None = Field(None, ge=0, le=10)
    motivation: Text(2000) | None = None  # type: ignore[valid-type]
    status: VolunteerStatusCode | None = None


# --- Out ------------------------------------------------------------------------------

class _HouseholdListItem(Schema):
    id: int
    reference: str
    contact_first_name: str
    contact_last_name: str
    postcode: str
    locality: str
    status: str
    languages: list[Language]
    availability: list[str]
    radius_km: float
    archived: bool
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime


class FamilyListItem(_HouseholdListItem):
    needs: dict[str, int]
    waiting_days: int


class VolunteerListItem(_HouseholdListItem):
    offers: list[str]
    capacity: int


class _HouseholdDetail(_HouseholdListItem):
    programme: str
    version: str = Field(description="Send it back in If-Match to update safely.")
    contact_gender: str
    pinned: bool
    lat: float
    lon: float
    # Contact details: null for a user whose role does not show them.
    email: str | None
    phone: str | None
    preferred_channel: str
    message_language: str
    news_opt_out: bool
    members: list[MemberOut]


class FamilyDetail(_HouseholdDetail):
    needs: dict[str, int]
    waiting_days: int
    waiting_since: datetime | None
    arrival_date: date | None
    wishes: list[str]
    wishes_note: str | None
    page_language: str


class VolunteerDetail(_HouseholdDetail):
    offers: list[str]
    capacity: int
    motivation: str | None


class ReferralItem(Schema):
    id: int
    reference: str
    status: str
    created_at: datetime
    updated_at: datetime


class HouseholdFilters(Schema):
    q: Text(100) | None = Field(None, description="Name, postcode, reference or phone.")  # type: ignore[valid-type]
    postcode: Text(12) | None = None  # type: ignore[valid-type]
    language: LanguageCode | None = None
    archived: bool | None = None
    updated_since: Moment | None = None
    sort: SortKey = "-created"


class FamilyFilters(HouseholdFilters):
    status: FamilyStatusCode | None = None
    need: Slug | None = None


class VolunteerFilters(HouseholdFilters):
    status: VolunteerStatusCode | None = None
    offer: Slug | None = None


# --- Programmes ------------------------------------------------------------------------

class ProgrammeOut(Schema):
    id: int
    slug: str
    name: str
    country: str
    languages: list[str]
    default_radius_km: float
    checkin_schedule_days: list[int]
    retention_months: int
    role: str | None


class ProgrammePatch(Schema):
    name: Text(200) | None = Field(None, min_length=1)  # type: ignore[valid-type]
    languages: list[LanguageCode] | None = Field(None, min_length=1, max_length=30)
    default_radius_km: float | None = Field(None, ge=0.1, le=50)
    checkin_schedule_days: list[int] | None = Field(None, min_length=1, max_length=30)
    retention_months: int | None = Field(None, ge=1, le=120)


class StatisticsOut(Schema):
    # null: a count of 1 to 4 households, not given to a reader who does not see people.
    families: dict[str, int | None]
    volunteers: dict[str, int | None]
    families_total: int | None
    volunteers_total: int | None
    consents: dict[str, int | None]
    family_mother_tongues: dict[str, int | None]
    family_needs: dict[str, int | None]
    volunteer_offers: dict[str, int | None]
    median_waiting_days: float | None
    evaluation: dict[str, Any]
