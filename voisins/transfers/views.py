"""The transfer page of a household: the consent to a move (step 1), then the move (step 2).
Only a coordinator of the household's programme reaches it; anyone else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from voisins import access
from voisins.audit.services import audit_read
from voisins.feedback import errors_to_form
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.households.selectors import households_with_programme

from . import selectors, services
from .forms import ConsentStepForm, TransferForm

MODELS = {"families": FamilyHousehold, "volunteers": VolunteerHousehold}


def _told(record) -> list[str]:
    """What the page says of each household left behind: true to the channel used."""
    lines = []
    for message in getattr(record, "told", []):
        if message.state == message.State.TO_CALL:
            lines.append(_("The household left behind has no e-mail or mobile number: it is "
                           "on the list of households to call."))
        else:
            lines.append(_("The household left behind will be told by %(channel)s.") % {
                "channel": message.get_channel_display()})
    return lines


@login_required
def household(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    if kind not in MODELS:
        raise Http404
    programme = access.programme_or_404(request.user, slug, "transfer_households")
    record = access.record_or_404(households_with_programme(model=MODELS[kind]), request.user,
                                  "transfer_households", pk=pk, programme=programme)
    page = selectors.transfer_page(record)
    programmes = page["targets"]
    pending = page["pending"]
    consent_form = ConsentStepForm(programmes=programmes, prefix="consent",
                                   initial={"to_programme": pending.to_programme_id
                                            if pending else None})
    transfer_form = TransferForm(programmes=programmes, prefix="move",
                                 initial={"to_programme": pending.to_programme_id
                                          if pending else None})
    action = request.POST.get("action")
    if request.method == "POST" and action in ("consent", "move"):
        if action == "consent":
            form = consent_form = ConsentStepForm(request.POST, programmes=programmes,
                                                  prefix="consent")
        else:
            form = transfer_form = TransferForm(request.POST, programmes=programmes,
                                                prefix="move")
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "consent":
                    services.transfer_consent_record(
                        household=record, to_programme=data["to_programme"],
                        transfer=data["consent_transfer"], matching=data["consent_matching"],
                        contact=data["consent_contact"], given_by_name=data["given_by_name"],
                        interpreter=data["interpreter"], by=request.user)
                    messages.success(request, _("The household's consent is recorded."))
                else:
                    done = services.household_transfer(
                        household=record, to_programme=data["to_programme"],
                        postcode=data["postcode"], by=request.user)
                    messages.success(request, _("The household moved to %(programme)s; its "
                                                "coordinators are told.") % {
                                                    "programme": done.to_programme.name})
                    for line in _told(done):
                        messages.info(request, line)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                return redirect("transfers:household", slug=programme.slug, kind=kind,
                                pk=record.pk)
    audit_read(by=request, record=record, fields=["contact_last_name", "consents"],
               via="transfer")
    failed = consent_form.errors or transfer_form.errors
    return render(request, "transfers/household.html", {
        "programme": programme, "household": record, "kind": kind,
        "consent_form": consent_form, "transfer_form": transfer_form, **page,
    }, status=422 if failed else 200)
