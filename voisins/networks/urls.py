from django.urls import path

from . import views

app_name = "networks"

urlpatterns: list = [
    # A programme of this instance publishing to a network run on another instance.
    path("links/<slug:slug>/", views.links, name="links"),
]
