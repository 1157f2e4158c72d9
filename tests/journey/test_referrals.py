"""A partner's social worker refers a family with its consent, then sees only the status
of its own referrals."""

import pytest

from voisins.households.models import FamilyHousehold
from voisins.privacy.models import Consent
from voisins.programmes.constants import Role
from voisins.programmes.models import Organisation
from voisins.programmes.services import membership_grant

from ..conftest import make_user

REFERRAL = {
    "contact_first_name": "Amina", "contact_last_name": "Haddad", "phone": "0470 00 00 00",
    "postcode": "1030", "children_birth_years": "2016, 2019", "language_1": "ar",
    "level_1": "native", "language_2": "fr", "level_2": "basic",
    "needs": ["homework", "french-conversation"], "wishes_note": "",
    "consent": "on", "consent_given_by": "Amina Haddad", "interpreter": "SeTIS",
}


def refer(client, **overrides):
    data = {**REFERRAL, **overrides}
    return client.post("/recruitment/north/referrals/new/",
                       {k: v for k, v in data.items() if v is not None},
                       HTTP_ACCEPT_LANGUAGE="en")


def test_a_referral_creates_the_family_and_records_consent_on_its_behalf(client, rita):
    client.force_login(rita)
    assert client.get("/recruitment/north/referrals/new/").status_code == 200
    response = refer(client)
    assert response.status_code == 302
    family = FamilyHousehold.objects.get()
    assert family.status == "referred" and family.referrer == rita
    assert family.needs == {"homework": 2, "french-conversation": 2}
    assert family.members.count() == 2
    consent = Consent.objects.get(family=family)
    assert consent.purpose == "matching" and consent.recorded_by == rita
    assert consent.given_by_name == "Amina Haddad" and consent.interpreter == "SeTIS"


@pytest.mark.parametrize("overrides,field", [
    ({"consent": None}, "consent"),
    ({"consent_given_by": ""}, "consent_given_by"),
    ({"postcode": "0000"}, "postcode"),
    ({"language_1": ""}, "language_1"),
    ({"needs": []}, "needs"),
])
def test_bad_input_is_refused_naming_the_field(client, rita, overrides, field):
    client.force_login(rita)
    response = refer(client, **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert FamilyHousehold.objects.count() == 0 and Consent.objects.count() == 0


def test_a_referrer_sees_only_the_status_of_its_own_referrals(client, rita, north, family):
    other = make_user("otto@example.org")
    membership_grant(user=other, programme=north, role=Role.REFERRER,
                     organisation=Organisation.objects.create(name="CPAS"))
    client.force_login(other)
    refer(client, contact_first_name="Olena", phone="0470 99 99 99")
    client.force_login(rita)
    refer(client)
    html = client.get("/recruitment/north/referrals/", HTTP_ACCEPT_LANGUAGE="en"
                      ).content.decode()
    assert "Amina" in html and "referred" in html
    assert "Olena" not in html
    assert "0470" not in html and "Haddad" not in html     # no contact details
    assert FamilyHousehold.objects.get(contact_first_name="Olena").referrer_organisation.name \
        == "CPAS"


def test_others_cannot_refer(client, bob, vera, charlie):
    for user in (bob, vera, charlie):
        client.force_login(user)
        assert client.get("/recruitment/north/referrals/new/").status_code == 404
        assert client.get("/recruitment/north/referrals/").status_code == 404
