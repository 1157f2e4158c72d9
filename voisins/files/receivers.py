"""Remove a file's bytes from the storage once its row is gone (whatever deleted it: a
service, an erasure, the cascade of a programme or a case), after the commit: a rolled
back delete keeps both."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import StoredFile
from .storage import remove


@receiver(post_delete, sender=StoredFile)
def _remove_bytes(sender: type, instance: StoredFile, **kwargs: Any) -> None:
    name = instance.storage_name
    transaction.on_commit(lambda: remove(name))
