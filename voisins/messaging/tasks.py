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
