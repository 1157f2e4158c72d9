"""Programmes the token's user has a role in, their settings and aggregate statistics."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import translation
from ninja import Router

from voisins import access
from voisins.apibase import ERRORS, ApiValidationError, invalid, programme_for
from voisins.evaluation import reports, selectors

from .. import schemas as s
from ..selectors import programme_statistics
from ..services import programme_update

router = Router(tags=["programmes"])


def _out(request: HttpRequest, programme) -> dict:
    data = {f: getattr(programme, f) for f in s.ProgrammeOut.model_fields if f != "role"}
    data["role"] = access.role_in(request.user, programme)
    return data


@router.get("/programmes", response={200: list[s.ProgrammeOut], **ERRORS},
            operation_id="list_programmes", summary="The programmes you have a role in")
def list_programmes(request: HttpRequest):
    return [_out(request, p) for p in access.programmes_for(request.user).order_by("name")]


@router.get("/programmes/{slug}", response={200: s.ProgrammeOut, **ERRORS},
            operation_id="get_programme", summary="One programme")
def get_programme(request: HttpRequest, slug: str):
    return _out(request, programme_for(request, slug, "view_programme"))


@router.patch("/programmes/{slug}", response={200: s.ProgrammeOut, **ERRORS},
              operation_id="update_programme", summary="Change a programme's settings")
def update_programme(request: HttpRequest, slug: str, payload: s.ProgrammePatch):
    programme = programme_for(request, slug, "manage_programme")
    try:
        programme = programme_update(programme=programme,
                                     changes=payload.dict(exclude_unset=True))
    except ValidationError as exc:
        raise invalid(exc) from None
    return _out(request, programme)


@router.get("/programmes/{slug}/statistics", response={200: s.StatisticsOut, **ERRORS},
            operation_id="get_statistics",
            summary="Aggregate figures of a programme (never a name)")
def get_statistics(request: HttpRequest, slug: str, start: date | None = None,
                   end: date | None = None):
    """Counts of today, and under `evaluation` the figures of the period's report (default:
    the last 12 months), from the same report object as the dashboard, the PDF and the XLSX,
    rounded alike; small counts of people are given only to coordinators."""
    programme = programme_for(request, slug, "view_aggregates")
    problems = [{"loc": ["query", name], "msg": str(problem), "type": "value_error"}
                for name, day in (("start", start), ("end", end))
                if (problem := selectors.period_date_problem(day))]
    if problems:
        raise ApiValidationError(problems)
    period = selectors.default_period()
    if start or end:
        period = selectors.Period(start, end)
    language = translation.get_language()
    small_counts = access.can(request.user, "view_small_counts", programme)
    report = reports.report_build(
        programme=programme, period=period,
        language=language if language in dict(settings.LANGUAGES) else "en",
        small_counts=small_counts)
    return {**programme_statistics(programme, small_counts=small_counts),
            "evaluation": report.figures()}
