from django.contrib import admin

from voisins import access

from .models import Registration, TrainingModule, TrainingSession


@admin.register(TrainingModule)
class TrainingModuleAdmin(access.ProgrammeScopedAdmin):
    list_display = ("title", "programme", "required", "position")


@admin.register(TrainingSession)
class TrainingSessionAdmin(access.ProgrammeScopedAdmin):
    programme_path = "module__programme"
    list_display = ("module", "starts_at", "place", "capacity")


@admin.register(Registration)
class RegistrationAdmin(access.ProgrammeScopedAdmin):
    programme_path = "session__module__programme"
    list_display = ("session", "volunteer", "attended")
    raw_id_fields = ("volunteer", "session")
