"""Issue 15, item 7: a proposal's message carries the coordinator's words and the
association's name and phone number, in every channel: the e-mail, the SMS (GSM-7 and
UCS-2), and the text a coordinator reads out or prints for a household with no digital
channel (a "to call" message, rendered as its letter)."""

import pytest
from django.core import mail

from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.matches.services import proposal_send
from voisins.messaging import rendering, sms
from voisins.messaging.models import Message
from voisins.messaging.segments import count_segments

NOTE = "Victor loves football, like your son."
SIGNATURE = "Convivial - Voisins Solidaires"
PHONE_SHOWN = "+32 2 512 34 56"


@pytest.fixture(autouse=True)
def _empty_outboxes():
    sms.outbox.clear()
    mail.outbox.clear()


@pytest.fixture
def programme(north):
    north.signature = SIGNATURE
    north.phone = "+3225123456"
    north.save()
    return north


@pytest.fixture
def send(draft_proposal, alice, django_capture_on_commit_callbacks):
    """Send the proposal with the coordinator's note; the messages go once its transaction
    commits, as in production."""
    def send(**changes):
        return _send(draft_proposal, alice, django_capture_on_commit_callbacks, **changes)
    return send


def _send(draft_proposal, alice, committing, *, family=None, volunteer=None):
    draft_proposal.note = NOTE
    draft_proposal.save()
    if family:
        FamilyHousehold.objects.filter(pk=draft_proposal.family_id).update(**family)
    if volunteer:
        VolunteerHousehold.objects.filter(pk=draft_proposal.volunteer_id).update(**volunteer)
    draft_proposal.refresh_from_db()
    with committing(execute=True):
        proposal_send(proposal=draft_proposal, by=alice)
    return draft_proposal


def test_the_proposal_email_carries_the_note_the_signature_and_the_phone(programme, send):
    send(volunteer={"message_language": "fr"},
          family={"email": "amina@example.org", "page_language": "fr"})
    assert len(mail.outbox) == 2
    for email in mail.outbox:
        assert NOTE in email.body
        assert SIGNATURE in email.body
        assert PHONE_SHOWN in email.body
        assert "L'équipe Voisins" not in email.body


def test_the_proposal_sms_in_french_carries_the_note_the_signature_and_the_phone(programme, send):
    send(family={"email": "", "phone": "+32470123456",
                                         "page_language": "fr"})
    [text] = sms.outbox
    assert f'"{NOTE}"' in text.body
    assert text.body.startswith(SIGNATURE)
    assert PHONE_SHOWN in text.body
    assert "/f/" in text.body
    assert count_segments(text.body)[1] <= rendering.MAX_SEGMENTS


def test_an_arabic_sms_too_long_for_the_note_keeps_the_signature_the_phone_and_link(
        programme, send):
    proposal = send(family={"email": "", "phone": "+32470123456", "page_language": "ar"})
    [text] = sms.outbox
    encoding, segments = count_segments(text.body)
    assert encoding == "UCS-2" or segments <= rendering.MAX_SEGMENTS
    assert segments <= rendering.MAX_SEGMENTS
    assert SIGNATURE in text.body and PHONE_SHOWN in text.body and "/f/" in text.body
    # The note did not fit: it is on the family's proposal page, which the link opens.
    message = Message.objects.get(family=proposal.family_id)
    assert message.state == Message.State.SENT


def test_the_text_for_a_household_to_call_carries_the_note_the_signature_and_phone(
        programme, send):
    proposal = send(family={"email": "", "phone": "", "page_language": "fr"})
    message = Message.objects.get(family=proposal.family_id)
    assert message.state == Message.State.TO_CALL
    _subject, letter = rendering.render(message)
    assert NOTE in letter and SIGNATURE in letter and PHONE_SHOWN in letter
    assert "/f/" in letter


def test_without_a_programme_phone_the_sms_says_no_empty_phone(north, send):
    send(family={"email": "", "phone": "+32470123456",
                                         "page_language": "fr"})
    [text] = sms.outbox
    assert "Tél" not in text.body and "Phone" not in text.body


def test_the_printed_letter_of_a_household_to_call_carries_the_note_signature_and_phone(
        programme, send):
    from voisins.staff.services import _letter_html

    proposal = send(family={"email": "", "phone": "", "page_language": "fr"})
    letter = _letter_html(FamilyHousehold.objects.get(pk=proposal.family_id))
    assert NOTE in letter
    assert SIGNATURE in letter and PHONE_SHOWN in letter
