"""The web API, version 1: `/api/v1/`, OpenAPI schema at `/api/v1/openapi.json`.

Adding a resource is one router module: an app of Voisins that has a module `api.py`
with a `router` (a ninja Router; optional `prefix`, default "") is mounted here when the
app is installed, e.g. `voisins/matches/api.py`. Its operations must check access
through `voisins.access`, answer 404 for records of other programmes, and declare their
error answers with `voisins.apibase.ERRORS`.
"""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.throttling import AnonRateThrottle

from voisins.apibase import ApiValidationError

from .auth import TokenAuth, TokenRateThrottle
from .routers import expenses, files, households, programmes, volunteering

api = NinjaAPI(
    title="Voisins",
    version="1",
    description="The web API of Voisins. Authenticate with `Authorization: Bearer <token>`"
                " (`voisins token EMAIL` prints one). Each token acts with its user's roles.",
    urls_namespace="api-v1",
    auth=TokenAuth(),
    throttle=[TokenRateThrottle(settings.VOISINS_API_RATE), AnonRateThrottle("60/m")],
    docs_url="/docs",
)
api.add_router("", programmes.router)
api.add_router("", households.router)
api.add_router("", volunteering.router)
api.add_router("", expenses.router)
api.add_router("", files.router)


def _discover() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("voisins.") or config.name == "voisins.api":
            continue
        name = f"{config.name}.api"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        if hasattr(module, "router"):
            api.add_router(getattr(module, "prefix", ""), module.router)


_discover()

# Messages of the schema checks, in the user's language, by pydantic error type.
MESSAGES = {
    "missing": lambda ctx: _("This field is required."),
    "string_too_long": lambda ctx: _("At most %(n)s characters.") % {
        "n": ctx.get("max_length")},
    "string_too_short": lambda ctx: _("This field cannot be empty."),
    "too_long": lambda ctx: _("At most %(n)s items.") % {"n": ctx.get("max_length")},
    "too_short": lambda ctx: _("Give at least %(n)s item(s).") % {"n": ctx.get("min_length")},
    "literal_error": lambda ctx: _("Choose one of: %(values)s.") % {
        "values": ctx.get("expected")},
    "int_parsing": lambda ctx: _("Give a whole number."),
    "int_type": lambda ctx: _("Give a whole number."),
    "int_from_float": lambda ctx: _("Give a whole number."),
    "float_parsing": lambda ctx: _("Give a number."),
    "float_type": lambda ctx: _("Give a number."),
    "string_type": lambda ctx: _("Give a text."),
    "bool_parsing": lambda ctx: _("Give true or false."),
    "bool_type": lambda ctx: _("Give true or false."),
    "list_type": lambda ctx: _("Give a list."),
    "dict_type": lambda ctx: _("Give an object."),
    "model_type": lambda ctx: _("Give an object."),
    "model_attributes_type": lambda ctx: _("Give an object."),
    "date_from_datetime_parsing": lambda ctx: _("Give a date such as 2024-03-31."),
    "date_parsing": lambda ctx: _("Give a date such as 2024-03-31."),
    "date_type": lambda ctx: _("Give a date such as 2024-03-31."),
    "datetime_parsing": lambda ctx: _("Give a date and time such as 2024-03-31T14:00:00Z."),
    "datetime_type": lambda ctx: _("Give a date and time such as 2024-03-31T14:00:00Z."),
    "greater_than_equal": lambda ctx: _("At least %(n)s.") % {"n": ctx.get("ge")},
    "greater_than": lambda ctx: _("More than %(n)s.") % {"n": ctx.get("gt")},
    "decimal_parsing": lambda ctx: _("Give a number."),
    "decimal_type": lambda ctx: _("Give a number."),
    "decimal_max_digits": lambda ctx: _("At most %(n)s digits.") % {
        "n": ctx.get("max_digits")},
    "decimal_max_places": lambda ctx: _("At most %(n)s decimals.") % {
        "n": ctx.get("decimal_places")},
    "decimal_whole_digits": lambda ctx: _("This number is too large."),
    "less_than_equal": lambda ctx: _("At most %(n)s.") % {"n": ctx.get("le")},
    "string_pattern_mismatch": lambda ctx: _("This value has the wrong form."),
    "extra_forbidden": lambda ctx: _("Unknown field."),
}


def _message(error: dict) -> str:
    make = MESSAGES.get(error.get("type", ""))
    if make is not None:
        return str(make(error.get("ctx") or {}))
    message = str(error.get("msg", ""))
    # Our own validators raise ValueError with a translated message.
    return message.removeprefix("Value error, ")


@api.exception_handler(ValidationError)
def schema_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = [{"loc": [part if isinstance(part, int) else str(part)
                       for part in error.get("loc", [])],
               "msg": _message(error), "type": str(error.get("type", "value_error"))}
              for error in exc.errors]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(ApiValidationError)
def model_error(request: HttpRequest, exc: ApiValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = api.create_response(
        request, {"detail": _("Give a valid API token: Authorization: Bearer <token>.")},
        status=401)
    response["WWW-Authenticate"] = 'Bearer realm="voisins"'
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc.message)}, status=exc.status_code)
