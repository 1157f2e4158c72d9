"""The to-call list: households that Voisins cannot reach by e-mail or SMS, why they must be
phoned, in which language, and what the coordinator heard; and the printed letters."""

import pytest
from django.urls import reverse

from voisins.households.services import household_update
from voisins.matches.models import Proposal
from voisins.messaging.models import Message
from voisins.messaging.selectors import reach_summary
from voisins.workspace.selectors import nav_counts

# The coordinator reads English; the confirmations are checked word for word.
pytestmark = pytest.mark.usefixtures("alice_reads_english")


def _page(client, user, slug="north"):
    client.force_login(user)
    return client.get(reverse("staff:to_call", args=[slug]))


def test_the_list_shows_exactly_the_programmes_messages_to_call(client, alice, family,
                                                                   sent_proposal, south_family):
    """Amina's family has no e-mail and no phone: the proposal is on the list, with its
    deadline; Victor was e-mailed and is not; the south programme's family is not."""
    from voisins.messaging.services import message_household

    message_household(household=south_family, purpose="news", subject="News",
                      template="matches/email/programme_resumed.txt", context={})
    to_call = Message.objects.get(family=family, state="to_call")
    assert to_call.purpose == "proposal"
    response = _page(client, alice)
    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert [r["message"] for r in rows] == [to_call]
    assert rows[0]["proposal"] == sent_proposal
    body = response.content.decode()
    assert "Amina" in body and "Haddad" in body and "Olena" not in body
    assert "Victor" not in body.split("<main", 1)[-1]  # e-mailed: nobody calls him
    assert "Answer before" in body


def test_the_list_says_language_and_interpreter(client, alice, family):
    """Amina speaks Arabic natively and French a little, her messages are in Arabic: the
    call is in Arabic, with an interpreter (north works in French and Dutch)."""
    from voisins.messaging.services import message_household

    type(family).objects.filter(pk=family.pk).update(message_language="ar")
    family.refresh_from_db()
    message_household(household=family, purpose="news", subject="News",
                      template="matches/email/programme_resumed.txt", context={})
    row = _page(client, alice).context["page"].object_list[0]
    assert row["language"] == "ar"
    assert row["interpreter"] is True
    household_update(household=family, changes={"languages": [
        {"code": "ar", "level": "native"}, {"code": "fr", "level": "fluent"}]}, by=alice)
    assert _page(client, alice).context["page"].object_list[0]["interpreter"] is False


def test_another_programmes_coordinator_gets_404(client, charlie, sent_proposal, family):
    client.force_login(charlie)
    message = Message.objects.get(family=family, state="to_call")
    assert client.get(reverse("staff:to_call", args=["north"])).status_code == 404
    assert client.post(reverse("staff:to_call_record", args=["south", message.pk]),
                       {"outcome": "done"}).status_code == 404
    assert client.post(reverse("staff:to_call_record", args=["north", message.pk]),
                       {"outcome": "done"}).status_code == 404
    assert client.get(reverse("staff:letter", args=["south", "families", family.pk])
                      ).status_code == 404
    message.refresh_from_db()
    assert message.state == "to_call"


@pytest.mark.parametrize("persona", ["bob", "rita", "vera"])
def test_only_roles_that_see_contact_details_open_it(client, request, persona, sent_proposal):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("staff:to_call", args=["north"])).status_code == 404
    assert client.get(reverse("staff:to_call_letters", args=["north"])).status_code == 404


def test_recording_the_answer_heard_changes_the_proposal_and_removes_the_row(
        client, alice, family, sent_proposal):
    message = Message.objects.get(family=family, state="to_call")
    client.force_login(alice)
    url = reverse("staff:to_call", args=["north"])
    response = client.post(
        reverse("matches:proposal_family_answer", args=["north", sent_proposal.pk]),
        {"answer": "yes", "reason": "", "comment": "said yes on the phone", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    sent_proposal.refresh_from_db()
    assert sent_proposal.family_answer == Proposal.Answer.ACCEPTED
    assert sent_proposal.family_answered_by == alice
    message.refresh_from_db()
    assert message.state == "called" and message.called_by == alice
    assert message.called_at is not None and message.context == {}
    assert _page(client, alice).context["page"].object_list == []


def test_an_answer_through_the_households_link_takes_it_off_the_list(alice, family,
                                                                      sent_proposal):
    """The family scanned its letter's QR code and answered itself: nobody need call;
    the message did reach it."""
    from voisins.matches.services import proposal_answer

    proposal_answer(proposal=sent_proposal, side="family", accept=True, by=None)
    message = Message.objects.get(family=family, purpose="proposal")
    assert message.state == "delivered" and message.called_by is None


def test_called_done_and_no_answer(client, alice, family, sent_proposal):
    message = Message.objects.get(family=family, state="to_call")
    client.force_login(alice)
    url = reverse("staff:to_call_record", args=["north", message.pk])
    client.post(url, {"outcome": "no_answer"})
    message.refresh_from_db()
    assert message.state == "to_call" and message.call_attempts == 1
    assert message.last_call_at is not None
    body = _page(client, alice).content.decode()
    assert "Calls without an answer: 1" in body
    client.post(url, {"outcome": "done"})
    message.refresh_from_db()
    assert message.state == "called" and message.called_by == alice
    # What Voisins says of it now is what happened.
    assert reach_summary([message]) == "The family (Amina): told by phone."
    # Twice: the second is refused with a message, nothing changes, no 500.
    response = client.post(url, {"outcome": "done"}, follow=True)
    assert response.status_code == 404 or "already" in response.content.decode()


def test_a_bad_outcome_is_refused_naming_the_field(client, alice, family, sent_proposal):
    message = Message.objects.get(family=family, state="to_call")
    client.force_login(alice)
    response = client.post(reverse("staff:to_call_record", args=["north", message.pk]),
                           {"outcome": "maybe"}, follow=True)
    assert "Outcome:" in response.content.decode()
    message.refresh_from_db()
    assert message.state == "to_call" and message.call_attempts == 0


def test_the_count_on_the_programme_page_agrees_with_the_list(client, alice, family,
                                                             sent_proposal, north):
    from voisins.mediation.services import callback_request, case_open

    case = case_open(programme=north, kind="practical", summary="Amina asks for a call",
                     opened_by="family", family=family, by=alice)
    callback_request(case=case, requested_by="family", when="Monday morning", language="ar",
                     interpreter_needed=True)
    rows = _page(client, alice).context["page"].object_list
    assert [r["kind"] for r in rows] == ["message", "callback"]  # the proposal first
    assert nav_counts(north, alice, ["to_call"]) == {"to_call": 2}
    home = client.get(reverse("staff:programme", args=["north"]))
    entry = next(i for i in home.context["shell_nav"] if i["label"] == "To call")
    assert entry["count"] == 2


def test_reading_the_list_is_audited_with_the_numbers_it_shows(client, alice, family,
                                                               sent_proposal):
    from auditlog.models import LogEntry

    _page(client, alice)
    entry = LogEntry.objects.filter(additional_data__via="to_call").get()
    assert entry.actor == alice
    assert entry.additional_data["records"] == [f"familyhousehold #{family.pk}"]
    assert "phone" in entry.additional_data["fields"]


def test_the_list_reads_the_same_number_of_rows_whatever_its_length(
        client, alice, north, django_assert_max_num_queries):
    """Households, proposals, check-ins and call-backs are read once for the page, not
    once per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import family_data
    from voisins.households.services import family_create
    from voisins.messaging.services import message_household

    def add(n):
        for i in range(n):
            family = family_create(programme=north, **family_data(contact_first_name=f"F{i}"))
            message_household(household=family, purpose="news", subject="News",
                              template="matches/email/programme_resumed.txt", context={})

    client.force_login(alice)
    add(2)
    with CaptureQueriesContext(connection) as few:
        assert len(_page(client, alice).context["page"].object_list) == 2
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(_page(client, alice).context["page"].object_list) == 12
