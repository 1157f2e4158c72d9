"""Group messages (issue 15, item 6): a coordinator chooses a group of households by
filters, writes once per language with placeholders, previews who gets what through which
channel, and sends through the queue; bad input is refused naming the field, with nothing
queued."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import family_data, volunteer_data
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.services import family_create, volunteer_create
from voisins.messaging import services, sms
from voisins.messaging.models import GroupMessage, Message
from voisins.messaging.selectors import group_delivery
from voisins.staff.group_selectors import group_households

MOBILE = "+32470123456"
NEW = reverse("staff:group_message_new", args=["north"])


@pytest.fixture(autouse=True)
def _english(alice):
    from django.utils import translation

    sms.outbox.clear()
    alice.language = "en"
    alice.save()
    with translation.override("en"):
        yield


def _volunteer(north, name, **fields):
    return volunteer_create(programme=north, **volunteer_data(contact_first_name=name,
                                                              **fields))


@pytest.fixture
def schaerbeek(north):
    """Three volunteer households of 1030 (French by e-mail, Dutch by SMS, one without
    any channel) and one of 1000."""
    return {
        "marie": _volunteer(north, "Marie", email="marie@example.org", locality="Schaerbeek"),
        "jan": _volunteer(north, "Jan", phone=MOBILE, locality="Schaerbeek",
                          languages=[{"code": "nl", "level": "native"}]),
        "paul": _volunteer(north, "Paul", locality="Schaerbeek"),
        "lea": _volunteer(north, "Léa", email="lea@example.org", postcode="1000",
                          locality="Bruxelles"),
    }


def _form(**fields):
    data = {"audience": "volunteers", "about": "news", "postcodes": "1030",
            "text_fr": "Bonjour {first_name}, {programme} organise un pique-nique.",
            "text_nl": "Dag {first_name}, {programme} houdt een picknick.",
            "action": "preview"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def _post(client, alice, **fields):
    client.force_login(alice)
    return client.post(NEW, _form(**fields))


# --- Choosing the group ---------------------------------------------------------------------

def test_volunteers_are_chosen_by_postcode_commune_status_and_training(north, schaerbeek):
    by_postcode = group_households(programme=north, audience="volunteers", postcodes=["1030"])
    assert {h.contact_first_name for h in by_postcode} == {"Marie", "Jan", "Paul"}
    by_commune = group_households(programme=north, audience="volunteers",
                                  locality="bruxelles")
    assert [h.contact_first_name for h in by_commune] == ["Léa"]
    VolunteerHousehold.objects.filter(pk=schaerbeek["jan"].pk).update(status="applied")
    available = group_households(programme=north, audience="volunteers",
                                 statuses=["available"], postcodes=["1030"])
    assert {h.contact_first_name for h in available} == {"Marie", "Paul"}


def test_training_done_keeps_those_who_completed_the_required_training(north, schaerbeek):
    from voisins.training.models import TrainingModule

    TrainingModule.objects.create(programme=north, title="Welcome", required=True)
    assert group_households(programme=north, audience="volunteers", trained=True) == []


def test_a_live_match_brings_both_households(north, live_match, schaerbeek):
    group = group_households(programme=north, audience="matched")
    assert {(type(h).__name__, h.pk) for h in group} == {
        ("VolunteerHousehold", live_match.volunteer_id), ("FamilyHousehold", live_match.family_id)}


def test_an_overdue_check_in_brings_the_household_of_its_side(north, live_match):
    from datetime import timedelta

    from django.utils import timezone

    from voisins.matches.models import CheckIn, Match

    Match.objects.filter(pk=live_match.pk).update(status="active")
    CheckIn.objects.create(match=live_match, side="family", day_offset=14,
                           due_on=timezone.localdate() - timedelta(days=3))
    group = group_households(programme=north, audience="checkin_overdue")
    assert [(type(h).__name__, h.pk) for h in group] == [("FamilyHousehold",
                                                          live_match.family_id)]


def test_event_invitees_are_the_households_of_the_invited_accounts(north, victor, alice):
    from datetime import timedelta

    from django.utils import timezone

    from voisins.community.models import Event, Invitation

    start = timezone.now() + timedelta(days=7)
    event = Event.objects.create(programme=north, kind="other", title="Iftar", place="Hall",
                                 starts_at=start, ends_at=start + timedelta(hours=2))
    Invitation.objects.create(event=event, user=victor.user)
    Invitation.objects.create(event=event, user=alice)  # staff: no household
    assert group_households(programme=north, audience="event", event=event) == [victor]
    # Households invited without an account are invitees too (issue 15: invitations
    # reach households without an account).
    family = family_create(programme=north, **family_data(phone=MOBILE))
    Invitation.objects.create(event=event, family=family)
    assert group_households(programme=north, audience="event", event=event) == [victor,
                                                                                family]


# --- Preview --------------------------------------------------------------------------------

def test_the_preview_shows_who_gets_what_through_which_channel(client, alice, schaerbeek):
    VolunteerHousehold.objects.filter(pk=schaerbeek["paul"].pk).update(
        news_opt_out=True, email="paul@example.org")
    response = _post(client, alice)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.counts == {("email", "fr"): 1, ("sms", "nl"): 1}
    assert [h.contact_first_name for h in plan.opted_out] == ["Paul"]
    page = response.content.decode()
    assert "Bonjour Marie, Voisins Nord organise un pique-nique." in page
    assert "Dag Jan, Voisins Nord houdt een picknick." in page
    assert "Households that asked for no news and do not get this message: 1." in page
    assert "Send to the group (2 households)" in page
    assert not Message.objects.exists() and not GroupMessage.objects.exists()


def test_a_household_whose_language_has_no_text_gets_the_programmes(client, alice,
                                                                   schaerbeek):
    response = _post(client, alice, text_nl="")
    assert response.context["plan"].counts == {("email", "fr"): 1, ("sms", "fr"): 1,
                                                  ("phone", "fr"): 1}


def test_the_preview_is_audited(client, alice, schaerbeek):
    from auditlog.models import LogEntry

    _post(client, alice)
    entry = LogEntry.objects.filter(additional_data__via="group_message").get()
    assert f"volunteerhousehold #{schaerbeek['marie'].pk}" in entry.additional_data["records"]


# --- Sending --------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_sending_queues_one_message_each_with_a_shared_group_and_they_go_out(
        client, alice, schaerbeek):
    from voisins.familypages.services import household_link_resolve

    response = _post(client, alice, action="send",
                     text_fr="Bonjour {first_name}, votre page : {link}")
    group = GroupMessage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:group_message", args=["north", group.pk])
    messages = Message.objects.filter(group_id=group.pk)
    assert {(m.volunteer.contact_first_name, m.channel, m.state) for m in messages} == {
        ("Marie", "email", "sent"), ("Jan", "sms", "sent"), ("Paul", "phone", "to_call")}
    [email] = mail.outbox
    assert email.to == ["marie@example.org"]
    assert email.subject == "Un message de Voisins Nord"
    assert "Bonjour Marie, votre page : http" in email.body and "Voisins Nord" in email.body
    token = email.body.split("/v/")[1].split("/")[0]
    assert household_link_resolve(token=token, kind="volunteer").household == \
        schaerbeek["marie"]
    [text] = sms.outbox
    assert text.to == MOBILE and text.body == "Dag Jan, Voisins Nord houdt een picknick."
    assert group.recipients == 3 and group.created_by == alice
    detail = client.get(response["Location"])
    assert detail.context["delivery"]["sent"] == 2
    assert detail.context["delivery"]["to_call"] == 1


def test_news_leaves_out_those_who_opted_out_but_a_match_message_does_not(
        north, alice, live_match):
    victor = live_match.volunteer
    VolunteerHousehold.objects.filter(pk=victor.pk).update(news_opt_out=True)
    group = group_households(programme=north, audience="matched")
    texts = {"fr": "Bonjour {first_name}"}
    news = services.group_message_send(programme=north, purpose="news", texts=texts,
                                       households=group, description="matched", by=alice)
    assert news.opted_out == 1
    assert not Message.objects.filter(group_id=news.pk, volunteer=victor).exists()
    about_match = services.group_message_send(programme=north, purpose="match", texts=texts,
                                              households=group, description="matched",
                                              by=alice)
    assert about_match.opted_out == 0
    assert Message.objects.filter(group_id=about_match.pk, volunteer=victor).exists()


def test_the_bulk_path_hands_the_messages_to_the_worker_in_chunks(
        north, alice, django_capture_on_commit_callbacks):
    from unittest import mock

    FamilyHousehold.objects.bulk_create([
        FamilyHousehold(programme=north, contact_first_name=f"F{i}", phone=f"+3247{i:07d}",
                        postcode="1030", lat=50.86, lon=4.38,
                        languages=[{"code": "fr", "level": "native"}]) for i in range(250)])
    households = list(FamilyHousehold.objects.select_related("programme"))
    with mock.patch("voisins.background.enqueue") as enqueue, \
            django_capture_on_commit_callbacks(execute=True):
        group = services.group_message_send(programme=north, purpose="news",
                                            texts={"fr": "Bonjour {first_name}"},
                                            households=households, description="all")
    assert {call.args[0] for call in enqueue.call_args_list} == {
        "voisins.messaging.tasks.deliver_messages"}
    chunks = [call.args[1] for call in enqueue.call_args_list]
    assert [len(c) for c in chunks] == [100, 100, 50]
    assert sorted(pk for c in chunks for pk in c) == sorted(
        Message.objects.filter(group_id=group.pk).values_list("pk", flat=True))


def test_a_failed_group_message_is_retried_like_any_other(north, alice, schaerbeek):
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    group = services.group_message_send(
        programme=north, purpose="news", texts={"fr": "Bonjour"}, description="one",
        households=[schaerbeek["marie"]])
    message = Message.objects.get(group_id=group.pk)
    # Written in bulk, the row is what a single message's would be.
    assert (message.programme, message.volunteer, message.purpose, message.state,
            message.attempts, message.language) == (north, schaerbeek["marie"], "news",
                                                    "queued", 0, "fr")
    assert abs((message.created_at - timezone.now()).total_seconds()) < 60
    assert message.next_attempt_at == message.created_at
    with mock.patch("voisins.messaging.services.EmailMessage.send", side_effect=OSError):
        assert not services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("queued", 1)
    later = timezone.now() + timedelta(minutes=5)
    assert services.messages_retry_due(now=later) == 1
    message.refresh_from_db()
    assert message.state == "sent" and message.context == {}
    assert group_delivery(group)["sent"] == 1


# --- Bad input ------------------------------------------------------------------------------

def _refused(response, field):
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not Message.objects.exists() and not GroupMessage.objects.exists()
    return " ".join(response.context["form"].errors[field])


@pytest.mark.parametrize("action", ["preview", "send"])
def test_an_empty_group_is_refused(client, alice, schaerbeek, action):
    text = _refused(_post(client, alice, postcodes="9999", action=action), "audience")
    assert text == "No household is in this group."


def test_an_unknown_status_is_refused(client, alice, schaerbeek):
    _refused(_post(client, alice, statuses="retired", action="send"), "statuses")


def test_an_unknown_audience_is_refused(client, alice, schaerbeek):
    _refused(_post(client, alice, audience="everyone", action="send"), "audience")


def test_an_event_of_another_programme_is_refused(client, alice, south):
    from datetime import timedelta

    from django.utils import timezone

    from voisins.community.models import Event

    start = timezone.now()
    other = Event.objects.create(programme=south, kind="other", title="Elsewhere",
                                 place="Hall", starts_at=start,
                                 ends_at=start + timedelta(hours=1))
    _refused(_post(client, alice, audience="event", about="event", postcodes="",
                   event=str(other.pk), action="send"), "event")


def test_a_bad_postcode_is_refused(client, alice, schaerbeek):
    assert "is not a postcode" in _refused(_post(client, alice, postcodes="<b>", action="send"),
                                           "postcodes")


def test_a_match_message_to_volunteers_at_large_is_refused(client, alice, schaerbeek):
    _refused(_post(client, alice, about="match", action="send"), "about")


@pytest.mark.parametrize("action", ["preview", "send"])
def test_an_unknown_placeholder_is_refused_naming_the_text(client, alice, schaerbeek, action):
    text = _refused(_post(client, alice, text_nl="Dag {naam}", action=action), "text_nl")
    assert "{naam}" in text


def test_an_open_brace_is_refused(client, alice, schaerbeek):
    _refused(_post(client, alice, text_fr="Bonjour {first_name", action="send"), "text_fr")


def test_the_programmes_language_is_required(client, alice, schaerbeek):
    _refused(_post(client, alice, text_fr="", action="send"), "text_fr")


def test_a_text_too_long_for_two_sms_is_refused_when_someone_gets_it_by_sms(
        client, alice, schaerbeek):
    long_nl = "Dag {first_name}, " + "lang bericht " * 30
    text = _refused(_post(client, alice, text_nl=long_nl, action="send"), "text_nl")
    assert "Too long for an SMS: 3 segments (GSM-7)" in text
    # Nobody gets French by SMS: a long French text is fine.
    response = _post(client, alice, text_fr="Bonjour " + "long message " * 30)
    assert response.status_code == 200


def test_a_name_in_another_alphabet_counts_for_the_whole_sms(north, alice):
    """A French text that fits two GSM-7 SMS needs three once a Cyrillic first name turns
    it into UCS-2: refused in the preview, not cut down at sending (a first user saw the
    coordinator's words dropped from two of 25 SMS)."""
    from voisins.messaging.selectors import group_plan

    north.languages = ["fr"]
    latin = family_create(programme=north, **family_data(
        phone=MOBILE, contact_first_name="Marie-Christine"))
    cyrillic = family_create(programme=north, **family_data(  # a shorter name
        phone="+32470112234", contact_first_name="Ліна"))
    text = "Bonjour {first_name}, " + "la fete du quartier a lieu samedi. " * 4
    plan = group_plan(programme=north, purpose="news", texts={"fr": text},
                      households=[latin])
    assert "text_fr" not in plan.errors and plan.samples["fr"]["encoding"] == "GSM-7"
    plan = group_plan(programme=north, purpose="news", texts={"fr": text},
                      households=[latin, cyrillic])
    assert plan.samples["fr"]["encoding"] == "UCS-2"
    assert "text_fr" in plan.errors


def test_ukrainian_counts_as_ucs2(north, alice):
    from voisins.messaging.selectors import group_plan

    north.languages = ["uk"]
    family = family_create(programme=north, **family_data(phone=MOBILE, page_language="uk"))
    plan = group_plan(programme=north, purpose="news", texts={"uk": "Привіт " * 20},
                      households=[family])
    assert plan.samples["uk"]["encoding"] == "UCS-2"
    assert "text_uk" in plan.errors


# --- Who may ---------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["bob", "rita", "vera", "charlie"])
def test_only_the_programmes_coordinators_write_to_groups(client, who, request, schaerbeek):
    client.force_login(request.getfixturevalue(who))
    for url in (NEW, reverse("staff:group_messages", args=["north"])):
        assert client.get(url).status_code == 404
    assert client.post(NEW, _form(action="send")).status_code == 404
    assert not Message.objects.exists()


def test_a_group_of_another_programme_is_not_found(client, charlie, alice, schaerbeek, north):
    group = services.group_message_send(programme=north, purpose="news",
                                        texts={"fr": "Bonjour"}, description="x",
                                        households=[schaerbeek["marie"]])
    client.force_login(charlie)
    assert client.get(reverse("staff:group_message", args=["north", group.pk])
                      ).status_code == 404
    assert client.get(reverse("staff:group_message", args=["south", group.pk])
                      ).status_code == 404


# --- Cost -------------------------------------------------------------------------------------

def _send_queries(client, alice, django_assert_max_num_queries, north, n, budget):
    for i in range(n):
        _volunteer(north, f"V{i}", email=f"v{i}@example.org", postcode="1040")
    client.force_login(alice)
    with django_assert_max_num_queries(budget):
        response = client.post(NEW, _form(postcodes="1040", action="send"))
    assert response.status_code == 302
    return Message.objects.filter(volunteer__postcode="1040").count()


@pytest.mark.parametrize("n", [3, 60])
def test_sending_costs_the_same_queries_for_3_or_60_households(
        client, alice, north, django_assert_max_num_queries, n):
    # The group's read, the checks of one row per channel and language, the inserts, the
    # ids of the queued messages, the counts: none of it per household.
    assert _send_queries(client, alice, django_assert_max_num_queries, north, n, 22) == n


def test_the_list_shows_the_groups_written(client, alice, north, schaerbeek):
    services.group_message_send(programme=north, purpose="news", texts={"fr": "Bonjour"},
                                description="Ménages bénévoles · 1030", by=alice,
                                households=[schaerbeek["marie"]])
    client.force_login(alice)
    page = client.get(reverse("staff:group_messages", args=["north"])).content.decode()
    assert "Ménages bénévoles · 1030" in page
