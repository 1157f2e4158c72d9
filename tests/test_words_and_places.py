"""Words and places (issue 14, item 8): languages by name in the reader's language and
collation, ISO 639 checked; each Belgian postcode named after its municipality; sort labels,
dates, priorities and people's names the same everywhere; bidi isolation and Arabic lists."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from voisins.households.geocoding import MUNICIPALITIES_CSV, find_postcode
from voisins.households.importers import parse_languages
from voisins.households.services import family_create
from voisins.programmes.labels import PRIORITY_LABELS, priority_label
from voisins.programmes.languages import (
    collation_key,
    is_language_code,
    join_list,
    language_choices,
    language_name,
)

from .conftest import family_data
from .test_import import FAMILY_HEADER, GOOD_FAMILIES, csv_bytes, run

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


# --- Languages --------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "language", "name"), [
    ("prs", "en", "Dari"), ("ps", "nl", "Pasjtoe"), ("ti", "fr", "Tigrigna"),
    ("ti", "uk", "Тигринья"), ("prs", "ar", "الدارية"),
    # Not among the programme's usual languages: CLDR's name, through langcodes.
    ("ckb", "fr", "Sorani"), ("ckb", "en", "Central Kurdish"),
])
def test_a_language_is_named_in_the_readers_language(code, language, name):
    with translation.override(language):
        assert language_name(code) == name


@pytest.mark.parametrize("code", ["xx", "qaa", "und", "zz", "FR", "f", "fran", "1a", ""])
def test_a_code_that_names_no_iso_639_language_is_refused(code):
    assert not is_language_code(code)


@pytest.mark.parametrize("code", ["fr", "ar", "prs", "ti", "ckb", "abc"])
def test_iso_639_codes_are_accepted(code):
    assert is_language_code(code)


def test_an_import_refuses_xx_naming_the_row_and_column(north):
    rows = [*GOOD_FAMILIES, ["F3", "Yonas", "Haile", "1000", "xx:native", "homework",
                             "wed-pm", "", "", "", ""]]
    result = run(north, csv_bytes(FAMILY_HEADER, rows))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(4, "languages")]
    assert "xx" in result.errors[0].message
    with pytest.raises(ValidationError):
        parse_languages("xx")


def test_a_household_with_an_unknown_language_code_is_refused(north):
    with pytest.raises(ValidationError) as exc:
        family_create(programme=north, **family_data(languages=[{"code": "xx",
                                                                  "level": "native"}]))
    assert "languages" in exc.value.message_dict


def test_the_ukrainian_list_follows_the_ukrainian_alphabet_not_code_points():
    with translation.override("uk"):
        names = [name for _code, name in language_choices()]
    # і comes after и (Ukrainian alphabet), not after я (its code point).
    assert names.index("Дарі") < names.index("Іспанська") < names.index("Курдська")
    assert names.index("Італійська") < names.index("Курдська")
    assert names[-1] == "Французька"
    assert names == sorted(names, key=lambda n: collation_key(n, "uk"))


def test_accents_do_not_send_a_name_to_the_end_of_a_french_list():
    with translation.override("fr"):
        names = [name for _code, name in language_choices()]
    assert names.index("Espagnol") < names.index("Français") < names.index("Géorgien") \
        < names.index("Italien")


def test_staff_lists_show_languages_by_name(client, alice, north):
    family_create(programme=north, **family_data(languages=[{"code": "ti",
                                                             "level": "native"}]))
    client.force_login(alice)
    page = client.get("/staff/north/families/", **EN).content.decode()
    assert "<bdi>Tigrinya</bdi>" in page and ">ti<" not in page


# --- Places -----------------------------------------------------------------------------

@pytest.mark.parametrize(("postcode", "municipality"), [
    ("4000", "Liège"), ("5000", "Namur"), ("7700", "Mouscron"), ("7500", "Tournai"),
    ("1040", "Etterbeek"), ("9000", "Gent"), ("3000", "Leuven"), ("1030", "Schaerbeek"),
])
def test_a_belgian_postcode_is_named_after_its_municipality(postcode, municipality):
    assert find_postcode("BE", postcode).locality == municipality


def test_the_postcode_table_ships_with_its_source_licence_and_date():
    readme = (Path(MUNICIPALITIES_CSV).parent / "README.md").read_text(encoding="utf-8")
    assert "Statbel" in readme and "CC BY 4.0" in readme and "1 January 2025" in readme
    assert len(Path(MUNICIPALITIES_CSV).read_text(encoding="utf-8").splitlines()) > 1100


def test_a_household_is_stored_with_its_municipality(north):
    family = family_create(programme=north, **family_data(postcode="4000"))
    assert family.locality == "Liège"


# --- Sort labels, dates, priorities, people -----------------------------------------------

@pytest.mark.parametrize(("language", "word"), [("en", "(descending)"), ("nl", "(aflopend)"),
                                                ("fr", "(décroissant)")])
def test_sort_labels_are_in_the_readers_language(client, alice, north, language, word):
    client.force_login(alice)
    page = client.get("/staff/north/families/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert word in page
    if language != "fr":
        assert "décroissant" not in page


@pytest.mark.parametrize("language", ["fr", "nl", "en", "ar", "uk"])
def test_dates_are_written_day_month_year_in_every_language(language):
    day = datetime.datetime(2026, 9, 6, 14, 30)
    with translation.override(language):
        short = formats.date_format(day, "SHORT_DATE_FORMAT")
        long_ = formats.date_format(day, "DATE_FORMAT")
        both = formats.date_format(day, "SHORT_DATETIME_FORMAT")
        full = formats.date_format(day, "DATETIME_FORMAT")
    digits = [int("".join(ch for ch in part if ch.isdigit()))
              for part in short.replace("\u200f", "").replace("-", "/").replace(".", "/")
              .split("/")]
    assert digits == [6, 9, 2026], short
    assert long_.lstrip("0").startswith("6 "), long_
    assert "14:30" in both and "14:30" in full and "PM" not in full.upper()


def test_an_english_page_shows_a_belgian_date(client, alice, north):
    family = family_create(programme=north, **family_data())
    client.force_login(alice)
    page = client.get(f"/staff/north/families/{family.pk}/", **EN).content.decode()
    created = timezone.localtime(family.created_at)
    with translation.override("en"):
        today = formats.date_format(created, "SHORT_DATE_FORMAT")
    assert today.split("/")[0] == f"{created:%d}" and today in page


def test_a_need_has_one_label_in_the_form_the_page_and_the_reasons():
    from voisins.matches.bridge import reason_text
    from voisins.staff.forms import PRIORITY_CHOICES

    with translation.override("fr"):
        assert dict(PRIORITY_CHOICES)["3"] == PRIORITY_LABELS[3] and \
            priority_label(3) == "3 – le plus important"
        reason = reason_text({"code": "need", "params": {"need": "homework", "priority": 3}})
        assert "3 – le plus important" in reason and "haute" not in reason


def test_mediators_are_listed_by_name_with_the_email_as_fallback(client, alice, bob,
                                                                 live_match):
    from .conftest import make_user

    nameless = make_user("nameless@example.org")
    from voisins.programmes.services import membership_grant
    membership_grant(user=nameless, programme=live_match.programme, role="mediator")
    client.force_login(alice)
    page = client.get(f"/staff/north/matches/{live_match.pk}/", **EN).content.decode()
    assert ">Bob</option>" in page and "bob@example.org" not in page
    assert ">nameless@example.org</option>" in page


# --- Bidi isolation and lists -------------------------------------------------------------

def test_an_arabic_list_uses_the_arabic_comma():
    assert join_list(["a", "b", "c"], "ar") == "a، b، c"
    assert join_list(["a", "b"], "fr") == "a, b"
    with translation.override("ar"):
        html = Template("{% load words %}{{ items|human_list }}").render(
            Context({"items": ["Français", "<b>"]}))
    assert html == "<bdi>Français</bdi>، <bdi>&lt;b&gt;</bdi>"


def test_latin_text_in_an_arabic_family_page_is_isolated(client, family, alice):
    from voisins.familypages.links import family_link_token
    from voisins.familypages.services import family_link_create

    family.page_language = "ar"
    family.save(update_fields=["page_language"])
    token = family_link_token(family_link_create(family=family, by=alice))
    page = client.get(f"/f/{token}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "<bdi>Amina</bdi>" in page and "<bdi>Voisins Nord</bdi>" in page


def test_names_in_an_arabic_email_are_isolated_and_not_in_a_french_one():
    context = {"name": "Amina", "other_first_name": "Victor", "link": "https://x"}
    with translation.override("ar"):
        arabic = render_to_string("matches/email/checkin_due.txt", context)
    with translation.override("fr"):
        french = render_to_string("matches/email/checkin_due.txt", context)
    assert "\u2068Victor\u2069" in arabic and "\u2068Amina\u2069" in arabic
    assert "\u2068" not in french and "Victor" in french


def test_households_stored_with_a_sub_locality_are_renamed_after_their_municipality(north):
    import importlib

    from django.apps import apps

    from voisins.households.models import FamilyHousehold

    family = family_create(programme=north, **family_data(postcode="4000"))
    FamilyHousehold.objects.filter(pk=family.pk).update(locality="Glain")
    migration = importlib.import_module(
        "voisins.households.migrations.0005_belgian_localities")
    migration.rename(apps, None)
    family.refresh_from_db()
    assert family.locality == "Liège"
