"""The outcome questionnaire: one short question per IMMERSE indicator and age band.

The seven indicators are those the Voisins Solidaires practice sheet is tagged with
(IMMERSE Dashboard, see docs/evaluation.md). The wording is ours, not IMMERSE's: short,
child-friendly, answered with a face from 1 ("not at all") to 5 ("very much"), by the
child with a parent, in the family's language. Every text is a gettext string; the
catalogues carry it in French, Dutch, English, Arabic and Ukrainian (a test checks it).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Languages a questionnaire must exist in (the test checks every question in each).
SURVEY_LANGUAGES = ("fr", "nl", "en", "ar", "uk")

# Never show a figure about fewer children than this (protects children in small groups).
MIN_GROUP = 5


class Indicator(models.TextChoices):
    IDENTITY = "identity", _("Cultural identity and intercultural skills")
    ACADEMIC = "academic", _("Academic skills")
    LANGUAGE = "language", _("Host-language skills")
    HAPPINESS = "happiness", _("Happiness / life satisfaction")
    BELONGING = "belonging", _("Sense of belonging")
    BRIDGES = "bridges", _("Friends and peers (bridges)")
    SUPPORT = "support", _("Friends and peers (support)")


class Wave(models.TextChoices):
    START = "start", _("start of the match")
    MONTH_6 = "m6", _("after 6 months")
    MONTH_12 = "m12", _("after 12 months")


# Days after the start of the match when a wave is due, and how early it may be answered.
WAVE_DAYS = {Wave.START: 0, Wave.MONTH_6: 182, Wave.MONTH_12: 365}
WAVE_EARLY_DAYS = 30


def wave_opens_on(match: Any, wave: str) -> date:
    """The first day a wave may be answered for `match` (a month before it is due; the start
    at once)."""
    offset = WAVE_DAYS[Wave(wave)]
    return match.started_on + timedelta(days=max(0, offset - WAVE_EARLY_DAYS if offset else 0))


class AgeBand(models.TextChoices):
    PARENT = "4-6", _("4 to 6 years (the parent answers)")
    YOUNGER = "7-9", _("7 to 9 years")
    OLDER = "10-18", _("10 to 18 years")


FACES = (
    (1, _("Not at all")),
    (2, _("A little")),
    (3, _("So-so")),
    (4, _("Quite a lot")),
    (5, _("Very much")),
)


@dataclass(frozen=True)
class Question:
    indicator: str
    band: str
    text: Promise


QUESTIONS: tuple[Question, ...] = (
    # Cultural identity and intercultural skills
    Question(Indicator.IDENTITY, AgeBand.PARENT,
             _("How much does your child enjoy both your family's traditions and the ways of "
               "life here?")),
    Question(Indicator.IDENTITY, AgeBand.YOUNGER,
             _("How much do you like sharing your family's traditions and learning new ones "
               "here?")),
    Question(Indicator.IDENTITY, AgeBand.OLDER,
             _("How much do you feel at ease with both your family's culture and the culture "
               "here?")),
    # Academic skills
    Question(Indicator.ACADEMIC, AgeBand.PARENT,
             _("How well is your child learning new things (at school, at nursery, at "
               "play)?")),
    Question(Indicator.ACADEMIC, AgeBand.YOUNGER,
             _("How well are you doing with your school work?")),
    Question(Indicator.ACADEMIC, AgeBand.OLDER,
             _("How well do you think you are doing at school?")),
    # Host-language skills
    Question(Indicator.LANGUAGE, AgeBand.PARENT,
             _("How easily does your child understand and speak the language of the school?")),
    Question(Indicator.LANGUAGE, AgeBand.YOUNGER,
             _("How easy is it for you to speak the language of your school?")),
    Question(Indicator.LANGUAGE, AgeBand.OLDER,
             _("How easy is it for you to understand and speak the language of your school?")),
    # Happiness / life satisfaction
    Question(Indicator.HAPPINESS, AgeBand.PARENT,
             _("How happy does your child seem these days?")),
    Question(Indicator.HAPPINESS, AgeBand.YOUNGER,
             _("How happy are you these days?")),
    Question(Indicator.HAPPINESS, AgeBand.OLDER,
             _("All in all, how happy are you with your life at the moment?")),
    # Sense of belonging
    Question(Indicator.BELONGING, AgeBand.PARENT,
             _("How much does your child feel at home in the neighbourhood?")),
    Question(Indicator.BELONGING, AgeBand.YOUNGER,
             _("How much do you feel at home in your school and your neighbourhood?")),
    Question(Indicator.BELONGING, AgeBand.OLDER,
             _("How much do you feel you belong here, at school and in your neighbourhood?")),
    # Friends and peers: bridges (friends from the host community)
    Question(Indicator.BRIDGES, AgeBand.PARENT,
             _("How much does your child play with children who grew up here?")),
    Question(Indicator.BRIDGES, AgeBand.YOUNGER,
             _("How much do you play with children who grew up here?")),
    Question(Indicator.BRIDGES, AgeBand.OLDER,
             _("How much time do you spend with friends who grew up in this country?")),
    # Friends and peers: support (someone to turn to)
    Question(Indicator.SUPPORT, AgeBand.PARENT,
             _("When your child is sad, how much does your child have a friend to turn to?")),
    Question(Indicator.SUPPORT, AgeBand.YOUNGER,
             _("When you are sad, how much do you have a friend to help you?")),
    Question(Indicator.SUPPORT, AgeBand.OLDER,
             _("When you have a problem, how much can you count on a friend?")),
)

# Texts shown around the questions to the family (translated with them).
FAMILY_TEXTS = (
    _("A few questions for your child"),
    _("Answer together with your child. Choose one face for each question. You may skip a "
      "question."),
    _("Your answers are counted only with those of at least five children, never alone."),
    _("Send the answers"),
    _("Thank you! Your answers were saved."),
    _("These answers were already given. The first answers are kept."),
    _("Skip this question"),
    # The family's own pages (through its personal link).
    _("There is no questionnaire for your family now."),
    _("Your family has not agreed to answer these questions. Ask your coordinator if you "
      "would like to."),
    _("At the start, after 6 months and after 12 months, each child answers a few questions "
      "with a parent. It helps us know what the programme changes for children."),
)


def questions_for(band: str) -> list[Question]:
    """The questions of one age band, in indicator order."""
    return [q for q in QUESTIONS if q.band == band]


def age_band(birth_year: int, on: date) -> str | None:
    """The age band of a child born in `birth_year` on the day `on`; None outside 4–18."""
    age = on.year - birth_year
    if 4 <= age <= 6:
        return AgeBand.PARENT
    if 7 <= age <= 9:
        return AgeBand.YOUNGER
    if 10 <= age <= 18:
        return AgeBand.OLDER
    return None
