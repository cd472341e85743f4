"""Queryset updates that the rest of the system sees.

``QuerySet.update()`` sends no ``post_save``: a row changed that way would not reach headquarters from a border-post
node. Services that change several rows at once call :func:`update` instead; it announces the rows it changed with
:data:`rows_updated` (synchronisation queues them in the outbox, in the same transaction).
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.dispatch import Signal

# sender: the model; pks: the primary keys of the rows changed (sent inside the transaction of the update).
rows_updated = Signal()


def update(queryset: models.QuerySet[Any], **values: Any) -> int:
    """``queryset.update(**values)``, announcing the rows it changed; the number of rows changed."""
    with transaction.atomic():
        pks = list(queryset.values_list("pk", flat=True))
        if not pks:
            return 0
        changed = queryset.model._default_manager.filter(pk__in=pks).update(**values)
        rows_updated.send(sender=queryset.model, pks=pks)
    return changed
