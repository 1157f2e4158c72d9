from django.urls import path

from . import maps, views

app_name = "workspace"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("language/", views.language, name="language"),
    path("staff/<slug:slug>/map/", maps.map_page, name="map"),
    path("staff/<slug:slug>/map/households.geojson", maps.households_geojson,
         name="map_households"),
    path("staff/<slug:slug>/map/family/<int:pk>/", maps.family_radius, name="family_radius"),
]
