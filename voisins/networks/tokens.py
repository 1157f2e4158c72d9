"""Publication tokens: the digest under which one is kept (a read, not a query)."""

import hashlib


def publish_token_digest(raw: str) -> str:
    """The SHA-256 digest of a publication token, the only form of it that is stored."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
