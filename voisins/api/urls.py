from .v1 import api

urlpatterns = [*api.urls[0]]
app_name = "api-v1"
