from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("<slug:slug>/", views.overview, name="overview"),
    path("<slug:slug>/modules/<int:pk>/required/", views.module_required, name="required"),
    path("<slug:slug>/sessions/<int:pk>/", views.session_detail, name="session"),
]
