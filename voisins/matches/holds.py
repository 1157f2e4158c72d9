"""What match life asks the message queue to hold back (``messaging.hooks.register_hold``).

A check-in question held back by a mail server or an SMS provider that was down waits,
like the check-ins themselves, while its programme is paused (a lockdown), and goes after
the resume.
"""

from django.db.models import Exists, OuterRef, Q

from voisins.messaging.hooks import register_hold
from voisins.messaging.models import Purpose

from .models import ProgrammePause


@register_hold
def checkins_wait_during_a_pause() -> Q:
    paused = ProgrammePause.objects.filter(programme=OuterRef("programme"), ended_at=None)
    return Q(purpose=Purpose.CHECKIN) & Exists(paused)
