"""The evaluation pages in a real Chromium: the lockdown figure next to its Kaplan–Meier
split, readable and accessible, and a viewer's dashboard with small counts suppressed."""

from datetime import date

import pytest
from django.urls import reverse

from ..evaluation.conftest import make_family, make_match, make_volunteer
from ..evaluation.test_figures import lockdown  # noqa: F401  (the fixture)
from .conftest import check_accessibility, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_viewer_reads_the_lockdown_figure_and_a_dashboard_without_small_counts(
        page, axe_path, csp_errors, vera, lockdown):  # noqa: F811
    # Enough matches before the pause for its Kaplan–Meier split to be drawn.
    volunteer = make_volunteer(lockdown, 2)
    for i in range(5):
        make_match(lockdown, make_family(lockdown, 20 + i), volunteer, date(2020, 4, 1 + i),
                   date(2021, 2, 1 + i) if i % 2 else None)
    log_in(page, vera)
    page.goto(reverse("evaluation:persistence", args=["north"]))
    page.get_by_role("heading", name="Les binômes à travers un confinement").wait_for()
    row = page.locator("table.lockdowns tbody tr").first
    assert row.locator("td").nth(2).inner_text() == "5"
    check_accessibility(page, axe_path)
    screenshot(page, "persistence-lockdown")

    page.goto(reverse("evaluation:dashboard", args=["north"]) + "?start=2019-01-01")
    page.get_by_role("heading", name="Ménages").first.wait_for()
    # Two volunteer households: a count a viewer reads as "< 5".
    assert "< 5" in page.locator("table").nth(1).inner_text()
    assert "\t2" not in page.locator("table").nth(1).inner_text()
    check_accessibility(page, axe_path)
