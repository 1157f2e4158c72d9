"""Background work of messaging, through Django's Tasks framework.

Services queue these by path through `voisins.background` (they do not import this
module, which imports them); `MessagingConfig.ready` imports it.
"""

from django.tasks import task

from voisins import background

from .services import message_deliver, messages_retry_due


@background.register
@task
def deliver_message(message_id: int) -> bool:
    return message_deliver(message_id=message_id)


@background.register
@task
def retry_messages() -> int:
    return messages_retry_due()


@background.register
@task
def deliver_messages(message_ids: list[int]) -> int:
    """Deliver a chunk of a group's messages, one after the other; each has its own claim
    and retries (a failure leaves it to ``retry_messages``). The number sent."""
    return sum(message_deliver(message_id=pk) for pk in message_ids)
