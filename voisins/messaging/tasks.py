"""Background work of messaging, through Django's Tasks framework."""

from django.tasks import task


@task
def deliver_message(message_id: int) -> bool:
    from .services import message_deliver

    return message_deliver(message_id=message_id)


@task
def retry_messages() -> int:
    from .services import messages_retry_due

    return messages_retry_due()


@task
def deliver_messages(message_ids: list[int]) -> int:
    """Deliver a chunk of a group's messages, one after the other; each has its own claim
    and retries (a failure leaves it to ``retry_messages``). The number sent."""
    from .services import message_deliver

    return sum(message_deliver(message_id=pk) for pk in message_ids)
