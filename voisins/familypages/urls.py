from django.urls import path

from . import views

app_name = "familypages"
urlpatterns = [
    path("<str:token>/", views.home, name="home"),
    path("<str:token>/messages/", views.message_choices, name="message_choices"),
    path("links/<slug:slug>/<int:pk>/", views.staff_links, name="staff_links"),
    path("links/<slug:slug>/<int:pk>/<int:link_id>/revoke/", views.staff_revoke,
         name="staff_revoke"),
    # A volunteer household's links (its pages live in voisins.portal, under /v/).
    path("links/<slug:slug>/volunteers/<int:pk>/", views.staff_volunteer_links,
         name="staff_volunteer_links"),
    path("links/<slug:slug>/volunteers/<int:pk>/<int:link_id>/revoke/",
         views.staff_volunteer_revoke, name="staff_volunteer_revoke"),
]
