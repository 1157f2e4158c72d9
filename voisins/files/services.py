"""Writes of private files: store one for its owner (checked, encrypted when personal),
delete one. Each refusal is a ValidationError on the field "file", in the user's
language; a refused or failed upload leaves nothing behind, neither a row nor bytes."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any, Protocol

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from voisins.accounts.models import User
from voisins.community.models import Resource
from voisins.households.models import VolunteerHousehold
from voisins.mediation.models import Case
from voisins.programmes.models import Programme
from voisins.recruitment.models import Screening
from voisins.training.models import TrainingModule

from . import checks, storage
from .models import ENCRYPTED_PURPOSES, Purpose, StoredFile

FIELD = "file"


class Upload(Protocol):
    """An uploaded file: Django's UploadedFile, ninja's, or a ContentFile with a name."""

    name: str | None
    size: int | None

    def read(self, size: int = ...) -> bytes: ...


def _bytes(upload: Upload) -> bytes:
    """The upload's bytes, without reading more than one byte past the limit."""
    size = getattr(upload, "size", None)
    if size is not None and size > settings.FILES_MAX_BYTES:
        checks.check_size(size)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return upload.read(settings.FILES_MAX_BYTES + 1)


def file_store(*, programme: Programme, purpose: str, upload: Upload, by: User | None,
               **owner: Any) -> StoredFile:
    """Check `upload` and keep it for its owner.

    Parameters
    ----------
    programme
        The programme whose people may see it (as access.file_readable decides).
    purpose
        A `Purpose`; the owner given in `owner` must be the one it needs (case=,
        module=, resource=, screening=, owner_type=/owner_id=), with volunteer= for a
        scan about a household.

    Raises
    ------
    ValidationError
        On "file": the reason (size, type, lying name, zip bomb, active PDF…).
    """
    if upload is None:
        raise ValidationError({FIELD: _("Choose a file.")})
    try:
        data = _bytes(upload)
        name, kind = checks.check(str(upload.name or ""), data)
    except checks.FileRefused as refusal:
        raise ValidationError({FIELD: str(refusal)}) from None
    row = StoredFile(
        programme=programme, purpose=purpose, name=name, content_type=kind.mime,
        size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        encrypted=purpose in ENCRYPTED_PURPOSES, uploaded_by=by,
        # Neither the person nor the original name in the storage's listing.
        storage_name=f"{programme.pk}/{purpose}/{uuid.uuid4().hex}", **owner)
    row.full_clean(exclude=["uuid"])
    stored = storage.save(row.storage_name,
                          storage.encrypt(data) if row.encrypted else data)
    row.storage_name = stored
    try:
        with transaction.atomic():
            row.save()
    except BaseException:
        storage.remove(stored)  # no bytes left without their row
        raise
    return row


def case_attachment_add(*, case: Case, upload: Upload, by: User | None) -> StoredFile:
    """Attach a file (a letter the family received, a photo of a document) to a case;
    encrypted at rest, seen by whoever sees the case."""
    return file_store(programme=case.programme, purpose=Purpose.CASE, upload=upload,
                      by=by, case=case)


def handout_add(*, module: TrainingModule, upload: Upload, by: User | None) -> StoredFile:
    """A handout of a training module, for the households registered for it and staff."""
    return file_store(programme=module.programme, purpose=Purpose.HANDOUT, upload=upload,
                      by=by, module=module)


def resource_file_add(*, resource: Resource, upload: Upload, by: User | None
                      ) -> StoredFile:
    """A file of the resource library (a guide, slides, a picture)."""
    return file_store(programme=resource.programme, purpose=Purpose.RESOURCE,
                      upload=upload, by=by, resource=resource)


def charter_scan_add(*, screening: Screening, upload: Upload, by: User | None
                     ) -> StoredFile:
    """The scan of a charter a household signed on paper; encrypted at rest."""
    volunteer = screening.volunteer
    return file_store(programme=volunteer.programme, purpose=Purpose.CHARTER,
                      upload=upload, by=by, screening=screening, volunteer=volunteer)


def attach(*, owner: Model, upload: Upload, by: User | None,
           volunteer: VolunteerHousehold | None = None,
           programme: Programme | None = None) -> StoredFile:
    """The scan of a paper signature for any other record (the volunteer's information
    note acknowledged on paper: voisins.volunteering); encrypted at rest, seen by
    coordinators, erased and exported with `volunteer`.

    The owner's programme is `programme`, else `owner.programme`, else the volunteer's.
    """
    programme = programme or getattr(owner, "programme", None) or (
        volunteer.programme if volunteer is not None else None)
    if programme is None:
        raise ValidationError({FIELD: _("This file belongs to no programme.")})
    return file_store(programme=programme, purpose=Purpose.NOTE, upload=upload, by=by,
                      owner_type=ContentType.objects.get_for_model(owner),
                      owner_id=owner.pk, volunteer=volunteer)


def file_delete(*, stored: StoredFile, by: User | None = None) -> None:
    """Remove a file: its row now, its bytes once the deletion is committed."""
    stored.delete()
