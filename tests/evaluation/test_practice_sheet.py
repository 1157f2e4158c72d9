"""The practice sheet: IMMERSE fields, live figures, Markdown and JSON in FR, NL and EN."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from voisins.evaluation import practice

from .conftest import make_family, make_match, make_volunteer


@pytest.fixture
def history(north):
    today = timezone.localdate()
    volunteer = make_volunteer(north, 1)
    # Two matches that lasted a year or more, one short, one recent and active.
    make_match(north, make_family(north, 1), volunteer, today - timedelta(days=800),
               today - timedelta(days=300))
    make_match(north, make_family(north, 2), volunteer, today - timedelta(days=500))
    make_match(north, make_family(north, 3), volunteer, today - timedelta(days=400),
               today - timedelta(days=350))
    make_match(north, make_family(north, 4), make_volunteer(north, 2),
               today - timedelta(days=20))
    return north


def test_the_figures_come_from_live_data(history):
    figures = practice.figures(programme=history)
    assert figures.families_met == 4 and figures.volunteers_met == 2
    assert figures.matches == 4 and figures.matches_active == 2
    assert figures.lasted_12_months == 2
    assert figures.since == (timezone.localdate() - timedelta(days=800)).year
    assert figures.children_surveyed is None  # fewer than 5: not given


@pytest.mark.parametrize("language, word", [("fr", "Réseaux"), ("nl", "Netwerken"),
                                            ("en", "Networks")])
def test_it_exports_markdown_and_json_in_each_language(history, language, word):
    record = practice.sheet(programme=history, language=language)
    markdown = practice.as_markdown(record)
    assert markdown.startswith("# Voisins Nord")
    assert markdown.count("\n## ") == len(practice.FIELDS)
    assert f"## {word}" in markdown
    data = json.loads(practice.as_json(record))
    assert set(practice.FIELDS) <= set(data)
    assert data["figures"]["matches"] == 4
    assert data["figures"]["matches_lasting_12_months"] == 2
    assert data["language_code"] == language
    assert len(data["dashboard_outcomes"]) == 7
    assert "4" in data["description"]


@pytest.mark.parametrize("language, country, languages", [
    ("fr", "Belgique", ["Français", "Néerlandais", "Anglais"]),
    ("nl", "België", ["Frans", "Nederlands", "Engels"]),
    ("en", "Belgium", ["French", "Dutch", "English"])])
def test_country_and_languages_are_named_in_the_sheets_language(history, language, country,
                                                                 languages):
    record = practice.sheet(programme=history, language=language)
    assert record["country"] == [country]
    assert record["language"] == languages


def test_the_three_languages_differ(history):
    texts = {lang: practice.sheet(programme=history, language=lang)["description"]
             for lang in practice.SHEET_LANGUAGES}
    assert len(set(texts.values())) == 3


def test_the_page_downloads_both_formats(client, vera, history):
    client.force_login(vera)
    url = reverse("evaluation:practice_sheet", args=["north"])
    assert client.get(url, {"language": "nl"}).status_code == 200
    response = client.get(url, {"language": "nl", "format": "json"})
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["language_code"] == "nl"
    response = client.get(url, {"language": "fr", "format": "md"})
    assert response.content.decode().startswith("# Voisins Nord")


@pytest.mark.parametrize("persona", ["bob", "rita", "charlie"])
def test_others_do_not_get_the_sheet(client, request, north, persona):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("evaluation:practice_sheet", args=["north"])
    assert client.get(url, {"format": "json"}).status_code == 404
