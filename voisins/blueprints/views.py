"""Start a new programme from a template, without a developer."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voisins import access
from voisins.feedback import save_form

from .services import programme_create_from_template

BUILTIN = "builtin"


class NewProgrammeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the programme"), max_length=200)
    slug = forms.SlugField(label=gettext_lazy("Short name (in web addresses)"), max_length=60)
    country = forms.CharField(label=gettext_lazy("Country (ISO code)"), max_length=2,
                              initial="BE")
    languages = forms.CharField(label=gettext_lazy("Languages (ISO codes)"), max_length=60,
                                initial="fr, nl, en")
    template = forms.ChoiceField(label=gettext_lazy("Start from"))

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [
            (BUILTIN, gettext_lazy("The built-in “solidarity neighbours” template"))
        ] + [(p.slug, p.name) for p in sources]

    def clean_languages(self) -> list[str]:
        return [c.strip().lower() for c in self.cleaned_data["languages"].split(",")
                if c.strip()]


def _may_start(user) -> bool:
    return access.may_start_programme(user)


@login_required
def new_programme(request: HttpRequest) -> HttpResponse:
    if not _may_start(request.user):
        raise Http404
    sources = list(access.programmes_for(request.user, "manage_programme"))
    form = NewProgrammeForm(request.POST or None, sources=sources)

    def create() -> Any:
        data = form.cleaned_data
        return programme_create_from_template(
            name=data["name"], slug=data["slug"], country=data["country"],
            languages=data["languages"], by=request.user,
            source=next((p for p in sources if p.slug == data["template"]), None))

    if saved := save_form(request, form, create, _("The programme is ready.")):
        return redirect("staff:programme", slug=saved.value.slug)
    return render(request, "recruitment/form_page.html", {
        "form": form, "title": _("Start a new programme"),
        "intro": _("Service categories, training modules, the charter, the check-in "
                   "schedule, the privacy notice and the public page are copied. "
                   "Households never are.")})
