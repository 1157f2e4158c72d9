"""Private files through the API: upload (multipart, field "file") to a case, a training
module, a resource or a volunteer's screening (the signed charter), list a case's
attachments, download and delete one by its id.

The checks are the pages': the same access functions (404 for what one may not see), the
same content checks (each refusal a 422 naming "file"), the same download headers, and
each download is written to the audit log.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from voisins import access
from voisins.apibase import ERRORS, ApiValidationError
from voisins.files import selectors, services
from voisins.files.views import file_response
from voisins.households.selectors import volunteer_households
from voisins.mediation.selectors import cases_with_programme

router = Router(tags=["files"])
# The file is optional in the schema so that access is checked first (404 to whoever may
# not see the record); the service then names a missing file.
OPTIONAL_FILE = File(None)


class FileOut(Schema):
    id: UUID
    name: str
    purpose: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> UUID:
        return obj.uuid


def _store(action: Any) -> Any:
    try:
        return Status(201, action())
    except ValidationError as exc:
        messages = exc.message_dict.get("file", exc.messages) if hasattr(
            exc, "error_dict") else exc.messages
        raise ApiValidationError([{"loc": ["body", "file"], "msg": str(m),
                                   "type": "value_error"} for m in messages]) from None


def _one(queryset: Any, request: HttpRequest, action: str, pk: int) -> Any:
    return access.record_or_404(queryset, request.user, action, pk=access.as_pk(pk))


@router.post("/cases/{case_id}/files", response={201: FileOut, **ERRORS},
             operation_id="upload_case_file", summary="Attach a file to a mediation case",
             description="Encrypted at rest; seen by those who see the case.")
def upload_case_file(request: HttpRequest, case_id: int,
                     file: UploadedFile | None = OPTIONAL_FILE):
    case = access.case_or_404(request.user, case_id, cases_with_programme(), "mediate")
    return _store(lambda: services.case_attachment_add(case=case, upload=file,
                                                       by=request.user))


@router.get("/cases/{case_id}/files", response={200: list[FileOut], **ERRORS},
            operation_id="list_case_files", summary="The attachments of a case")
def list_case_files(request: HttpRequest, case_id: int):
    case = access.case_or_404(request.user, case_id, cases_with_programme(), "mediate")
    return list(case.attachments.all())


@router.post("/training-modules/{module_id}/handouts", response={201: FileOut, **ERRORS},
             operation_id="upload_handout", summary="Add a handout to a training module")
def upload_handout(request: HttpRequest, module_id: int,
                   file: UploadedFile | None = OPTIONAL_FILE):
    module = _one(selectors.modules(), request, "manage_training", module_id)
    return _store(lambda: services.handout_add(module=module, upload=file,
                                               by=request.user))


@router.post("/resources/{resource_id}/files", response={201: FileOut, **ERRORS},
             operation_id="upload_resource_file",
             summary="Add a file to a resource of the library")
def upload_resource_file(request: HttpRequest, resource_id: int,
                         file: UploadedFile | None = OPTIONAL_FILE):
    resource = _one(selectors.resources(), request, "manage_resources", resource_id)
    return _store(lambda: services.resource_file_add(resource=resource, upload=file,
                                                     by=request.user))


@router.post("/volunteers/{volunteer_id}/charter-scan", response={201: FileOut, **ERRORS},
             operation_id="upload_charter_scan",
             summary="The scan of a charter a volunteer household signed on paper")
def upload_charter_scan(request: HttpRequest, volunteer_id: int,
                        file: UploadedFile | None = OPTIONAL_FILE):
    volunteer = _one(selectors.volunteers(), request, "screen_volunteers", volunteer_id)
    screening = selectors.screening_of(volunteer)
    if screening is None:
        raise ApiValidationError([{"loc": ["body", "file"], "type": "value_error",
                                   "msg": "Record the interview first."}])
    return _store(lambda: services.charter_scan_add(screening=screening, upload=file,
                                                    by=request.user))


@router.get("/files/{file_id}", response={200: bytes, **ERRORS}, operation_id="download_file",
            summary="Download a file (audited; not cached)",
            openapi_extra={"responses": {"200": {"description": "The file's bytes",
                                                 "content": {"*/*": {
                                                     "schema": {"type": "string",
                                                                "format": "binary"}}}}}})
def download_file(request: HttpRequest, file_id: str) -> HttpResponse:
    stored = access.file_or_404(request.user, file_id, selectors.files(), volunteer_households())
    return file_response(request, stored, via="api")


@router.delete("/files/{file_id}", response={204: None, **ERRORS}, operation_id="delete_file",
               summary="Delete a file")
def delete_file(request: HttpRequest, file_id: str):
    stored = access.file_or_404(request.user, file_id, selectors.files(), volunteer_households())
    if not access.can(request.user, access.file_upload_action(stored.purpose),
                      stored.programme_id):
        raise Http404
    services.file_delete(stored=stored, by=request.user)
    return Status(204, None)
