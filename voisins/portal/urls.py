from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("pause/", views.pause, name="pause"),
    path("charter/", views.accept_charter, name="charter"),
    path("training/<int:pk>/register/", views.training_register, name="training_register"),
    path("training/registrations/<int:pk>/cancel/", views.training_cancel,
         name="training_cancel"),
]
