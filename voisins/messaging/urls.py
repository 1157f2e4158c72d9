from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("twilio/status/", views.twilio_status, name="twilio_status"),
    path("email/mailgun/", views.mailgun_tracking, name="mailgun_tracking"),
]
