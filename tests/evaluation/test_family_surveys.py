"""A family answers the questionnaire at home, through its personal link, in its language."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from voisins.evaluation.models import SurveyResponse
from voisins.familypages.links import family_link_token
from voisins.familypages.services import family_link_create, family_link_revoke
from voisins.privacy.services import consent_give

from .conftest import make_family, make_match, make_volunteer


@pytest.fixture
def family_with_child(north):
    today = timezone.localdate()
    family = make_family(north, 1, page_language="ar", members=[
        {"kind": "adult", "birth_year": 1985},
        {"kind": "child", "birth_year": today.year - 8, "first_name": "Kid1"}])
    match = make_match(north, family, make_volunteer(north, 1), today - timedelta(days=10))
    link = family_link_create(family=family)
    return family, match, family.members.get(kind="child"), family_link_token(link)


def test_the_family_sees_what_is_open_in_its_language(client, family_with_child):
    family, _match, child, token = family_with_child
    consent_give(household=family, purpose="surveys")
    response = client.get(reverse("evaluation:family_surveys", args=[token]))
    assert response.status_code == 200
    assert response["Content-Language"] == "ar"
    answer = reverse("evaluation:family_survey_answer", args=[token, child.pk, "start"])
    assert answer.encode() in response.content
    # Six months have not passed: that wave has no link yet.
    later = reverse("evaluation:family_survey_answer", args=[token, child.pk, "m6"])
    assert later.encode() not in response.content
    assert client.get(later).status_code == 302


def test_the_family_answers_once_and_the_first_answers_stay(client, family_with_child):
    family, match, child, token = family_with_child
    consent_give(household=family, purpose="surveys")
    url = reverse("evaluation:family_survey_answer", args=[token, child.pk, "start"])
    page = client.get(url)
    assert page.status_code == 200
    # Arabic questions (the family's language) for a child of 8.
    assert any("\u0600" <= ch <= "\u06ff" for ch in page.content.decode())
    assert client.post(url, {"happiness": "2", "language": "1"}).status_code == 302
    response = SurveyResponse.objects.get()
    assert (response.match_id, response.child_id, response.wave) == (match.pk, child.pk, "start")
    assert response.language == "ar" and response.age_band == "7-9"
    assert response.recorded_by is None
    assert sorted(response.answers.values_list("indicator", "value")) == [
        ("happiness", 2), ("language", 1)]
    # A second try (another tab, a back button) changes nothing.
    assert client.post(url, {"happiness": "5"}).status_code == 302
    assert list(SurveyResponse.objects.get().answers.order_by("indicator").values_list(
        "value", flat=True)) == [2, 1]


def test_a_bad_answer_is_named_and_nothing_is_saved(client, family_with_child):
    family, _match, child, token = family_with_child
    consent_give(household=family, purpose="surveys")
    url = reverse("evaluation:family_survey_answer", args=[token, child.pk, "start"])
    response = client.post(url, {"happiness": "9"})
    assert response.status_code == 200
    assert "happiness" in response.context["form"].errors
    assert SurveyResponse.objects.count() == 0


def test_without_consent_there_is_no_questionnaire(client, family_with_child):
    _family, _match, child, token = family_with_child
    response = client.get(reverse("evaluation:family_surveys", args=[token]))
    assert response.status_code == 200
    url = reverse("evaluation:family_survey_answer", args=[token, child.pk, "start"])
    assert url.encode() not in response.content
    assert client.post(url, {"happiness": "3"}).status_code == 302
    assert SurveyResponse.objects.count() == 0


def test_another_familys_child_or_a_stale_link_gets_nothing(client, north, family_with_child):
    family, _match, child, token = family_with_child
    consent_give(household=family, purpose="surveys")
    other = make_family(north, 2)
    other_token = family_link_token(family_link_create(family=other))
    url = reverse("evaluation:family_survey_answer", args=[other_token, child.pk, "start"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"happiness": "3"}).status_code == 404
    family_link_revoke(link=family.links.get())
    assert client.get(reverse("evaluation:family_surveys", args=[token])).status_code == 410
    assert SurveyResponse.objects.count() == 0
