from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from voisins import access

from .models import Consent, PrivacyNotice


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(access.ProgrammeScopedAdmin):
    list_display = ("programme", "version", "published_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # What people agreed to stays as they read it: a change is a new version.
        if obj is not None:
            return ("programme", "version", "text", "published_at")
        return super().get_readonly_fields(request, obj)


@admin.register(Consent)
class ConsentAdmin(access.ProgrammeScopedAdmin):
    """Consents are read here, never written: they are given and withdrawn on the
    household's consent page (which records the notice, who recorded it and when), and a
    consent is withdrawn, not edited away."""

    list_display = ("purpose", "family", "volunteer", "given_at", "withdrawn_at")
    list_filter = ("purpose",)
    raw_id_fields = ("family", "volunteer", "recorded_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
