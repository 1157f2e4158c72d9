"""The filters and sorts of the staff lists and the API lists reach their rows through an
index: every query a list page runs is explained on PostgreSQL with sequential scans made
prohibitively expensive, and the plan must need none (and no full sort for a page of a
sorted list)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ..conftest import PASSWORD, bearer
from .test_query_budgets import grow

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

STAFF = [
    "/staff/north/families/", "/staff/north/families/?status=waiting",
    "/staff/north/families/?sort=name", "/staff/north/families/?sort=-name",
    "/staff/north/families/?sort=postcode", "/staff/north/families/?sort=waiting",
    "/staff/north/families/?sort=created", "/staff/north/families/?postcode=10",
    "/staff/north/families/?waiting_days=30", "/staff/north/volunteers/",
    "/staff/north/volunteers/?status=available", "/staff/north/volunteers/?sort=name",
    "/staff/north/volunteers/?sort=capacity", "/staff/north/volunteers/?sort=postcode",
    "/staff/north/proposals/", "/staff/north/matches/", "/staff/north/check-ins/",
    "/staff/north/cases/", "/staff/north/follow-up/", "/staff/north/",
    "/recruitment/north/referrals/", "/recruitment/north/news/",
    "/recruitment/north/campaigns/", "/community/north/events/", "/training/north/",
]
API = [
    "/api/v1/programmes/north/families", "/api/v1/programmes/north/families?status=waiting",
    "/api/v1/programmes/north/families?sort=name",
    "/api/v1/programmes/north/families?sort=waiting",
    "/api/v1/programmes/north/families?updated_since=2020-01-01T00:00:00Z",
    "/api/v1/programmes/north/volunteers", "/api/v1/programmes/north/volunteers?sort=postcode",
    "/api/v1/programmes/north/referrals",
]


def plans(client, url, **headers) -> list[tuple[str, str]]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, **headers).status_code == 200, url
    result = []
    with connection.cursor() as cursor:
        # Sequential scans and full sorts made prohibitively expensive: a plan that still has
        # one has no index to use instead.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_sort = off")
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN " + sql)
            result.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_sort")
    return result


# Tables that grow with the programme; the others (programmes, memberships) stay small.
LARGE = ("households_familyhousehold", "households_volunteerhousehold", "matches_proposal",
         "matches_match", "matches_checkin", "mediation_case")


def problems(plan: str, sql: str) -> list[str]:
    found = [f"sequential scan of {table}" for table in re.findall(r"Seq Scan on (\w+)", plan)]
    main_table = re.search(r' FROM "(\w+)"', sql)
    if (main_table and main_table.group(1) in LARGE and " LIMIT " in sql
            and " ORDER BY " in sql and re.search(r"(^|->)\s*Sort\s+\(cost", plan, re.M)):
        found.append("a full sort for one page")
    return found


def explain(queryset) -> tuple[str, str]:
    """(plan, SQL) of a queryset, with the same settings as the pages' check."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_sort")
    return plan, sql


def test_the_check_sees_a_sort_without_index(north, family):
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's")
    from voisins.households.models import FamilyHousehold

    # Nobody sorts families by locality: no index, so a page of them needs a full sort.
    unindexed = FamilyHousehold.objects.filter(programme=north).order_by("locality")[:5]
    indexed = FamilyHousehold.objects.filter(programme=north).order_by("-created_at", "-id")[:5]
    assert problems(*explain(unindexed)) == ["a full sort for one page"]
    assert problems(*explain(indexed)) == []


def test_list_pages_use_indexes(client, north, alice, rita,
                                django_capture_on_commit_callbacks):
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's")
    with django_capture_on_commit_callbacks(execute=True):
        grow(north, alice, rita, 2)
    client.login(email="alice@example.org", password=PASSWORD)
    found = {}
    for url, headers in [(u, {"HTTP_ACCEPT_LANGUAGE": "en"}) for u in STAFF] + [
            (u, bearer(alice)) for u in API]:
        for sql, plan in plans(client, url, **headers):
            for problem in problems(plan, sql):
                found.setdefault(url, []).append(f"{problem}: {sql[:160]}")
    assert found == {}, "\n".join(f"{u}\n  " + "\n  ".join(p) for u, p in found.items())
