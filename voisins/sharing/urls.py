from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [
    # The network's side: its materials, their versions, publishing.
    path("network/<slug:slug>/", views.network_materials, name="network"),
    path("network/<slug:slug>/new/<slug:kind>/", views.material_new, name="material_new"),
    path("network/<slug:slug>/<int:pk>/", views.material_detail, name="material"),
    # The programme's side: what its networks share, its adoptions, the updates offered.
    path("programme/<slug:slug>/", views.programme_materials, name="programme"),
    path("programme/<slug:slug>/adopt/", views.adopt, name="adopt"),
    path("programme/<slug:slug>/adoptions/<int:pk>/", views.adoption_detail,
         name="adoption"),
]
