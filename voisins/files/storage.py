"""The private storage and the cipher of personal files.

The storage is `settings.STORAGES["private"]`: a directory outside every served path on a
laptop (FILES_DIR, var/private-files), an S3-compatible bucket for a federation
(FILES_STORAGE=s3). Personal files are encrypted before they leave the process, with the
key material of the encrypted case notes (SECRET_KEY and SALT_KEY, as
django-fernet-encrypted-fields derives it): the storage and its backups only ever hold
ciphertext.
"""

import logging
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from encrypted_fields.fields import EncryptedTextField

logger = logging.getLogger(__name__)


def private_storage() -> Storage:
    """The storage of private files (read at each call: tests switch it)."""
    return storages["private"]


@cache
def _cipher() -> Fernet | MultiFernet:
    # The same keys as the case notes' field: one secret to keep, rotated the same way.
    return EncryptedTextField().f


def encrypt(data: bytes) -> bytes:
    return _cipher().encrypt(data)


def decrypt(data: bytes) -> bytes:
    return _cipher().decrypt(data)


def save(name: str, data: bytes) -> str:
    """Write `data` under `name`; the name the storage really used."""
    return private_storage().save(name, ContentFile(data))


def read(name: str) -> bytes:
    with private_storage().open(name, "rb") as handle:
        return handle.read()


def exists(name: str) -> bool:
    return private_storage().exists(name)


def remove(name: str) -> None:
    """Delete the bytes under `name`; a storage that fails is logged, never raised (the
    row is already gone; the log says an object is left over, never whose)."""
    try:
        private_storage().delete(name)
    except Exception:  # any backend error: logged without personal data
        logger.warning("files: could not delete a stored object", exc_info=True)
