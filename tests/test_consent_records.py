"""Coordinators record and withdraw a household's consent (page and API); each use it
covers is checked right before, so a withdrawal stops the use at once."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from voisins.privacy.models import Consent
from voisins.privacy.services import consent_give, consent_withdraw

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_coordinator_records_a_consent_and_withdraws_it(client, alice, family):
    client.force_login(alice)
    url = f"/staff/north/families/{family.pk}/consents/"
    assert "Consent" in client.get(f"/staff/north/families/{family.pk}/", **EN).content.decode()
    response = client.post(url, {"action": "give", "purpose": "surveys",
                                 "given_by_name": "Hassan", "interpreter": "Nadia"}, **EN)
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.purpose, consent.recorded_by, consent.given_by_name) == (
        "surveys", alice, "Hassan")
    page = client.get(url, **EN).content.decode()
    assert "Hassan" in page and "Withdraw" in page
    client.post(url, {"action": "withdraw", "consent": consent.pk}, **EN)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    # Who saw who spoke for the family is audited; giving and withdrawing are logged.
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_id=family.pk,
                                   additional_data__fields=["consents"]).exists()
    assert LogEntry.objects.filter(content_type__model="consent").count() == 2


def test_a_bad_purpose_names_the_field_and_records_nothing(client, alice, family):
    client.force_login(alice)
    response = client.post(f"/staff/north/families/{family.pk}/consents/",
                           {"action": "give", "purpose": "marketing"}, **EN)
    assert response.status_code == 422
    assert "Agrees to" in response.content.decode()
    assert not Consent.objects.exists()


@pytest.mark.parametrize("persona", ["bob", "rita", "vera", "charlie"])
def test_only_the_programmes_coordinators_record_consent(client, request, family, persona):
    client.force_login(request.getfixturevalue(persona))
    url = f"/staff/north/families/{family.pk}/consents/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "give", "purpose": "surveys"}).status_code == 404
    assert not Consent.objects.exists()


def test_agreeing_twice_records_one_consent(family):
    first = consent_give(household=family, purpose="share_contact")
    assert consent_give(household=family, purpose="share_contact") == first
    consent_withdraw(consent=first)
    assert consent_give(household=family, purpose="share_contact") != first


def test_through_the_api(api_as, alice, charlie, family, volunteer):
    api = api_as(alice)
    given = api("post", f"/families/{family.pk}/consents",
                {"purpose": "share_contact", "given_by_name": "Hassan"})
    assert given.status_code == 201 and given.json()["active"]
    listed = api("get", f"/families/{family.pk}/consents", {"active": True}).json()
    assert [c["id"] for c in listed["items"]] == [given.json()["id"]]
    withdrawn = api("post", f"/consents/{given.json()['id']}/withdraw")
    assert withdrawn.status_code == 200 and not withdrawn.json()["active"]
    bad = api("post", f"/volunteers/{volunteer.pk}/consents", {"purpose": "marketing"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "purpose"
    other = api_as(charlie)
    assert other("get", f"/families/{family.pk}/consents").status_code == 404
    assert other("post", f"/consents/{given.json()['id']}/withdraw").status_code == 404
    assert Consent.objects.count() == 1


def test_a_withdrawn_survey_consent_stops_the_next_survey(north, alice, live_match):
    from voisins.evaluation.models import SurveyResponse
    from voisins.evaluation.services import survey_record

    family = live_match.family
    consent = consent_give(household=family, purpose="surveys", recorded_by=alice)
    child = family.members.get(kind="child")
    survey_record(match=live_match, child=child, wave="start", answers={"happiness": 5},
                  language="fr", by=alice)
    consent_withdraw(consent=consent)
    SurveyResponse.objects.all().delete()
    with pytest.raises(ValidationError) as refused:
        survey_record(match=live_match, child=child, wave="start", answers={"happiness": 5},
                      language="en", by=alice)
    assert set(refused.value.message_dict) == {"family"}
    assert not SurveyResponse.objects.exists()
