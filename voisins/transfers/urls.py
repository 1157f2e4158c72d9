from django.urls import path

from . import views

app_name = "transfers"
urlpatterns = [
    path("<slug:slug>/<str:kind>/<int:pk>/", views.household, name="household"),
]
