"""Outcome surveys: consent, answered once (the first answers stay), the small-group rule."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from voisins.evaluation import selectors, services
from voisins.evaluation.models import SurveyAnswer, SurveyResponse
from voisins.evaluation.questions import AgeBand, age_band
from voisins.privacy.services import consent_give

from .conftest import make_family, make_match, make_volunteer


def _family_with_child(programme, n, age=10, consent=True):
    today = timezone.localdate()
    family = make_family(programme, n, members=[
        {"kind": "adult", "birth_year": 1985},
        {"kind": "child", "birth_year": today.year - age, "first_name": f"Kid{n}"}])
    if consent:
        consent_give(household=family, purpose="surveys")
    return family, family.members.get(kind="child")


@pytest.fixture
def survey_match(north):
    family, child = _family_with_child(north, 1)
    match = make_match(north, family, make_volunteer(north, 1),
                       timezone.localdate() - timedelta(days=200))
    return match, child


def test_a_survey_answered_twice_keeps_the_first(survey_match):
    match, child = survey_match
    first, created = services.survey_record(match=match, child=child, wave="start",
                                            answers={"happiness": 2}, language="ar")
    assert created
    again, created = services.survey_record(match=match, child=child, wave="start",
                                            answers={"happiness": 5, "academic": 5},
                                            language="fr")
    assert not created and again.pk == first.pk
    assert SurveyResponse.objects.count() == 1
    assert list(SurveyAnswer.objects.values_list("indicator", "value")) == [("happiness", 2)]
    assert SurveyResponse.objects.get().language == "ar"


def test_the_database_refuses_a_second_response(survey_match):
    from django.db import IntegrityError, transaction

    match, child = survey_match
    services.survey_record(match=match, child=child, wave="start", answers={"happiness": 2},
                           language="fr")
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(programme=match.programme, match=match, child=child,
                                      wave="start", age_band="10-18", language="fr")


def test_it_needs_the_familys_consent(north):
    family, child = _family_with_child(north, 1, consent=False)
    match = make_match(north, family, make_volunteer(north, 1), timezone.localdate())
    with pytest.raises(ValidationError) as exc:
        services.survey_record(match=match, child=child, wave="start",
                               answers={"happiness": 3}, language="fr")
    assert "family" in exc.value.message_dict
    assert SurveyResponse.objects.count() == 0


def test_a_wave_opens_a_month_before_it_is_due(north):
    family, child = _family_with_child(north, 1)
    match = make_match(north, family, make_volunteer(north, 1),
                       timezone.localdate() - timedelta(days=100))
    with pytest.raises(ValidationError) as exc:
        services.survey_record(match=match, child=child, wave="m6", answers={"happiness": 3},
                               language="fr")
    assert "wave" in exc.value.message_dict
    match.started_on = timezone.localdate() - timedelta(days=160)
    match.save()
    assert services.survey_record(match=match, child=child, wave="m6",
                                  answers={"happiness": 3}, language="fr")[1]


def test_a_withdrawn_consent_stops_the_next_answers(survey_match):
    from voisins.privacy.models import Consent
    from voisins.privacy.services import consent_withdraw

    match, child = survey_match
    services.survey_record(match=match, child=child, wave="start", answers={"happiness": 2},
                           language="fr")
    consent_withdraw(consent=Consent.objects.get(family=match.family, purpose="surveys"))
    with pytest.raises(ValidationError) as exc:
        services.survey_record(match=match, child=child, wave="m6", answers={"happiness": 4},
                               language="fr")
    assert "family" in exc.value.message_dict
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize("answers, field", [({"happiness": 6}, "happiness"),
                                            ({"wellbeing": 3}, "wellbeing"),
                                            ({}, "answers")])
def test_it_rejects_bad_answers(survey_match, answers, field):
    match, child = survey_match
    with pytest.raises(ValidationError) as exc:
        services.survey_record(match=match, child=child, wave="start", answers=answers,
                               language="fr")
    assert field in exc.value.message_dict


def test_age_bands():
    from datetime import date

    day = date(2025, 6, 1)
    assert age_band(2022, day) is None
    assert age_band(2021, day) == AgeBand.PARENT
    assert age_band(2020, day) == AgeBand.PARENT
    assert age_band(2017, day) == AgeBand.YOUNGER
    assert age_band(2015, day) == AgeBand.OLDER
    assert age_band(2006, day) is None


def _answer(programme, n, start, follow):
    family, child = _family_with_child(programme, n)
    match = make_match(programme, family, make_volunteer(programme, n),
                       timezone.localdate() - timedelta(days=400))
    services.survey_record(match=match, child=child, wave="start", language="fr",
                           answers={"happiness": start, "bridges": start})
    services.survey_record(match=match, child=child, wave="m12", language="fr",
                           answers={"happiness": follow})


def test_no_figure_for_fewer_than_five_children(north):
    for n in range(4):
        _answer(north, n, 2, 4)
    results = selectors.survey_results(programme=north, wave="m12")
    happiness = next(o for o in results.outcomes if o.indicator == "happiness")
    assert happiness.suppressed
    assert happiness.start_mean is None and happiness.change is None
    assert results.answers_by_wave == {"start": None, "m6": None, "m12": None}
    assert results.chart_svg == ""

    _answer(north, 4, 3, 3)
    results = selectors.survey_results(programme=north, wave="m12")
    happiness = next(o for o in results.outcomes if o.indicator == "happiness")
    assert not happiness.suppressed and happiness.children == 5
    assert happiness.start_mean == pytest.approx(11 / 5)
    assert happiness.follow_mean == pytest.approx(19 / 5)
    assert happiness.change == pytest.approx(8 / 5)
    assert happiness.improved == pytest.approx(4 / 5)
    # Bridges was answered at the start only: no pair, no figure.
    bridges = next(o for o in results.outcomes if o.indicator == "bridges")
    assert bridges.suppressed and bridges.children == 0
    assert results.answers_by_wave["start"] == 5


def test_the_results_page_hides_small_groups(client, vera, north):
    for n in range(3):
        _answer(north, n, 1, 5)
    client.force_login(vera)
    response = client.get(reverse("evaluation:survey_results", args=["north"]),
                          {"wave": "m12"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert b"fewer than 5 children: not shown" in response.content
    assert b"+4.00" not in response.content


def test_a_coordinator_records_answers_in_the_familys_language(client, alice, survey_match):
    match, child = survey_match
    match.family.page_language = "ar"
    match.family.save()
    client.force_login(alice)
    url = reverse("evaluation:survey_answer", args=["north", match.pk, child.pk, "start"])
    response = client.get(url)
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()
    response = client.post(url, {"lang": "ar", "happiness": "4", "academic": ""})
    assert response.status_code == 302
    response = SurveyResponse.objects.get()
    assert response.language == "ar" and response.age_band == "10-18"
    assert list(response.answers.values_list("indicator", "value")) == [("happiness", 4)]
    listing = client.get(reverse("evaluation:surveys", args=["north"]))
    assert listing.status_code == 200


def test_an_empty_questionnaire_is_refused(client, alice, survey_match):
    match, child = survey_match
    client.force_login(alice)
    url = reverse("evaluation:survey_answer", args=["north", match.pk, child.pk, "start"])
    response = client.post(url, {"lang": "fr", "happiness": "9"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "happiness" in response.context["form"].errors
    assert SurveyResponse.objects.count() == 0


@pytest.mark.parametrize("persona", ["bob", "rita", "vera", "charlie"])
def test_only_coordinators_record_answers(client, request, survey_match, persona):
    match, child = survey_match
    client.force_login(request.getfixturevalue(persona))
    url = reverse("evaluation:survey_answer", args=["north", match.pk, child.pk, "start"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("evaluation:surveys", args=["north"])).status_code == 404
