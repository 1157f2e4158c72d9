"""The lockdown done right: while a programme is paused nothing is asked and nothing becomes
missed, the pending check-ins move by the length of the pause on resume, and every page says
that the programme is paused (households in their languages, staff by a banner).

The days pass on a simulated clock (``django.utils.timezone.now`` patched, aware times)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from voisins.familypages.links import family_link_token
from voisins.familypages.services import family_link_create
from voisins.matches import selectors, services
from voisins.matches.models import CheckIn, Match, Notification

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


class Clock:
    """The time every service reads; moved forward by days."""

    def __init__(self) -> None:
        self.now = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)

    def __call__(self):
        return self.now

    def advance(self, days: int) -> None:
        self.now += timedelta(days=days)


@pytest.fixture
def clock():
    c = Clock()
    with mock.patch("django.utils.timezone.now", c):
        yield c


@pytest.fixture
def introduced(live_match, alice, clock):
    """A match introduced 10 days ago: its first check-ins (14 days) fall due in 4 days."""
    live_match.started_on = timezone.localdate() - timedelta(days=20)
    live_match.save()
    services.introduction_plan(match=live_match, planned_at=clock.now, place="Parc", by=alice)
    return services.introduction_record(
        match=live_match, held_on=timezone.localdate() - timedelta(days=10), by=alice)


def _days(clock, n, *, capture):
    """Run the daily follow-up round for `n` simulated days."""
    for _ in range(n):
        clock.advance(1)
        with capture(execute=True):
            services.followup_run()


def test_no_checkin_is_sent_nor_missed_during_a_month_of_lockdown(
        introduced, alice, clock, django_capture_on_commit_callbacks):
    services.programme_pause_all(programme=introduced.programme, message="Lockdown", by=alice)
    _days(clock, 31, capture=django_capture_on_commit_callbacks)
    assert not CheckIn.objects.filter(notified_at__isnull=False).exists()
    assert not Notification.objects.filter(kind="checkin_due").exists()
    introduced.refresh_from_db()
    assert not introduced.needs_attention
    assert not selectors.checkins_overdue(introduced.programme).exists()


def test_without_a_pause_the_same_month_sends_and_flags(introduced, clock,
                                                        django_capture_on_commit_callbacks):
    # The control: the same days without a lockdown ask both sides and flag the silence.
    _days(clock, 31, capture=django_capture_on_commit_callbacks)
    assert CheckIn.objects.filter(notified_at__isnull=False).count() == 4  # 14 and 30 days
    introduced.refresh_from_db()
    assert introduced.needs_attention and "missed" in introduced.attention_reasons


def test_on_resume_every_pending_checkin_moves_by_the_length_of_the_pause(
        introduced, alice, clock, django_capture_on_commit_callbacks):
    before = {c.pk: c.due_on for c in introduced.checkins.all()}
    services.programme_pause_all(programme=introduced.programme, message="Lockdown", by=alice)
    _days(clock, 31, capture=django_capture_on_commit_callbacks)
    services.programme_resume_all(programme=introduced.programme, by=alice)
    after = {c.pk: c.due_on for c in introduced.checkins.all()}
    assert {pk: (after[pk] - before[pk]).days for pk in before} == {pk: 31 for pk in before}
    # The first check-ins fall due 4 days after the resume, as they would have 4 days after
    # the pause began; they are asked then, and nothing is missed.
    _days(clock, 3, capture=django_capture_on_commit_callbacks)
    assert not CheckIn.objects.filter(notified_at__isnull=False).exists()
    _days(clock, 1, capture=django_capture_on_commit_callbacks)
    assert CheckIn.objects.filter(notified_at__isnull=False, day_offset=14).count() == 2
    introduced.refresh_from_db()
    assert not introduced.needs_attention


def test_what_was_missed_before_the_lockdown_stays_missed(
        introduced, alice, clock, django_capture_on_commit_callbacks):
    _days(clock, 40, capture=django_capture_on_commit_callbacks)  # 14 days: missed by day 32
    early = introduced.checkins.filter(day_offset=14)
    due_before = [c.due_on for c in early]
    services.programme_pause_all(programme=introduced.programme, message="Lockdown", by=alice)
    _days(clock, 20, capture=django_capture_on_commit_callbacks)
    introduced.refresh_from_db()
    assert introduced.needs_attention  # missed before the pause: still a warning
    services.programme_resume_all(programme=introduced.programme, by=alice)
    assert [c.due_on for c in early.all()] == due_before


def test_a_match_introduced_during_the_pause_moves_only_by_the_days_since(
        introduced, alice, clock, family, victor):
    services.programme_pause_all(programme=introduced.programme, message="Lockdown", by=alice)
    clock.advance(10)
    # Introduced 10 days into a 30-day pause (recorded late, by a coordinator).
    CheckIn.objects.filter(match=introduced).update(
        due_on=timezone.localdate() + timedelta(days=14))
    Match.objects.filter(pk=introduced.pk).update(introduced_on=timezone.localdate())
    due = timezone.localdate() + timedelta(days=14)
    clock.advance(20)
    services.programme_resume_all(programme=introduced.programme, by=alice)
    assert {c.due_on for c in introduced.checkins.all()} == {due + timedelta(days=20)}


def test_a_checkin_answered_during_the_pause_does_not_move(
        introduced, alice, clock):
    first = introduced.checkins.get(side="volunteer", day_offset=14)
    services.programme_pause_all(programme=introduced.programme, message="Lockdown", by=alice)
    clock.advance(20)
    services.checkin_answer(checkin=first, rating=4, by=alice)
    services.programme_resume_all(programme=introduced.programme, by=alice)
    first.refresh_from_db()
    assert first.due_on == timezone.localdate() - timedelta(days=16)


def test_the_family_page_says_the_programme_is_paused_in_its_language(
        client, introduced, family, alice, clock):
    family.page_language = "ar"
    family.save(update_fields=["page_language"])
    token = family_link_token(family_link_create(family=family, by=alice))
    services.programme_pause_all(programme=introduced.programme,
                                 message="Restez chez vous.", by=alice)
    page = client.get(f"/f/{token}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "البرنامج متوقف" in page
    assert '<blockquote dir="auto">Restez chez vous.</blockquote>' in page
    page = client.get(f"/f/{token}/neighbour/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "البرنامج متوقف" in page
    services.programme_resume_all(programme=introduced.programme, by=alice)
    page = client.get(f"/f/{token}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "البرنامج متوقف" not in page


def test_the_volunteer_portal_says_the_programme_is_paused(client, introduced, victor,
                                                           alice):
    services.programme_pause_all(programme=introduced.programme, message="Blijf thuis.",
                                 by=alice)
    client.force_login(victor.user)
    page = client.get("/volunteer/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Het programma is gepauzeerd" in page and "Blijf thuis." in page
    page = client.get(f"/me/matches/{introduced.pk}/",
                      HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Het programma is gepauzeerd" in page


@pytest.mark.parametrize("path", ["/staff/north/", "/staff/north/families/",
                                  "/staff/north/matches/", "/staff/north/check-ins/",
                                  "/staff/north/follow-up/"])
def test_every_staff_page_shows_a_banner_while_the_programme_is_paused(
        client, introduced, alice, path):
    client.force_login(alice)
    assert 'class="banner paused"' not in client.get(path, **EN).content.decode()
    services.programme_pause_all(programme=introduced.programme, message="Lockdown", by=alice)
    page = client.get(path, **EN).content.decode()
    assert "The programme is paused since" in page
    services.programme_resume_all(programme=introduced.programme, by=alice)
    assert 'class="banner paused"' not in client.get(path, **EN).content.decode()


def test_the_banner_shows_only_in_the_paused_programme(client, introduced, alice, charlie):
    services.programme_pause_all(programme=introduced.programme, message="Lockdown", by=alice)
    client.force_login(charlie)
    assert 'class="banner paused"' not in client.get("/staff/south/", **EN).content.decode()


def test_a_checkin_falling_due_during_the_pause_is_not_offered_on_the_households_pages(
        introduced, alice, clock):
    services.programme_pause_all(programme=introduced.programme, message="Lockdown", by=alice)
    clock.advance(10)  # the 14-day check-ins fell due 6 days ago, during the pause
    assert not selectors.checkins_open_for(match=introduced, side="family").exists()
    services.programme_resume_all(programme=introduced.programme, by=alice)
    clock.advance(4)
    assert selectors.checkins_open_for(match=introduced, side="family").count() == 1


def test_a_checkin_mail_held_back_by_a_mail_server_waits_during_the_pause(
        introduced, alice, clock, django_capture_on_commit_callbacks):
    from voisins.messaging.models import Message
    from voisins.messaging.services import messages_retry_due

    clock.advance(4)  # the 14-day check-ins fall due
    with (mock.patch("voisins.messaging.services.EmailMessage.send",
                     side_effect=ConnectionRefusedError("down")),
          django_capture_on_commit_callbacks(execute=True)):
        services.checkins_notify_due()
    questions = Message.objects.filter(purpose="checkin", channel="email")
    held = questions.filter(state="queued").count()
    assert held == 1  # the volunteer's (the family has no e-mail address)
    services.programme_pause_all(programme=introduced.programme, message="Lockdown", by=alice)
    Message.objects.update(next_attempt_at=clock.now)
    messages_retry_due()  # the pause's own message goes; the question waits
    assert questions.filter(state="queued").count() == held
    assert Message.objects.filter(purpose="programme", state="sent").exists()
    services.programme_resume_all(programme=introduced.programme, by=alice)
    Message.objects.update(next_attempt_at=clock.now)
    messages_retry_due()
    assert not questions.filter(state="queued").exists()


def test_a_month_of_lockdown_on_the_demo_programme_flags_no_match(
        db, clock, django_capture_on_commit_callbacks, capsys):
    # The reproduction: a month of a programme-wide pause on demo data had flagged
    # 17 of 25 paused matches for missed check-ins.
    from django.core.management import call_command

    from voisins.matches.models import ProgrammePause
    from voisins.programmes.models import Programme

    call_command("demo", "--families", "60", "--volunteers", "40", "--matches", "25",
                 "--seed", "7")
    programme = Programme.objects.get(slug="demo")
    with django_capture_on_commit_callbacks(execute=True):
        services.followup_run()
    flagged_before = set(Match.objects.filter(needs_attention=True).values_list("pk",
                                                                                 flat=True))
    live = Match.objects.filter(programme=programme, status__in=Match.LIVE).count()
    services.programme_pause_all(programme=programme, message="Lockdown")
    paused = set(ProgrammePause.objects.get().matches.values_list("pk", flat=True))
    assert len(paused) == live >= 10
    asked_before = CheckIn.objects.filter(notified_at__isnull=False).count()
    _days(clock, 31, capture=django_capture_on_commit_callbacks)
    assert CheckIn.objects.filter(notified_at__isnull=False).count() == asked_before
    flagged = set(Match.objects.filter(needs_attention=True).values_list("pk", flat=True))
    assert flagged <= flagged_before
    # Resumed: the schedule moved by the month, so nothing is missed the day after either.
    services.programme_resume_all(programme=programme)
    _days(clock, 1, capture=django_capture_on_commit_callbacks)
    flagged = set(Match.objects.filter(needs_attention=True).values_list("pk", flat=True))
    assert flagged <= flagged_before

