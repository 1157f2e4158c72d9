"""Reports against odd input (issue 19, item 4): a category named like mathematics draws
as text, and a period at the ends of the calendar is refused with 400, naming the field,
on the dashboard, the PDF, the XLSX and the API (never a 500)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import bearer
from voisins.matches.models import Activity

from .conftest import make_family, make_match, make_volunteer

MATH = r"Cours $\nosuchcmd{$"


@pytest.fixture
def odd_category(north):
    north.service_categories.create(code="cours", name=MATH)
    today = timezone.localdate()
    match = make_match(north, make_family(north, 1), make_volunteer(north, 1),
                       today - timedelta(days=40))
    Activity.objects.create(match=match, side="family", category="cours",
                            done_on=today - timedelta(days=30))
    return north


def test_a_category_named_like_mathematics_is_drawn_as_text(client, alice, odd_category):
    client.force_login(alice)
    response = client.get(reverse("evaluation:dashboard", args=["north"]))
    assert response.status_code == 200
    pdf = client.get(reverse("evaluation:reports", args=["north"]),
                     {"format": "pdf", "language": "en", "start": "2000-01-01",
                      "end": timezone.localdate().isoformat()})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("period", [{"start": "0001-01-01", "end": "9999-12-31"},
                                    {"end": "9999-12-31"}, {"start": "0001-01-01"}])
def test_a_period_at_the_ends_of_the_calendar_is_refused_on_every_page(client, alice, north,
                                                                       period):
    client.force_login(alice)
    dashboard = client.get(reverse("evaluation:dashboard", args=["north"]), period)
    assert dashboard.status_code == 400
    assert set(period) <= set(dashboard.context["form"].errors)
    for fmt in ("pdf", "xlsx"):
        response = client.get(reverse("evaluation:reports", args=["north"]),
                              {"format": fmt, "language": "en", **period})
        assert response.status_code == 400
        assert set(period) <= set(response.context["form"].errors)
    persistence = client.get(reverse("evaluation:persistence", args=["north"]), period)
    assert persistence.status_code == 400


def test_the_api_refuses_a_period_at_the_ends_of_the_calendar(client, alice, north):
    response = client.get("/api/v1/programmes/north/statistics",
                          {"start": "0001-01-01", "end": "9999-12-31"}, **bearer(alice))
    assert response.status_code == 422
    assert {e["loc"][-1] for e in response.json()["detail"]} == {"start", "end"}
