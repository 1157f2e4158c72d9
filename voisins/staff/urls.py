from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.programme, name="programme"),
    path("<slug:slug>/families/", views.family_list, name="families"),
    path("<slug:slug>/families/<int:pk>/", views.family_detail, name="family"),
    path("<slug:slug>/volunteers/", views.volunteer_list, name="volunteers"),
    path("<slug:slug>/volunteers/<int:pk>/", views.volunteer_detail, name="volunteer"),
    path("<slug:slug>/<str:kind>/<int:pk>/status/", views.household_status, name="status"),
    path("<slug:slug>/import/", views.import_page, name="import"),
]
