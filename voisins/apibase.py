"""What every API module shares: safe text types, error bodies, paging, access helpers."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer
from pydantic import AfterValidator, Field, StringConstraints

from voisins import access
from voisins.programmes.constants import LANGUAGE_NAMES
from voisins.programmes.models import Programme
from voisins.security.client import client_address


def _clean_text(value: str) -> str:
    """Text that every database stores: no NUL character, no lone surrogate."""
    if "\x00" in value:
        raise ValueError(_("Null characters are not allowed."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("The text is not valid Unicode.")) from None
    return value.strip()


def Text(max_length: int) -> Any:  # reads as a type in schemas
    return Annotated[str, StringConstraints(max_length=max_length),
                     AfterValidator(_clean_text)]


def _moment(value: datetime) -> datetime:
    """A date and time in UTC: a time without a zone is the server's local time.

    PostgreSQL accepts offsets up to ±15:59 only, and no year before 1 once in UTC; both
    are refused here, by name, rather than by the database.
    """
    if value.tzinfo is None:
        value = timezone.make_aware(value)
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError(_("Give a date and time between the years 1 and 9999.")) from None


# Every date and time the API reads.
Moment = Annotated[datetime, AfterValidator(_moment)]

Slug = Annotated[str, StringConstraints(max_length=60, pattern=r"^[-a-zA-Z0-9_]+$")]
LanguageCode = Annotated[str, StringConstraints(min_length=2, max_length=3,
                                                pattern=r"^[a-z]{2,3}$")]
# One of the languages Voisins names, or none (an interpreter's, a call's).
LanguageOrNone = Literal[("", *LANGUAGE_NAMES)]  # type: ignore[valid-type]
# The largest primary key: a bigger id in a body is refused by name, not by the database.
MAX_ID = 2**63 - 1


class Message(Schema):
    detail: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrors(Schema):
    detail: list[FieldError]


# Answers every operation may give besides its success.
ERRORS: dict[int, Any] = {400: Message, 401: Message, 404: Message,
                          422: ValidationErrors, 429: Message}

T = TypeVar("T")


class Page(Schema, Generic[T]):  # noqa: UP046 - pydantic generic model
    count: int
    page: int
    page_size: int
    pages: int
    items: list[T]


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=200)


def paginate(queryset: Any, query: PageQuery) -> dict[str, Any]:
    """One COUNT and one bounded SELECT, whatever the size of the list."""
    count = queryset.count()
    start = (query.page - 1) * query.page_size
    return {
        "count": count, "page": query.page, "page_size": query.page_size,
        "pages": max(1, -(-count // query.page_size)),
        "items": list(queryset[start:start + query.page_size]),
    }


def invalid(exc: DjangoValidationError) -> "ApiValidationError":
    """A model's ValidationError as the API's 422 body, field by field."""
    if hasattr(exc, "error_dict"):
        errors = [
            {"loc": ["body", "payload", field if field != "__all__" else "payload"],
             "msg": str(message), "type": "value_error"}
            for field, messages in exc.message_dict.items() for message in messages
        ]
    else:
        errors = [{"loc": ["body", "payload"], "msg": str(m), "type": "value_error"}
                  for m in exc.messages]
    return ApiValidationError(errors)


class ApiValidationError(Exception):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors


# A write the record's state refuses (an answered check-in, a closed proposal): 409.
CONFLICT: dict[int, Any] = {409: Message}


def refused(exc: DjangoValidationError, fields: Any = (),
            rename: dict[str, str] | None = None) -> Exception:
    """A service's refusal as the API answers it.

    Errors that name a field of the request body (`fields`; `rename` maps a service's
    name for it, such as ``volunteer``, to the body's, such as ``volunteer_id``) are a
    422 naming each field. A refusal that names no field the client sent is about the
    record's state (already answered, closed, not due): a 409 with the message.
    """
    rename = rename or {}
    known = set(fields)
    if hasattr(exc, "error_dict"):
        named = {rename.get(field, field): messages
                 for field, messages in exc.message_dict.items()}
        if known & set(named):
            return ApiValidationError([
                {"loc": ["body", "payload", field if field in known else "payload"],
                 "msg": str(message), "type": "value_error"}
                for field, messages in named.items() for message in messages])
    return HttpError(409, " ".join(str(m) for m in exc.messages))


def body_fields(schema: Any) -> set[str]:
    return set(schema.model_fields)


def apply[R](action: Callable[[], R], schema: Any = None,
             rename: dict[str, str] | None = None) -> R:
    """Run a service call for an operation; its refusal becomes the API's answer
    (see :func:`refused`), naming the fields of `schema` the request sent."""
    try:
        return action()
    except DjangoValidationError as exc:
        raise refused(exc, body_fields(schema) if schema else (), rename) from None


def programme_for(request: HttpRequest, slug: str, action: str) -> Programme:
    """The programme, if the token's user may do `action` there; 404 otherwise."""
    try:
        return access.programme_or_404(request.user, slug, action)
    except Http404:
        raise HttpError(404, _("Not found.")) from None


# Failed authentications per client address and minute before every attempt is refused.
MAX_FAILURES_PER_MINUTE = 30


class LimitedBearer(HttpBearer):
    """`Authorization: Bearer …`, the token looked up by :meth:`find`; the failed tries are
    counted per client address and minute (under ``failures_key``), and past
    ``MAX_FAILURES_PER_MINUTE`` every try is refused, even with a good token. The users'
    API tokens (``api.auth``) and the networks' publication tokens (``networks.api``)."""

    failures_key = "api-auth-failures"

    def find(self, request: HttpRequest, token: str) -> Any:
        raise NotImplementedError

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        key = f"{self.failures_key}:{client_address(request)}"
        if (cache.get(key) or 0) >= MAX_FAILURES_PER_MINUTE:
            return None
        found = self.find(request, token)
        if found is None:
            cache.add(key, 0, 60)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, 60)
        return found
