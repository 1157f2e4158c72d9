"""Voisins' URLs plus /bench/trivial: the least a Django request can cost on this server
(the same middleware, no query, no template)."""

from django.http import HttpResponse
from django.urls import path

from voisins.urls import handler500
from voisins.urls import urlpatterns as voisins_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), *voisins_urlpatterns]
