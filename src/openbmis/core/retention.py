"""Retention: each app registers what it deletes when records have been kept long enough; one daily
job runs them all and writes one audit event with the counts (never the deleted records' contents).

A purger takes the current instant and returns ``{"what": count}`` of the rows it deleted; it runs in
its own transaction, so one app's failure leaves the others' work (and its own data) intact.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)

Purger = Callable[[datetime], dict[str, int]]
_PURGERS: dict[str, Purger] = {}


def register(name: str, purger: Purger) -> None:
    _PURGERS[name] = purger


def purge(actor: Any = "retention-job", now: datetime | None = None) -> dict[str, dict[str, int]]:
    """Run every registered purger; audit the counts. Returns {purger name: {what: count}}."""
    from openbmis.audit import services as audit

    now = now or timezone.now()
    counts: dict[str, dict[str, int]] = {}
    for name in sorted(_PURGERS):
        with transaction.atomic():
            counts[name] = _PURGERS[name](now)
            if any(counts[name].values()):
                audit.record(actor=actor, action="retention.purge", object_type="retention", object_id=name,
                             after=counts[name])
    log.info("retention: %s", counts)
    return counts
