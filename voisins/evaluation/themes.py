"""Themes that volunteers' feedback and the meeting's minutes are tagged with, so that the
same questions can be followed from one year to the next."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Theme(models.TextChoices):
    MEETING_OFTEN = "meeting-often", _("meeting often enough")
    LANGUAGE = "language", _("language barrier")
    TRAINING = "training", _("training and preparation")
    MEDIATION = "mediation", _("support from mediators and coordinators")
    PAPERWORK = "paperwork", _("paperwork and administration")
    SCHOOL = "school", _("school and homework")
    CHILDREN = "children", _("activities with children")
    DISTANCE = "distance", _("distance and transport")
    EXPECTATIONS = "expectations", _("expectations on both sides")
    ENDINGS = "endings", _("how matches end")
    EVENTS = "events", _("collective events and networking")
    RECOGNITION = "recognition", _("recognition of volunteers")
    OTHER = "other", _("other")
