"""What files add to the GDPR duties: the files about a household (the attachments of
the cases about it, the scans of what it signed) are in its data export, content
included, and are deleted — row and bytes — when it is erased.

An attachment of a safeguarding case is listed without its content, as the case itself
is exported without what it says (voisins.mediation.privacy).
"""

import base64
from typing import Any

from django.utils.translation import gettext_lazy

from voisins.gdpr.hooks import register_erase_hook, register_export_section
from voisins.gdpr.selectors import iso
from voisins.households.models import Household

from .selectors import file_content, files_of_household


@register_export_section("files", gettext_lazy("Files"))
def export_files(household: Household) -> list[dict[str, Any]]:
    rows = []
    for stored in files_of_household(household).select_related("case").order_by("pk"):
        withheld = stored.case is not None and stored.case.kind == "safeguarding"
        rows.append({
            "name": stored.name, "purpose": stored.purpose, "type": stored.content_type,
            "size": stored.size, "sha256": stored.sha256,
            "uploaded_at": iso(stored.uploaded_at), "case": stored.case_id,
            # The bytes themselves, decrypted: the person's copy of their file.
            "content_base64": None if withheld else base64.b64encode(
                file_content(stored)).decode("ascii"),
        })
    return rows


@register_erase_hook
def erase(household: Household) -> None:
    # Each row's bytes go once the erasure commits (voisins.files.receivers).
    for stored in files_of_household(household):
        stored.delete()
