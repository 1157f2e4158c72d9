from django.contrib import admin

from voisins import access

from .models import Campaign, Charter, NewsPost, PublicText, Screening, Signup


@admin.register(PublicText)
class PublicTextAdmin(access.ProgrammeScopedAdmin):
    list_display = ("programme", "language", "tagline")


@admin.register(NewsPost)
class NewsPostAdmin(access.ProgrammeScopedAdmin):
    list_display = ("title", "programme", "language", "published_at")
    list_filter = ("language",)


@admin.register(Campaign)
class CampaignAdmin(access.ProgrammeScopedAdmin):
    list_display = ("name", "programme", "channel", "created_at", "active")
    list_filter = ("channel",)


@admin.register(Charter)
class CharterAdmin(access.ProgrammeScopedAdmin):
    list_display = ("programme", "version", "published_at")


@admin.register(Signup)
class SignupAdmin(access.ProgrammeScopedAdmin):
    list_display = ("programme", "created_at", "confirmed_at", "merged")
    # The form's answers are personal data: shown read-only, never listed.
    readonly_fields = ("programme", "campaign", "email", "language", "data", "created_at",
                       "confirmed_at", "volunteer", "merged")


@admin.register(Screening)
class ScreeningAdmin(access.ProgrammeScopedAdmin):
    programme_path = "volunteer__programme"
    list_display = ("volunteer", "decision", "interview_held_at", "charter")
    raw_id_fields = ("volunteer",)
