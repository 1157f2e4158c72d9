from django.contrib import admin

from voisins import access

from .models import Event, Invitation, Resource


@admin.register(Event)
class EventAdmin(access.ProgrammeScopedAdmin):
    list_display = ("title", "programme", "kind", "starts_at", "capacity")
    list_filter = ("kind",)


@admin.register(Invitation)
class InvitationAdmin(access.ProgrammeScopedAdmin):
    programme_path = "event__programme"
    list_display = ("event", "user", "status", "attended")
    raw_id_fields = ("event", "user")


@admin.register(Resource)
class ResourceAdmin(access.ProgrammeScopedAdmin):
    list_display = ("title", "programme", "kind", "target_group")
    list_filter = ("kind", "target_group")
    search_fields = ("title",)
