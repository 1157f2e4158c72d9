from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("<slug:slug>/import-matches/", views.import_matches_page, name="import_matches"),
]
