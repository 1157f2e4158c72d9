"""Remote mediation: who sees which case, safeguarding alerts, notes encrypted at rest,
callbacks on the mediators' list."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from voisins.mediation import services
from voisins.mediation.models import Case, CaseNote

from .conftest import make_user

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def second_coordinator(north):
    from voisins.programmes.services import membership_grant

    user = make_user("clara@example.org", language="nl")
    membership_grant(user=user, programme=north, role="coordinator")
    return user


def test_safeguarding_notifies_every_coordinator_at_once(
        live_match, alice, second_coordinator, bob, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_open(programme=live_match.programme, kind="safeguarding",
                           summary="Bruises on the child's arm.", opened_by="volunteer",
                           match=live_match)
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "clara@example.org"]
    assert all("Bruises" not in m.body for m in mail.outbox)  # the details stay on the site


def test_safeguarding_is_visible_to_coordinators_only(client, live_match, alice, bob, vera,
                                                      charlie):
    live_match.mediator = bob
    live_match.save()
    case = services.case_open(programme=live_match.programme, kind="safeguarding",
                              summary="Concern.", opened_by="staff", match=live_match)
    assert case.assigned_to is None  # not handed to the match's mediator
    with pytest.raises(ValidationError) as exc:
        services.case_assign(case=case, mediator=bob)
    assert "assigned_to" in exc.value.message_dict
    client.force_login(alice)
    assert client.get(f"/staff/north/cases/{case.pk}/").status_code == 200
    for persona in (bob, vera, charlie):
        client.force_login(persona)
        assert client.get(f"/staff/north/cases/{case.pk}/").status_code == 404
    client.force_login(bob)
    assert "Concern" not in client.get("/staff/north/cases/", **EN).content.decode()


def test_a_mediator_sees_only_the_cases_assigned_to_them(client, live_match, alice, bob):
    mine = services.case_open(programme=live_match.programme, kind="conflict",
                              summary="Argument about times.", opened_by="staff",
                              match=live_match)
    other = services.case_open(programme=live_match.programme, kind="practical",
                               summary="Other case.", opened_by="staff", match=live_match)
    services.case_assign(case=mine, mediator=bob, by=alice)
    client.force_login(bob)
    assert client.get(f"/staff/north/cases/{mine.pk}/").status_code == 200
    assert client.get(f"/staff/north/cases/{other.pk}/").status_code == 404
    client.post(f"/staff/north/cases/{mine.pk}/note/",
                {"kind": "call", "text": "Listened for a while.", "call_minutes": "20",
                 "call_language": "fr"}, **EN)
    assert mine.notes.get().call_minutes == 20


def test_notes_are_encrypted_at_rest(live_match, alice):
    case = services.case_open(programme=live_match.programme, kind="misunderstanding",
                              summary="SECRET-SUMMARY", opened_by="staff", match=live_match)
    services.case_add_note(case=case, text="SECRET-NOTE", by=alice)
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM mediation_case WHERE id = %s", [case.pk])
        raw_summary = cursor.fetchone()[0]
        cursor.execute("SELECT text FROM mediation_casenote WHERE case_id = %s", [case.pk])
        raw_note = cursor.fetchone()[0]
    assert "SECRET" not in raw_summary and "SECRET" not in raw_note
    assert Case.objects.get(pk=case.pk).summary == "SECRET-SUMMARY"
    assert CaseNote.objects.get(case=case).text == "SECRET-NOTE"


def test_a_family_asks_to_be_called_back_from_its_page(client, family, alice,
                                                       django_capture_on_commit_callbacks):
    from voisins.familypages.links import family_link_token
    from voisins.familypages.services import family_link_create

    token = family_link_token(family_link_create(family=family))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/f/{token}/help/", {
            "kind": "practical", "callback": "on", "when": "mornings", "language": "ar",
            "interpreter_needed": "on"})
    assert response.status_code == 302
    case = Case.objects.get(family=family)
    assert case.opened_by == "family"
    callback = case.callbacks.get()
    assert callback.language == "ar" and callback.interpreter_needed
    client.force_login(alice)
    page = client.get("/staff/north/cases/", **EN).content.decode()
    assert "mornings" in page and "interpreter needed" in page


def test_asking_for_a_callback_without_saying_when_is_refused(client, family):
    from voisins.familypages.links import family_link_token
    from voisins.familypages.services import family_link_create

    token = family_link_token(family_link_create(family=family))
    client.post(f"/f/{token}/help/", {"kind": "practical", "callback": "on", "language": "ar"})
    assert not Case.objects.exists()


def test_a_resolved_case_cannot_be_resolved_again(live_match, alice):
    case = services.case_open(programme=live_match.programme, kind="conflict", summary="x",
                              opened_by="staff")
    services.case_resolve(case=case, resolution="Talked it through.", by=alice)
    with pytest.raises(ValidationError):
        services.case_resolve(case=case, resolution="again", by=alice)
    case.refresh_from_db()
    assert case.resolution == "Talked it through."


def test_a_mediator_opening_a_safeguarding_case_on_the_page_hands_it_to_coordinators(
        client, bob, alice):
    client.force_login(bob)
    response = client.post("/staff/north/cases/new/", {"kind": "safeguarding",
                                                       "summary": "A child seems afraid."})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.assigned_to is None
    client.force_login(alice)
    assert client.get(f"/staff/north/cases/{case.pk}/").status_code == 200


def test_a_mediator_keeps_sight_of_a_case_opened_on_the_page(client, bob):
    client.force_login(bob)
    client.post("/staff/north/cases/new/", {"kind": "other", "summary": "A call."})
    case = Case.objects.get()
    assert case.assigned_to == bob
    assert client.get(f"/staff/north/cases/{case.pk}/").status_code == 200
