from django.urls import path

from . import views

app_name = "gdpr"
urlpatterns = [
    path("<slug:slug>/<str:kind>/<int:pk>/audit/", views.audit_log, name="audit"),
    path("<slug:slug>/<str:kind>/<int:pk>/export.<str:fmt>", views.export, name="export"),
    path("<slug:slug>/<str:kind>/<int:pk>/erase/", views.erase, name="erase"),
    path("<slug:slug>/<str:kind>/<int:pk>/consents/", views.consents, name="consents"),
    path("<slug:slug>/privacy/processing-record/", views.processing_record,
         name="processing_record"),
]
