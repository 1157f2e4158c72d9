"""A coordinator's pick is refused with its true reason, on the field concerned, in the
reader's language; the suggestions page does not offer what would be refused (issue 14,
item 7)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from voisins.households.services import volunteer_create
from voisins.matches import services
from voisins.matches.models import Proposal
from voisins.training.services import training_module_create

from .conftest import agreed_to_matching, volunteer_data


def refusal(family, volunteer, language="en"):
    with translation.override(language), pytest.raises(ValidationError) as exc:
        services.proposal_pick(family=family, volunteer=volunteer)
    return exc.value.message_dict


def test_an_untrained_household_is_refused_for_its_missing_training(north, family, victor):
    agreed_to_matching(family, victor)
    training_module_create(programme=north, title="Role and limits", required=True)
    errors = refusal(family, victor)
    assert list(errors) == ["volunteer"]
    assert "required training" in errors["volunteer"][0]
    assert "Role and limits" in errors["volunteer"][0]
    assert "room" not in errors["volunteer"][0]
    assert not Proposal.objects.exists()


def test_a_household_not_available_is_refused_for_its_status(north, family):
    volunteer = volunteer_create(programme=north, **volunteer_data(status="paused"))
    agreed_to_matching(family, volunteer)
    errors = refusal(family, volunteer, "fr")
    assert list(errors) == ["volunteer"] and "en pause" in errors["volunteer"][0]


def test_a_full_household_is_refused_for_having_no_room(north, family, victor, live_match):
    from voisins.households.services import family_create

    from .conftest import family_data

    other = family_create(programme=north, **family_data(contact_first_name="Nour"))
    agreed_to_matching(other)
    errors = refusal(other, victor)
    assert list(errors) == ["volunteer"] and "no room left" in errors["volunteer"][0]


def test_a_matched_family_is_refused_for_its_status(family, victor, live_match):
    family.refresh_from_db()
    errors = refusal(family, victor)
    assert list(errors) == ["family"] and "matched" in errors["family"][0]


def test_the_suggestions_page_offers_no_proposal_for_a_matched_family(client, alice, north,
                                                                      family, live_match):
    client.force_login(alice)
    url = reverse("matches:suggestions", args=["north", family.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "only a waiting family can be proposed" in page
    assert ">Propose<" not in page


def test_a_proposal_posted_for_a_matched_family_gets_a_clear_message(client, alice, north,
                                                                     family, victor,
                                                                     live_match):
    client.force_login(alice)
    url = reverse("matches:suggestions", args=["north", family.pk])
    response = client.post(url, {"volunteer": victor.pk}, HTTP_ACCEPT_LANGUAGE="fr",
                           follow=True)
    assert response.status_code == 200
    text = [str(m) for m in response.context["messages"]]
    assert text and text[0].startswith("Famille : ") or text[0].startswith("Famille: ")
    assert "family:" not in " ".join(text)
    assert Proposal.objects.filter(family=family).count() == 1  # the accepted one only
