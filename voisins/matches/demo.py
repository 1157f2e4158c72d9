"""Synthetic match life for a demo programme: matches with their introductions and
check-ins, proposals waiting for answers, and accounts for the volunteers concerned.

Deterministic for a seed, like the households of ``voisins.households.demo``; written in
bulk (no e-mail, no per-row service call) so that 5,000 matches take seconds.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from voisins.accounts.models import User
from voisins.households.models import FamilyHousehold, StatusChange, VolunteerHousehold
from voisins.households.status import FamilyStatus, VolunteerStatus
from voisins.programmes.models import Programme

from .models import CheckIn, Introduction, Match, Proposal, Side

REASONS = [{"code": "distance", "params": {"km": 1.2, "walking": True}, "text": "1.2 km apart"}]


def generate(*, programme: Programme, matches: int, proposals: int, seed: int,
             password: str, ended: int = 0) -> dict[str, int]:
    """Pair waiting families with available volunteers: ``matches`` matches (most of them
    active, with their check-ins, the past ones mostly answered) and ``proposals`` sent
    proposals waiting for both answers. Every volunteer concerned gets an account (its
    household's e-mail, ``password``). Returns the counts created.

    Families and volunteers are taken in the order of their ids, so that the same data and
    seed give the same result.
    """
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    families = list(FamilyHousehold.objects.filter(
        programme=programme, status=FamilyStatus.WAITING).exclude(
        proposals__status__in=Proposal.OPEN).order_by("id")[:matches + proposals])
    volunteers = list(VolunteerHousehold.objects.filter(
        programme=programme, status=VolunteerStatus.AVAILABLE, user__isnull=True
    ).order_by("id")[:matches + proposals])
    pairs = list(zip(families, volunteers, strict=False))
    matched, waiting = pairs[:matches], pairs[matches:matches + proposals]
    schedule = programme.checkin_schedule_days
    with transaction.atomic():
        _accounts([v for _f, v in pairs], password)
        accepted = Proposal.objects.bulk_create([
            Proposal(programme=programme, family=f, volunteer=v, status=Proposal.Status.ACCEPTED,
                     score=round(rng.uniform(3, 9), 2), distance_km=round(rng.uniform(0.2, 4), 2),
                     reasons=REASONS, created_at=now - timedelta(days=400),
                     sent_at=now - timedelta(days=399), volunteer_answer="accepted",
                     family_answer="accepted", volunteer_answered_at=now - timedelta(days=398),
                     family_answered_at=now - timedelta(days=398),
                     closed_at=now - timedelta(days=398))
            for f, v in matched], batch_size=1000)
        rows, intros, checkins = [], [], []
        for proposal in accepted:
            started = today - timedelta(days=rng.randint(20, 390))
            introduced = started + timedelta(days=rng.randint(3, 15))
            status = rng.choices([Match.Status.ACTIVE, Match.Status.INTRODUCTION],
                                 [92, 8])[0]
            rows.append(Match(programme=programme, proposal=proposal, family=proposal.family,
                              volunteer=proposal.volunteer, status=status, started_on=started,
                              introduced_on=introduced if status == Match.Status.ACTIVE
                              else None))
        created = Match.objects.bulk_create(rows, batch_size=1000)
        if created and created[0].pk is None:  # backends that do not return keys
            created = list(Match.objects.filter(proposal__in=accepted).order_by("id"))
        for match in created:
            held = match.introduced_on
            intros.append(Introduction(
                match=match, place="Maison de quartier", held_on=held,
                planned_at=timezone.make_aware(datetime.combine(
                    held or today + timedelta(days=5), time(17)))))
            if held is None:
                continue
            for days in schedule:
                due = held + timedelta(days=days)
                for side in Side.values:
                    answered = due < today - timedelta(days=3) and rng.random() < 0.8
                    checkins.append(CheckIn(
                        match=match, side=side, day_offset=days, due_on=due,
                        notified_at=now if due <= today else None,
                        answered_at=now - timedelta(days=1) if answered else None,
                        rating=rng.choice([3, 4, 4, 5, 5]) if answered else None,
                        frequency="fortnightly" if answered else ""))
        Introduction.objects.bulk_create(intros, batch_size=1000)
        CheckIn.objects.bulk_create(checkins, batch_size=2000)
        Proposal.objects.bulk_create([
            Proposal(programme=programme, family=f, volunteer=v, status=Proposal.Status.SENT,
                     score=round(rng.uniform(3, 9), 2), distance_km=round(rng.uniform(0.2, 4), 2),
                     reasons=REASONS, created_at=now - timedelta(days=2),
                     sent_at=now - timedelta(days=2), expires_at=now + timedelta(days=12))
            for f, v in waiting], batch_size=1000)
        _moved([f for f, _v in matched], FamilyHousehold, FamilyStatus.MATCHED, "family")
        _moved([v for _f, v in matched], VolunteerHousehold, VolunteerStatus.MATCHED,
               "volunteer")
        history = _history(programme, ended, rng, exclude=[f.pk for f, _v in pairs])
    return {"matches": len(created), "check_ins": len(checkins), "proposals": len(waiting),
            "ended": history}


# A lockdown in the demo's past, so that the persistence page has a before and an after.
LOCKDOWN = (date(2020, 3, 16), date(2020, 5, 18))
END_REASONS = [(Match.EndReason.GOAL_REACHED, 30), (Match.EndReason.MOVED_AWAY, 25),
               (Match.EndReason.NO_TIME, 20), (Match.EndReason.NOT_NEEDED, 15),
               (Match.EndReason.CONFLICT, 3), (Match.EndReason.OTHER, 7)]


def _history(programme: Programme, count: int, rng: random.Random, *,
             exclude: list[int]) -> int:
    """``count`` matches of the last eight years that have ended, with their reasons (many
    at the lockdown of spring 2020), for the evaluation pages. They reuse households that
    are not in a live match; their families are back on the waiting list or ended."""
    if count <= 0:
        return 0
    today = timezone.localdate()
    families = list(FamilyHousehold.objects.filter(programme=programme).exclude(
        pk__in=exclude).exclude(status=FamilyStatus.MATCHED).order_by("id"))
    volunteers = list(VolunteerHousehold.objects.filter(
        programme=programme, status__in=[VolunteerStatus.AVAILABLE, VolunteerStatus.PAUSED,
                                         VolunteerStatus.LEFT]).order_by("id"))
    if not families or not volunteers:
        return 0
    reasons, weights = zip(*END_REASONS, strict=True)
    proposals, rows = [], []
    for _ in range(count):
        family, volunteer = rng.choice(families), rng.choice(volunteers)
        started = today - timedelta(days=rng.randint(120, 8 * 365))
        # Durations with a median of about a year; the longest last several years.
        ended = started + timedelta(days=int(rng.expovariate(1 / 520)) + 30)
        reason = rng.choices(reasons, weights)[0]
        if started < LOCKDOWN[0] < ended and rng.random() < 0.35:
            ended, reason = LOCKDOWN[0] + timedelta(days=rng.randint(0, 20)), \
                Match.EndReason.PROGRAMME_PAUSED
        ended = min(ended, today - timedelta(days=1))
        moment = timezone.make_aware(datetime.combine(started, time(12)))
        proposals.append(Proposal(
            programme=programme, family=family, volunteer=volunteer,
            status=Proposal.Status.ACCEPTED, score=round(rng.uniform(3, 9), 2),
            distance_km=round(rng.uniform(0.2, 4), 2), reasons=REASONS, created_at=moment,
            sent_at=moment, closed_at=moment, volunteer_answer="accepted",
            family_answer="accepted", volunteer_answered_at=moment, family_answered_at=moment))
        rows.append((started, ended, reason))
    proposals = Proposal.objects.bulk_create(proposals, batch_size=1000)
    if proposals and proposals[0].pk is None:
        proposals = list(Proposal.objects.filter(programme=programme,
                                                 status=Proposal.Status.ACCEPTED,
                                                 match__isnull=True).order_by("id"))
    Match.objects.bulk_create([
        Match(programme=programme, proposal=p, family_id=p.family_id,
              volunteer_id=p.volunteer_id, status=Match.Status.ENDED, started_on=started,
              introduced_on=started + timedelta(days=7), ended_on=ended, end_reason=reason)
        for p, (started, ended, reason) in zip(proposals, rows, strict=True)],
        batch_size=1000)
    return len(rows)


def _accounts(volunteers: list[VolunteerHousehold], password: str) -> None:
    """One account per volunteer household, all with the demo password (hashed once)."""
    encoded = make_password(password)
    users = User.objects.bulk_create(
        [User(email=v.email, password=encoded, first_name=v.contact_first_name,
              language="fr") for v in volunteers], batch_size=1000)
    if users and users[0].pk is None:
        users = list(User.objects.filter(email__in=[v.email for v in volunteers]))
    by_email = {u.email: u for u in users}
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        batch_size=1000)
    for v in volunteers:
        v.user = by_email[v.email]
    VolunteerHousehold.objects.bulk_update(volunteers, ["user"], batch_size=1000)


def _moved(households: list, model, status: str, key: str) -> None:
    now = timezone.now()
    model.objects.filter(pk__in=[h.pk for h in households]).update(status=status)
    StatusChange.objects.bulk_create(
        [StatusChange(**{key: h}, from_status=h.status, to_status=status, changed_at=now,
                      note="demo") for h in households], batch_size=2000)
