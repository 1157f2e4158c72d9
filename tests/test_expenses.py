"""Volunteers' expenses (issue 18): the law's rules in the service, the household's page
through its link and portal, the coordinator's approval, statement and export."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from voisins.expenses import selectors, services
from voisins.expenses.models import CeilingYear, Expense, Regime
from voisins.expenses.money import cents

D = Decimal


def today():
    return timezone.localdate()


@pytest.fixture
def ceilings(db):
    """This year's figures (the migration seeds 2024–2026; a test may run in any year)."""
    return services.ceiling_year_save(year=today().year, day_ceiling=D("42.31"),
                                      year_ceiling=D("1692.51"), km_rate=D("0.4326"))


def record(household, **kwargs):
    kwargs.setdefault("spent_on", today())
    kwargs.setdefault("description", "Bus tickets")
    kwargs.setdefault("via", "link")
    return services.expense_record(household=household, **kwargs)


def test_cents_rounds_half_up_and_refuses_floats():
    assert cents(D("0.005")) == D("0.01")
    assert cents(D("2.675")) == D("2.68")
    assert cents(D("0.4326") * D("37")) == D("16.01")
    with pytest.raises(TypeError):
        cents(0.1)


def test_the_migration_seeds_the_published_ceilings(db):
    figures = {c.year: (c.day_ceiling, c.year_ceiling) for c in CeilingYear.objects.all()}
    assert figures[2025] == (D("42.31"), D("1692.51"))
    assert figures[2026] == (D("44.02"), D("1760.83"))


def test_an_amount_and_a_trip_by_the_km(victor, ceilings):
    expense = record(victor, amount=D("12.50"))
    assert expense.amount == D("12.50") and expense.status == "recorded"
    assert expense.regime == Regime.FLAT_RATE
    trip = record(victor, kind="km", km=D("37"), description="To the school")
    assert trip.amount == D("16.01") and trip.km_rate == D("0.4326")


@pytest.mark.parametrize("kwargs, field", [
    ({"amount": D("0")}, "amount"),
    ({"amount": D("-5")}, "amount"),
    ({"amount": D("42.32")}, "amount"),  # over the day's ceiling
    ({"amount": D("5"), "spent_on": "tomorrow"}, "spent_on"),
    ({"kind": "km", "km": D("2001")}, "km"),  # over 2,000 km a year on top of the flat rate
    ({"kind": "km", "km": D("0")}, "km"),
    ({"amount": D("5"), "description": " "}, "description"),
])
def test_bad_expenses_are_refused_naming_the_field(victor, ceilings, kwargs, field):
    if kwargs.get("spent_on") == "tomorrow":
        kwargs["spent_on"] = today() + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        record(victor, **kwargs)
    assert field in caught.value.message_dict
    assert not Expense.objects.exists()


def test_the_year_ceiling_counts_every_expense_not_refused(victor, ceilings):
    ceilings.year_ceiling = D("50.00")
    ceilings.save()
    first = record(victor, amount=D("30"), spent_on=today() - timedelta(days=1)
                   if today().timetuple().tm_yday > 1 else today())
    checked = services.expense_check(household=victor, spent_on=today(), kind="amount",
                                     amount=D("16"))
    assert checked.warnings  # 46 of 50: near the ceiling
    with pytest.raises(ValidationError) as caught:
        record(victor, amount=D("20.01"))
    assert "amount" in caught.value.message_dict
    services.expense_refuse(expense=first, by=None, reason="No receipt")
    assert record(victor, amount=D("20.01")).amount == D("20.01")


def test_regimes_cannot_be_mixed_in_a_year(victor, ceilings, north):
    record(victor, amount=D("10"))
    services.expense_settings_set(programme=north, regime=Regime.REAL_COST)
    with pytest.raises(ValidationError) as caught:
        record(victor, amount=D("10"))
    assert "regime" in caught.value.message_dict


def test_a_closed_year_takes_nothing_more(victor, north):
    last_year = today().year - 1
    services.ceiling_year_save(year=last_year, day_ceiling=D("40"), year_ceiling=D("1600"))
    expense = record(victor, amount=D("10"), spent_on=today().replace(year=last_year, day=1))
    services.year_close(programme=north, year=last_year)
    with pytest.raises(ValidationError) as caught:
        record(victor, amount=D("10"), spent_on=today().replace(year=last_year, day=2))
    assert "spent_on" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.expense_approve(expense=expense, by=None)
    with pytest.raises(ValidationError):
        services.year_close(programme=north, year=today().year)  # not over yet


def test_the_household_records_through_its_link_and_is_warned_near_a_ceiling(
        client, victor, alice, ceilings):
    from voisins.familypages.services import household_link_create, household_link_token

    token = household_link_token(household_link_create(household=victor, by=alice))
    url = reverse("expenses:link", args=[token])
    assert client.get(url).status_code == 200
    form = {"spent_on": today().isoformat(), "kind": "amount", "amount": "40",
            "description": "Meals"}
    response = client.post(url, form)
    assert response.status_code == 200 and not Expense.objects.exists()  # warned first
    assert b"Record it anyway" in response.content or response.context["warnings"]
    response = client.post(url, form | {"confirmed": "True"})
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert expense.recorded_via == "link" and expense.amount == D("40.00")
    response = client.post(url, form | {"amount": "5", "confirmed": "True"})
    assert response.status_code == 400 and "amount" in response.context["form"].errors


def test_bad_input_on_the_form_names_the_field(client, victor, alice, ceilings):
    client.force_login(victor.user)
    url = reverse("expenses:portal")
    for data, field in [
        ({"spent_on": "yesterday", "kind": "amount", "amount": "3", "description": "x"},
         "spent_on"),
        ({"spent_on": today().isoformat(), "kind": "amount", "amount": "abc",
          "description": "x"}, "amount"),
        ({"spent_on": today().isoformat(), "kind": "km", "description": "x"}, "km"),
        ({"spent_on": today().isoformat(), "kind": "amount", "amount": "1e400",
          "description": "x"}, "amount"),
        ({"spent_on": today().isoformat(), "kind": "amount", "amount": "3",
          "description": "x", "activity": "999999"}, "activity"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert field in response.context["form"].errors, (data, response.context["form"].errors)
    assert not Expense.objects.exists()


def test_the_coordinator_approves_refuses_and_downloads(client, alice, victor, north,
                                                        ceilings, charlie):
    from openpyxl import load_workbook

    kept = record(victor, amount=D("12.50"), description="=HYPERLINK(\"x\")")
    dropped = record(victor, amount=D("3"))
    client.force_login(alice)
    assert client.get(reverse("expenses:list", args=["north"])).status_code == 200
    client.post(reverse("expenses:approve", args=["north", kept.pk]))
    response = client.post(reverse("expenses:refuse", args=["north", dropped.pk]),
                           {"reason": "Twice"})
    assert response.status_code == 302
    kept.refresh_from_db()
    dropped.refresh_from_db()
    assert kept.status == "approved" and kept.decided_by == alice
    assert dropped.status == "refused" and dropped.refusal_reason == "Twice"
    year = today().year
    pdf = client.get(reverse("expenses:statement", args=["north", victor.pk, year]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("expenses:export", args=["north", year, "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.values)
    assert len(rows) == 2 and rows[1][7] == 12.5 and rows[1][3].startswith("'=")
    body = b"".join(client.get(reverse("expenses:export", args=["north", year, "csv"]))
                    .streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 2 and rows[1][7] == "12.50"
    client.force_login(charlie)
    assert client.post(reverse("expenses:approve", args=["south", kept.pk])).status_code == 404
    assert client.get(reverse("expenses:statement", args=["south", victor.pk, year])
                      ).status_code == 404


def test_statement_totals(victor, ceilings, alice):
    services.expense_approve(expense=record(victor, amount=D("10.10")), by=alice)
    services.expense_approve(expense=record(victor, kind="km", km=D("10")), by=alice)
    record(victor, amount=D("1"))  # not approved: not on the statement
    s = selectors.statement(victor, today().year)
    assert (s.amounts, s.transport, s.total) == (D("10.10"), D("4.33"), D("14.43"))


# --- API ------------------------------------------------------------------------------------

def test_the_api_records_approves_and_reports_hours(api_as, victor, alice, charlie, ceilings,
                                                     live_match):
    from voisins.matches.services import activity_log

    me, coordinator, other = api_as(victor.user), api_as(alice), api_as(charlie)
    body = {"spent_on": today().isoformat(), "amount": "12.50", "description": "Tickets"}
    response = me("post", "/me/expenses", body)
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "12.50"
    expense_id = response.json()["id"]
    near = me("post", "/me/expenses", body | {"amount": "27"})
    assert near.status_code == 409 and "confirm" in near.json()["detail"]
    bad = me("post", "/me/expenses", body | {"amount": "-1"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "amount"
    future = me("post", "/me/expenses", body | {
        "spent_on": (today() + timedelta(days=1)).isoformat()})
    assert future.status_code == 422 and future.json()["detail"][0]["loc"][-1] == "spent_on"
    over = me("post", "/me/expenses", body | {"amount": "100"})
    assert over.status_code == 422 and over.json()["detail"][0]["loc"][-1] == "amount"
    assert Expense.objects.count() == 1
    assert other("post", f"/expenses/{expense_id}/approve").status_code == 404
    assert me("post", f"/expenses/{expense_id}/approve").status_code == 404
    approved = coordinator("post", f"/expenses/{expense_id}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert coordinator("post", f"/expenses/{expense_id}/refuse",
                       {"reason": "x"}).status_code == 409
    listed = coordinator("get", "/programmes/north/expenses", {"status": "approved"})
    assert listed.json()["count"] == 1

    activity_log(match=live_match, side="volunteer", category="homework",
                 done_on=today(), hours=D("2.5"))
    assert me("get", "/me/hours").json() == {"hours_given": "2.50"}
    hours = coordinator("get", "/programmes/north/hours").json()
    assert hours["households"] == [{"household_id": victor.pk, "hours_given": "2.50"}]
    assert other("get", "/programmes/north/hours").status_code == 404


def test_hours_on_an_activity_are_between_0_and_24(live_match, victor):
    from voisins.matches.services import activity_log

    for bad in (D("-1"), D("24.5")):
        with pytest.raises(ValidationError) as caught:
            activity_log(match=live_match, side="volunteer", category="homework",
                         done_on=today(), hours=bad)
        assert "hours" in caught.value.message_dict


def test_the_household_page_shows_the_hours_given(client, alice_reads_english, live_match,
                                                  victor):
    alice = alice_reads_english
    from voisins.matches.services import activity_log

    activity_log(match=live_match, side="volunteer", category="homework", done_on=today(),
                 hours=D("3.5"))
    client.force_login(alice)
    page = client.get(reverse("staff:volunteer", args=["north", victor.pk])).content.decode()
    assert "Time given: 4 hours" in page


def test_the_api_names_an_activity_that_is_not_the_households(api_as, victor, ceilings):
    response = api_as(victor.user)("post", "/me/expenses", {
        "spent_on": today().isoformat(), "amount": "3", "description": "x",
        "activity_id": 987654})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "activity_id"


def test_expenses_are_in_the_data_export_and_lose_their_text_on_erasure(victor, ceilings,
                                                                       alice):
    from voisins.gdpr.selectors import EXPORT_SECTIONS
    from voisins.gdpr.services import household_erase

    expense = record(victor, amount=D("7.20"), description="Taxi with Amina")
    services.expense_refuse(expense=record(victor, amount=D("1")), by=alice,
                            reason="Amina's bus")
    [first, _second] = EXPORT_SECTIONS["expenses"](victor)
    assert first["amount"] == "7.20" and first["what_for"] == "Taxi with Amina"
    household_erase(household=victor, by=alice)
    expense.refresh_from_db()
    assert expense.amount == D("7.20") and "Amina" not in expense.description
    assert not Expense.objects.filter(refusal_reason__contains="Amina").exists()


def test_a_household_notes_an_activity_with_its_hours_through_the_api(client, live_match):
    from tests.conftest import bearer
    from voisins.matches.models import Activity

    headers = bearer(live_match.volunteer.user)
    url = f"/api/v1/me/matches/{live_match.pk}/activities"
    today = timezone.localdate().isoformat()
    done = client.post(url, {"category": "together", "done_on": today, "hours": "2.5",
                             "text": "Parc"}, content_type="application/json", **headers)
    assert done.status_code == 201, done.content
    assert done.json()["hours"] == "2.5" or done.json()["hours"] == 2.5
    activity = Activity.objects.get()
    assert activity.hours == Decimal("2.5") and activity.side == "volunteer"
    # Bad input names the field; another household's match is a 404.
    assert client.post(url, {"category": "together", "done_on": today, "hours": "25"},
                       content_type="application/json", **headers).status_code == 422
    refused = client.post(url, {"category": "nonsense", "done_on": today},
                          content_type="application/json", **headers)
    assert refused.status_code == 422 and "category" in refused.content.decode()
    assert client.post(f"/api/v1/me/matches/{live_match.pk + 999}/activities",
                       {"category": "together", "done_on": today},
                       content_type="application/json", **headers).status_code == 404
    assert Activity.objects.count() == 1
