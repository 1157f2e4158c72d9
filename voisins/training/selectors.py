"""Reads of training, among them the matching gate: who completed the required modules.

``volunteers_who_completed_required_training(programme)`` is what the matching side
combines with its own ``matchable_volunteers(programme)`` (voisins/matches/selectors.py,
another branch) through ``restrict_to_trained``::

    from voisins.training.selectors import restrict_to_trained
    volunteers = restrict_to_trained(matchable_volunteers(programme), programme)
"""

from django.db.models import Count, QuerySet
from django.utils import timezone

from voisins.households.models import VolunteerHousehold
from voisins.households.status import VolunteerStatus
from voisins.programmes.models import Programme

from .models import Registration, TrainingModule, TrainingSession


def required_modules(programme: Programme | int) -> QuerySet[TrainingModule]:
    return TrainingModule.objects.filter(programme=programme, required=True)


def _completed_ids(programme: Programme) -> QuerySet | None:
    """Ids of households that attended a session of every required module, or None when
    the programme requires none (then nobody is held back)."""
    n_required = required_modules(programme).count()
    if n_required == 0:
        return None
    return (Registration.objects
            .filter(attended=True, session__module__programme=programme,
                    session__module__required=True)
            .values("volunteer")
            .annotate(done=Count("session__module", distinct=True))
            .filter(done=n_required)
            .values("volunteer"))


def volunteers_who_completed_required_training(
        programme: Programme) -> QuerySet[VolunteerHousehold]:
    """The programme's volunteer households that attended a session of each required
    module (all of them when no module is required). Two queries when evaluated."""
    return restrict_to_trained(VolunteerHousehold.objects.filter(programme=programme),
                               programme)


def restrict_to_trained(volunteers: QuerySet[VolunteerHousehold],
                        programme: Programme) -> QuerySet[VolunteerHousehold]:
    """The matching gate: keep from `volunteers` only those who completed the programme's
    required training. Composes with any queryset (one subquery, no join)."""
    completed = _completed_ids(programme)
    return volunteers if completed is None else volunteers.filter(pk__in=completed)


def has_completed_required_training(volunteer: VolunteerHousehold) -> bool:
    return not missing_required_modules(volunteer)


def missing_required_modules(volunteer: VolunteerHousehold) -> list[TrainingModule]:
    """The required modules this household has not attended yet."""
    attended = set(Registration.objects.filter(volunteer=volunteer, attended=True)
                   .values_list("session__module_id", flat=True))
    return [m for m in required_modules(volunteer.programme_id) if m.pk not in attended]


def upcoming_sessions(programme: Programme) -> QuerySet[TrainingSession]:
    return (TrainingSession.objects.filter(module__programme=programme,
                                           starts_at__gte=timezone.now())
            .select_related("module").annotate(taken=Count("registrations")))


def registrations_of(volunteer: VolunteerHousehold) -> QuerySet[Registration]:
    return volunteer.training_registrations.select_related("session__module")


# --- What the training pages show ------------------------------------------------------------

def modules_counted(*, programme: Programme) -> QuerySet[TrainingModule]:
    """The programme's training modules, each with its number of sessions (and its
    handouts, voisins.files, read at once)."""
    return TrainingModule.objects.filter(programme=programme).annotate(
        n_sessions=Count("sessions")).prefetch_related("handouts")


def sessions_recent(*, programme: Programme, limit: int = 100) -> QuerySet[TrainingSession]:
    """The programme's last `limit` sessions, latest first, each with its module and how
    many households registered."""
    return (TrainingSession.objects.filter(module__programme=programme)
            .select_related("module").annotate(taken=Count("registrations"))
            .order_by("-starts_at")[:limit])


def sessions_with_module() -> QuerySet[TrainingSession]:
    """Training sessions with their module (one session's page)."""
    return TrainingSession.objects.select_related("module")


def programme_session(*, programme: Programme, pk: int) -> TrainingSession | None:
    """Session `pk` if it belongs to a module of `programme`, else None."""
    return TrainingSession.objects.filter(pk=pk, module__programme=programme).first()


def volunteer_registration(*, volunteer: VolunteerHousehold, pk: int) -> Registration | None:
    """Registration `pk` if it is `volunteer`'s, else None."""
    return Registration.objects.filter(pk=pk, volunteer=volunteer).first()


def session_candidates(*, programme: Programme, registered: set[int],
                       limit: int = 500) -> QuerySet[VolunteerHousehold]:
    """Volunteer households of `programme` that may still register for a session (screened
    or further on, not among `registered`), by name."""
    return VolunteerHousehold.objects.filter(
        programme=programme, status__in=[VolunteerStatus.SCREENED, VolunteerStatus.TRAINED,
                                         VolunteerStatus.AVAILABLE, VolunteerStatus.MATCHED]
    ).exclude(pk__in=registered).order_by("contact_last_name", "contact_first_name")[:limit]
