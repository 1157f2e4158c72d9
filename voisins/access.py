"""The one place that decides who may do what: role × programme × record.

Views, the admin and the API ask here; none of them checks a role itself. A record of a
programme the user has no role in is reported as missing (404), never as forbidden, so
that nobody learns that it exists.
"""

import uuid
from typing import Any

from django.contrib import admin
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest

from voisins.programmes.constants import NetworkRole, Role
from voisins.programmes.models import Membership, Programme

R = Role

# What each role may do in its own programme.
PERMISSIONS: dict[str, frozenset[str]] = {
    "view_households": frozenset({R.COORDINATOR}),
    "edit_households": frozenset({R.COORDINATOR}),
    "import_households": frozenset({R.COORDINATOR}),
    "view_contact_details": frozenset({R.COORDINATOR}),
    # The to-call list and the printed letters show names and phone numbers: the roles
    # that see contact details.
    "call_households": frozenset({R.COORDINATOR}),
    "view_referrals": frozenset({R.COORDINATOR, R.REFERRER}),
    "view_aggregates": frozenset({R.COORDINATOR, R.VIEWER}),
    "manage_programme": frozenset({R.COORDINATOR}),
    # Issue 8: any role sees its programme's settings; coordinators alone read the audit
    # log, export or erase a person's data and read the record of processing.
    "view_programme": frozenset(Role.values),
    "view_audit_log": frozenset({R.COORDINATOR}),
    "export_personal_data": frozenset({R.COORDINATOR}),
    "erase_personal_data": frozenset({R.COORDINATOR}),
    # Move a household to another programme of a common network (voisins.transfers): the
    # old programme's coordinator records the consent and makes the move.
    "transfer_households": frozenset({R.COORDINATOR}),
    "view_processing_record": frozenset({R.COORDINATOR}),
    "record_consents": frozenset({R.COORDINATOR}),
    "import_matches": frozenset({R.COORDINATOR}),
    "record_surveys": frozenset({R.COORDINATOR}),
    "manage_evaluation": frozenset({R.COORDINATOR}),
    "export_reports": frozenset({R.COORDINATOR, R.VIEWER}),
    # Issue 14: counts of 1 to 4 people are shown to coordinators only; viewers (and every
    # funder report) read "< 5" (voisins.rounding.small_count).
    "view_small_counts": frozenset({R.COORDINATOR}),
    # Match life (voisins.matches, voisins.mediation): coordinators run it all; mediators
    # reach only the matches and cases assigned to them (narrowed in those apps' selectors);
    # safeguarding cases are for coordinators only.
    "manage_matches": frozenset({R.COORDINATOR}),
    "mediate": frozenset({R.COORDINATOR, R.MEDIATOR}),
    "view_safeguarding": frozenset({R.COORDINATOR}),
    "send_family_links": frozenset({R.COORDINATOR}),
    "send_volunteer_links": frozenset({R.COORDINATOR}),
    # volunteer-journey: recruitment, screening, training, events, resources, referrals
    "manage_recruitment": frozenset({R.COORDINATOR}),
    "view_funnel": frozenset({R.COORDINATOR, R.VIEWER}),
    "screen_volunteers": frozenset({R.COORDINATOR}),
    "refer_families": frozenset({R.COORDINATOR, R.REFERRER}),
    "manage_training": frozenset({R.COORDINATOR}),
    "manage_events": frozenset({R.COORDINATOR}),
    "view_resources": frozenset({R.COORDINATOR, R.MEDIATOR}),
    "manage_resources": frozenset({R.COORDINATOR}),
    # Issue 15: writing to a group of households (news, their match, their event) reaches
    # their contact details through the queue: coordinators only.
    "message_groups": frozenset({R.COORDINATOR}),
    # Issue 18: the volunteers' information note and insurance (voisins.volunteering):
    # coordinators publish and record; mediators and viewers read the note, the policies
    # and the counts (never who has not acknowledged: names are the coordinators').
    "manage_volunteering": frozenset({R.COORDINATOR}),
    "view_volunteering": frozenset({R.COORDINATOR, R.MEDIATOR, R.VIEWER}),
    # Issue 18: volunteers' expenses are money paid to named households: coordinators
    # record them for a household, approve or refuse, close a year, download statements
    # and the accountant's export; viewers read the hours given in the funders' report.
    "manage_expenses": frozenset({R.COORDINATOR}),
    # Issue 20: a programme adopts a network's shared materials (its copies are its own
    # records), accepts their updates or keeps its own: its coordinators.
    "adopt_materials": frozenset({R.COORDINATOR}),
}


def _memberships(user: Any) -> dict[int, tuple[str, Programme]]:
    """{programme id: (role, programme)} of an active, logged-in user: read once per user
    object, that is once per request (every staff page asks several times)."""
    cache = getattr(user, "_voisins_memberships", None)
    if cache is None:
        cache = {m.programme_id: (m.role, m.programme)
                 for m in Membership.objects.filter(user=user).select_related("programme")}
        user._voisins_memberships = cache
    return cache


def role_in(user: Any, programme: Programme | int) -> str | None:
    """The user's role in a programme, or None. Cached per user object for one request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    programme_id = programme if isinstance(programme, int) else programme.pk
    role, _programme = _memberships(user).get(programme_id, (None, None))
    return role


def programmes_of(user: Any) -> list[Programme]:
    """The programmes in which `user` holds a role, by name, from the same per-request
    read as role_in (programmes_for is the same as a query, for subqueries)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return sorted((p for _role, p in _memberships(user).values()), key=lambda p: (p.name, p.pk))


def can(user: Any, action: str, programme: Programme | int) -> bool:
    role = role_in(user, programme)
    return role is not None and role in PERMISSIONS[action]


def programmes_for(user: Any, action: str | None = None) -> QuerySet[Programme]:
    """The programmes in which `user` holds a role (allowing `action`, when given)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Programme.objects.none()
    memberships = Membership.objects.filter(user=user)
    if action is not None:
        memberships = memberships.filter(role__in=PERMISSIONS[action])
    return Programme.objects.filter(pk__in=memberships.values("programme_id"))


def _programme_keys(user: Any, action: str) -> QuerySet:
    """The keys of the programmes where `user` holds a role allowing `action`, as the
    subquery of a filter (``programme__in=``): what ``programmes_for`` selects, one query
    level less deep, and built once per user object and action (every list asks, and
    building the query cost more than running it). Lazy: it reads the memberships each
    time it runs, never a copy of them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return programmes_for(user, action)
    built = getattr(user, "_voisins_programme_keys", None)
    if built is None:
        built = user._voisins_programme_keys = {}
    if action not in built:
        built[action] = Membership.objects.filter(
            user=user, role__in=PERMISSIONS[action]).values("programme_id")
    return built[action]


def programme_or_404(user: Any, slug: str, action: str) -> Programme:
    """The programme `slug` if `user` may do `action` there; otherwise 404, whatever the reason."""
    # Only a programme where the user holds a role can pass: it is among their memberships.
    for programme in programmes_of(user):
        if programme.slug == slug and can(user, action, programme):
            return programme
    raise Http404


def scoped(queryset: QuerySet, user: Any, action: str, path: str = "programme") -> QuerySet:
    """Restrict `queryset` to records of the programmes where `user` may do `action`."""
    return queryset.filter(**{f"{path}__in": _programme_keys(user, action)})


def record_or_404(queryset: QuerySet, user: Any, action: str, path: str = "programme",
                  **lookup: Any) -> Model:
    """One record, only if it belongs to a programme where `user` may do `action`."""
    record = scoped(queryset, user, action, path).filter(**lookup).first()
    if record is None:
        raise Http404
    return record


def programme_path(model: type[Model], depth: int = 3) -> str | None:
    """The lookup from `model` to the programme its records belong to ("programme",
    "module__programme"…, "id" for a programme itself), or None when it belongs to none.

    Follows foreign keys only (shortest path first), so a user, who may hold roles in
    several programmes, belongs to none."""
    if issubclass(model, Programme):
        return "id"
    paths: list[tuple[str, type[Model]]] = [("", model)]
    for _level in range(depth):
        next_paths = []
        for prefix, current in paths:
            for field in current._meta.get_fields():
                if not (field.many_to_one or field.one_to_one) or not field.concrete:
                    continue
                path = f"{prefix}{field.name}"
                if field.related_model is Programme:
                    return path
                next_paths.append((f"{path}__", field.related_model))
        paths = next_paths
    return None


class ProgrammeScopedAdmin(admin.ModelAdmin):
    """Admin pages show super-users everything and other staff only their own programmes.

    Daily work happens in the staff pages; the admin is for super-users. A staff account
    that reaches it anyway sees only the records of programmes it coordinates, and its
    forms offer only those programmes' records to link to.
    """

    programme_path = "programme"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return scoped(queryset, request.user, "manage_programme", self.programme_path)

    def _scope_choices(self, db_field: Any, request: HttpRequest, kwargs: dict) -> None:
        path = programme_path(db_field.related_model)
        if path is not None and not request.user.is_superuser:
            kwargs["queryset"] = scoped(db_field.related_model._default_manager.all(),
                                        request.user, "manage_programme", path)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest,
                                 **kwargs: Any) -> Any:
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class SuperUsersOnlyAdmin(admin.ModelAdmin):
    """For models that belong to no programme (accounts, e-mail addresses, second factors,
    tokens, the audit log…): super-users only, whatever permissions a staff account holds."""

    def _super(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._super(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._super(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._super(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._super(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._super(request) and super().has_delete_permission(request, obj)


def admin_deny_by_default(site: admin.AdminSite) -> None:
    """Make every registered admin that is not scoped to programmes super-users only,
    our own and those of the libraries alike (allauth's addresses and second factors,
    auditlog's entries). Called once every app has registered its models."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ProgrammeScopedAdmin | SuperUsersOnlyAdmin):
            continue
        guarded = type(f"SuperUsersOnly{type(model_admin).__name__}",
                       (SuperUsersOnlyAdmin, type(model_admin)), {})
        site.unregister(model)
        site.register(model, guarded)


# --- volunteer-journey: volunteers are not staff; they reach their own household only. ---
# This module imports no app's models: the caller hands in the queryset to choose from
# (voisins.households.selectors.volunteer_households(), for instance).

def volunteer_household_of(user: Any, households: QuerySet) -> Any:
    """The volunteer household of `households` that `user` speaks for, or None."""
    if not _authenticated(user):
        return None
    return households.filter(user=user).first()


def volunteer_household_or_404(user: Any, households: QuerySet) -> Any:
    household = volunteer_household_of(user, households)
    if household is None:
        raise Http404
    return household


def may_see_resources(user: Any, programme: Programme, households: QuerySet) -> bool:
    """Staff who support volunteers, and the programme's own volunteer households
    (`households`: the volunteer households to look the user up in)."""
    if can(user, "view_resources", programme):
        return True
    household = volunteer_household_of(user, households)
    return household is not None and household.programme_id == programme.pk


def resources_programme_or_404(user: Any, slug: str, households: QuerySet) -> Programme:
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None or not may_see_resources(user, programme, households):
        raise Http404
    return programme
# --- Issue 8: households by id, roles that must use two factors ---------------------------

def household_or_404(model: type[Model], user: Any, action: str, pk: object) -> Model:
    """A family or volunteer household by primary key, if `user` may do `action` in its
    programme; a household of another programme, or none at all, is the same 404."""
    try:
        pk = int(pk)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise Http404 from None
    return record_or_404(model.objects.select_related("programme"), user, action, pk=pk)


def roles_of(user: Any) -> set[str]:
    """Every role `user` holds, in any programme (for rules such as two-factor login)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {role for role, _programme in _memberships(user).values()}


# --- Issue 8 (API): match life by id --------------------------------------------------------
# Who follows which match, check-in and case. The staff pages and the API both ask here;
# the apps' selectors narrow their lists through these functions.

def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def as_pk(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise Http404 from None


def _follows_match(user: Any, path: str = "") -> Q:
    """The rule of `matches_visible`, on the match reached by `path` ("" or "match__")."""
    return (Q(**{f"{path}programme__in": _programme_keys(user, "manage_matches")})
            | Q(**{f"{path}programme__in": _programme_keys(user, "mediate"),
                   f"{path}mediator": user}))


def matches_visible(user: Any, queryset: QuerySet) -> QuerySet:
    """The matches of `queryset` that `user` may follow: every match of a programme they
    coordinate, and in a programme where they mediate, the matches assigned to them."""
    if not _authenticated(user):
        return queryset.none()
    return queryset.filter(_follows_match(user))


def cases_visible(user: Any, queryset: QuerySet) -> QuerySet:
    """The mediation cases of `queryset` that `user` may see: every case of a programme they
    coordinate; in a programme where they mediate, the cases assigned to them, never a
    safeguarding case (the case model names that kind: ``Case.Kind.SAFEGUARDING``)."""
    if not _authenticated(user):
        return queryset.none()
    return queryset.filter(
        Q(programme__in=_programme_keys(user, "view_safeguarding"))
        | (Q(programme__in=_programme_keys(user, "mediate"), assigned_to=user)
           & ~Q(kind=queryset.model.Kind.SAFEGUARDING)))


def match_or_404(user: Any, pk: object, queryset: QuerySet, action: str = "mediate") -> Model:
    """A match of `queryset` that `user` may follow (``action="mediate"``) or run
    (``"manage_matches"``)."""
    return record_or_404(matches_visible(user, queryset), user, action, pk=as_pk(pk))


def checkin_or_404(user: Any, pk: object, queryset: QuerySet, action: str = "mediate") -> Model:
    """A check-in of `queryset`, of a match `user` may follow (or run, for
    ``"manage_matches"``)."""
    if not _authenticated(user):
        raise Http404
    return record_or_404(queryset.filter(_follows_match(user, "match__")), user, action,
                         "match__programme", pk=as_pk(pk))


def case_or_404(user: Any, pk: object, queryset: QuerySet, action: str = "mediate") -> Model:
    """A mediation case of `queryset` that `user` may see (and, with ``"manage_matches"``,
    assign)."""
    return record_or_404(cases_visible(user, queryset), user, action, pk=as_pk(pk))


# A volunteer household's own records: its proposals, its check-ins. An invitation to an
# event is its invitee's own, whatever their role.

def own_proposal_or_404(user: Any, pk: object, queryset: QuerySet) -> Model:
    """A proposal of `queryset` sent to the volunteer household `user` speaks for."""
    if not _authenticated(user):
        raise Http404
    proposal = queryset.filter(pk=as_pk(pk), volunteer__user=user).first()
    if proposal is None:
        raise Http404
    return proposal


def own_checkin_or_404(user: Any, pk: object, queryset: QuerySet) -> Model:
    """A check-in of `queryset` on the volunteer side of a match of `user`'s household
    (the check-in model names the side: ``CheckIn.Side.VOLUNTEER``)."""
    if not _authenticated(user):
        raise Http404
    checkin = queryset.filter(pk=as_pk(pk), side=queryset.model.Side.VOLUNTEER,
                              match__volunteer__user=user).first()
    if checkin is None:
        raise Http404
    return checkin


def own_invitation_or_404(user: Any, pk: object, queryset: QuerySet) -> Model:
    """An invitation of `queryset` to an event addressed to `user`: nobody answers for
    someone else."""
    if not _authenticated(user):
        raise Http404
    invitation = queryset.filter(pk=as_pk(pk), user=user).first()
    if invitation is None:
        raise Http404
    return invitation


def visible_columns(user: Any, programme: Programme, columns: Any) -> list[Any]:
    """The columns of an exported list that `user` may read in `programme`: each column
    names in ``needs`` the action it requires (contact details need
    "view_contact_details"); a column without one goes with the list itself."""
    return [c for c in columns if not c.needs or can(user, c.needs, programme)]


# --- Issue 16: contact details on the pages of match life -----------------------------------

def sees_contact_details(user: Any, programme: Programme | int) -> bool:
    """Whether `user` reads households' phone numbers, e-mail addresses and last names on
    the match page and on the call-back list of `programme` (each read audited).

    Coordinators only, as on the households' own pages. A mediator follows the matches
    and cases assigned to them by first names: the coordinators keep the numbers and put
    the mediator in touch (docs/pages.md)."""
    return can(user, "view_contact_details", programme)


# --- Issue 17: the role checks that lived in the apps ---------------------------------------

def members_allowed(queryset: QuerySet, programme: Programme | int, action: str,
                    path: str = "") -> QuerySet:
    """Restrict `queryset` to the members of `programme` whose role allows `action`:
    memberships (`path` ""), or users (`path` "memberships"). The people offered as a
    match's mediator are those who may "mediate"; as a safeguarding case's, those who may
    "view_safeguarding"; the coordinators told of a case, those who "manage_matches"."""
    prefix = f"{path}__" if path else ""
    programme_id = programme if isinstance(programme, int) else programme.pk
    return queryset.filter(**{f"{prefix}programme_id": programme_id,
                              f"{prefix}role__in": PERMISSIONS[action]})


def case_action(safeguarding: bool) -> str:
    """What a person must be allowed to be given a mediation case: a safeguarding case
    goes to coordinators alone."""
    return "view_safeguarding" if safeguarding else "mediate"


def mediates_only(user: Any, programme: Programme | int) -> bool:
    """Whether `user` is a mediator (not a coordinator) of `programme`: a case they open
    is assigned to them, as they would not see it otherwise."""
    return role_in(user, programme) == R.MEDIATOR


def may_start_programme(user: Any) -> bool:
    """A coordinator of any programme (or a super-user) may start another one."""
    return user.is_superuser or programmes_for(user, "manage_programme").exists()


def is_bare_account(user: Any) -> bool:
    """An account without a password, staff flag or role: a volunteer household's own,
    which a sign-up link may log in and the household may give a password. Never a staff
    account (it has a password and maybe a second factor)."""
    return not (user.has_usable_password() or user.is_staff or user.memberships.exists())


# --- Issue 18: volunteers' expenses ---------------------------------------------------------

def expense_or_404(user: Any, pk: object, queryset: QuerySet) -> Model:
    """An expense of a programme where `user` manages expenses (`queryset`: the expenses
    app's, so that access imports nothing above it)."""
    return record_or_404(queryset, user, "manage_expenses", pk=as_pk(pk))


def own_record_or_404(queryset: QuerySet, household: Any, pk: object,
                      path: str = "household") -> Model:
    """A record of `household`'s own (an expense, an activity of its matches, reached by
    `path`): anybody else's is a 404, as if it did not exist."""
    record = queryset.filter(**{path: household}, pk=as_pk(pk)).first()
    if record is None:
        raise Http404
    return record


# --- Issue 18: private files ----------------------------------------------------------------
# A stored file is seen by whoever sees what it belongs to: a case attachment by those who
# see the case, a handout by training staff and the households registered for its module,
# a resource file by those who see the library, a signed scan by the coordinators who
# screen volunteers. Anything else, or any doubt, is a 404.

def file_readable(user: Any, stored: Any, households: QuerySet) -> bool:
    """May `user` download `stored` (a voisins.files StoredFile)? (`households`: the
    volunteer households, where a volunteer's own is looked up.)"""
    if not _authenticated(user):
        return False
    purpose = stored.purpose
    if purpose == "case":
        case = stored.case
        return cases_visible(user, type(case).objects.filter(pk=case.pk)).exists()
    if purpose == "handout":
        if can(user, "manage_training", stored.programme_id):
            return True
        household = volunteer_household_of(user, households)
        return household is not None and handout_readable_by(household, stored)
    if purpose == "resource":
        return may_see_resources(user, stored.programme)
    if purpose in ("charter", "note"):
        return can(user, "screen_volunteers", stored.programme_id)
    return False


def handout_readable_by(household: Any, stored: Any) -> bool:
    """A handout is a volunteer household's to read once it registered for a session of
    its module (and was not marked absent)."""
    return (stored.purpose == "handout" and household.programme_id == stored.programme_id
            and household.training_registrations.filter(
                session__module_id=stored.module_id).exclude(attended=False).exists())


def file_or_404(user: Any, key: object, queryset: QuerySet, households: QuerySet) -> Any:
    """The stored file whose unguessable id is `key`, if `user` may download it."""
    stored = queryset.filter(uuid=_uuid_or_404(key)).first()
    if stored is None or not file_readable(user, stored, households):
        raise Http404
    return stored


def household_file_or_404(household: Any, key: object, queryset: QuerySet) -> Any:
    """A handout for the household behind a personal link (no account)."""
    stored = queryset.filter(uuid=_uuid_or_404(key)).first()
    if stored is None or not handout_readable_by(household, stored):
        raise Http404
    return stored


def file_upload_action(purpose: str) -> str:
    """What a user must be allowed to do in the programme to add a file of `purpose`
    (case attachments: see the case, through case_or_404)."""
    return {"case": "mediate", "handout": "manage_training", "resource": "manage_resources",
            "charter": "screen_volunteers", "note": "screen_volunteers"}[purpose]


def _uuid_or_404(key: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(key))
    except (TypeError, ValueError, AttributeError):
        raise Http404 from None


# --- Networks of programmes (issue 20) ---------------------------------------------------
# A network role reaches the network's own pages: what the programmes publish to it, its
# members and materials. Never a programme's records: those stay behind PERMISSIONS above,
# which no network role is in, so a network role asking for one gets 404.
NR = NetworkRole
NETWORK_PERMISSIONS: dict[str, frozenset[str]] = {
    "view_network": frozenset({NR.COORDINATOR, NR.VIEWER}),
    # members, roles, publication tokens, closed periods, shared materials
    "manage_network": frozenset({NR.COORDINATOR}),
}


def networks_for(user: Any, networks: QuerySet, action: str = "view_network") -> QuerySet:
    """The networks of `networks` (a queryset of voisins.networks' Network) in which
    `user` holds a network role that allows `action`."""
    if not _authenticated(user):
        return networks.none()
    return networks.filter(staff__user=user,
                           staff__role__in=NETWORK_PERMISSIONS[action]).distinct()


def network_or_404(user: Any, slug: str, networks: QuerySet, action: str) -> Any:
    """The network `slug` if `user` may do `action` there; otherwise 404, whatever the
    reason."""
    network = networks_for(user, networks, action).filter(slug=slug).first()
    if network is None:
        raise Http404
    return network


def may_join_network(user: Any, programme: Programme | int) -> bool:
    """A programme joins or leaves a network, and agrees to be named, by its
    coordinator's decision."""
    return can(user, "manage_programme", programme)


def may_start_network(user: Any) -> bool:
    """Who may start a network: whoever may start a programme."""
    return may_start_programme(user)


# --- Shared materials of networks (issue 20 §3, voisins.sharing) ----------------------------
# The network's side (its materials and their versions) goes by network roles; the
# programme's side (what it adopted, its copies) by the programme's roles alone, so a
# network role never reaches a programme's copy.

def materials_for_programme(user: Any, programme: Programme, materials: QuerySet,
                            *, current: bool = True) -> QuerySet:
    """The materials of `materials` (voisins.sharing's Material) that `user` may adopt
    for `programme`: those of the networks it is a current member of (`current`), or
    was ever a member of (``current=False``: the adoption service then says why it
    refuses one of a network the programme left). None unless `user` may adopt there."""
    if not can(user, "adopt_materials", programme):
        return materials.none()
    members = Q(network__members__programme=programme)
    if current:
        members &= Q(network__members__left_at__isnull=True)
    return materials.filter(members).distinct()


def adoption_or_404(user: Any, programme: Programme, pk: object, adoptions: QuerySet) -> Any:
    """An adoption of `adoptions` by `programme`, if `user` may adopt materials there."""
    if not can(user, "adopt_materials", programme):
        raise Http404
    adoption = adoptions.filter(programme=programme, pk=as_pk(pk)).first()
    if adoption is None:
        raise Http404
    return adoption


def network_allows(user: Any, network: Any, action: str) -> bool:
    """Whether `user` holds a role in `network` that allows `action`."""
    return _authenticated(user) and network.staff.filter(
        user=user, role__in=NETWORK_PERMISSIONS[action]).exists()


def material_or_404(user: Any, network: Any, pk: object, materials: QuerySet,
                    action: str = "view_network") -> Any:
    """A material of `network` (reached through network_or_404), if `user` may do
    `action` in that network."""
    if not _authenticated(user):
        raise Http404
    material = materials.filter(network=network, network__staff__user=user,
                                network__staff__role__in=NETWORK_PERMISSIONS[action],
                                pk=as_pk(pk)).first()
    if material is None:
        raise Http404
    return material


def programmes_to_publish_from(user: Any, network: Any, members: QuerySet) -> QuerySet:
    """The programmes whose own items `user` may publish to `network`: they coordinate
    the network and the programme, and the programme is a current member (`members`:
    the network's NetworkMember rows)."""
    if not _authenticated(user) or not network.staff.filter(
            user=user, role__in=NETWORK_PERMISSIONS["manage_network"]).exists():
        return Programme.objects.none()
    return programmes_for(user, "adopt_materials").filter(
        pk__in=members.filter(network=network, left_at__isnull=True,
                              programme__isnull=False).values("programme_id"))


def holds_network_role(user: Any, networks: QuerySet) -> bool:
    """Whether `user` holds any role in a network of `networks` (the menu's "Network")."""
    return networks_for(user, networks).exists()


def sees_member_names(user: Any, network: Any, networks: QuerySet) -> bool:
    """The list of a network's members shows every programme's name to its network
    coordinators (they decided on each joining); a network viewer reads "programme A"
    for those that did not agree to be named, as on every figure and export."""
    return networks_for(user, networks, "manage_network").filter(pk=network.pk).exists()


def network_membership_or_404(user: Any, programme: Programme, pk: object,
                              memberships: QuerySet) -> Any:
    """A membership of `programme` (from `memberships`, the programme's own) that
    `user` may change: the programme's coordinator's decision; otherwise 404."""
    if not may_join_network(user, programme):
        raise Http404
    member = memberships.filter(programme=programme, pk=as_pk(pk)).first()
    if member is None:
        raise Http404
    return member


def network_keeps_a_coordinator(staff: QuerySet, *, leaving: Any,
                                new_role: str | None = None) -> bool:
    """Whether the network of `staff` (its NetworkStaff rows) still has a network
    coordinator once `leaving` loses its role (or takes `new_role`)."""
    managers = NETWORK_PERMISSIONS["manage_network"]
    if leaving.role not in managers or new_role in managers:
        return True
    return staff.filter(role__in=managers).exclude(pk=leaving.pk).exists()
