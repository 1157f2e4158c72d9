"""E-mail delivery reports through django-anymail's tracking webhooks: anymail checks the
provider's signature and turns every provider's payload into one ``tracking`` signal."""

from __future__ import annotations

import logging
from typing import Any

from anymail.signals import tracking
from django.dispatch import receiver

from . import services

logger = logging.getLogger(__name__)

FAILED = {"bounced", "rejected", "complained", "failed"}


@receiver(tracking)
def email_tracked(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    if event.event_type not in FAILED | {"delivered"}:
        return
    message = services.message_report(
        provider="email", provider_id=event.message_id or "",
        delivered=event.event_type == "delivered",
        reason=f"{esp_name} {event.event_type}")
    if message is None:
        logger.info("e-mail tracking event for an unknown message ignored")
