"""Staff pages: each view checks access through voisins.access, calls one service or
selector, and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from voisins import access, rounding, rows
from voisins.audit.services import SENSITIVE_FIELDS, audit_list, audit_read
from voisins.feedback import errors_to_form, save_form
from voisins.households import selectors, services
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.status import FAMILY_TRANSITIONS, VOLUNTEER_TRANSITIONS, FamilyStatus
from voisins.lists.counts import cached_counts
from voisins.lists.exports import export_list, wants_export
from voisins.lists.pages import filtered_page
from voisins.matches.forms import AnswerForm
from voisins.messaging import services as messaging_services
from voisins.messaging.selectors import messages_to_call
from voisins.ops.household_import import import_households
from voisins.privacy.models import ConsentPurpose
from voisins.programmes import services as programme_services
from voisins.programmes.constants import Role
from voisins.programmes.models import Membership, ServiceCategory
from voisins.volunteering import selectors as volunteering
from voisins.workspace.filters import FamilyFilter, VolunteerFilter
from voisins.workspace.selectors import cached_nav_counts

from . import selectors as staff_selectors
from . import services as staff_services
from .forms import (
    CategoryForm,
    ConsentForm,
    FamilyForm,
    ImportForm,
    InviteForm,
    MemberFormSet,
    ProgrammeSettingsForm,
    StatusForm,
    VolunteerForm,
    members_data,
    members_initial,
)

PAGE_SIZE = 50


def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("staff:home")
    return redirect("account_login")


# Where each role starts in a programme: the first of these pages it may open. A mediator
# starts with the matches assigned to them, a referrer with its referrals.
START_PAGES = (("view_aggregates", "staff:programme"), ("mediate", "matches:matches"),
               ("refer_families", "recruitment:referrals"))


def _start_page(user, programme) -> str:
    for action, url_name in START_PAGES:
        if access.can(user, action, programme):
            return reverse(url_name, kwargs={"slug": programme.slug})
    raise Http404  # a role that opens no page (none exists today)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    programmes = list(access.programmes_for(request.user))
    volunteer = access.volunteer_household_of(request.user, selectors.volunteer_households())
    if not programmes and volunteer is not None:
        return redirect("portal:home")  # a volunteer household has its own page
    if len(programmes) == 1:
        return redirect(_start_page(request.user, programmes[0]))
    return render(request, "staff/home.html", {
        "programmes": [(p, _start_page(request.user, p)) for p in programmes]})


@login_required
def programme(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "view_aggregates")
    # Counting 10,000 households twice is most of this page's time: the numbers are
    # kept as the navigation's are (until something is written, a minute at most).
    numbers = cached_counts(prog, request.user, "statuses",
                            lambda: selectors.status_numbers(prog))
    if not access.can(request.user, "view_small_counts", prog):
        numbers = rounding.counts_without_small(numbers)  # a viewer reads "< 5"
    return render(request, "staff/programme.html", {
        "programme": prog,
        "counts": selectors.status_counts(numbers),
        "can_view_households": access.can(request.user, "view_households", prog),
        # Sent proposals wait for the households, not for the coordinator: shown apart.
        "awaiting": (cached_nav_counts(prog, request.user, ["awaiting"])["awaiting"]
                     if access.can(request.user, "manage_matches", prog) else None),
        "volunteering": (volunteering.programme_home(prog, counts=access.can(
            request.user, "manage_volunteering", prog))
                         if access.can(request.user, "view_volunteering", prog) else None),
    })


def _list(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "view_households")
    model, filter_class = ((FamilyHousehold, FamilyFilter) if kind == "families"
                           else (VolunteerHousehold, VolunteerFilter))
    # Always bound: the default filters (archived households left out, the waiting list
    # longest-waiting first) hold without a query string too.
    filterset = filter_class(request.GET, queryset=selectors.households_listed(
        model=model, programme=prog))
    if wants_export(request):
        return export_list(request, name=kind, filterset=filterset, programme=prog)
    page = filtered_page(filterset, request.GET.get("page"), PAGE_SIZE)
    page.object_list = selectors.household_list_rows(
        page.object_list, kind=kind,
        link=rows.links("staff:family" if kind == "families" else "staff:volunteer", slug))
    audit_list(request=request, programme=prog,
               households=[(model, row["id"]) for row in page.object_list], via=kind)
    template = "staff/_household_rows.html" if request.htmx else "staff/household_list.html"
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, template, {
        "programme": prog, "kind": kind, "page": page, "filter": filterset,
        "can_edit": access.can(request.user, "edit_households", prog),
        "query": query.urlencode(), "sort": request.GET.get("sort", ""),
        "exportable": True,
    })


@login_required
def family_list(request: HttpRequest, slug: str) -> HttpResponse:
    return _list(request, slug, "families")


@login_required
def volunteer_list(request: HttpRequest, slug: str) -> HttpResponse:
    return _list(request, slug, "volunteers")


def _detail(request: HttpRequest, slug: str, pk: int, model: type) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "view_households")
    household = access.record_or_404(selectors.households_with_history(model=model),
                                     request.user, "view_households", pk=pk, programme=prog)
    transitions = FAMILY_TRANSITIONS if model is FamilyHousehold else VOLUNTEER_TRANSITIONS
    labels = dict(model._meta.get_field("status").choices)
    audit_read(by=request, record=household, fields=SENSITIVE_FIELDS[model._meta.model_name])
    story = staff_selectors.household_story(household)
    active = {c.purpose for c in story["consents"] if c.active}
    can_match = access.can(request.user, "manage_matches", prog)
    return render(request, "staff/household_detail.html", {
        "programme": prog, "household": household,
        "kind": "families" if model is FamilyHousehold else "volunteers",
        "next_statuses": [(s, labels[s]) for s in sorted(transitions[household.status])],
        "history": [(c, labels.get(c.from_status, c.from_status),
                     labels.get(c.to_status, c.to_status))
                    for c in household.status_changes.all()],
        "can_edit": access.can(request.user, "edit_households", prog),
        "can_match": can_match,
        "can_call": access.can(request.user, "call_households", prog),
        "can_manage_expenses": access.can(request.user, "manage_expenses", prog),
        "household_to_call": any(m.state == "to_call" for m in story["household_messages"]),
        "missing_matching_consent": ConsentPurpose.MATCHING not in active,
        "why_waiting": (can_match and model is FamilyHousehold
                        and household.status == FamilyStatus.WAITING),
        **story,
    })


@login_required
def family_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _detail(request, slug, pk, FamilyHousehold)


@login_required
def volunteer_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _detail(request, slug, pk, VolunteerHousehold)


@login_required
@require_POST
def household_status(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    if kind not in ("families", "volunteers"):
        raise Http404
    prog = access.programme_or_404(request.user, slug, "edit_households")
    model = FamilyHousehold if kind == "families" else VolunteerHousehold
    household = access.record_or_404(selectors.household_records(model=model), request.user,
                                     "edit_households", pk=pk, programme=prog)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            staff_services.household_move(household=household,
                                          status=form.cleaned_data["status"],
                                          by=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("Status changed."))
        except ValidationError as exc:
            for message in exc.message_dict.get("status", exc.messages):
                messages.error(request, message)
    else:
        messages.error(request, _("Choose a status."))
    name = "staff:family" if kind == "families" else "staff:volunteer"
    return redirect(name, slug=prog.slug, pk=household.pk)


@login_required
def import_page(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "import_households")
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = import_households(programme=prog, kind=form.cleaned_data["kind"],
                                       upload=upload, filename=upload.name, by=request.user)
            if result.ok:
                messages.success(request, _("%(n)s households imported.") % {"n": result.created})
                return redirect("staff:import", slug=prog.slug)
    else:
        form = ImportForm()
    return render(request, "staff/import.html", {"programme": prog, "form": form,
                                                 "result": result})


# --- Adding and editing households, recording consent ------------------------------------

KINDS = {"families": (FamilyHousehold, FamilyForm, "staff:family"),
         "volunteers": (VolunteerHousehold, VolunteerForm, "staff:volunteer")}


def _household_form(request: HttpRequest, slug: str, kind: str,
                    pk: int | None = None) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "edit_households")
    model, form_class, detail = KINDS[kind]
    household = None
    if pk is not None:
        household = access.record_or_404(selectors.households_with_members(model=model),
                                         request.user, "edit_households", pk=pk,
                                         programme=prog)
    data = request.POST if request.method == "POST" else None
    form = form_class(data, programme=prog, household=household)
    members = MemberFormSet(data, prefix="members",
                            initial=members_initial(household) if household else None)
    consent = ConsentForm(data, prefix="consent") if household is None else None
    if consent is not None:
        consent.fields["purposes"].required = False
    if data is not None and form.is_valid() and members.is_valid() and (
            consent is None or consent.is_valid()):
        try:
            if household is None:
                household = staff_services.household_register(
                    programme=prog, kind=kind, fields=form.household_fields(),
                    members=members_data(members), by=request.user,
                    **consent_arguments(consent))
                messages.success(request, _("The household is registered."))
            else:
                household = services.household_update(
                    household=household, changes=form.household_fields(),
                    members=members_data(members), by=request.user)
                messages.success(request, _("Changes saved."))
            return redirect(detail, slug=prog.slug, pk=household.pk)
        except ValidationError as exc:
            errors_to_form(form, exc)
    return render(request, "staff/household_form.html", {
        "programme": prog, "kind": kind, "household": household, "form": form,
        "members": members, "consent": consent})


def consent_arguments(form: ConsentForm | None) -> dict[str, object]:
    if form is None:
        return {}
    c = form.cleaned_data
    return {"consents": c["purposes"], "given_by_name": c["given_by_name"],
            "interpreter": c["interpreter"]}


@login_required
def family_new(request: HttpRequest, slug: str) -> HttpResponse:
    return _household_form(request, slug, "families")


@login_required
def family_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _household_form(request, slug, "families", pk)


@login_required
def volunteer_new(request: HttpRequest, slug: str) -> HttpResponse:
    return _household_form(request, slug, "volunteers")


@login_required
def volunteer_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _household_form(request, slug, "volunteers", pk)


# --- The programme's settings, categories and team --------------------------------------

@login_required
def programme_settings(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "manage_programme")
    form = ProgrammeSettingsForm(request.POST or None, programme=prog)
    if save_form(request, form, lambda: programme_services.programme_update(
            programme=prog, changes=form.changes()), _("Settings saved."),
            renamed={"checkin_schedule_days": "checkin_schedule"}):
        return redirect("staff:settings", slug=prog.slug)
    return render(request, "staff/settings.html", {
        "programme": prog, "form": form, "category_form": CategoryForm(),
        "categories": prog.service_categories.all()})


@login_required
@require_POST
def category_add(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "manage_programme")
    form = CategoryForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["name"])
        programme_services.category_add(programme=prog, name=form.cleaned_data["name"])
        messages.success(request, _("Category added."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("staff:settings", slug=prog.slug)


@login_required
@require_POST
def category_toggle(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "manage_programme")
    category = get_object_or_404(ServiceCategory, pk=pk, programme=prog)
    programme_services.category_set_active(category=category,
                                           active=request.POST.get("active") == "1")
    return redirect("staff:settings", slug=prog.slug)


@login_required
def team(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "manage_programme")
    form = InviteForm(request.POST or None,
                      initial={"language": translation.get_language()})
    if save_form(request, form, lambda: programme_services.membership_invite(
            programme=prog, by=request.user, **form.cleaned_data)):
        messages.success(request, _("Invitation sent to %(email)s.")
                         % {"email": form.cleaned_data["email"]})
        return redirect("staff:team", slug=prog.slug)
    return render(request, "staff/team.html", {
        "programme": prog, "form": form, "roles": Role.choices,
        "memberships": prog.memberships.select_related("user", "organisation")
                           .order_by("role", "user__email")})


@login_required
@require_POST
def team_member(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "manage_programme")
    membership = get_object_or_404(Membership, pk=pk, programme=prog)
    try:
        if request.POST.get("remove"):
            programme_services.membership_change(membership=membership, remove=True)
            messages.success(request, _("Taken off the team."))
        else:
            programme_services.membership_change(membership=membership,
                                                 role=request.POST.get("role", ""))
            messages.success(request, _("Role changed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("staff:team", slug=prog.slug)


# --- The to-call list and the printed letters --------------------------------------------

@login_required
def to_call(request: HttpRequest, slug: str) -> HttpResponse:
    """Every household to phone, most urgent first, with a way to record what was heard."""
    prog = access.programme_or_404(request.user, slug, "call_households")
    rows = staff_selectors.to_call(prog, request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    show_contact = access.can(request.user, "view_contact_details", prog)
    # The page names households and shows their numbers: its reading is audited.
    audit_list(request=request, programme=prog, households=[r["household"] for r in page],
               fields=["contact_last_name", "phone"] if show_contact else ["contact_last_name"],
               via="to_call")
    for row in page:
        if row["proposal"] is not None:  # the answer heard, recorded from the list
            row["answer_form"] = AnswerForm(auto_id=f"id_m{row['message'].pk}_%s")
    return render(request, "staff/to_call.html", {
        "programme": prog, "page": page, "show_contact": show_contact,
        "households": len({(r["side"], r["household"].pk) for r in rows if r["household"]}),
        "letters": any(r["kind"] == "message" for r in rows)})


@login_required
@require_POST
def to_call_record(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """"Called, done" or "no answer, try again" for one message of the list."""
    prog = access.programme_or_404(request.user, slug, "call_households")
    message = access.record_or_404(messages_to_call(prog.pk), request.user, "call_households",
                                   pk=pk)
    outcome = request.POST.get("outcome", "")
    if outcome not in ("done", "no_answer"):
        messages.error(request, _("Outcome: choose “called, done” or “no answer”."))
        return redirect("staff:to_call", slug=prog.slug)
    try:
        messaging_services.message_call_record(message=message, reached=outcome == "done",
                                               by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The call is recorded: the message is delivered by phone.")
                         if outcome == "done" else
                         _("No answer: the call is counted, the household stays on the list."))
    return redirect("staff:to_call", slug=prog.slug)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def household_letter(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    """A printable letter (A4 PDF) for one household, in its language."""
    if kind not in KINDS:
        raise Http404
    prog = access.programme_or_404(request.user, slug, "call_households")
    household = access.record_or_404(
        selectors.households_with_programme(model=KINDS[kind][0]), request.user,
        "call_households", pk=pk, programme=prog)
    # The letter carries the household's personal link: who printed it is recorded.
    audit_read(by=request, record=household, fields=["personal_link"], via="letter")
    pdf = staff_services.household_letters_pdf(households=[household])
    return _pdf(pdf, f"letter-{kind}-{household.pk}.pdf")


@login_required
def to_call_letters(request: HttpRequest, slug: str) -> HttpResponse:
    """One PDF with a letter for every household with a message on the to-call list."""
    prog = access.programme_or_404(request.user, slug, "call_households")
    households = staff_selectors.households_to_write_to(prog, request.user)
    if not households:
        messages.info(request, _("Nobody on the to-call list needs a letter."))
        return redirect("staff:to_call", slug=prog.slug)
    audit_list(request=request, programme=prog, households=households,
               fields=["personal_link"], via="letters")
    pdf = staff_services.household_letters_pdf(households=households)
    return _pdf(pdf, f"letters-{prog.slug}.pdf")
