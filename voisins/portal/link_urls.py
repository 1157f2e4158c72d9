"""A volunteer household's pages behind its personal link (see `link_views`)."""

from django.urls import path

from . import link_views as views

app_name = "volunteerpages"
urlpatterns = [
    # Before <token>/: "request" is not a link.
    path("request/", views.request_link, name="request"),
    path("<str:token>/", views.home, name="home"),
    path("<str:token>/data/", views.own_data, name="data"),
    path("<str:token>/messages/", views.message_choices, name="message_choices"),
    path("<str:token>/password/", views.password, name="password"),
    path("<str:token>/files/<str:key>/", views.handout, name="file"),
    path("<str:token>/training/<int:pk>/register/", views.training_register,
         name="training_register"),
    path("<str:token>/training/registrations/<int:pk>/cancel/", views.training_cancel,
         name="training_cancel"),
    path("<str:token>/invitations/<int:pk>/answer/", views.rsvp, name="rsvp"),
]
