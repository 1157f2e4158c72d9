"""The network's pages (its home: members, roles, publication tokens, closed periods; its
dashboard, PDF, XLSX and practice sheet) and a programme's page of networks (join, be
named or not, leave). Access is `voisins.access`'s; a network role never reaches a
programme's page, nor a programme's role a network's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from voisins import access
from voisins.feedback import act, errors_to_form, save_posted_form

from . import practice, reports, selectors, services
from .forms import (
    ClosePeriodForm,
    JoinForm,
    NamedForm,
    NetworkForm,
    PeriodForm,
    RemoteMemberForm,
    StaffForm,
)

VIEW, MANAGE = "view_network", "manage_network"


def _network(request: HttpRequest, network: str, action: str = VIEW):
    return access.network_or_404(request.user, network, selectors.networks(), action)


@login_required
def network_list(request: HttpRequest) -> HttpResponse:
    """The networks the user holds a role in, and starting one."""
    may_start = access.may_start_network(request.user)
    if not may_start and not access.holds_network_role(request.user, selectors.networks()):
        raise Http404
    form = NetworkForm(request.POST or None)
    if request.method == "POST":
        if not may_start:
            raise Http404
        if form.is_valid():
            try:
                network = services.network_create(by=request.user, **form.cleaned_data)
                messages.success(request, _("The network is started: you are its network "
                                            "coordinator."))
                return redirect("networks:home", network=network.slug)
            except ValidationError as exc:
                errors_to_form(form, exc)
    return render(request, "networks/list.html", {
        "networks": access.networks_for(request.user, selectors.networks()),
        "form": form if may_start else None,
    }, status=400 if form.errors else 200)


@login_required
def network_home(request: HttpRequest, network: str) -> HttpResponse:
    net = _network(request, network)
    manages = access.networks_for(request.user, selectors.networks(), MANAGE).filter(
        pk=net.pk).exists()
    members = selectors.members_of(net)
    names = access.sees_member_names(request.user, net, selectors.networks())
    labels = selectors.member_labels(members, names=names)
    return render(request, "networks/home.html", {
        "network": net, "manages": manages, "names": names,
        "members": [(m, labels[m.pk]) for m in members],
        "staff": selectors.staff_of(net) if manages else [],
        "tokens": selectors.tokens_of(net) if manages else [],
        "closed": selectors.closed_periods(net),
        "staff_form": StaffForm(), "remote_form": RemoteMemberForm(),
        "close_form": ClosePeriodForm(),
    })


def _manage_post(request: HttpRequest, network: str):
    if request.method != "POST":
        raise Http404
    return _network(request, network, MANAGE)


@login_required
@require_POST
def staff_add(request: HttpRequest, network: str) -> HttpResponse:
    net = _manage_post(request, network)
    form = StaffForm(request.POST)
    save_posted_form(request, form,
                     lambda: services.network_staff_add(network=net, **form.cleaned_data),
                     _("The role is given."))
    return redirect("networks:home", network=net.slug)


@login_required
@require_POST
def staff_remove(request: HttpRequest, network: str, pk: int) -> HttpResponse:
    net = _manage_post(request, network)
    staff = selectors.staff_record(net, pk)
    if staff is None:
        raise Http404
    act(request, lambda: services.network_staff_remove(staff=staff),
        _("The role is taken away."))
    return redirect("networks:home", network=net.slug)


@login_required
@require_POST
def remote_add(request: HttpRequest, network: str) -> HttpResponse:
    net = _manage_post(request, network)
    form = RemoteMemberForm(request.POST)
    save_posted_form(request, form, lambda: services.remote_member_add(
        network=net, by=request.user, **form.cleaned_data),
        _("The programme is registered. Issue its publication token below."))
    return redirect("networks:home", network=net.slug)


@login_required
@require_POST
def token_issue(request: HttpRequest, network: str, pk: int) -> HttpResponse:
    net = _manage_post(request, network)
    member = selectors.member_record(net, pk)
    if member is None or not member.is_remote:
        raise Http404
    if not (made := act(request, lambda: services.publish_token_create(member=member,
                                                                        by=request.user))):
        return redirect("networks:home", network=net.slug)
    token, raw = made.value
    # Shown once, on this answer to the POST: only its digest is kept.
    response = render(request, "networks/token.html", {
        "network": net, "member": member, "token": token, "raw": raw})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, network: str, pk: int) -> HttpResponse:
    net = _manage_post(request, network)
    token = selectors.token_record(net, pk)
    if token is None:
        raise Http404
    services.publish_token_revoke(token=token)
    messages.success(request, _("The token is revoked: publications with it are refused."))
    return redirect("networks:home", network=net.slug)


@login_required
@require_POST
def period_close(request: HttpRequest, network: str) -> HttpResponse:
    net = _manage_post(request, network)
    form = ClosePeriodForm(request.POST)

    def close():
        period = selectors.period_of(form.cleaned_data["start"], form.cleaned_data["end"])
        services.period_close(network=net, start=period.start, end=period.end,
                              by=request.user)

    save_posted_form(request, form, close,
                     _("The period is closed: its figures can no longer change."))
    return redirect("networks:home", network=net.slug)


def _period(request: HttpRequest) -> tuple[PeriodForm, selectors.Period | None]:
    """The period asked for (GET start and end, YYYY-MM), or the last 12 full months."""
    if "start" in request.GET or "end" in request.GET:
        form = PeriodForm(request.GET)
        if not form.is_valid():
            return form, None
        return form, selectors.period_of(form.cleaned_data["start"], form.cleaned_data["end"])
    period = selectors.period_default(timezone.localdate())
    return PeriodForm(initial={"start": period.start, "end": period.end}), period


def _language() -> str:
    language = (get_language() or "en")[:2]
    return language if language in reports.REPORT_LANGUAGES else "en"


@login_required
def dashboard(request: HttpRequest, network: str) -> HttpResponse:
    net = _network(request, network)
    form, period = _period(request)
    if period is None:
        return render(request, "networks/dashboard.html", {"network": net, "form": form},
                      status=400)
    report = reports.report_build(network=net, period=period,
                                  language=get_language() or "en")
    return render(request, "networks/dashboard.html", {
        "network": net, "form": form, "report": report,
        "query": f"start={period.start:%Y-%m}&end={period.end:%Y-%m}"})


@login_required
def report(request: HttpRequest, network: str, extension: str) -> HttpResponse:
    net = _network(request, network)
    if extension not in ("pdf", "xlsx"):
        raise Http404
    form, period = _period(request)
    if period is None:
        return render(request, "networks/dashboard.html", {"network": net, "form": form},
                      status=400)
    built = reports.report_build(network=net, period=period, language=_language())
    if extension == "pdf":
        body, kind = reports.report_pdf(built), "application/pdf"
    else:
        body = reports.report_xlsx(built)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = (
        f'attachment; filename="{net.slug}-{period.start:%Y-%m}-{period.end:%Y-%m}.'
        f'{extension}"')
    return response


@login_required
def practice_sheet(request: HttpRequest, network: str) -> HttpResponse:
    net = _network(request, network)
    sheet = practice.sheet(network=net, language=_language())
    if request.GET.get("format") == "md":
        return HttpResponse(practice.as_markdown(sheet),
                            content_type="text/markdown; charset=utf-8")
    return render(request, "networks/practice_sheet.html", {"network": net, "sheet": sheet})


# --- A programme's networks ---------------------------------------------------------

def _programme(request: HttpRequest, slug: str):
    programme = access.programme_or_404(request.user, slug, "manage_programme")
    if not access.may_join_network(request.user, programme):
        raise Http404
    return programme


@login_required
def programme_networks(request: HttpRequest, slug: str) -> HttpResponse:
    """The networks the programme is in, and joining one of this instance's."""
    programme = _programme(request, slug)
    choices = list(selectors.networks_to_join(programme))
    form = JoinForm(request.POST or None, networks=choices)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_join(
                network=form.networks[form.cleaned_data["network"]], programme=programme,
                by=request.user, named=form.cleaned_data["named"])
            messages.success(request, _("The programme is in the network %(name)s.") % {
                "name": member.network.name})
            return redirect("networks:programme", slug=programme.slug)
        except ValidationError as exc:
            errors_to_form(form, exc)
    return render(request, "networks/programme.html", {
        "programme": programme, "form": form,
        "memberships": [(m, NamedForm(initial={"named": m.named}))
                        for m in selectors.memberships_of(programme)],
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def programme_named(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme(request, slug)
    member = access.network_membership_or_404(request.user, programme, pk,
                                              selectors.memberships_of(programme))
    form = NamedForm(request.POST)
    save_posted_form(request, form, lambda: services.member_named_set(
        member=member, named=form.cleaned_data["named"]),
        lambda _done: _("Saved: the network names the programme in its figures.")
        if member.named else
        _("Saved: the network shows the programme by a letter in its figures."))
    return redirect("networks:programme", slug=programme.slug)


@login_required
@require_POST
def programme_leave(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme(request, slug)
    member = access.network_membership_or_404(request.user, programme, pk,
                                              selectors.memberships_of(programme))
    services.member_leave(member=member)
    messages.success(request, _("The programme has left the network %(name)s: what it "
                                "published stays in the network's past figures.") % {
        "name": member.network.name})
    return redirect("networks:programme", slug=programme.slug)
