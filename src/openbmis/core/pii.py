"""Helpers that keep personal data out of logs."""

from __future__ import annotations

import hashlib


def short_hash(value: str) -> str:
    """A short, stable, non-reversible tag for a name, document number or MRZ in a log line."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]
