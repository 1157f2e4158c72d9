from django.contrib import admin

from voisins import access

from .models import Consent, PrivacyNotice


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(access.ProgrammeScopedAdmin):
    list_display = ("programme", "version", "published_at")


@admin.register(Consent)
class ConsentAdmin(access.ProgrammeScopedAdmin):
    list_display = ("purpose", "family", "volunteer", "given_at", "withdrawn_at")
    list_filter = ("purpose",)
    raw_id_fields = ("family", "volunteer", "recorded_by")
