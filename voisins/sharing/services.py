"""Writes of shared materials: publishing a material and its next versions, adopting one
in a programme, accepting an update or keeping the programme's own. Keyword-only,
validated; every refusal names its field and writes nothing.

The copy in the programme is always made and changed by the owning app's own services
(`voisins.sharing.kinds`), so it is the programme's record like any other."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voisins.networks.models import Network, NetworkMember
from voisins.programmes.models import Programme

from .kinds import KINDS, Kind
from .models import Adoption, Material, MaterialVersion


def _kind(code: str) -> Kind:
    kind = KINDS.get(code)
    if kind is None:
        raise ValidationError({"kind": _("Choose a kind of material from the list.")})
    return kind


def _json(content: dict[str, Any]) -> dict[str, Any]:
    """The content as JSON will give it back (tuples as lists, no other types)."""
    try:
        return json.loads(json.dumps(content))
    except (TypeError, ValueError):
        raise ValidationError({"content": _("This content cannot be shared.")}) from None


def material_publish(*, network: Network, kind: str, content: dict[str, Any], by: Any,
                     source_programme: Programme | None = None,
                     source_id: int | None = None) -> Material:
    """Publish a new material to `network`, as its version 1.

    `content` is what a version keeps (the fields of `kind`, `voisins.sharing.kinds`);
    `source_programme`/`source_id` say which programme's item it was read from, if any.

    Raises
    ------
    ValidationError
        On ``kind`` for an unknown kind, on ``title`` for a content without one.
    """
    spec = _kind(kind)
    content = _json(content)
    title = (spec.title(content) or "").strip()[:200]
    if not title:
        raise ValidationError({"title": _("The material needs a title.")})
    with transaction.atomic():
        material = Material(network=network, kind=kind, title=title,
                            source_programme=source_programme, source_id=source_id,
                            created_by=by if getattr(by, "pk", None) else None)
        material.full_clean()
        material.save()
        _version_add(material=material, content=content, by=by, what_changed="")
    return material


def material_publish_from(*, network: Network, kind: str, programme: Programme, item_id: Any,
                          by: Any) -> Material:
    """Publish a programme's own item (its training module, its note…) to `network`; if
    it was published from there already, its content becomes the material's next version.

    Raises ValidationError on ``item`` when the programme has no such item."""
    spec = _kind(kind)
    item = next((i for i in spec.items(programme) if str(i.pk) == str(item_id)), None)
    if item is None:
        raise ValidationError({"item": _("Choose an item of the programme from the list.")})
    existing = Material.objects.filter(network=network, kind=kind,
                                       source_programme=programme)
    # An app that keeps versions (the note, the charter) has one lineage per programme:
    # its newest version is the material's next one, whichever row holds it.
    existing = (existing if spec.versioned else existing.filter(source_id=item.pk)).first()
    if existing is not None:
        with transaction.atomic():
            material_version_publish(material=existing, content=spec.content(item), by=by)
            existing.source_id = item.pk
            # update_fields without full_clean(): only the id of the row read from.
            existing.save(update_fields=["source_id"])
        return existing
    return material_publish(network=network, kind=kind, content=spec.content(item), by=by,
                            source_programme=programme, source_id=item.pk)


def _version_add(*, material: Material, content: dict[str, Any], by: Any,
                 what_changed: str) -> MaterialVersion:
    latest = (MaterialVersion.objects.select_for_update().filter(material=material)
              .order_by("-number").first())
    version = MaterialVersion(material=material, number=(latest.number + 1 if latest else 1),
                              content=content, what_changed=(what_changed or "").strip(),
                              published_by=by if getattr(by, "pk", None) else None)
    version.full_clean()
    version.save()
    return version


def material_version_publish(*, material: Material, content: dict[str, Any], by: Any,
                             what_changed: str = "") -> MaterialVersion:
    """Publish the next version of `material`: the programmes that adopted it are
    offered the update (each accepts it or keeps its own).

    Raises ValidationError on ``content`` when it is the same as the latest version's
    (nothing would be offered), on ``title`` when it has no title."""
    spec = _kind(material.kind)
    content = _json(content)
    title = (spec.title(content) or "").strip()[:200]
    if not title:
        raise ValidationError({"title": _("The material needs a title.")})
    with transaction.atomic():
        Material.objects.select_for_update().filter(pk=material.pk).first()
        latest = material.versions.order_by("-number").first()
        if latest is not None and spec.compared(latest.content) == spec.compared(content):
            raise ValidationError({"content": _(
                "Nothing changed since version %(number)s: no new version is published.")
                % {"number": latest.number}})
        version = _version_add(material=material, content=content, by=by,
                               what_changed=what_changed)
        if material.title != title:
            material.title = title
            # update_fields without full_clean(): only the title, checked above.
            material.save(update_fields=["title"])
    return version


def _current_member(*, network: Network, programme: Programme) -> bool:
    return NetworkMember.objects.filter(network=network, programme=programme,
                                        left_at__isnull=True).exists()


def adoption_create(*, material: Material, programme: Programme, by: Any) -> Adoption:
    """The programme adopts the latest version of `material`: a copy is made in its own
    tables by the owning app's services, linked to its source.

    Raises
    ------
    ValidationError
        On ``material`` when the programme adopted it already, or is not (or no longer) a
        member of the material's network; on the copy's own fields when the owning app
        refuses it (a training module of the same title…). Nothing is written then.
    """
    spec = _kind(material.kind)
    if not _current_member(network=material.network, programme=programme):
        raise ValidationError({"material": _(
            "The programme is not a member of this network (any more): it cannot adopt "
            "its materials.")})
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        if Adoption.objects.filter(material=material, programme=programme).exists():
            raise ValidationError({"material": _(
                "The programme has adopted this material already: its copy is in its "
                "own pages.")})
        version = material.versions.order_by("-number").first()
        if version is None:
            raise ValidationError({"material": _("This material has no version yet.")})
        copy = spec.create(programme=programme, content=version.content, by=by,
                           label=_label(material, version))
        adoption = Adoption(material=material, programme=programme, version=version,
                            copy_kind=material.kind, copy_id=copy.pk,
                            adopted_by=by if getattr(by, "pk", None) else None)
        adoption.full_clean()
        adoption.save()
    return adoption


def _label(material: Material, version: MaterialVersion) -> str:
    """The version label of a copy whose app names its versions (the charter)."""
    return f"{material.network.slug[:12]}-{version.number}"


def update_offered(*, adoption: Adoption) -> MaterialVersion | None:
    """The version the programme is offered: the material's latest, when it is newer
    than the one adopted and not the one the programme chose to keep its own against."""
    latest = adoption.material.versions.order_by("-number").first()
    if latest is None or latest.number <= adoption.version.number:
        return None
    if adoption.kept_version_id == latest.pk:
        return None
    return latest


def _locked_with_offer(adoption: Adoption, version_id: Any) -> tuple[Adoption, Any]:
    """The adoption, locked for the transaction, and the version it is offered, which must
    be ``version_id`` (else a ValidationError on ``version``)."""
    adoption = Adoption.objects.select_for_update().select_related(
        "material", "version").get(pk=adoption.pk)
    offered = update_offered(adoption=adoption)
    if offered is None or str(offered.pk) != str(version_id):
        raise ValidationError({"version": _(
            "This update is not offered to the programme (any more).")})
    return adoption, offered


def adoption_accept(*, adoption: Adoption, version_id: Any, by: Any) -> Adoption:
    """Take the offered version: the copy is brought up to it by the owning app's
    services (a new version of the programme's note or charter, where the app keeps
    versions), overwriting what the programme changed in it.

    Raises ValidationError on ``version`` when that update is not offered (none, an
    older one, one declined, one of another material), and on the copy's fields when
    the owning app refuses."""
    spec = _kind(adoption.copy_kind)
    with transaction.atomic():
        adoption, offered = _locked_with_offer(adoption, version_id)
        copy = spec.current(adoption.programme, adoption.copy_id)
        if spec.versioned or copy is None or spec.update is None:
            copy = spec.create(programme=adoption.programme, content=offered.content, by=by,
                               label=_label(adoption.material, offered))
        else:
            copy = spec.update(copy=copy, content=offered.content, by=by)
        adoption.version = offered
        adoption.copy_id = copy.pk
        adoption.kept_version = None
        adoption.updated_at = timezone.now()
        adoption.full_clean()
        adoption.save()
    return adoption


def adoption_keep_own(*, adoption: Adoption, version_id: Any, by: Any) -> Adoption:
    """Keep the programme's copy as it is: the offered version is not offered again,
    the next one will be.

    Raises ValidationError on ``version`` when that update is not offered."""
    with transaction.atomic():
        adoption, offered = _locked_with_offer(adoption, version_id)
        adoption.kept_version = offered
        adoption.updated_at = timezone.now()
        adoption.full_clean()
        adoption.save()
    return adoption
