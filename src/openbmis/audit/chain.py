"""Canonical form and hashing of audit events (no database access here)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any


def canonical(fields: dict[str, Any]) -> bytes:
    """Deterministic JSON: sorted keys, no whitespace, UTF-8, datetimes in ISO form."""

    def default(value: Any) -> str:
        if isinstance(value, datetime):
            return value.isoformat()
        return str(value)

    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=default).encode()


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical(fields)).hexdigest()


# --- scheme 2: the keyed chain (docs/adr/0003-audit-chain-anchored-outside-the-database.md) ---------------

SCHEME_SHA256 = 1  # events written before the keyed chain: SHA-256(prev || event), anyone can recompute it
SCHEME_HMAC = 2  # HMAC-SHA256 under the origin's chain key, which is kept outside the database
CURRENT_SCHEME = SCHEME_HMAC


def origin_key(master: bytes, origin: str) -> bytes:
    """The chain key of one origin (``hq``, ``bcp:CODE``), derived from the master key.

    Each origin's chain can then be verified on its own, and a node holds only its own key.
    """
    return hmac.new(master, b"openbmis audit chain\x00" + origin.encode(), hashlib.sha256).digest()


def keyed_event_hash(key: bytes, prev_hash: str, fields: dict[str, Any]) -> str:
    return hmac.new(key, prev_hash.encode("ascii") + b"\n" + canonical(fields), hashlib.sha256).hexdigest()


def hash_for_scheme(scheme: int, key: bytes | None, prev_hash: str, fields: dict[str, Any]) -> str:
    if scheme == SCHEME_SHA256:
        return event_hash(prev_hash, fields)
    if scheme == SCHEME_HMAC:
        if key is None:
            raise ValueError("the keyed chain needs its key")
        return keyed_event_hash(key, prev_hash, fields)
    raise ValueError(f"unknown audit hash scheme {scheme}")
