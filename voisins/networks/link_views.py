"""The programme's side of a network on another instance: the coordinator says where the
programme publishes its aggregate figures and with which token, tests the connection, and
sees how the last nightly publication went."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from voisins import access
from voisins.feedback import errors_to_form

from . import remote, services
from .forms import LinkForm


@login_required
def links(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "manage_programme")
    form = LinkForm()
    if request.method == "POST":
        if "link" in request.POST:
            return _link_action(request, programme)
        form = LinkForm(request.POST)
        if form.is_valid():
            try:
                link = services.network_link_set(programme=programme, by=request.user,
                                                 **form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                _tell(request, remote.link_check(link=link), saved=True)
                return redirect("networks:links", slug=programme.slug)
    return render(request, "networks/links.html", {
        "programme": programme, "form": form,
        "links": remote.links_of(programme=programme)}, status=400 if form.errors else 200)


def _link_action(request: HttpRequest, programme) -> HttpResponse:
    link = remote.link_of(programme=programme, pk=request.POST.get("link", ""))
    if link is None:
        raise Http404
    if "delete" in request.POST:
        services.network_link_delete(link=link)
        messages.success(request, _("This programme no longer publishes to %(network)s.")
                         % {"network": link})
    else:
        _tell(request, remote.link_check(link=link))
    return redirect("networks:links", slug=programme.slug)


def _tell(request: HttpRequest, answer: remote.Answer, saved: bool = False) -> None:
    if answer.ok:
        messages.success(request, _(
            "Connected: the token publishes the figures of %(programme)s to %(network)s.")
            % {"programme": answer.programme, "network": answer.network})
    elif saved:
        messages.error(request, _("Saved, but the connection failed: %(reason)s")
                       % {"reason": answer.error})
    else:
        messages.error(request, _("The connection failed: %(reason)s")
                       % {"reason": answer.error})
