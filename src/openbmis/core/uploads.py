"""Upload size limits, per kind of file, from the configuration (``OPENBMIS_UPLOAD_MAX_MB_<KIND>``)."""

from __future__ import annotations

from django.conf import settings

KINDS = ("watchlist", "trust", "evisa", "manifest", "image")


def upload_limit(kind: str) -> int:
    """The largest upload of this kind accepted, in bytes (read at call time, so a test may change it)."""
    limits: dict[str, int] = settings.OPENBMIS_UPLOAD_LIMITS
    return limits[kind]


def megabytes(kind: str) -> int:
    """The same limit in whole MiB, for messages."""
    return upload_limit(kind) // 2**20
