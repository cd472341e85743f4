"""Helpers that keep personal data out of logs."""

from __future__ import annotations

import hashlib
import hmac


def short_hash(value: str) -> str:
    """A short, stable tag for a name, document number or MRZ in a log line: 12 hex characters of an HMAC under
    the installation's index key (core/sealing.py). Keyed, because a plain hash of a document number can be
    reversed by trying every number; equal values give equal tags, so one person's lines can still be followed."""
    from openbmis.core import sealing

    key = sealing.index_key()
    return hmac.new(key, b"log\x00" + value.encode("utf-8"), hashlib.sha256).hexdigest()[:12]
