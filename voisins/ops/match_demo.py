"""Synthetic match life for a demo programme, made by the code paths a real programme uses.

The engine chooses every pair (``bridge.propose_for`` for the live ones, ``suggest`` for
the past ones), so the distances, languages, times and reasons shown are true. Each match
then lives its life through the services, in the order it happened: a coordinator picks
the pair (``proposal_pick``), sends it, both households say yes (the match), the first
meeting is planned and held, check-ins fall due and are answered, children answer the
outcome surveys, and past matches end with their reason. Every service runs now; right
after each step the timestamps it wrote are moved back to the simulated moment, so that
the dates agree with each other: a match starts after its family arrived in the country
and after both households signed up, a volunteer household is trained before its first
match, a family has one match at a time and a volunteer household never more than its
capacity.

Deterministic for a seed, like the households of ``voisins.ops.household_demo``. The e-mails
the services queue are about a simulated past: they are removed before the transaction
commits, so none is sent.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from auditlog.context import disable_auditlog
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from voisins import access, matching
from voisins.accounts.models import User
from voisins.evaluation.models import SurveyResponse
from voisins.evaluation.questions import SURVEY_LANGUAGES, Indicator, Wave, age_band
from voisins.evaluation.services import survey_record
from voisins.households.models import FamilyHousehold, MemberKind, StatusChange, VolunteerHousehold
from voisins.matches import bridge, selectors, services
from voisins.matches.models import (
    CheckIn,
    Introduction,
    Match,
    Notification,
    Proposal,
    Side,
    UndoableAction,
)
from voisins.messaging.models import Message
from voisins.privacy.models import Consent
from voisins.programmes.models import Programme

# A lockdown in the demo's past, so that the persistence page has a before and an after.
LOCKDOWN = (date(2020, 3, 16), date(2020, 5, 18))
END_REASONS = [(Match.EndReason.GOAL_REACHED, 30), (Match.EndReason.MOVED_AWAY, 25),
               (Match.EndReason.NO_TIME, 20), (Match.EndReason.NOT_NEEDED, 15),
               (Match.EndReason.CONFLICT, 3), (Match.EndReason.OTHER, 7)]
# Days a household exists before it can be matched: a family's intake, a volunteer
# household's screening and training.
FAMILY_LEAD_DAYS = 14
VOLUNTEER_LEAD_DAYS = 45


@dataclass
class _Life:
    """One match to simulate: its pair and the days of its life."""

    family: FamilyHousehold
    volunteer: VolunteerHousehold
    start: date
    introduced: date | None = None
    end: date | None = None
    reason: str = ""
    waits_again: bool = False
    sent_only: bool = False
    match_id: int | None = None
    proposal_id: int | None = None
    children: list[Any] = field(default_factory=list)


def generate(*, programme: Programme, matches: int, proposals: int, seed: int,
             password: str, ended: int = 0) -> dict[str, int]:
    """Match life for ``programme``: ``matches`` live matches (most introduced, with their
    check-ins and surveys, the past ones mostly answered), ``proposals`` sent proposals
    waiting for both answers, and ``ended`` matches of the past years. Every volunteer of
    a live match or a sent proposal gets an account (its household's e-mail,
    ``password``). Fewer are made when the engine finds fewer pairs; the counts made are
    returned.
    """
    rng = random.Random(seed)
    today = timezone.localdate()
    coordinator = (access.members_allowed(User.objects.all(), programme, "manage_programme",
                                          "memberships").order_by("id").first())
    since = timezone.now()
    before = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():
        queued = len(connection.run_on_commit)
        live = _live_pairs(programme, matches + proposals, rng)
        lives: list[_Life] = []
        for family, volunteer in live[:matches]:
            start = today - timedelta(days=rng.randint(20, 560))
            introduced = start + timedelta(days=rng.randint(3, 15))
            if rng.random() < 0.08:  # a few are waiting for their first meeting
                start = today - timedelta(days=rng.randint(1, 8))
                introduced = None
            lives.append(_Life(family, volunteer, start, min(introduced, today)
                               if introduced else None))
        for family, volunteer in live[matches:]:
            lives.append(_Life(family, volunteer, today - timedelta(days=2), sent_only=True))
        lives += _history(programme, ended, rng, list(lives), today)
        _accounts([life.volunteer for life in lives if life.end is None], password)
        _make_room(lives)
        # The audit log records what people do; a generated past is nobody's doing.
        with disable_auditlog():
            _simulate(programme, lives, coordinator, rng, today)
        Proposal.objects.filter(pk__in=[life.proposal_id for life in lives]).update(
            expires_at=F("sent_at") + timedelta(days=services.PROPOSAL_ANSWER_DAYS))
        # Nothing of a simulated past is mailed: the tasks that would deliver its messages
        # once this transaction commits are dropped. The messages themselves stay, as the
        # past would have left them (a household's page lists what it was told).
        Notification.objects.filter(created_at__gte=since).delete()
        del connection.run_on_commit[queued:]
        _messages_of_the_past(since, before, coordinator, today)
        for match in Match.objects.filter(programme=programme, status__in=Match.LIVE):
            services.match_check_attention(match=match, today=today)
    made = [life for life in lives if life.match_id]
    return {"matches": sum(1 for life in made if life.end is None),
            "check_ins": CheckIn.objects.filter(match__programme=programme).count(),
            "proposals": sum(1 for life in lives if life.sent_only),
            "ended": sum(1 for life in made if life.end is not None)}


def _messages_of_the_past(since: datetime, before: int, coordinator: User | None,
                          today: date) -> None:
    """The simulated past's messages, moved to their moments by the clock: e-mails and SMS
    delivered when they were written; a household without a channel told by phone the next
    day, except for what was written in the last three days (still on the to-call list).
    A message written by a step that was not simulated (nobody's doing) is dropped."""
    made = Message.objects.filter(pk__gt=before)
    made.filter(created_at__gte=since).delete()
    past = made.filter(created_at__lt=since, state=Message.State.QUEUED)
    past.update(state=Message.State.DELIVERED, sent_at=F("created_at"),
                delivered_at=F("created_at") + timedelta(minutes=1), attempts=1)
    recent = _moment(today - timedelta(days=3), time(0))
    made.filter(created_at__lt=recent, state=Message.State.TO_CALL).update(
        state=Message.State.CALLED, called_at=F("created_at") + timedelta(days=1),
        called_by=coordinator)


def _live_pairs(programme: Programme, count: int, rng: random.Random
                ) -> list[tuple[FamilyHousehold, VolunteerHousehold]]:
    """Up to ``count`` pairs of the engine's global proposals for everyone waiting now."""
    if count <= 0:
        return []
    families = list(selectors.waiting_families(programme))
    volunteers = list(selectors.matchable_volunteers(programme).filter(user__isnull=True))
    proposed = bridge.propose_for(programme, families, volunteers,
                                  selectors.excluded_pairs(programme))
    by_f = {f.pk: f for f in families}
    by_v = {v.pk: v for v in volunteers}
    pairs = sorted((p.family_id, p.volunteer_id) for p in proposed)
    rng.shuffle(pairs)
    chosen, taken = [], set()
    for family_id, volunteer_id in pairs:
        # One family per volunteer household among them: its other places stay for later.
        if volunteer_id in taken:
            continue
        taken.add(volunteer_id)
        chosen.append((by_f[family_id], by_v[volunteer_id]))
        if len(chosen) == count:
            break
    return chosen


def _history(programme: Programme, count: int, rng: random.Random, live: list[_Life],
             today: date) -> list[_Life]:
    """``count`` ended matches of the last eight years (many ending at the lockdown of
    spring 2020): pairs the engine finds feasible, one match at a time for each household,
    ended before the household's live match or proposal (``live``) began."""
    if count <= 0:
        return []

    families = list(selectors.waiting_families(programme))
    volunteers = list(selectors.matchable_volunteers(programme))
    if not families or not volunteers:
        return []
    engine_volunteers = [bridge.volunteer_input(v, 1) for v in volunteers]
    weights = bridge.weights_for(programme)
    options = {}
    for family in families:
        found = matching.suggest(bridge.family_input(family), engine_volunteers, k=8,
                                 weights=weights)
        if found:
            options[family.pk] = [p.volunteer_id for p in found]
    by_f = {f.pk: f for f in families}
    by_v = {v.pk: v for v in volunteers}
    busy: dict[str, list[tuple[date, date]]] = {}
    for life in live:
        for key in (f"f{life.family.pk}", f"v{life.volunteer.pk}"):
            busy.setdefault(key, []).append((life.start, date.max))
    paired = {(life.family.pk, life.volunteer.pk) for life in live}
    reasons, weights_ = zip(*END_REASONS, strict=True)
    lives: list[_Life] = []
    keys = sorted(options)
    for _attempt in range(count * 40):
        if len(lives) == count or not keys:
            break
        family_id = rng.choice(keys)
        volunteer_id = rng.choice(options[family_id])
        start = today - timedelta(days=rng.randint(150, 8 * 365))
        # Durations with a median of about a year; the longest last several years.
        end = start + timedelta(days=int(rng.expovariate(1 / 520)) + 30)
        reason = rng.choices(reasons, weights_)[0]
        if start < LOCKDOWN[0] < end and rng.random() < 0.35:
            end, reason = LOCKDOWN[0] + timedelta(days=rng.randint(0, 20)), \
                Match.EndReason.PROGRAMME_PAUSED
        end = min(end, today - timedelta(days=30))
        if end <= start + timedelta(days=20) or (family_id, volunteer_id) in paired:
            continue
        # A gap of two weeks around each match: a household is in one at a time.
        span = (start - timedelta(days=14), end + timedelta(days=14))
        if any(_overlap(span, other) for key in (f"f{family_id}", f"v{volunteer_id}")
               for other in busy.get(key, [])):
            continue
        for key in (f"f{family_id}", f"v{volunteer_id}"):
            busy.setdefault(key, []).append((start, end))
        paired.add((family_id, volunteer_id))
        lives.append(_Life(by_f[family_id], by_v[volunteer_id], start,
                           start + timedelta(days=rng.randint(3, 15)), end, reason))
    # A family goes back to the waiting list after a match, except after its last one,
    # when its file ends half of the time.
    last = {}
    for life in sorted(lives, key=lambda item: item.start):
        last[life.family.pk] = life
    later = {life.family.pk for life in live}
    for life in lives:
        life.waits_again = (last[life.family.pk] is not life or life.family.pk in later
                            or rng.random() < 0.5)
    return lives


def _overlap(a: tuple[date, date], b: tuple[date, date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _make_room(lives: list[_Life]) -> None:
    """Move a household's sign-up (and its consents, first status and a family's arrival)
    back before its first simulated match when it came later."""
    first: dict[tuple[str, int], date] = {}
    for life in lives:
        for key in (("f", life.family.pk), ("v", life.volunteer.pk)):
            first[key] = min(first.get(key, life.start), life.start)
    for (kind, pk), start in first.items():
        lead = FAMILY_LEAD_DAYS if kind == "f" else VOLUNTEER_LEAD_DAYS
        latest = _moment(start - timedelta(days=lead), time(10))
        model = FamilyHousehold if kind == "f" else VolunteerHousehold
        household = model.objects.get(pk=pk)
        if household.created_at <= latest:
            continue
        # Signed up some weeks before that, at a time of day that varies.
        # (Spread by the household's reference, not its id: the same for a seed.)
        n = int("".join(c for c in household.reference if c.isdigit()) or 0)
        created = latest - timedelta(days=n % 40, minutes=n * 37 % 600)
        changes: dict[str, Any] = {"created_at": created, "last_activity_at": created}
        key = "family" if kind == "f" else "volunteer"
        if kind == "f":
            arrival = household.arrival_date
            if arrival is None or arrival > created.date() - timedelta(days=30):
                changes["arrival_date"] = created.date() - timedelta(days=30 + n % 300)
            if household.waiting_since:
                changes["waiting_since"] = created
        model.objects.filter(pk=pk).update(**changes)
        StatusChange.objects.filter(**{key: pk}, from_status="").update(changed_at=created)
        Consent.objects.filter(**{key: pk}).update(given_at=created)


def _moment(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


class _Clock:
    """Runs a service now, then moves the timestamps it wrote to a simulated moment."""

    def __init__(self) -> None:
        self.fields = {model: [f.name for f in model._meta.concrete_fields
                               if isinstance(f, models.DateTimeField)]
                       for model in (Proposal, Match, Introduction, CheckIn, StatusChange,
                                     FamilyHousehold, VolunteerHousehold, Message)}
        # An answer deadline follows the sending: moved once every answer is in (the
        # services refuse answers after it).
        self.fields[Proposal].remove("expires_at")

    def at(self, moment: datetime, step: Callable[[], Any], life: _Life, *,
           only: tuple[type, ...] = ()) -> Any:
        """Run ``step``; move what it wrote (to ``life``'s rows, or to the ``only`` models)
        to ``moment``."""
        began = timezone.now()
        result = step()
        delta = moment - began
        rows: dict[type, list[Any]] = {
            FamilyHousehold: [life.family.pk], VolunteerHousehold: [life.volunteer.pk],
            Proposal: [life.proposal_id] if life.proposal_id else [],
            Match: [life.match_id] if life.match_id else [],
        }
        for model, names in self.fields.items():
            if only and model not in only:
                continue
            query = model.objects.all()
            if model in rows:
                query = query.filter(pk__in=rows[model])
            elif model is StatusChange or model is Message:
                query = query.filter(models.Q(family=life.family.pk)
                                     | models.Q(volunteer=life.volunteer.pk))
            elif model is Introduction or model is CheckIn:
                if not life.match_id:
                    continue
                query = query.filter(match=life.match_id)
            touched = models.Q()
            for name in names:
                touched |= models.Q(**{f"{name}__gte": began})
            # One statement per table: each field written now moves, the others stay.
            query.filter(touched).update(**{
                name: models.Case(models.When(**{f"{name}__gte": began},
                                              then=F(name) + delta), default=F(name))
                for name in names})
        return result


def _simulate(programme: Programme, lives: list[_Life], coordinator: User | None,
              rng: random.Random, today: date) -> None:
    """Every step of every match, in the order they happened."""

    clock = _Clock()
    events: list[tuple[datetime, int, Callable[[], None]]] = []

    def add(day: date, hour: int, step: Callable[[], None]) -> None:
        events.append((_moment(day, time(hour, rng.randint(0, 59))), len(events), step))

    for life in lives:
        add(life.start, 10, lambda life=life: _start(life, clock, coordinator, rng))
        if life.sent_only:
            continue
        if life.introduced:
            # (It writes no timestamp: the day held is given.)
            add(life.introduced, 18, lambda life=life: services.introduction_record(
                match=Match(pk=life.match_id), held_on=life.introduced, by=coordinator))
            last = life.end or today
            for days in programme.checkin_schedule_days:
                due = life.introduced + timedelta(days=days)
                if due >= last:
                    break
                if life.end is None:
                    # Check-ins are e-mailed since Voisins runs the programme; the past
                    # matches' were asked by phone.
                    add(due, 8, lambda due=due: _notify_checkins(due))
                for side in Side.values:
                    answered_on = due + timedelta(days=rng.randint(0, 6))
                    if answered_on >= last or rng.random() > 0.9:
                        continue
                    add(answered_on, 20, lambda life=life, side=side, due=due,
                        day=answered_on: _answer_checkin(life, side, due, day, rng))
        life.children = [m for m in life.family.members.all() if m.kind == MemberKind.CHILD
                         and age_band(m.birth_year, life.start)]
        waves = [(Wave.START, life.start + timedelta(days=rng.randint(2, 20))),
                 (Wave.MONTH_6, life.start + timedelta(days=182 + rng.randint(-20, 20))),
                 (Wave.MONTH_12, life.start + timedelta(days=365 + rng.randint(-20, 20)))]
        for wave, day in waves:
            if day >= (life.end or today) or not life.children:
                continue
            add(day, 17, lambda life=life, wave=wave, day=day: _surveys(
                life, wave, day, coordinator, rng, list(Indicator.values)))
        if life.end:
            add(life.end, 16, lambda life=life: clock.at(
                _moment(life.end, time(16)), lambda: _end(life, coordinator), life))
    for *_when, step in sorted(events, key=lambda e: (e[0], e[1])):
        step()


def _start(life: _Life, clock: _Clock, by: User | None, rng: random.Random) -> None:
    """A coordinator picks the pair, sends it; both say yes (unless it is still waiting)."""
    moment = _moment(life.start, time(10, rng.randint(0, 59)))
    life.family.refresh_from_db()
    life.volunteer.refresh_from_db()

    def pick() -> Proposal:
        proposal = services.proposal_pick(family=life.family, volunteer=life.volunteer, by=by)
        life.proposal_id = proposal.pk
        return proposal

    proposal = clock.at(moment - timedelta(days=2), lambda: services.proposal_send(
        proposal=pick(), by=by), life, only=(Proposal, Message))
    if life.sent_only:
        return
    clock.at(moment - timedelta(days=1), lambda: services.proposal_answer(
        proposal=proposal, side=Side.VOLUNTEER, accept=True, by=life.volunteer.user), life,
        only=(Proposal,))

    planned = life.introduced or life.start + timedelta(days=rng.randint(5, 12))

    def both_said_yes() -> None:
        answered = services.proposal_answer(proposal=proposal, side=Side.FAMILY, accept=True,
                                            by=by)
        match = answered.match
        life.match_id = match.pk
        Match.objects.filter(pk=match.pk).update(started_on=life.start)
        services.introduction_plan(
            match=match, planned_at=_moment(planned, time(17, 30)),
            place="Maison de quartier", coordinator_attends=rng.random() < 0.5, by=by)

    clock.at(moment, both_said_yes, life)


def _notify_checkins(day: date) -> None:
    """The morning round of the day: every check-in due is e-mailed (then, not now)."""
    began = timezone.now()
    services.checkins_notify_due(today=day)
    CheckIn.objects.filter(notified_at__gte=began).update(notified_at=_moment(day, time(8)))
    Message.objects.filter(created_at__gte=began).update(
        created_at=_moment(day, time(8)), next_attempt_at=_moment(day, time(8)))


def _answer_checkin(life: _Life, side: str, due: date, day: date,
                    rng: random.Random) -> None:
    checkin = CheckIn.objects.filter(match=life.match_id, side=side, due_on=due).first()
    if checkin is None or checkin.answered_at is not None:
        return
    by = life.volunteer.user if side == Side.VOLUNTEER else None
    services.checkin_answer(
        checkin=checkin, rating=rng.choice([3, 4, 4, 5, 5]),
        frequency=rng.choice(["weekly", "fortnightly", "fortnightly", "monthly"]),
        by=by, today=day)
    CheckIn.objects.filter(pk=checkin.pk).update(answered_at=_moment(day, time(20)))


def _surveys(life: _Life, wave: str, day: date, by: User | None, rng: random.Random,
             indicators: list[str]) -> None:
    """Each child of the family answers the questionnaire of this wave; answers drift up a
    little over the months (a demo, not a finding)."""

    # In the family's language when the questionnaire exists in it, else in French.
    language = life.family.page_language if life.family.page_language in SURVEY_LANGUAGES \
        else "fr"
    lift = {"start": 0, "m6": 1, "m12": 1}[wave]
    for child in life.children:
        answers = {i: min(5, max(1, rng.choice([2, 3, 3, 4]) + lift * rng.choice([0, 0, 1])))
                   for i in indicators}
        response, created = survey_record(match=Match.objects.get(pk=life.match_id),
                                          child=child, wave=wave, answers=answers,
                                          language=language, by=by, today=day)
        if created:
            SurveyResponse.objects.filter(pk=response.pk).update(
                answered_at=_moment(day, time(17, 30)))


def _end(life: _Life, by: User | None) -> None:
    services.match_end(match=Match(pk=life.match_id), reason=life.reason,
                       family_waits_again=life.waits_again, by=by)
    Match.objects.filter(pk=life.match_id).update(ended_on=life.end)
    # Its undo window runs from the (past) day it ended, not from the demo's creation.
    UndoableAction.objects.filter(match_id=life.match_id).update(
        done_at=_moment(life.end, time(17, 0)))


def _accounts(volunteers: list[VolunteerHousehold], password: str) -> None:
    """One account per volunteer household, all with the demo password (hashed once)."""
    volunteers = [v for v in {v.pk: v for v in volunteers}.values() if v.user_id is None]
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

