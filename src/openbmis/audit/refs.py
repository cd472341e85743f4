"""Pseudonymous references to travellers, for the audit trail and the access log.

An event names a person by ``traveller_ref(id)`` instead of a name or document number, so that erasing the
person's records leaves every hashed event as it was (the chain keeps verifying) while an auditor who knows the
traveller can still find the events by recomputing the reference.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings

REF_LENGTH = 32


def _key() -> bytes:
    configured = getattr(settings, "OPENBMIS_AUDIT_REF_KEY", "") or ""
    if configured:
        return str(configured).encode()
    # derived, so that an installation without the setting still gets a stable key that is not the secret itself
    return hmac.new(str(settings.SECRET_KEY).encode(), b"openbmis audit traveller ref", hashlib.sha256).digest()


def traveller_ref(traveller_id: Any) -> str:
    """The pseudonymous reference of a traveller: HMAC-SHA256 of the id under the ref key, 32 hex characters."""
    digest = hmac.new(_key(), str(traveller_id).encode(), hashlib.sha256).hexdigest()
    return digest[:REF_LENGTH]


def value_ref(kind: str, value: Any) -> str:
    """A keyed, non-reversible tag for a personal value (a name, a document number, a birth date) in an event:
    ``pii:`` and 16 hex characters of HMAC-SHA256 under the ref key. Equal values give equal tags (an auditor who
    knows the value can find it; a change of value shows as a change of tag), and nobody without the key can try
    guesses against it, unlike a plain hash. ``kind`` separates the spaces (a name and a number never collide)."""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    normalised = "".join(text.upper().replace("<", " ").split())
    digest = hmac.new(_key(), f"{kind}\x00{normalised}".encode(), hashlib.sha256).hexdigest()
    return f"pii:{digest[:16]}"
