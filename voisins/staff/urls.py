from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.programme, name="programme"),
    path("<slug:slug>/families/", views.family_list, name="families"),
    path("<slug:slug>/families/new/", views.family_new, name="family_new"),
    path("<slug:slug>/families/<int:pk>/", views.family_detail, name="family"),
    path("<slug:slug>/families/<int:pk>/edit/", views.family_edit, name="family_edit"),
    path("<slug:slug>/volunteers/", views.volunteer_list, name="volunteers"),
    path("<slug:slug>/volunteers/new/", views.volunteer_new, name="volunteer_new"),
    path("<slug:slug>/volunteers/<int:pk>/", views.volunteer_detail, name="volunteer"),
    path("<slug:slug>/volunteers/<int:pk>/edit/", views.volunteer_edit, name="volunteer_edit"),
    path("<slug:slug>/<str:kind>/<int:pk>/status/", views.household_status, name="status"),
    path("<slug:slug>/import/", views.import_page, name="import"),
    path("<slug:slug>/settings/", views.programme_settings, name="settings"),
    path("<slug:slug>/settings/categories/", views.category_add, name="category_add"),
    path("<slug:slug>/settings/categories/<int:pk>/", views.category_toggle,
         name="category_toggle"),
    path("<slug:slug>/team/", views.team, name="team"),
    path("<slug:slug>/team/<int:pk>/", views.team_member, name="team_member"),
    path("<slug:slug>/to-call/", views.to_call, name="to_call"),
    path("<slug:slug>/to-call/<int:pk>/", views.to_call_record, name="to_call_record"),
    path("<slug:slug>/to-call/letters/", views.to_call_letters, name="to_call_letters"),
    path("<slug:slug>/letters/<str:kind>/<int:pk>/", views.household_letter, name="letter"),
]
