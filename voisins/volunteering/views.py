"""Pages of the volunteers' paperwork: for coordinators (the note's versions, the
policies, who has not acknowledged the current note), and for a volunteer household (the
note in its language, acknowledged in one click, on its link or its portal)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from voisins import access
from voisins.familypages.decorators import volunteer_page
from voisins.feedback import (
    errors_to_messages,
    form_errors_to_messages,
    save_form,
)
from voisins.households.selectors import volunteer_households

from . import selectors, services
from .forms import NoteForm, PaperForm, PolicyForm
from .models import Channel
from .texts import blocks, note_languages, note_text

# Lazy: read in the language of each request.
LABELS = {"note": gettext_lazy("Information note"),
          "acknowledged_on": capfirst(gettext_lazy("signed on")),
          "volunteer": gettext_lazy("Volunteer household")}


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "view_volunteering")
    manage = access.can(request.user, "manage_volunteering", programme)
    note_form = NoteForm(prefix="note", initial=_note_initial(programme))
    policy_form = PolicyForm(prefix="policy", programme=programme)
    if request.method == "POST":
        if not manage:
            raise Http404
        if "note-aim" in request.POST:
            form = note_form = NoteForm(request.POST, prefix="note")
            write = lambda data: services.information_note_publish(  # noqa: E731
                programme=programme, by=request.user, **data)
        else:
            form = policy_form = PolicyForm(request.POST, prefix="policy", programme=programme)
            write = lambda data: services.insurance_policy_create(  # noqa: E731
                programme=programme, **data)
        if save_form(request, form, lambda: write(dict(form.cleaned_data)), _("Saved.")):
            return redirect("volunteering:overview", slug=programme.slug)
    status = 400 if note_form.errors or policy_form.errors else 200
    return render(request, "volunteering/overview.html", {
        "programme": programme, "manage": manage, "note_form": note_form,
        "policy_form": policy_form, **selectors.overview(programme)}, status=status)


def _note_initial(programme) -> dict:
    """A new version starts from the current one's details."""
    note = selectors.current_note(programme)
    if note is None:
        return {"organisation_name": programme.message_signature, "discretion": True}
    return {name: getattr(note, name) for name in NoteForm.base_fields}


@login_required
def note_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "view_volunteering")
    note = selectors.note_of_programme(programme, pk)
    if note is None:
        raise Http404
    policies = selectors.policies_in_force(programme)
    texts = [(code, name, blocks(note_text(note, code, policies)[0]))
             for code, name in _languages() if code in (note.texts or {})]
    manage = access.can(request.user, "manage_volunteering", programme)
    return render(request, "volunteering/note.html", {
        "programme": programme, "note": note, "texts": texts,
        "current": selectors.current_note(programme),
        "acknowledgements": selectors.acknowledgements_of(note)[:500] if manage else None})


def _languages():
    names = dict(settings.LANGUAGES)
    return [(code, names[code]) for code in note_languages()]


@login_required
def pending(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "manage_volunteering")
    note = selectors.current_note(programme)
    households = list(selectors.unacknowledged(programme, note)[:1000]) if note else []
    return render(request, "volunteering/pending.html", {
        "programme": programme, "note": note, "households": households,
        "form": PaperForm()})


@login_required
@require_POST
def paper(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "manage_volunteering")
    volunteer = selectors.expected_households(programme).filter(pk=pk).first()
    note = selectors.current_note(programme)
    if volunteer is None or note is None:
        raise Http404
    form = PaperForm(request.POST, request.FILES)
    if not form.is_valid():
        form_errors_to_messages(request, form)
    else:
        try:
            services.note_acknowledge_on_paper(note=note, volunteer=volunteer,
                                               by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_messages(request, exc, LABELS)
        else:
            messages.success(request, _("The acknowledgement on paper is recorded."))
    return redirect("volunteering:pending", slug=programme.slug)


def _household_page(request: HttpRequest, volunteer, channel: str, template: str,
                    context: dict, back: str) -> HttpResponse:
    """The note for a household: shown (and so received), acknowledged by a POST."""
    page = selectors.note_page(volunteer=volunteer, language=translation.get_language())
    note = page["note"]
    if note is not None and request.method == "POST":
        try:
            services.note_acknowledge(note=selectors.note_of_programme(
                volunteer.programme, request.POST.get("note") or 0) or note,
                volunteer=volunteer, channel=channel)
        except ValidationError as exc:
            errors_to_messages(request, exc, LABELS)
        else:
            messages.success(request, _("Thank you: your reading of the note is recorded."))
        return redirect(back)
    if note is not None and page["acknowledgement"] is None:
        page["acknowledgement"] = services.note_receive(note=note, volunteer=volunteer,
                                                        channel=channel)
    return render(request, template, {**page, **context})


@volunteer_page
def link_note(request: HttpRequest, token: str) -> HttpResponse:
    return _household_page(request, request.volunteer, Channel.LINK,
                           "volunteering/link_note.html", {"token": token},
                           request.path)


@login_required
def portal_note(request: HttpRequest) -> HttpResponse:
    volunteer = access.volunteer_household_or_404(request.user, volunteer_households())
    return _household_page(request, volunteer, Channel.PORTAL,
                           "volunteering/portal_note.html", {}, request.path)
