"""Pages of shared materials: the network's (its materials, their versions, publishing)
and the programme's (what its networks share, what it adopted, the updates offered)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from voisins import access
from voisins.feedback import errors_to_form, errors_to_messages, save_form
from voisins.networks.models import Network

from . import selectors, services
from .forms import PublishFromForm, WhatChangedForm
from .kinds import KINDS

# Lazy: read in the language of each request.
LABELS = {"material": gettext_lazy("Material"), "version": gettext_lazy("Update"),
          "item": gettext_lazy("What to publish"), "kind": gettext_lazy("Kind"),
          "content": gettext_lazy("Content"), "title": gettext_lazy("Title")}


def _network(request: HttpRequest, slug: str, action: str = "view_network") -> Network:
    return access.network_or_404(request.user, slug, selectors.networks(), action)


def _kind_or_404(code: str):
    kind = KINDS.get(code)
    if kind is None:
        raise Http404
    return kind


# --- the network's side ---------------------------------------------------------------------

def _published(material) -> str:
    return _("Published to the network: %(title)s.") % {"title": material.title}


@login_required
def network_materials(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(request, slug)
    manage = access.network_allows(request.user, network, "manage_network")
    sources = access.programmes_to_publish_from(request.user, network, selectors.members())
    form = PublishFromForm(prefix="from", choices=selectors.publishable_items(sources))
    if request.method == "POST":
        if not manage:
            raise Http404
        form = PublishFromForm(request.POST, prefix="from",
                               choices=selectors.publishable_items(sources))

        def publish():
            kind, programme_id, item_id = form.cleaned_data["item"].split(":")
            programme = sources.filter(pk=programme_id).first()
            if programme is None:
                raise Http404
            return services.material_publish_from(
                network=network, kind=kind, programme=programme, item_id=item_id,
                by=request.user)

        if saved := save_form(request, form, publish, _published):
            return redirect("sharing:material", slug=network.slug, pk=saved.value.pk)
    return render(request, "sharing/network.html", {
        "network": network, "manage": manage, "form": form,
        "materials": selectors.network_materials(network),
        "kinds": [(code, kind.label) for code, kind in KINDS.items()],
    }, status=400 if form.errors else 200)


@login_required
def material_new(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    network = _network(request, slug, "manage_network")
    spec = _kind_or_404(kind)
    form = spec.form(request.POST or None, prefix="content")
    if saved := save_form(request, form, lambda: services.material_publish(
            network=network, kind=kind, content=spec.content_from_form(form.cleaned_data),
            by=request.user), _published):
        return redirect("sharing:material", slug=network.slug, pk=saved.value.pk)
    return render(request, "sharing/material_new.html", {
        "network": network, "kind": spec, "form": form,
    }, status=400 if form.errors else 200)


@login_required
def material_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = _network(request, slug)
    material = access.material_or_404(request.user, network, pk, selectors.materials())
    manage = access.network_allows(request.user, network, "manage_network")
    spec = KINDS[material.kind]
    latest = selectors.latest_version(material)
    initial = spec.initial_from_content(latest.content) if latest else {}
    form = spec.form(prefix="content", initial=initial)
    change_form = WhatChangedForm(prefix="change")
    if request.method == "POST":
        if not manage:
            raise Http404
        form = spec.form(request.POST, prefix="content")
        change_form = WhatChangedForm(request.POST, prefix="change")
        if form.is_valid() and change_form.is_valid():
            try:
                version = services.material_version_publish(
                    material=material, content=spec.content_from_form(form.cleaned_data),
                    by=request.user, what_changed=change_form.cleaned_data["what_changed"])
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _(
                    "Version %(number)s is published: the programmes that adopted this "
                    "material are offered the update.") % {"number": version.number})
                return redirect("sharing:material", slug=network.slug, pk=material.pk)
    versions = [(v, selectors.content_rows(material.kind, v.content))
                for v in selectors.versions_of(material)]
    return render(request, "sharing/material.html", {
        "network": network, "material": material, "kind": spec, "manage": manage,
        "versions": versions, "form": form, "change_form": change_form,
    }, status=400 if form.errors or change_form.errors else 200)


# --- the programme's side -------------------------------------------------------------------

@login_required
def programme_materials(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "adopt_materials")
    visible = access.materials_for_programme(request.user, programme, selectors.materials())
    return render(request, "sharing/programme.html", {
        "programme": programme,
        "materials": selectors.offered_materials(visible, programme),
        "adoptions": selectors.adoptions_of(programme),
    })


@login_required
@require_POST
def adopt(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "adopt_materials")
    # Materials of the networks the programme belongs to or belonged to: for one it
    # left, the service says why it refuses.
    chosen = request.POST.get("material") or ""
    material = access.materials_for_programme(
        request.user, programme, selectors.materials(), current=False).filter(
        pk=int(chosen)).first() if chosen.isdigit() and len(chosen) < 19 else None
    if material is None:
        messages.error(request, f"{LABELS['material']}: "
                       + _("Choose a material of the programme's networks."))
        return redirect("sharing:programme", slug=programme.slug)
    try:
        services.adoption_create(material=material, programme=programme, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc, LABELS)
    else:
        messages.success(request, _("Adopted: the programme's copy of “%(title)s” is made. "
                                    "Adapt it in the programme's pages as you wish.")
                         % {"title": material.title})
    return redirect("sharing:programme", slug=programme.slug)


@login_required
def adoption_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = access.programme_or_404(request.user, slug, "adopt_materials")
    adoption = access.adoption_or_404(request.user, programme, pk, selectors.adoptions())
    if request.method == "POST":
        decision = request.POST.get("decision")
        version = request.POST.get("version")
        try:
            if decision == "accept":
                services.adoption_accept(adoption=adoption, version_id=version,
                                         by=request.user)
                messages.success(request, _("The update is taken: the programme's copy "
                                            "now holds the network's new version."))
            elif decision == "keep":
                services.adoption_keep_own(adoption=adoption, version_id=version,
                                           by=request.user)
                messages.success(request, _("The programme keeps its own copy: this "
                                            "version will not be offered again."))
            else:
                raise ValidationError({"version": _("Choose to take the update or to keep "
                                                    "the programme's own.")})
        except ValidationError as exc:
            errors_to_messages(request, exc, LABELS)
            return redirect("sharing:adoption", slug=programme.slug, pk=adoption.pk)
        return redirect("sharing:programme", slug=programme.slug)
    offered = services.update_offered(adoption=adoption)
    return render(request, "sharing/adoption.html", {
        "programme": programme, "adoption": adoption, "offered": offered,
        "changes": selectors.what_accepting_changes(adoption, offered) if offered else [],
        "kind": KINDS[adoption.copy_kind],
    })
