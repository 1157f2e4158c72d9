"""Synthetic data of the volunteer journey for a demo programme: the built-in template,
campaigns with visits and origins (so the funnel has figures), news, past and coming
training sessions with attendance, events with answers, and a small resource library.

Deterministic for a seed; run after ``voisins demo`` (which makes the households)."""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from voisins import access
from voisins.accounts.models import User
from voisins.community.models import Event, Invitation, Resource, Rsvp
from voisins.files.demo import files_demo
from voisins.households.models import VolunteerHousehold
from voisins.households.status import VolunteerStatus
from voisins.matches.models import Match
from voisins.programmes.models import Programme
from voisins.recruitment.models import (
    Campaign,
    Charter,
    Decision,
    NewsPost,
    Screening,
    Visit,
    VolunteerOrigin,
)
from voisins.training.models import Registration, TrainingSession
from voisins.volunteering.demo import volunteering_demo

from .services import programme_apply_builtin_template

V = VolunteerStatus
TRAINED = {V.TRAINED, V.AVAILABLE, V.MATCHED, V.PAUSED}

CAMPAIGNS = [("Communiqué de presse – printemps", "press"), ("Affiches en bibliothèque", "other"),
             ("Page Facebook", "facebook"), ("Bouche-à-oreille", "word-of-mouth")]
NEWS = {
    "fr": [("Repas partagé au centre culturel", "Volontaires et familles se retrouvent "
            "autour d'un repas préparé ensemble.")],
    "nl": [("Gedeelde maaltijd in het cultureel centrum", "Vrijwilligers en gezinnen "
            "koken en eten samen.")],
    "en": [("Shared meal at the cultural centre", "Volunteers and families cook and eat "
            "together.")],
}
RESOURCES = [
    ("guide", "Aider aux devoirs sans faire à la place", ["fr"], "volunteers",
     ["academic-skills", "host-language"]),
    ("video", "Premier contact avec une famille", ["fr", "nl", "en"], "volunteers",
     ["belonging", "friends-support"]),
    ("material", "Jeux pour apprendre le français en famille", ["fr", "ar", "uk"],
     "children", ["host-language", "life-satisfaction"]),
    ("guide", "Découvrir le quartier: idées de sorties", ["fr", "nl"], "families",
     ["friends-bridges", "belonging"]),
    ("guide", "Parler de son pays, écouter l'autre", ["fr", "en"], "volunteers",
     ["cultural-identity"]),
]


@transaction.atomic
def journey_demo(programme: Programme, seed: int = 1) -> None:
    """Add the journey's synthetic data to `programme` (idempotent: a second run adds
    nothing when campaigns already exist)."""
    if programme.campaigns.exists():
        return
    rng = random.Random(f"journey:{programme.slug}:{seed}")
    now = timezone.now()
    programme_apply_builtin_template(programme=programme)
    campaigns = [Campaign.objects.create(programme=programme, name=name, channel=channel,
                                         created_at=now - timedelta(days=200))
                 for name, channel in CAMPAIGNS]
    volunteers = list(VolunteerHousehold.objects.filter(programme=programme, archived=False)
                      .exclude(origin__isnull=False))
    visits = []
    for volunteer in volunteers:
        campaign = rng.choice([*campaigns, None])
        VolunteerOrigin.objects.create(volunteer=volunteer, campaign=campaign,
                                       channel=campaign.channel if campaign else "")
        visits += [Visit(programme=programme, campaign=campaign)
                   for _ in range(rng.randint(1, 4))]
    Visit.objects.bulk_create(visits)
    for language, posts in NEWS.items():
        for title, body in posts:
            NewsPost.objects.create(programme=programme, language=language, title=title,
                                    body=body, published_at=now - timedelta(days=10))
    _screenings(programme, volunteers)
    trained = [v for v in volunteers if v.status in TRAINED]
    # Each household trained soon after it signed up, and before its first match: the
    # monthly session after its sign-up, or one the next day when a match came sooner.
    first_match = dict(Match.objects.filter(programme=programme).values("volunteer")
                       .annotate(first=Min("started_on")).values_list("volunteer", "first"))
    today = timezone.localdate()
    days: dict[date, list[VolunteerHousehold]] = {}
    for volunteer in trained:
        signed_up = timezone.localdate(volunteer.created_at)
        latest = min(first_match.get(volunteer.pk, today), today) - timedelta(days=2)
        day = (signed_up.replace(day=1) + timedelta(days=40)).replace(day=10)
        days.setdefault(day if day <= latest else signed_up + timedelta(days=2),
                        []).append(volunteer)
    for module in programme.training_modules.all():
        for day, group in sorted(days.items()):
            starts = timezone.make_aware(datetime.combine(day, time(18 + module.position % 3)))
            past = TrainingSession.objects.create(
                module=module, starts_at=starts, ends_at=starts + timedelta(minutes=50),
                place="Maison de quartier", capacity=max(10, len(group)))
            Registration.objects.bulk_create(
                Registration(session=past, volunteer=v, attended=True) for v in group)
        start = now + timedelta(days=14 + 7 * module.position)
        TrainingSession.objects.create(module=module, starts_at=start,
                                       ends_at=start + timedelta(hours=2),
                                       place="Maison de quartier", capacity=15)
    start = now + timedelta(days=21)
    meal = Event.objects.create(programme=programme, kind="shared-meal",
                                title="Repas partagé", starts_at=start,
                                ends_at=start + timedelta(hours=3),
                                place="Centre culturel", capacity=20)
    users = [v.user for v in volunteers if v.user_id]
    Invitation.objects.bulk_create(
        Invitation(event=meal, user=u, responded_at=now - timedelta(days=rng.randint(1, 5)),
                   status=rng.choice([Rsvp.INVITED, Rsvp.GOING, Rsvp.DECLINED]))
        for u in users[:20])
    for kind, title, languages, target, indicators in RESOURCES:
        Resource.objects.create(programme=programme, kind=kind, title=title,
                                body=title, languages=languages, target_group=target,
                                indicators=indicators)
    volunteering_demo(programme, seed=seed)  # the information note, insurance (issue 18)
    files_demo(programme, seed=seed)  # issue 18: a handout, a resource file, a case attachment


def _screenings(programme: Programme, volunteers: list[VolunteerHousehold]) -> None:
    """Each household past "applied" was screened the day after it signed up: interview
    held, the programme's charter accepted, accepted by its coordinator (the path a
    household takes to become available)."""
    charter = Charter.objects.filter(programme=programme).first()
    coordinator = access.members_allowed(User.objects.all(), programme, "manage_programme",
                                          "memberships").order_by("id").first()
    rows = []
    for volunteer in volunteers:
        if volunteer.status in (V.APPLIED, V.LEFT) or charter is None:
            continue
        interview = volunteer.created_at + timedelta(days=1)
        rows.append(Screening(volunteer=volunteer, interview_at=interview,
                              interview_place="Maison de quartier", interview_held_at=interview,
                              charter=charter, charter_accepted_at=interview,
                              decision=Decision.ACCEPTED,
                              decided_at=interview + timedelta(hours=2),
                              decided_by=coordinator))
    Screening.objects.bulk_create(rows, ignore_conflicts=True)
