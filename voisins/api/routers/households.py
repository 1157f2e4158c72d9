"""Families and volunteer households: list (paged, filtered), detail, create, update.

The two kinds share one implementation; each gets its own typed operations.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status
from ninja.errors import HttpError

from voisins import access
from voisins.audit.services import SENSITIVE_FIELDS, audit_read
from voisins.households import services as household_services
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.selectors import households_of_programme

from .. import schemas as s
from ..common import (
    ERRORS,
    ApiValidationError,
    Message,
    Page,
    PageQuery,
    invalid,
    paginate,
    programme_for,
)
from ..selectors import household_filter, referrals, version_of
from ..services import VersionConflict, household_update

router = Router(tags=["households"])

KINDS: dict[str, dict[str, Any]] = {
    "families": {
        "model": FamilyHousehold, "create": household_services.family_create,
        "in": s.FamilyIn, "patch": s.FamilyPatch, "item": s.FamilyListItem,
        "detail": s.FamilyDetail, "filters": s.FamilyFilters,
        "private": ["wishes_note"], "label": "family", "one": "family",
    },
    "volunteers": {
        "model": VolunteerHousehold, "create": household_services.volunteer_create,
        "in": s.VolunteerIn, "patch": s.VolunteerPatch, "item": s.VolunteerListItem,
        "detail": s.VolunteerDetail, "filters": s.VolunteerFilters,
        "private": ["motivation"], "label": "volunteer household",
        "one": "volunteer",
    },
}


def detail(request: HttpRequest, household: Any, response: HttpResponse | None = None
           ) -> dict[str, Any]:
    """The household as the API shows it; contact details only to roles that may see
    them, and every such read written to the audit log."""
    kind = KINDS["families" if isinstance(household, FamilyHousehold) else "volunteers"]
    data = {f: getattr(household, f) for f in kind["detail"].model_fields
            if hasattr(household, f) and f not in ("programme", "members")}
    data["programme"] = household.programme.slug
    data["version"] = version_of(household)
    data["members"] = list(household.members.all())
    shown = access.can(request.user, "view_contact_details", household.programme_id)
    if shown:
        audit_read(by=request, record=household,
                   fields=SENSITIVE_FIELDS[household._meta.model_name])
    else:
        for name in ["email", "phone", "contact_last_name", *kind["private"]]:
            data[name] = None if name != "contact_last_name" else ""
    if response is not None:
        response["ETag"] = f'"{data["version"]}"'
    return data


def _create_fields(payload: Any, programme: Any) -> dict[str, Any]:
    data = payload.dict()
    data["languages"] = [dict(entry) for entry in data["languages"]]
    pin = data.pop("pin")
    if data.get("radius_km") is None:
        data["radius_km"] = programme.default_radius_km
    return {"pin": (pin["lat"], pin["lon"]) if pin else None, **data}


def _changes(payload: Any, model: type) -> dict[str, Any]:
    """The fields the client sent; null only where the record may hold null (a null pin
    puts the household back at its postcode's centre)."""
    changes = payload.dict(exclude_unset=True)
    nulls = [name for name, value in changes.items() if value is None and name != "pin"
             and not model._meta.get_field(name).null]
    if nulls:
        raise ApiValidationError([{"loc": ["body", "payload", name],
                                   "msg": _("This field cannot be null."),
                                   "type": "value_error"} for name in nulls])
    if "pin" in changes:
        pin = changes["pin"]
        changes["pin"] = (pin["lat"], pin["lon"]) if pin else None
    return changes


def _register(name: str) -> None:
    kind = KINDS[name]
    model, label, one = kind["model"], kind["label"], kind["one"]
    item_schema, detail_schema = kind["item"], kind["detail"]
    filters_schema, in_schema, patch_schema = kind["filters"], kind["in"], kind["patch"]

    @router.get(f"/programmes/{{slug}}/{name}", response={200: Page[item_schema], **ERRORS},
                operation_id=f"list_{name}", summary=f"List the {name} of a programme")
    def list_view(request: HttpRequest, slug: str, filters: Query[filters_schema],
                  paging: Query[PageQuery]):
        programme = programme_for(request, slug, "view_households")
        queryset = household_filter(households_of_programme(model=model, programme=programme),
                                    filters.dict(exclude_none=True))
        return paginate(queryset, paging)

    @router.post(f"/programmes/{{slug}}/{name}", response={201: detail_schema, **ERRORS},
                 operation_id=f"create_{one}", summary=f"Create a {label}")
    def create_view(request: HttpRequest, response: HttpResponse, slug: str,
                    payload: in_schema):
        programme = programme_for(request, slug, "edit_households")
        try:
            household = kind["create"](programme=programme, by=request.user,
                                       **_create_fields(payload, programme))
        except ValidationError as exc:
            raise invalid(exc) from None
        return Status(201, detail(request, household, response))

    @router.get(f"/{name}/{{household_id}}", response={200: detail_schema, **ERRORS},
                operation_id=f"get_{one}", summary=f"One {label}")
    def detail_view(request: HttpRequest, response: HttpResponse, household_id: int):
        household = access.household_or_404(model, request.user, "view_households",
                                            household_id)
        return detail(request, household, response)

    @router.patch(f"/{name}/{{household_id}}",
                  response={200: detail_schema, 412: Message, **ERRORS},
                  operation_id=f"update_{one}",
                  summary=f"Change some fields of a {label}",
                  description="Send the `version` (or ETag) you read in `If-Match`: if "
                              "someone changed the record since, the answer is 412 and "
                              "nothing is written.")
    def update_view(request: HttpRequest, response: HttpResponse, household_id: int,
                    payload: patch_schema,
                    if_match: str | None = Header(None, alias="If-Match")):
        household = access.household_or_404(model, request.user, "edit_households",
                                            household_id)
        try:
            household = household_update(household=household, changes=_changes(payload, model),
                                         by=request.user, expected_version=if_match)
        except VersionConflict:
            raise HttpError(412, _("Someone changed this record since you read it; read "
                                   "it again, then retry.")) from None
        except ValidationError as exc:
            raise invalid(exc) from None
        return detail(request, household, response)


for _name in KINDS:
    _register(_name)


@router.get("/programmes/{slug}/referrals", response={200: Page[s.ReferralItem], **ERRORS},
            operation_id="list_referrals",
            summary="The families a referrer referred, with their status only")
def list_referrals(request: HttpRequest, slug: str, paging: Query[PageQuery]):
    programme = programme_for(request, slug, "view_referrals")
    coordinator = access.can(request.user, "view_households", programme)
    return paginate(referrals(programme=programme, user=request.user,
                              coordinator=coordinator), paging)
