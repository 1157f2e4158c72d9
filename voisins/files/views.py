"""The one download view of private files, and the uploads of the staff pages.

A download answers 404 to anyone who may not see the file (access.file_or_404), writes
the read to the audit log, and tells the browser to save the file, never to guess its
type, never to keep it in a cache. The URL holds the file's random id, never a path.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from voisins import access
from voisins.audit.services import audit_read
from voisins.feedback import save_posted_form
from voisins.households.selectors import volunteer_households
from voisins.mediation.selectors import cases_visible

from . import selectors, services
from .forms import UploadForm
from .models import StoredFile

LABELS = {"file": gettext_lazy("File")}


def file_response(request: HttpRequest, stored: StoredFile, *, via: str = "") -> HttpResponse:
    """The file as a download, its read audited."""
    data = selectors.file_content(stored)
    audit_read(by=request, record=stored, fields=["content"], via=via)
    response = HttpResponse(data, content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition_header(True, stored.name)
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # Opened by mistake in the browser, a file runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def download(request: HttpRequest, key: str) -> HttpResponse:
    stored = access.file_or_404(request.user, key, selectors.files(), volunteer_households())
    return file_response(request, stored)


def _store(request: HttpRequest, add: object, **owner: object) -> None:
    form = UploadForm(request.POST, request.FILES)
    save_posted_form(request, form, lambda: add(  # type: ignore[operator]
        upload=form.cleaned_data["file"], by=request.user, **owner),
        lambda stored: _("“%(name)s” is saved.") % {"name": stored.name}, LABELS)


@login_required
@require_POST
def case_upload(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "mediate")
    case = access.record_or_404(cases_visible(programme, request.user), request.user,
                                "mediate", pk=access.as_pk(pk))
    _store(request, services.case_attachment_add, case=case)
    return redirect("mediation:case", slug=programme.slug, pk=case.pk)


@login_required
@require_POST
def handout_upload(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "manage_training")
    module = access.record_or_404(selectors.modules_of(programme.pk), request.user,
                                  "manage_training", pk=access.as_pk(pk))
    _store(request, services.handout_add, module=module)
    return redirect("training:overview", slug=programme.slug)


@login_required
@require_POST
def resource_upload(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "manage_resources")
    resource = access.record_or_404(selectors.resources_of(programme.pk), request.user,
                                    "manage_resources", pk=access.as_pk(pk))
    _store(request, services.resource_file_add, resource=resource)
    return redirect("community:resources", slug=programme.slug)


@login_required
@require_POST
def charter_scan_upload(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "screen_volunteers")
    volunteer = access.record_or_404(selectors.volunteers_of(programme.pk), request.user,
                                     "screen_volunteers", pk=access.as_pk(pk))
    screening = selectors.screening_of(volunteer)
    if screening is None:
        messages.error(request, _("File: record the interview first."))
    else:
        _store(request, services.charter_scan_add, screening=screening)
    return redirect("recruitment:screening", slug=programme.slug, pk=volunteer.pk)


@login_required
@require_POST
def delete(request: HttpRequest, key: str) -> HttpResponse:
    stored = access.file_or_404(request.user, key, selectors.files(), volunteer_households())
    if not access.can(request.user, access.file_upload_action(stored.purpose),
                      stored.programme_id):
        raise Http404
    name = stored.name
    services.file_delete(stored=stored, by=request.user)
    messages.success(request, _("“%(name)s” is deleted.") % {"name": name})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()},
                                           require_https=request.is_secure()):
        target = "landing"
    return redirect(target)
