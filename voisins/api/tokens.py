"""What an API token is, apart from its record: its marker and the digest stored of it."""

import hashlib

TOKEN_PREFIX = "vsn_"  # noqa: S105 - a marker, not a secret


def token_digest(raw: str) -> str:
    """The SHA-256 digest of a token, the only form of it that is stored."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
