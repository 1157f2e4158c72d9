"""voisins.rows prepares a list's rows once a page: each helper gives what the template
filter or tag it replaces gave, in every language."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone, translation

from voisins import rows
from voisins.matches.models import Proposal


@pytest.mark.parametrize("language", ["en", "fr", "nl", "ar", "uk"])
def test_numbers_read_as_floatformat_shows_them(language):
    values = [None, 0, 0.05, 2.25, -0.04, 0.0049, 1234.5678,
              *(random.Random(1).uniform(0, 10) for _ in range(500))]
    with translation.override(language):
        one, two = rows.decimals(1), rows.decimals(2)
        assert [one(v) for v in values] == [floatformat(v, 1) for v in values]
        assert [two(v) for v in values] == [floatformat(v, 2) for v in values]


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_dates_read_as_the_date_filter_shows_them(language):
    now = timezone.now()
    values = [now, now - timedelta(hours=23), timezone.localdate(),
              datetime(2026, 3, 1, 23, 30, tzinfo=UTC)]
    with translation.override(language):
        dates = rows.Dates(empty="—")
        for value in values:
            shown = timezone.localtime(value) if isinstance(value, datetime) else value
            assert dates(value) == date_filter(shown, "SHORT_DATE_FORMAT")
        assert dates(None) == "—"


def test_one_reverse_serves_every_row():
    link = rows.links("matches:proposal", "demo")
    for pk in (1, 42, 918273645, 10**9):
        assert link(pk) == reverse("matches:proposal", args=["demo", pk])


def test_labels_are_the_choices_in_the_readers_language_escaped_once():
    with translation.override("fr"):
        labels = rows.labels(Proposal.Status.choices, first_capital=True)
        proposal = Proposal(status=Proposal.Status.DRAFT)
        assert labels["draft"] == proposal.get_status_display()[0].upper() + \
            proposal.get_status_display()[1:]
    assert str(rows.labels([("x", "<b>")])["x"]) == "&lt;b&gt;"


def test_language_badges_are_the_markup_the_loop_wrote():
    from django.template import Context, Template

    from voisins.workspace.templatetags.workspace import badges

    loop = Template('{% for name in names %}<span class="badge"><bdi>{{ name }}</bdi></span> '
                    "{% endfor %}")
    for names in ([], ["Arabic"], ["Dari", "<b>", "Français"]):
        assert badges(names) == loop.render(Context({"names": names}))
    assert badges(None) == ""
