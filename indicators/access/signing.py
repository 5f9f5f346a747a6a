"""The store's signing key, and the hashes the store keeps instead of secrets.

Session cookies and device cookies are signed (HMAC-SHA256) with one key, kept in the store
(created on first use) or given by `MESURE_SECRET_KEY` (several servers, one key). The store
never keeps a session id, a sign-in ticket or a device id, only its SHA-256.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from indicators.store.database import Store

_KEYS: dict[Path, bytes] = {}  # the signing key of each store, read once per process


def key(store: Store) -> bytes:
    """The key that signs this store's cookies."""
    configured = os.environ.get("MESURE_SECRET_KEY", "")
    if configured:
        return configured.encode()
    if store.path not in _KEYS:
        _KEYS[store.path] = store.setting("session_key", lambda: secrets.token_urlsafe(48)).encode()
    return _KEYS[store.path]


def sign(key: bytes, payload: str) -> str:
    """The HMAC-SHA256 of `payload`, URL-safe base64 without padding."""
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def signed(store: Store, payload: str, signature: str) -> bool:
    """True when `signature` is this store's signature of `payload` (compared in constant time)."""
    return hmac.compare_digest(sign(key(store), payload), signature)


def digest(secret: str) -> str:
    """The SHA-256 (hex) the store keeps of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()
