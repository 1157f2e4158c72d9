from django.urls import path

from . import views

app_name = "volunteering"
urlpatterns = [
    path("volunteering/<slug:slug>/", views.overview, name="overview"),
    path("volunteering/<slug:slug>/notes/<int:pk>/", views.note_detail, name="note"),
    path("volunteering/<slug:slug>/not-acknowledged/", views.pending, name="pending"),
    path("volunteering/<slug:slug>/not-acknowledged/<int:pk>/paper/", views.paper,
         name="paper"),
    # A volunteer household's own: behind its personal link, and on its portal.
    path("v/<str:token>/note/", views.link_note, name="link_note"),
    path("volunteer/note/", views.portal_note, name="portal_note"),
]
