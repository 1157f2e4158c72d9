"""Evaluation pages: each view checks access through voisins.access, calls one service or
selector, and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from voisins import access
from voisins.matches.models import Match

from .forms import MatchHistoryForm
from .importers import import_matches


@login_required
def import_matches_page(request: HttpRequest, slug: str) -> HttpResponse:
    prog = access.programme_or_404(request.user, slug, "import_matches")
    result = None
    if request.method == "POST":
        form = MatchHistoryForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            result = import_matches(programme=prog, upload=upload, filename=upload.name,
                                    by=request.user)
            if result.ok:
                messages.success(request, _("%(n)s matches imported.") % {"n": result.created})
                return redirect("evaluation:import_matches", slug=prog.slug)
    else:
        form = MatchHistoryForm()
    return render(request, "evaluation/import_matches.html", {
        "programme": prog, "form": form, "result": result,
        "end_reasons": Match.EndReason.choices})
