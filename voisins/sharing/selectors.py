"""Reads of shared materials: a network's materials and their versions, what a programme
is offered and what it adopted, and what accepting an update would overwrite."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Max, QuerySet
from django.utils.translation import gettext

from voisins.networks.models import Network, NetworkMember
from voisins.programmes.models import Programme

from .kinds import KINDS, Kind
from .models import Adoption, Material, MaterialVersion
from .services import update_offered


def networks() -> QuerySet[Network]:
    """Every network, for voisins.access to narrow."""
    return Network.objects.all()


def materials() -> QuerySet[Material]:
    """Every material, for voisins.access to narrow."""
    return Material.objects.select_related("network")


def adoptions() -> QuerySet[Adoption]:
    """Every adoption, for voisins.access to narrow."""
    return Adoption.objects.select_related("material", "material__network", "version",
                                           "kept_version", "programme")


def members() -> QuerySet[NetworkMember]:
    return NetworkMember.objects.all()


def network_materials(network: Network) -> QuerySet[Material]:
    """The network's materials with the number of their latest version."""
    return (Material.objects.filter(network=network)
            .annotate(latest_number=Max("versions__number"))
            .order_by("kind", "title", "pk"))


def versions_of(material: Material) -> QuerySet[MaterialVersion]:
    return material.versions.select_related("published_by").order_by("-number")


def latest_version(material: Material) -> MaterialVersion | None:
    return material.versions.order_by("-number").first()


def offered_materials(visible: QuerySet[Material], programme: Programme) -> list[Material]:
    """The materials `programme` may adopt (`visible`, narrowed by voisins.access), with
    `latest_number` and the programme's `adoption` (or None) on each."""
    adopted = {a.material_id: a for a in Adoption.objects.filter(programme=programme)}
    rows = list(visible.select_related("network").annotate(
        latest_number=Max("versions__number")).order_by("network__name", "kind", "title"))
    for material in rows:
        material.adoption = adopted.get(material.pk)
    return rows


def adoptions_of(programme: Programme) -> list[Adoption]:
    """The programme's adoptions, each with `offered` (the update offered, or None)."""
    rows = list(adoptions().filter(programme=programme).order_by("material__title"))
    for adoption in rows:
        adoption.offered = update_offered(adoption=adoption)
    return rows


def publishable_items(programmes: QuerySet[Programme]) -> list[tuple[str, str]]:
    """What a network coordinator may publish from `programmes` (narrowed by
    voisins.access): ``("kind:programme:item", "label")`` pairs."""
    choices = []
    for programme in programmes.order_by("name"):
        for kind in KINDS.values():
            for item in kind.items(programme):
                title = kind.title(kind.content(item))
                choices.append((f"{kind.code}:{programme.pk}:{item.pk}",
                                f"{programme.name} – {kind.label}: {title}"))
    return choices


@dataclass(frozen=True)
class FieldChange:
    """One field of a copy: what the programme's copy holds now, what the offered
    version holds, and whether the programme changed it since it adopted (so accepting
    overwrites its own wording)."""

    name: str
    label: str
    mine: Any
    offered: Any
    edited_by_programme: bool
    changes: bool


def _labels(kind: Kind) -> dict[str, str]:
    form = kind.form()
    labels = {name: str(field.label or name) for name, field in form.fields.items()}
    if kind.code == "message_template":
        labels["texts"] = str(_texts_label())
    return labels


def _texts_label() -> str:
    return gettext("Texts")


def copy_content(adoption: Adoption) -> dict[str, Any] | None:
    """What the programme's copy holds now, in the material's fields (None when the
    programme deleted its copy)."""
    kind = KINDS[adoption.copy_kind]
    copy = kind.current(adoption.programme, adoption.copy_id)
    return None if copy is None else kind.compared(kind.content(copy))


def what_accepting_changes(adoption: Adoption, offered: MaterialVersion) -> list[FieldChange]:
    """Field by field: the programme's copy now, the offered version, and which of the
    programme's own changes since adoption accepting would overwrite."""
    kind = KINDS[adoption.copy_kind]
    form = kind.form()
    labels = _labels(kind)
    adopted = kind.compared(adoption.version.content)
    new = kind.compared(offered.content)
    mine = copy_content(adoption) or {}
    return [FieldChange(name=name, label=labels.get(name, name),
                        mine=_shown(form, name, mine.get(name)),
                        offered=_shown(form, name, new.get(name)),
                        edited_by_programme=mine.get(name) != adopted.get(name),
                        changes=mine.get(name) != new.get(name))
            for name in kind.fields]


def content_rows(kind_code: str, content: dict[str, Any]) -> list[tuple[str, Any]]:
    """A version's content as (label, value) rows to show; texts per language as a
    list of (language, text)."""
    kind = KINDS[kind_code]
    form = kind.form()
    labels = _labels(kind)
    return [(labels.get(name, name), _shown(form, name, content.get(name)))
            for name in kind.fields] + (
        [(_texts_label(), content["texts"])]
        if kind_code == "information_note" and content.get("texts") else [])


def _shown(form: Any, name: str, value: Any) -> Any:
    """A content value as a reader reads it: choices by their label, lists joined,
    yes or no; texts per language stay a dict."""
    choices = dict(getattr(form.fields.get(name), "choices", None) or ())
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if isinstance(value, str) and value in choices:
        return str(choices[value])
    return value
