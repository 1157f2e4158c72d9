"""Every question of the outcome survey, and the texts around it, exist in French, Dutch,
English, Arabic and Ukrainian."""

import pytest
from django.utils import translation

from voisins.evaluation.questions import (
    FACES,
    FAMILY_TEXTS,
    QUESTIONS,
    SURVEY_LANGUAGES,
    AgeBand,
    Indicator,
    Wave,
    questions_for,
)

TEXTS = ([q.text for q in QUESTIONS] + [label for _v, label in FACES] + list(FAMILY_TEXTS)
         + [label for _c, label in Indicator.choices + Wave.choices + AgeBand.choices])


def test_there_is_one_question_per_indicator_and_age_band():
    for band in AgeBand.values:
        assert [q.indicator for q in questions_for(band)] == Indicator.values


@pytest.mark.parametrize("language", [code for code in SURVEY_LANGUAGES if code != "en"])
def test_every_text_is_translated(language):
    with translation.override("en"):
        sources = [str(text) for text in TEXTS]
    with translation.override(language):
        translated = [str(text) for text in TEXTS]
    missing = [s for s, t in zip(sources, translated, strict=True) if s == t or not t.strip()]
    assert not missing, f"{language}: {missing}"
    # Translations differ from one another (no copy-paste of one answer for all).
    assert len(set(translated)) == len(set(sources))


def test_english_is_the_source():
    with translation.override("en"):
        assert str(QUESTIONS[0].text).startswith("How much")


def test_arabic_is_written_right_to_left():
    with translation.override("ar"):
        assert translation.get_language_bidi()
        assert any("\u0600" <= ch <= "\u06ff" for ch in str(QUESTIONS[0].text))
