"""The volunteers' information note (issue 18, item 1): versions written from the
template of the legal status in every language, acknowledged once per version, never
edited, a superseded version refused; who has not acknowledged the current one."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.conftest import volunteer_data
from tests.volunteering.conftest import NOTE
from voisins.households.services import volunteer_create
from voisins.volunteering import hooks, selectors
from voisins.volunteering.models import Acknowledgement
from voisins.volunteering.services import (
    information_note_publish,
    note_acknowledge,
    note_receive,
)
from voisins.volunteering.texts import INSURANCE, note_text


def test_a_note_is_written_in_every_language_with_the_organisations_details(note):
    assert note.version == 1
    assert set(note.texts) == {"fr", "nl", "en", "ar", "uk"}
    for text in note.texts.values():
        assert "Voisins du Nord" in text and "0456.789.123" in text
        assert "Mettre en contact des voisins." in text and INSURANCE in text
        assert "458" in text  # the duty of discretion, with its article
    assert "3 July 2005" in note.texts["en"]
    assert "ASBL/VZW" in note.texts["fr"]


def test_the_note_shows_the_policy_in_force_or_says_plainly_there_is_none(note, policy):
    text, language = note_text(note, "en", [policy])
    assert language == "en"
    assert "Ethias, policy 45.1: civil liability, bodily accidents" in text
    text, _language = note_text(note, "en", [])
    assert "No insurance policy in force" in text


def test_a_de_facto_association_names_its_persons_in_charge_and_their_liability(north):
    with pytest.raises(ValidationError) as exc:
        information_note_publish(programme=north, **{**NOTE, "legal_status": "de_facto"})
    assert "responsible_persons" in exc.value.message_dict
    note = information_note_publish(programme=north, **{
        **NOTE, "legal_status": "de_facto", "responsible_persons": "Jan and Fatima"})
    assert "Jan and Fatima" in note.texts["en"]
    assert "held liable personally" in note.texts["en"]


def test_bad_details_are_refused_naming_the_field(north):
    cases = [({"enterprise_number": "12"}, "enterprise_number"),
             ({"legal_status": "company"}, "legal_status"),
             ({"expenses_regime": "both"}, "expenses_regime"),
             ({"aim": ""}, "aim"), ({"organisation_name": " "}, "organisation_name")]
    for change, field in cases:
        with pytest.raises(ValidationError) as exc:
            information_note_publish(programme=north, **{**NOTE, **change})
        assert field in exc.value.message_dict, change
    assert not north.information_notes.exists()


def test_versions_follow_each_other_and_never_overlap(north, note):
    second = information_note_publish(programme=north, **NOTE)
    assert second.version == 2
    assert selectors.current_note(north) == second
    with pytest.raises(ValidationError) as exc:
        information_note_publish(programme=north, published_at=note.published_at, **NOTE)
    assert "published_at" in exc.value.message_dict


def test_a_household_acknowledges_the_current_version_once(north, note, volunteer):
    receipt = note_receive(note=note, volunteer=volunteer, channel="link")
    assert receipt.acknowledged_at is None
    ack = note_acknowledge(note=note, volunteer=volunteer, channel="link")
    assert ack.pk == receipt.pk and ack.acknowledged_at >= ack.received_at
    with pytest.raises(ValidationError) as exc:
        note_acknowledge(note=note, volunteer=volunteer, channel="portal")
    assert "already acknowledged" in exc.value.message_dict["note"][0]
    ack.refresh_from_db()
    assert ack.channel == "link"


def test_a_superseded_version_is_refused_with_the_reason(north, note, volunteer):
    information_note_publish(programme=north, **NOTE)
    with pytest.raises(ValidationError) as exc:
        note_acknowledge(note=note, volunteer=volunteer, channel="link")
    assert "superseded by version 2" in exc.value.message_dict["note"][0]
    assert not Acknowledgement.objects.filter(acknowledged_at__isnull=False).exists()


def test_a_version_not_published_yet_cannot_be_acknowledged(north, volunteer):
    later = information_note_publish(programme=north, published_at=timezone.now()
                                     + timedelta(days=3), **NOTE)
    with pytest.raises(ValidationError) as exc:
        note_acknowledge(note=later, volunteer=volunteer, channel="link")
    assert "note" in exc.value.message_dict


def test_a_household_of_another_programme_cannot_acknowledge(south, note):
    other = volunteer_create(programme=south, **volunteer_data())
    with pytest.raises(ValidationError) as exc:
        note_acknowledge(note=note, volunteer=other, channel="link")
    assert "volunteer" in exc.value.message_dict


def test_on_paper_the_day_it_was_signed_is_checked(note, volunteer, alice):
    today = timezone.localdate()
    for day, words in [(None, "Give the day"), (today + timedelta(days=1), "future"),
                       (today - timedelta(days=30), "cannot have been signed before")]:
        with pytest.raises(ValidationError) as exc:
            note_acknowledge(note=note, volunteer=volunteer, channel="paper", by=alice,
                             acknowledged_on=day)
        assert words in exc.value.message_dict["acknowledged_on"][0]
    ack = note_acknowledge(note=note, volunteer=volunteer, channel="paper", by=alice,
                           acknowledged_on=today - timedelta(days=2))
    assert ack.recorded_by == alice
    assert timezone.localdate(ack.acknowledged_at) == today - timedelta(days=2)


def test_the_coordinator_sees_who_has_not_acknowledged(north, note, volunteer, victor):
    applied = volunteer_create(programme=north, **volunteer_data(
        contact_first_name="Nina", status="applied"))
    assert set(selectors.unacknowledged(north)) == {volunteer, victor}
    note_acknowledge(note=note, volunteer=victor, channel="portal")
    assert list(selectors.unacknowledged(north)) == [volunteer]
    assert selectors.unacknowledged_count(north) == 1
    assert applied not in selectors.unacknowledged(north)
    # A new version asks everyone again.
    information_note_publish(programme=north, **NOTE)
    assert selectors.unacknowledged_count(north) == 2


def test_without_a_note_nobody_is_counted(north, volunteer):
    assert selectors.unacknowledged_count(north) is None


def test_the_expenses_app_gives_the_regime_when_it_keeps_one(north, monkeypatch):
    monkeypatch.setattr(hooks, "_SOURCES", [])
    hooks.register_expenses_regime(lambda programme, day: "real")
    note = information_note_publish(programme=north, **NOTE)  # the form said "flat"
    assert note.expenses_regime == "real"
    assert "real expenses" in note.texts["en"]


def test_the_households_data_export_holds_the_notes_it_acknowledged(north, note, volunteer):
    from voisins.gdpr.selectors import household_export

    note_acknowledge(note=note, volunteer=volunteer, channel="link")
    [entry] = household_export(volunteer)["information_note"]
    assert entry["version"] == note.version and entry["how"] == "link"
    assert entry["acknowledged_at"]
