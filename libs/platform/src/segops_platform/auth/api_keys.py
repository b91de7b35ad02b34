"""API keys: random, shown once, stored only as a SHA-256 hash beside a visible prefix.

A key is `sgk_<8 hex prefix>_<43 url-safe secret chars>`. The key carries 256 bits of entropy, so
a fast hash is enough (no password stretching needed); the prefix finds the row by index.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

_KEY_FORMAT = re.compile(r"^(sgk_[0-9a-f]{8})_[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True)
class NewApiKey:
    key: str
    prefix: str
    key_hash: str


def generate_api_key() -> NewApiKey:
    prefix = f"sgk_{secrets.token_hex(4)}"
    key = f"{prefix}_{secrets.token_urlsafe(32)}"
    return NewApiKey(key=key, prefix=prefix, key_hash=hash_api_key(key))


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_prefix(key: str) -> str | None:
    """The prefix of a well-formed key, or None for anything else."""
    match = _KEY_FORMAT.match(key)
    return match.group(1) if match else None


def api_key_matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_api_key(key), stored_hash)
