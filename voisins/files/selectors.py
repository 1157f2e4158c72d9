"""Reads of private files: their content (decrypted), the lists each page shows."""

from __future__ import annotations

from django.db.models import QuerySet

from voisins.community.models import Resource
from voisins.households.models import FamilyHousehold, VolunteerHousehold
from voisins.recruitment.models import Screening
from voisins.training.models import TrainingModule

from . import storage
from .models import StoredFile


def files() -> QuerySet[StoredFile]:
    """Every stored file, with what access needs to decide (programme, case, module)."""
    return StoredFile.objects.select_related("programme", "case", "module")


def file_content(stored: StoredFile) -> bytes:
    """The file's bytes as they were uploaded (decrypted when stored encrypted)."""
    data = storage.read(stored.storage_name)
    return storage.decrypt(data) if stored.encrypted else data


def handouts_for(volunteer: VolunteerHousehold) -> QuerySet[StoredFile]:
    """The handouts of the modules the household registered for (not marked absent)."""
    modules = volunteer.training_registrations.exclude(attended=False).values(
        "session__module_id")
    return StoredFile.objects.filter(purpose="handout", module_id__in=modules,
                                     programme_id=volunteer.programme_id
                                     ).select_related("module").order_by("module", "name")


def files_of_household(household: FamilyHousehold | VolunteerHousehold
                       ) -> QuerySet[StoredFile]:
    """The files about a household: attachments of the cases about it, its scans."""
    if isinstance(household, FamilyHousehold):
        return StoredFile.objects.filter(purpose="case", case__family=household)
    return (StoredFile.objects.filter(purpose="case", case__volunteer=household)
            | StoredFile.objects.filter(volunteer=household))


def modules_of(programme_id: int) -> QuerySet[TrainingModule]:
    return TrainingModule.objects.filter(programme_id=programme_id).select_related(
        "programme")


def resources_of(programme_id: int) -> QuerySet[Resource]:
    return Resource.objects.filter(programme_id=programme_id).select_related("programme")


def volunteers_of(programme_id: int) -> QuerySet:
    return VolunteerHousehold.objects.filter(programme_id=programme_id).select_related(
        "programme")


def screening_of(volunteer: VolunteerHousehold) -> Screening | None:
    return Screening.objects.filter(volunteer=volunteer).first()


def modules() -> QuerySet[TrainingModule]:
    return TrainingModule.objects.select_related("programme")


def resources() -> QuerySet[Resource]:
    return Resource.objects.select_related("programme")


def volunteers() -> QuerySet[VolunteerHousehold]:
    return VolunteerHousehold.objects.select_related("programme")
