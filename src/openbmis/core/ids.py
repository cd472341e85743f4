"""Time-ordered UUIDs (RFC 9562 version 7) for every record that may travel between installations.

Version 7 ids sort by creation time, so B-tree indexes stay compact, and they are unique
without coordination, so an offline border post can create records that headquarters
later accepts without re-keying.
"""

from __future__ import annotations

import uuid

from uuid_utils import compat


def is_uuid(value: object) -> bool:
    """Whether ``value`` (surrounding spaces ignored) reads as a UUID: a form field or header before a lookup."""
    try:
        uuid.UUID(str(value).strip())
    except ValueError:
        return False
    return True


def uuid7() -> uuid.UUID:
    """A new version-7 UUID as a standard :class:`uuid.UUID`."""
    return compat.uuid7()
