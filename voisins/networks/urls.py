from django.urls import path  # noqa: F401 - the network's pages are added here

app_name = "networks"

urlpatterns: list = []
