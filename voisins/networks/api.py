"""Publications from programmes on other instances (issue 20 §5), on the network's instance.

`POST /api/v1/networks/publications` takes one month of aggregate figures
(`schema.Aggregates`, version 1, documented in the OpenAPI schema), a list of them (at
most `MAX_BATCH`), or `{"member": id, "publications": [...]}`; it is authenticated by a
publication token (`Authorization: Bearer vnp_…`, issued by the network's coordinator for
one member), not by a user's API token. All or nothing: any refusal (a field outside the
schema, an unknown or revoked token, another member's id, a closed period, a member that
left) stores nothing and names the field. `GET` says what the token publishes to and
which periods the network closed, so that a sender can skip them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Body, Router, Schema
from ninja.throttling import SimpleRateThrottle
from pydantic import Discriminator, Field, Tag

from voisins.apibase import ERRORS, MAX_ID, ApiValidationError, LimitedBearer

from . import services
from .models import PublishToken
from .schema import SCHEMA_VERSION, Aggregates

# Months one request may carry (20 years).
MAX_BATCH = 240
class PublishTokenAuth(LimitedBearer):
    """`Authorization: Bearer vnp_…`: a live publication token; `request.auth` is it."""

    failures_key = "api-publish-failures"

    def find(self, request: HttpRequest, token: str) -> PublishToken | None:
        return services.publish_token_find(raw=token)


class PublishRateThrottle(SimpleRateThrottle):
    """Requests per minute per publication token, at the rate of the rest of the API."""

    scope = "publish"

    def get_cache_key(self, request: HttpRequest) -> str:
        token = getattr(request, "auth", None)
        ident = f"token-{token.pk}" if isinstance(token, PublishToken) else self.get_ident(
            request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


router = Router(tags=["networks"], auth=PublishTokenAuth(),
                throttle=[PublishRateThrottle(settings.VOISINS_API_RATE)])


class Batch(Schema):
    """Several months of one member, naming the member (it must be the token's)."""

    member: int | None = Field(None, ge=1, le=MAX_ID,
                               description="The member's id on the network's instance; "
                                           "if given, the token's own.")
    publications: list[Aggregates] = Field(max_length=MAX_BATCH)

    model_config = {"extra": "forbid"}


def _shape(value: Any) -> str:
    if isinstance(value, list):
        return "months"
    if isinstance(value, dict) and "publications" in value:
        return "batch"
    return "month"


PublicationBody = Annotated[
    Annotated[Aggregates, Tag("month")]
    | Annotated[list[Aggregates], Field(max_length=MAX_BATCH), Tag("months")]
    | Annotated[Batch, Tag("batch")],
    Discriminator(_shape)]


class Stored(Schema):
    stored: int = Field(description="How many months were stored (replacing earlier "
                                    "publications of the same months).")
    schema_version: Literal[1]


class ClosedPeriodOut(Schema):
    period_start: date
    period_end: date


class TokenScope(Schema):
    network: str
    programme: str
    member: int
    schema_version: Literal[1]
    closed_periods: list[ClosedPeriodOut]


def _refusal(error: ValidationError) -> ApiValidationError:
    return ApiValidationError([
        {"loc": ["body", *[int(p) if p.isdigit() else p for p in field.split(".")]],
         "msg": str(message), "type": "value_error"}
        for field, messages in error.message_dict.items() for message in messages])


@router.post("/networks/publications", response={200: Stored, **ERRORS},
             operation_id="publish_aggregates",
             summary="Publish aggregate figures to the network (a month or several)")
def publish_aggregates(request: HttpRequest, payload: Body[PublicationBody]):  # type: ignore[type-arg]
    """Store a member's aggregate figures, one calendar month each, all or nothing."""
    token: PublishToken = request.auth  # type: ignore[assignment]
    member_id = None
    if isinstance(payload, Batch):
        member_id, months = payload.member, payload.publications
    elif isinstance(payload, list):
        months = payload
    else:
        months = [payload]
    try:
        stored = services.publications_receive(
            token=token, payloads=[m.model_dump(mode="json") for m in months],
            member_id=member_id)
    except ValidationError as error:
        raise _refusal(error) from None
    return {"stored": stored, "schema_version": SCHEMA_VERSION}


@router.get("/networks/publications", response={200: TokenScope, **ERRORS},
            operation_id="get_publish_token_scope",
            summary="What this publication token publishes to")
def get_publish_token_scope(request: HttpRequest):
    """The network and the member the token publishes for, and the periods the network
    closed (publications for them are refused)."""
    token: PublishToken = request.auth  # type: ignore[assignment]
    member = token.member
    return {"network": member.network.name, "programme": member.display_name,
            "member": member.pk, "schema_version": SCHEMA_VERSION,
            "closed_periods": services.closed_periods(network=member.network)}
