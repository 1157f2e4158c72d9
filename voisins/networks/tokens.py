"""Publication tokens: what is kept of one (a read, not a write: it lives outside
services.py, which re-exports it for the callers that import it from there)."""

import hashlib


def publish_token_digest(raw: str) -> str:
    """The SHA-256 digest of a publication token, the only form of it that is stored."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
