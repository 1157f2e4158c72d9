from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Super-users may see and revoke tokens; nobody can read a token back."""

    list_display = ("prefix", "user", "name", "created_at", "expires_at", "revoked_at",
                    "last_used_at")
    list_filter = ("revoked_at",)
    search_fields = ("prefix", "user__email", "name")
    readonly_fields = ("user", "prefix", "digest", "created_at", "expires_at", "last_used_at")
    fields = readonly_fields[:2] + ("name", "revoked_at") + readonly_fields[2:]

    def has_add_permission(self, request):  # tokens come from `voisins token EMAIL`
        return False
