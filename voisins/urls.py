from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from voisins import access
from voisins.ops import views as ops_views
from voisins.staff import views as staff_views

# The admin logs in through allauth, so it shares the login rate limits.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Voisins"
# Every app has registered its models by now: what belongs to no programme is for
# super-users only (voisins.access decides).
access.admin_deny_by_default(admin.site)

urlpatterns = [
    path("healthz", ops_views.healthz, name="healthz"),
    path("", staff_views.landing, name="landing"),
    path("accounts/", include("allauth.urls")),
    path("staff/", include("voisins.staff.urls")),
    path("staff/", include("voisins.gdpr.urls")),
    path("api/v1/", include("voisins.api.urls")),
    path("evaluation/", include("voisins.evaluation.urls")),
    path("", include("voisins.matches.urls")),
    path("", include("voisins.mediation.urls")),
    path("", include("voisins.expenses.urls")),
    path("", include("voisins.files.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("", include("voisins.workspace.urls")),
    path("f/", include("voisins.familypages.urls")),
    path("", include("voisins.recruitment.urls")),
    path("training/", include("voisins.training.urls")),
    path("community/", include("voisins.community.urls")),
    path("", include("voisins.volunteering.urls")),
    path("volunteer/", include("voisins.portal.urls")),
    path("v/", include("voisins.portal.link_urls")),
    path("programmes/", include("voisins.blueprints.urls")),
    path("networks/", include("voisins.networks.urls")),
    path("materials/", include("voisins.sharing.urls")),
    path("transfers/", include("voisins.transfers.urls")),
    # Delivery reports from SMS and e-mail providers (signed; docs/deploy.md).
    path("hooks/", include("voisins.messaging.urls")),
]
handler500 = "voisins.ops.views.server_error"
