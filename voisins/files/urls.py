from django.urls import path

from . import views

app_name = "files"
urlpatterns = [
    path("files/<str:key>/", views.download, name="download"),
    path("files/<str:key>/delete/", views.delete, name="delete"),
    path("staff/<slug:slug>/cases/<int:pk>/files/", views.case_upload, name="case_upload"),
    path("training/<slug:slug>/modules/<int:pk>/handouts/", views.handout_upload,
         name="handout_upload"),
    path("community/<slug:slug>/resources/<int:pk>/files/", views.resource_upload,
         name="resource_upload"),
    path("recruitment/<slug:slug>/volunteers/<int:pk>/screening/scan/",
         views.charter_scan_upload, name="charter_scan_upload"),
]
