"""The kinds of material a network shares, and how each one is read from a programme and
copied into one: always through the owning app's own services, so that a copy is a
programme's record like any it wrote itself (its training module, its charter…).

Each kind says which fields make its content (the JSON a published version keeps), how
to read them from a programme's item, how to make a copy from them, how to bring a copy
up to a new version, and what the programme's copy holds now (to tell whether the
programme changed it since it adopted it).

Kinds whose app keeps versions (the information note, the charter) never change a row:
accepting an update publishes a new version in the programme, as the programme would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voisins.community.forms import ResourceForm
from voisins.community.models import Resource
from voisins.community.services import resource_save
from voisins.messaging.models import MessageTemplate, Purpose
from voisins.messaging.services import message_template_save
from voisins.programmes.models import Programme, ServiceCategory
from voisins.programmes.services import category_add, category_update
from voisins.recruitment.forms import CharterForm
from voisins.recruitment.models import Charter
from voisins.recruitment.services import charter_publish
from voisins.training.models import TrainingModule
from voisins.training.services import training_module_create, training_module_update
from voisins.volunteering.forms import NoteForm
from voisins.volunteering.models import InformationNote
from voisins.volunteering.selectors import current_note
from voisins.volunteering.services import information_note_publish
from voisins.volunteering.texts import note_texts


class ModuleContentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    required = forms.BooleanField(label=gettext_lazy("Required before matching"),
                                  required=False)


class TemplateContentForm(forms.Form):
    """A message template: its name, its purpose, a text per language (placeholders
    {first_name}, {link}, {programme})."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=Purpose.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            self.fields[f"text_{code}"] = forms.CharField(
                label=name, required=False, max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3, "lang": code}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        texts = {code: (data.get(f"text_{code}") or "").strip()
                 for code, _name in settings.LANGUAGES}
        texts = {code: text for code, text in texts.items() if text}
        if not texts:
            raise ValidationError({f"text_{settings.LANGUAGE_CODE}": _(
                "Write the text in at least one language.")})
        candidate = MessageTemplate(name=data.get("name") or "-", texts=texts,
                                    purpose=data.get("purpose") or Purpose.NEWS)
        try:
            candidate.clean()
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        data["texts"] = texts
        return data


class CategoryContentForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    icon = forms.ChoiceField(label=gettext_lazy("Pictogram"), choices=[
        (icon, icon) for icon in ("hands", "book", "car", "map", "letter", "speech", "meal",
                                  "ball", "phone")])


@dataclass(frozen=True)
class Kind:
    """How one kind of material goes from a programme to the network and back."""

    code: str
    label: Promise
    # The content's keys, compared one by one to tell what a programme changed.
    fields: tuple[str, ...]
    # The app keeps versions: a copy is never changed, accepting publishes a new one.
    versioned: bool
    form: type[forms.Form]
    items: Callable[[Programme], QuerySet]
    read: Callable[[Any], dict[str, Any]]
    title: Callable[[dict[str, Any]], str]
    # (programme, content, by, label) -> the copy
    create: Callable[..., Model]
    # (copy, content, by) -> the copy; None for versioned kinds
    update: Callable[..., Model] | None
    # (programme, copy id) -> the programme's copy as it stands now, or None
    current: Callable[[Programme, int], Model | None]

    def content(self, item: Any) -> dict[str, Any]:
        return self.read(item)

    def content_from_form(self, data: dict[str, Any]) -> dict[str, Any]:
        if self.code == "message_template":
            return {"name": data["name"], "purpose": data["purpose"],
                    "texts": dict(data["texts"])}
        content = {name: data.get(name) for name in self.fields}
        if self.code == "charter":
            content["version"] = data.get("version") or ""
        if self.code == "information_note":
            content["texts"] = note_texts(InformationNote(**content))
        return content

    def initial_from_content(self, content: dict[str, Any]) -> dict[str, Any]:
        initial = {name: content.get(name) for name in self.fields if name != "texts"}
        if self.code == "message_template":
            initial.update({f"text_{code}": text
                            for code, text in (content.get("texts") or {}).items()})
        return initial

    def compared(self, content: dict[str, Any]) -> dict[str, Any]:
        """The fields of `content` that a copy holds (the note's texts are written by
        its template, from those fields)."""
        return {name: content.get(name) for name in self.fields}


# --- training modules -----------------------------------------------------------------------

def _module_create(*, programme: Programme, content: dict, by: Any, label: str) -> Model:
    if TrainingModule.objects.filter(programme=programme, title=content["title"]).exists():
        raise ValidationError({"title": _(
            "The programme already has a training module of this title: rename it first.")})
    return training_module_create(programme=programme, title=content["title"],
                                  description=content.get("description") or "",
                                  required=bool(content.get("required")),
                                  position=TrainingModule.objects.filter(
                                      programme=programme).count())


def _module_update(*, copy: Model, content: dict, by: Any) -> Model:
    if (TrainingModule.objects.filter(programme_id=copy.programme_id, title=content["title"])
            .exclude(pk=copy.pk).exists()):
        raise ValidationError({"title": _(
            "The programme already has a training module of this title: rename it first.")})
    return training_module_update(module=copy, title=content["title"],
                                  description=content.get("description") or "",
                                  required=bool(content.get("required")))


TRAINING_MODULE = Kind(
    code="training_module", label=gettext_lazy("training module"),
    fields=("title", "description", "required"), versioned=False, form=ModuleContentForm,
    items=lambda programme: TrainingModule.objects.filter(programme=programme),
    read=lambda m: {"title": m.title, "description": m.description,
                    "required": m.required},
    title=lambda c: c.get("title") or "",
    create=_module_create, update=_module_update,
    current=lambda programme, pk: TrainingModule.objects.filter(
        programme=programme, pk=pk).first(),
)


# --- resources ------------------------------------------------------------------------------

RESOURCE_FIELDS = ("kind", "title", "description", "url", "body", "languages",
                   "target_group", "indicators")

RESOURCE = Kind(
    code="resource", label=gettext_lazy("resource"), fields=RESOURCE_FIELDS,
    versioned=False, form=ResourceForm,
    items=lambda programme: Resource.objects.filter(programme=programme),
    read=lambda r: {name: getattr(r, name) for name in RESOURCE_FIELDS},
    title=lambda c: c.get("title") or "",
    create=lambda *, programme, content, by, label: resource_save(
        programme=programme, **{n: content.get(n) for n in RESOURCE_FIELDS}),
    update=lambda *, copy, content, by: resource_save(
        programme=copy.programme, resource=copy,
        **{n: content.get(n) for n in RESOURCE_FIELDS}),
    current=lambda programme, pk: Resource.objects.filter(programme=programme, pk=pk).first(),
)


# --- the charter (versions kept by recruitment) ----------------------------------------------

def _charter_create(*, programme: Programme, content: dict, by: Any, label: str) -> Model:
    taken = set(Charter.objects.filter(programme=programme).values_list("version", flat=True))
    base = (label or content.get("version") or "1")[:16]
    version, number = base, 1
    while version in taken:
        number += 1
        version = f"{base}-{number}"
    return charter_publish(programme=programme, version=version, text=content["text"])


CHARTER = Kind(
    code="charter", label=gettext_lazy("charter"), fields=("text",), versioned=True,
    form=CharterForm,
    # The programme's charter in force (its newest version) is what it can publish.
    items=lambda programme: Charter.objects.filter(programme=programme)[:1],
    read=lambda c: {"version": c.version, "text": c.text},
    title=lambda c: _("Charter %(version)s") % {"version": c.get("version") or ""},
    create=_charter_create, update=None,
    # The programme's charter in force: its newest version.
    current=lambda programme, pk: Charter.objects.filter(programme=programme).first(),
)


# --- the volunteers' information note (versions kept by volunteering) ------------------------

NOTE_FIELDS = ("legal_status", "organisation_name", "enterprise_number", "aim",
               "responsible_persons", "employs_staff", "expenses_regime", "discretion",
               "contact")


def _note_read(note: InformationNote) -> dict[str, Any]:
    content = {name: getattr(note, name) for name in NOTE_FIELDS}
    # Every language the note is written in, as published (the copy is written again from
    # the template of its legal status, in the programme's own catalogue).
    content["texts"] = dict(note.texts or {})
    return content


def _note_create(*, programme: Programme, content: dict, by: Any, label: str) -> Model:
    return information_note_publish(programme=programme, by=by,
                                    **{n: content.get(n) for n in NOTE_FIELDS})


INFORMATION_NOTE = Kind(
    code="information_note", label=gettext_lazy("volunteers' information note"),
    fields=NOTE_FIELDS, versioned=True, form=NoteForm,
    # The programme's newest version is what it can publish.
    items=lambda programme: InformationNote.objects.filter(
        programme=programme).order_by("-version")[:1],
    read=_note_read,
    title=lambda c: _("Information note: %(organisation)s") % {
        "organisation": c.get("organisation_name") or ""},
    create=_note_create, update=None,
    current=lambda programme, pk: current_note(programme),
)


# --- message templates ------------------------------------------------------------------------

def _template_create(*, programme: Programme, content: dict, by: Any, label: str) -> Model:
    return message_template_save(programme=programme, name=content["name"],
                                 purpose=content.get("purpose") or Purpose.NEWS,
                                 texts=dict(content.get("texts") or {}))


MESSAGE_TEMPLATE = Kind(
    code="message_template", label=gettext_lazy("message template"),
    fields=("name", "purpose", "texts"), versioned=False, form=TemplateContentForm,
    items=lambda programme: MessageTemplate.objects.filter(programme=programme),
    read=lambda t: {"name": t.name, "purpose": t.purpose, "texts": dict(t.texts)},
    title=lambda c: c.get("name") or "",
    create=_template_create,
    update=lambda *, copy, content, by: message_template_save(
        programme=copy.programme, template=copy, name=content["name"],
        purpose=content.get("purpose") or Purpose.NEWS,
        texts=dict(content.get("texts") or {})),
    current=lambda programme, pk: MessageTemplate.objects.filter(
        programme=programme, pk=pk).first(),
)


# --- service categories -----------------------------------------------------------------------

SERVICE_CATEGORY = Kind(
    code="service_category", label=gettext_lazy("service category"),
    fields=("name", "icon"), versioned=False, form=CategoryContentForm,
    # The built-in categories are in every programme already: only a programme's own.
    items=lambda programme: ServiceCategory.objects.filter(programme=programme).exclude(
        name=""),
    read=lambda c: {"name": c.name, "icon": c.icon},
    title=lambda c: c.get("name") or "",
    create=lambda *, programme, content, by, label: category_add(
        programme=programme, name=content["name"], icon=content.get("icon") or "hands"),
    update=lambda *, copy, content, by: category_update(
        category=copy, name=content["name"], icon=content.get("icon") or "hands"),
    current=lambda programme, pk: ServiceCategory.objects.filter(
        programme=programme, pk=pk).first(),
)


KINDS: dict[str, Kind] = {kind.code: kind for kind in (
    TRAINING_MODULE, RESOURCE, CHARTER, INFORMATION_NOTE, MESSAGE_TEMPLATE,
    SERVICE_CATEGORY)}


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.code, str(kind.label)) for kind in KINDS.values()]
