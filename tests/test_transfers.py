"""A household that moves to another programme of a network (issue 20 §4): with its consent,
only what the new programme needs is copied, the old match ends "moved" and the other
household is told, the old programme keeps its figures but not the contact details, both
sides are audited, and every refusal names its field and writes nothing."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.conftest import family_data, staff_member
from voisins.gdpr.models import Erasure
from voisins.households.models import FamilyHousehold
from voisins.households.services import family_create
from voisins.matches.models import Match, Notification, Proposal
from voisins.messaging.models import Message
from voisins.programmes.constants import Role
from voisins.programmes.services import programme_create
from voisins.transfers import services
from voisins.transfers.models import Transfer


@pytest.fixture
def network(north, south, alice, charlie):
    """North and south are current members of one network."""
    from voisins.networks import services as networks

    net = networks.network_create(name="Réseau Bruxelles", by=alice)
    networks.member_join(network=net, programme=north, by=alice)
    networks.member_join(network=net, programme=south, by=charlie)
    return net


def _consent(household, to, by, *, contact=True, **extra):
    return services.transfer_consent_record(
        household=household, to_programme=to, transfer=True, matching=True, contact=contact,
        given_by_name="Hassan", interpreter="Service Interprètes", by=by, **extra)


def _south_families(south):
    return FamilyHousehold.objects.filter(programme=south)


# --- End to end through the page ------------------------------------------------------------

def test_a_family_moves_through_the_page_with_its_consent(
        client, alice, charlie, north, south, network, live_match,
        django_capture_on_commit_callbacks):
    family = live_match.family
    family.email, family.phone = "amina@example.org", "+32488776655"
    family.contact_last_name, family.wishes_note = "Haddad", "Amina's husband works nights"
    family.save()
    url = f"/transfers/north/families/{family.pk}/"
    client.force_login(alice)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert b"Voisins Sud" in page.content and b"Record the consent" in page.content
    assert b"Move the household" not in page.content  # no move before the consent
    assert b"Homework help" in page.content  # needs by their names
    response = client.post(url, {
        "action": "consent", "consent-to_programme": south.pk,
        "consent-consent_transfer": "on", "consent-consent_matching": "on",
        "consent-consent_contact": "on", "consent-given_by_name": "Hassan",
        "consent-interpreter": "Service Interprètes"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert b"Move the household" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "move", "move-to_programme": south.pk,
                                     "move-postcode": "1000"}, HTTP_ACCEPT_LANGUAGE="en",
                               follow=True)
    assert response.status_code == 200
    assert b"Moved to Voisins Sud" in response.content
    assert b"The household left behind will be told by" in response.content

    transfer = Transfer.objects.get()
    new = transfer.new_family
    # Copied, field by field.
    assert new.programme == south and new.status == "waiting" and not new.archived
    assert new.contact_first_name == "Amina"
    assert new.languages == [{"code": "ar", "level": "native"}, {"code": "fr", "level": "basic"}]
    assert new.needs == {"homework": 3, "french-conversation": 2}
    assert [(m.kind, m.birth_year, m.first_name, m.school_level)
            for m in new.members.all()] == [("child", 2016, "", "")]
    assert new.postcode == "1000" and new.locality
    assert (new.email, new.phone) == ("amina@example.org", "+32488776655")
    # Not copied.
    assert new.contact_last_name == "" and new.wishes_note == "" and new.availability == []
    assert new.reference == "" and new.wishes == [] and new.referrer_id is None
    assert new.arrival_date is None and not new.members.filter(kind="adult").exists()
    assert [s.note for s in new.status_changes.all()] == ["moved from Voisins Nord"]
    consents = {c.purpose: c for c in new.consents.all()}
    assert set(consents) == {"transfer", "transfer_matching", "matching", "transfer_contact"}
    assert {(c.given_by_name, c.interpreter) for c in consents.values()} == {
        ("Hassan", "Service Interprètes")}
    assert transfer.copied == ["contact_first_name", "languages", "needs",
                               "children_birth_years", "phone", "email", "postcode",
                               "consents"]

    # The old match ended "moved"; Victor's household is told, truthfully.
    live_match.refresh_from_db()
    assert live_match.status == "ended" and live_match.end_reason == "moved"
    told = Message.objects.get(volunteer=live_match.volunteer,
                               template="transfers/email/partner_moved.txt")
    assert told.state in ("sent", "delivered", "queued")

    # The old side keeps the row, without contact details.
    family.refresh_from_db()
    assert family.archived and family.status == "ended"
    assert (family.contact_first_name, family.contact_last_name, family.email,
            family.phone, family.wishes_note) == ("—", "", "", "", "")
    assert Erasure.objects.get(kind="family", household_id=family.pk).reason == "transfer"

    # Both sides audited.
    def events(household):
        return [e.additional_data.get("event") for e in LogEntry.objects.get_for_object(
            household) if e.additional_data]
    assert "moved-out" in events(family) and "moved-in" in events(new)
    assert LogEntry.objects.get_for_object(transfer).exists()
    # The new programme's coordinator is told.
    arrived = Notification.objects.get(kind="household_arrived")
    assert arrived.to_email == "charlie@example.org"


def test_without_consent_to_be_contacted_no_phone_or_email_goes(north, south, alice, network):
    family = family_create(programme=north, **family_data(email="a@example.org",
                                                          phone="+32488776655"))
    _consent(family, south, alice, contact=False)
    transfer = services.household_transfer(household=family, to_programme=south,
                                           postcode="1000", by=alice)
    new = transfer.new_family
    assert (new.email, new.phone) == ("", "")
    assert "phone" not in transfer.copied and "email" not in transfer.copied
    assert not new.consents.filter(purpose="transfer_contact").exists()


def test_needs_the_new_programme_has_no_category_for_stay_behind(north, south, alice, network):
    south.service_categories.filter(code="french-conversation").delete()
    family = family_create(programme=north, **family_data())
    _consent(family, south, alice)
    transfer = services.household_transfer(household=family, to_programme=south,
                                           postcode="1000", by=alice)
    assert transfer.new_family.needs == {"homework": 3}
    assert transfer.left_behind == ["french-conversation"]


# --- What happens around it ---------------------------------------------------------------

def test_a_proposal_waiting_for_answers_is_withdrawn_and_the_other_told(
        north, south, alice, network, sent_proposal):
    family = sent_proposal.family
    _consent(family, south, alice)
    services.household_transfer(household=family, to_programme=south, postcode="1000",
                                by=alice)
    sent_proposal.refresh_from_db()
    assert sent_proposal.status == Proposal.Status.DISCARDED
    told = Message.objects.get(volunteer=sent_proposal.volunteer,
                               template="transfers/email/partner_moved.txt")
    assert told.context["was_match"] is False
    from voisins.messaging.rendering import render

    told.language = "en"
    body = render(told)[1]
    assert "has moved house: the proposal is withdrawn" in body


def test_a_draft_proposal_is_discarded_without_a_word(north, south, alice, network,
                                                      draft_proposal):
    _consent(draft_proposal.family, south, alice)
    services.household_transfer(household=draft_proposal.family, to_programme=south,
                                postcode="1000", by=alice)
    draft_proposal.refresh_from_db()
    assert draft_proposal.status == Proposal.Status.DISCARDED
    assert not Message.objects.filter(template="transfers/email/partner_moved.txt").exists()


def test_the_old_programme_figures_for_the_past_are_unchanged(north, south, alice, network,
                                                              live_match):
    from voisins.evaluation.selectors import Period

    Match.objects.filter(pk=live_match.pk).update(
        started_on=timezone.localdate() - timedelta(days=60))
    yesterday = timezone.localdate() - timedelta(days=1)
    period = Period(start=yesterday - timedelta(days=90), end=yesterday)

    def figures():
        from voisins.evaluation.selectors import dashboard

        board = dashboard(programme=north, period=period, today=yesterday)
        # (Counts by status are today's, not the period's: the family's "ended" is true.)
        return (board.months, FamilyHousehold.objects.filter(programme=north).count(),
                Match.objects.filter(programme=north).count())

    before = figures()
    _consent(live_match.family, south, alice)
    services.household_transfer(household=live_match.family, to_programme=south,
                                postcode="1000", by=alice)
    assert figures() == before


def test_the_dashboard_page_of_the_old_programme_is_the_same_for_last_month(
        client, north, south, alice, network, live_match):
    Match.objects.filter(pk=live_match.pk).update(
        started_on=timezone.localdate() - timedelta(days=60))
    end = (timezone.localdate().replace(day=1) - timedelta(days=1))
    start = end - timedelta(days=120)
    client.force_login(alice)
    url = f"/evaluation/north/?start={start.isoformat()}&end={end.isoformat()}"

    def page():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        import re

        text = response.content.decode()
        # The figures (numbers in table cells), not the bits that change each request.
        return re.findall(r"<td[^>]*>\s*([\d<][^<]*)</td>", text)

    before = page()
    _consent(live_match.family, south, alice)
    services.household_transfer(household=live_match.family, to_programme=south,
                                postcode="1000", by=alice)
    assert page() == before


def test_a_volunteer_household_moves_likewise(north, south, alice, charlie, network,
                                              live_match):
    victor = live_match.volunteer
    _consent(victor, south, alice)
    transfer = services.household_transfer(household=victor, to_programme=south,
                                           postcode="1000", by=alice)
    new = transfer.new_volunteer
    assert new.programme == south and new.status == "applied"
    assert (new.contact_first_name, new.contact_last_name) == ("Victor", "")
    assert new.languages == victor.languages and new.availability == ["wed-pm"]
    assert new.offers == ["homework"] and new.members.count() == 0
    assert (new.phone, new.email) == ("+32470112233", "victor.home@example.org")
    assert new.motivation == "" and new.exception_reason == ""
    # Its login goes with it (it agreed to be contacted): the same account, still active.
    assert new.user.email == "victor@example.org" and new.user.is_active
    assert not new.training_registrations.exists()  # trainings are the new programme's
    live_match.refresh_from_db()
    assert live_match.end_reason == "moved"
    # The family stays and waits again; it is told.
    family = live_match.family
    family.refresh_from_db()
    assert family.status == "waiting"
    assert Message.objects.get(family=family, template="transfers/email/partner_moved.txt")
    victor.refresh_from_db()
    assert victor.status == "left" and victor.archived and victor.user_id is None
    assert victor.contact_first_name == "—"


def test_without_consent_to_be_contacted_a_volunteer_login_is_not_kept(
        north, south, alice, network, victor):
    user = victor.user
    _consent(victor, south, alice, contact=False)
    transfer = services.household_transfer(household=victor, to_programme=south,
                                           postcode="1000", by=alice)
    assert transfer.new_volunteer.user_id is None
    user.refresh_from_db()
    assert not user.is_active and user.email.startswith("erased-")


# --- Refusals: each names its field, nothing is written ---------------------------------------

def _nothing_written(south, before: int) -> None:
    assert _south_families(south).count() == before
    assert not Transfer.objects.filter(status="done").exists()


def test_a_move_without_consent_is_refused(north, south, alice, network, family):
    with pytest.raises(ValidationError) as caught:
        services.household_transfer(household=family, to_programme=south, postcode="1000",
                                    by=alice)
    assert "consent_transfer" in caught.value.message_dict
    _nothing_written(south, 0)
    family.refresh_from_db()
    assert family.contact_first_name == "Amina" and not family.archived


@pytest.mark.parametrize(("ticked", "field"), [
    ({"transfer": False, "matching": True}, "consent_transfer"),
    ({"transfer": True, "matching": False}, "consent_matching"),
])
def test_a_consent_without_a_required_purpose_is_refused(north, south, alice, network, family,
                                                         ticked, field):
    with pytest.raises(ValidationError) as caught:
        services.transfer_consent_record(household=family, to_programme=south, contact=True,
                                         by=alice, **ticked)
    assert field in caught.value.message_dict
    assert not Transfer.objects.exists() and not family.consents.exists()


def test_a_withdrawn_consent_stops_the_move(north, south, alice, network, family):
    from voisins.privacy.services import consent_withdraw

    record = _consent(family, south, alice)
    consent_withdraw(consent=record.consent_transfer)
    with pytest.raises(ValidationError) as caught:
        services.household_transfer(household=family, to_programme=south, postcode="1000",
                                    by=alice)
    assert "consent_transfer" in caught.value.message_dict
    _nothing_written(south, 0)


def test_a_programme_outside_every_common_network_is_refused(north, south, alice, network,
                                                             family):
    east = programme_create(name="Voisins Est", slug="east")
    for call in (lambda: _consent(family, east, alice),
                 lambda: services.household_transfer(household=family, to_programme=east,
                                                     postcode="1000", by=alice)):
        with pytest.raises(ValidationError) as caught:
            call()
        assert "to_programme" in caught.value.message_dict
    assert not Transfer.objects.exists()


def test_a_programme_that_left_the_network_is_refused(north, south, alice, network, family):
    from voisins.networks.services import member_leave

    _consent(family, south, alice)
    member_leave(member=network.members.get(programme=south))
    with pytest.raises(ValidationError) as caught:
        services.household_transfer(household=family, to_programme=south, postcode="1000",
                                    by=alice)
    assert "to_programme" in caught.value.message_dict
    _nothing_written(south, 0)


def test_a_household_moves_once(north, south, alice, network, family):
    _consent(family, south, alice)
    services.household_transfer(household=family, to_programme=south, postcode="1000",
                                by=alice)
    with pytest.raises(ValidationError) as caught:
        _consent(family, south, alice)
    assert "household" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.household_transfer(household=family, to_programme=south, postcode="1000",
                                    by=alice)
    assert "household" in caught.value.message_dict
    assert _south_families(south).count() == 1


@pytest.mark.parametrize("who", ["bob", "charlie", "nobody"])
def test_only_a_coordinator_of_the_old_programme_moves_it(north, south, alice, network,
                                                          family, who, request):
    by = None if who == "nobody" else request.getfixturevalue(who)
    with pytest.raises(ValidationError) as caught:
        services.transfer_consent_record(household=family, to_programme=south, transfer=True,
                                         matching=True, contact=True, by=by)
    assert "by" in caught.value.message_dict
    _consent(family, south, alice)
    with pytest.raises(ValidationError) as caught:
        services.household_transfer(household=family, to_programme=south, postcode="1000",
                                    by=by)
    assert "by" in caught.value.message_dict
    _nothing_written(south, 0)


def test_a_bad_postcode_writes_nothing_at_all(north, south, alice, network, live_match):
    family = live_match.family
    _consent(family, south, alice)
    with pytest.raises(ValidationError) as caught:
        services.household_transfer(household=family, to_programme=south, postcode="99999",
                                    by=alice)
    assert "postcode" in caught.value.message_dict
    _nothing_written(south, 0)
    live_match.refresh_from_db()
    family.refresh_from_db()
    assert live_match.status != "ended" and family.contact_first_name == "Amina"
    assert not Erasure.objects.exists()
    assert not Message.objects.filter(template__startswith="transfers/").exists()


def test_the_page_shows_a_refusal_on_its_field(client, north, south, alice, network, family):
    client.force_login(alice)
    url = f"/transfers/north/families/{family.pk}/"
    response = client.post(url, {"action": "consent", "consent-to_programme": south.pk,
                                 "consent-consent_matching": "on"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "consent_transfer" in response.context["consent_form"].errors
    assert b"Without the household&#x27;s consent" in response.content
    response = client.post(url, {"action": "move", "move-to_programme": south.pk,
                                 "move-postcode": "1000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and b"No consent of the household" in response.content
    assert _south_families(south).count() == 0


def test_the_page_is_404_for_anyone_but_the_old_programme_coordinator(client, north, south,
                                                                      bob, charlie, family):
    for user in (bob, charlie):
        client.force_login(user)
        assert client.get(f"/transfers/north/families/{family.pk}/").status_code == 404
    client.force_login(charlie)
    assert client.get(f"/transfers/south/families/{family.pk}/").status_code == 404


def test_a_programme_in_no_network_says_so(client, north, alice, family):
    client.force_login(alice)
    response = client.get(f"/transfers/north/families/{family.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert b"shares no network" in response.content


# --- Privacy duties -----------------------------------------------------------------------------

def test_the_moves_are_in_both_households_exports(north, south, alice, network, family):
    from voisins.gdpr.selectors import household_export

    _consent(family, south, alice)
    new = services.household_transfer(household=family, to_programme=south, postcode="1000",
                                      by=alice).new_family
    out = household_export(family)["transfers"]
    assert [(t["direction"], t["to_programme"], t["status"]) for t in out] == [
        ("out", "Voisins Sud", "done")]
    assert household_export(new)["transfers"][0]["direction"] == "in"
    assert "Hassan" not in repr(out)  # who spoke is in the consents, blanked on erasure


def test_erasing_a_household_cancels_a_move_it_did_not_make(north, south, alice, network,
                                                             family):
    from voisins.gdpr.services import household_erase

    record = _consent(family, south, alice)
    household_erase(household=family, by=alice)
    record.refresh_from_db()
    assert record.status == "cancelled"
    # The consent records stay (the erasure keeps every consent for the figures), without
    # who spoke for the family.
    assert set(family.consents.values_list("given_by_name", flat=True)) == {""}
    with pytest.raises(ValidationError):
        services.household_transfer(household=family, to_programme=south, postcode="1000",
                                    by=alice)


def test_a_new_consent_replaces_one_for_another_programme(north, south, alice, network,
                                                          family):
    from voisins.networks.services import member_join

    west = programme_create(name="Voisins Ouest", slug="west")
    member_join(network=network, programme=west, by=staff_member("Wendy", west,
                                                                  Role.COORDINATOR))
    first = _consent(family, south, alice)
    second = _consent(family, west, alice)
    first.refresh_from_db()
    assert first.status == "cancelled" and second.status == "consented"
    with pytest.raises(ValidationError):
        services.household_transfer(household=family, to_programme=south, postcode="1000",
                                    by=alice)
    transfer = services.household_transfer(household=family, to_programme=west,
                                           postcode="1000", by=alice)
    assert transfer.new_family.programme == west


def test_the_demo_moves_one_waiting_family(north, south, alice, network):
    from voisins.transfers.demo import demo

    family_create(programme=north, **family_data())
    transfer = demo(from_programme=north, to_programme=south, by=alice)
    assert transfer.status == "done" and transfer.new_family.programme == south
    assert transfer.new_family.consents.filter(purpose="matching").exists()
