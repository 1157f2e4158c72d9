from django.urls import path

from . import views

app_name = "community"
urlpatterns = [
    path("invitations/", views.my_invitations, name="invitations"),
    path("invitations/<int:pk>/answer/", views.rsvp, name="rsvp"),
    path("calendar/renew/", views.calendar_renew, name="calendar_renew"),
    # A family's invitations, through its personal link.
    path("f/<str:token>/events/", views.family_events, name="family_events"),
    path("f/<str:token>/events/<int:pk>/answer/", views.family_rsvp, name="family_rsvp"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
    path("<slug:slug>/events/", views.event_list, name="events"),
    path("<slug:slug>/events/<int:pk>/", views.event_detail, name="event"),
    path("<slug:slug>/resources/", views.resource_list, name="resources"),
    path("<slug:slug>/resources/new/", views.resource_edit, name="resource_new"),
    path("<slug:slug>/resources/<int:pk>/", views.resource_edit, name="resource_edit"),
]
