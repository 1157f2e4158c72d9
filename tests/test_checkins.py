"""Check-ins: escalation rules (low rating, worry, two missed), links used once and for at
most 30 days, and the answer recorded by each side."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from voisins.matches import services, tokens
from voisins.matches.models import CheckIn


@pytest.fixture
def active_match(live_match, alice):
    today = timezone.localdate()
    live_match.started_on = today - timedelta(days=200)
    live_match.save()
    services.introduction_plan(match=live_match, planned_at=timezone.now(), place="Parc",
                               by=alice)
    # Introduced 100 days ago: the 14-, 30- and 91-day check-ins have fallen due.
    return services.introduction_record(match=live_match, held_on=today - timedelta(days=100),
                                        by=alice)


def _checkin(match, side="volunteer", days=91):
    return match.checkins.get(side=side, day_offset=days)


def _answer_all_but(match, checkin):
    """Every due check-in but one answered well a while ago."""
    CheckIn.objects.filter(match=match, answered_at__isnull=True,
                           due_on__lte=timezone.localdate()).exclude(pk=checkin.pk).update(
        answered_at=timezone.now() - timedelta(days=1), rating=4)


@pytest.mark.parametrize(("rating", "worry", "flagged"), [
    (5, "", False), (3, "", False), (2, "", True), (1, "", True), (4, "He seems tired", True),
])
def test_a_low_rating_or_a_worry_flags_the_match(active_match, rating, worry, flagged):
    _answer_all_but(active_match, _checkin(active_match))
    services.checkin_answer(checkin=_checkin(active_match), rating=rating, worry=worry)
    active_match.refresh_from_db()
    assert active_match.needs_attention is flagged


def test_two_missed_checkins_flag_the_match_one_does_not(active_match):
    # 14 and 30 days: both more than two weeks overdue; answer every other one.
    for c in active_match.checkins.exclude(side="family", day_offset__in=[14, 30]):
        if c.due_on <= timezone.localdate():
            CheckIn.objects.filter(pk=c.pk).update(answered_at=timezone.now(), rating=4)
    services.match_check_attention(match=active_match)
    assert active_match.needs_attention and active_match.attention_reasons == ["missed"]
    CheckIn.objects.filter(match=active_match, side="family", day_offset=14).update(
        answered_at=timezone.now(), rating=4)
    services.match_check_attention(match=active_match)
    assert not active_match.needs_attention


def test_followup_flags_missed_checkins_for_the_dashboard(active_match, client, alice):
    result = services.followup_run()
    assert result["matches_needing_attention"] == 1
    client.force_login(alice)
    page = client.get("/staff/north/follow-up/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="count-attention">1<' in page
    assert 'id="count-overdue">6<' in page  # 3 steps × 2 sides


def test_clearing_the_warnings_forgets_what_came_before(active_match, alice):
    _answer_all_but(active_match, _checkin(active_match))
    services.checkin_answer(checkin=_checkin(active_match), rating=1)
    active_match.refresh_from_db()
    assert active_match.needs_attention
    services.match_clear_attention(match=active_match, by=alice)
    active_match.refresh_from_db()
    assert not active_match.needs_attention


def test_a_checkin_link_works_once(client, active_match):
    checkin = _checkin(active_match)
    url = f"/check-in/{tokens.checkin_token(checkin)}/"
    data = {"rating": "5", "frequency": "weekly", "activities": "a walk", "worry": ""}
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 200
    second = client.post(url, {**data, "rating": "1"})
    assert second.status_code == 409
    checkin.refresh_from_db()
    assert checkin.rating == 5


def test_a_checkin_link_older_than_30_days_is_refused(client, active_match):
    checkin = _checkin(active_match)
    signer = signing.TimestampSigner(salt=tokens.CHECKIN_LINK_SALT)
    with mock.patch("django.core.signing.time.time",
                    return_value=timezone.now().timestamp() - 31 * 86400):
        token = signer.sign_object({"c": checkin.pk})
    response = client.post(f"/check-in/{token}/", {"rating": "5", "frequency": "weekly"})
    assert response.status_code == 410
    checkin.refresh_from_db()
    assert checkin.answered_at is None


def test_a_forged_checkin_link_is_refused(client, active_match):
    token = tokens.checkin_token(_checkin(active_match))
    assert client.get(f"/check-in/{token[:-2]}xx/").status_code == 410


def test_a_checkin_older_than_30_days_cannot_be_answered_any_more(active_match):
    with pytest.raises(ValidationError):
        services.checkin_answer(checkin=_checkin(active_match, days=14), rating=4)


def test_a_checkin_rating_out_of_range_names_the_field(client, active_match):
    checkin = _checkin(active_match)
    url = f"/check-in/{tokens.checkin_token(checkin)}/"
    response = client.post(url, {"rating": "9", "frequency": "weekly"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    # The form comes back (in the volunteer's own language) naming the field.
    assert list(response.context["form"].errors) == ["rating"]
    checkin.refresh_from_db()
    assert checkin.answered_at is None


def test_a_volunteer_answers_on_its_page_and_not_another_sides(client, active_match, victor):
    client.force_login(victor.user)
    own = _checkin(active_match)
    assert client.post(f"/me/check-ins/{own.pk}/", {"rating": "4", "frequency": "monthly"}
                       ).status_code == 200
    own.refresh_from_db()
    assert own.answered_by == victor.user
    other = _checkin(active_match, side="family")
    assert client.get(f"/me/check-ins/{other.pk}/").status_code == 404
