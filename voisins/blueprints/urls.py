from django.urls import path

from . import views

app_name = "blueprints"
urlpatterns = [path("new/", views.new_programme, name="new")]
