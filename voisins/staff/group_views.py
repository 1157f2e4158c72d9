"""Group messages: a coordinator chooses a group of households by filters, writes once per
language, previews who gets what through which channel, and sends through the queue."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from voisins import access
from voisins.audit.services import audit_list
from voisins.messaging import selectors as messaging_selectors
from voisins.messaging.services import group_message_send

from .group_forms import GroupMessageForm
from .group_selectors import group_households

FIELD_OF = {"purpose": "about"}


@login_required
def group_messages(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "message_groups")
    return render(request, "staff/group_messages.html", {
        "programme": prog, "groups": messaging_selectors.group_messages(prog)[:50]})


@login_required
def group_message_new(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "message_groups")
    if request.method != "POST":
        # A message template of the programme's fills the texts in (?template=<id>).
        form = GroupMessageForm(programme=prog, initial=messaging_selectors.template_initial(
            prog, request.GET.get("template")))
        return render(request, "staff/group_message_new.html",
                      {"programme": prog, "form": form,
                       "templates": messaging_selectors.message_templates(prog)})
    form = GroupMessageForm(request.POST, programme=prog)
    plan = None
    if form.is_valid():
        households = group_households(programme=prog, **{
            k: v for k, v in form.filters.items() if k != "event"},
            event=form.cleaned_data.get("event"))
        if request.POST.get("action") == "send":
            try:
                group = group_message_send(
                    programme=prog, purpose=form.purpose, texts=form.texts,
                    households=households, description=form.describe(),
                    filters=form.filters, by=request.user)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(FIELD_OF.get(field, field), errors)
            else:
                messages.success(request, _(
                    "%(n)s messages written: they are queued and go out in the background. "
                    "Households without a digital channel, on your to-call list: "
                    "%(to_call)s.") % {"n": group.recipients,
                               "to_call": messaging_selectors.group_delivery(group)[
                                   "to_call"]})
                return redirect("staff:group_message", slug=prog.slug, pk=group.pk)
        plan = messaging_selectors.group_plan(programme=prog, purpose=form.purpose,
                                              texts=form.texts, households=households)
        for field, errors in plan.errors.items():
            if field not in form.errors:
                form.add_error(FIELD_OF.get(field, field), errors)
        shown = [r.household for r in plan.first_rows] + plan.opted_out[:10]
        audit_list(request=request, programme=prog, households=shown,
                   fields=["contact_first_name"], via="group_message")
    return render(request, "staff/group_message_new.html", {
        "programme": prog, "form": form, "plan": plan,
    }, status=400 if form.errors else 200)


@login_required
def group_message(request: HttpRequest, slug: str, pk: UUID) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "message_groups")
    group = messaging_selectors.group_messages(prog).filter(pk=pk).first()
    if group is None:
        raise Http404
    return render(request, "staff/group_message.html", {
        "programme": prog, "group": group,
        "delivery": messaging_selectors.group_delivery(group)})
