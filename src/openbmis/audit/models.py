"""Audit events and the chain head."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openbmis.core.models import UUIDModel

GENESIS_HASH = "0" * 64


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


class AuditEvent(UUIDModel):
    """One write, as it happened. Rows are never updated or deleted by the application."""

    seq = models.BigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, help_text=_("username, or 'system'"))
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_label = models.CharField(max_length=200, blank=True)
    border_post_code = models.CharField(max_length=16, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # how ``hash`` is computed (openbmis.audit.chain): 1 SHA-256 (events older than the keyed chain),
    # 2 HMAC-SHA256 under the origin's chain key. A row inserted below the application gets 1.
    scheme = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")


class AuditHead(models.Model):
    """The single row that holds the chain's last sequence number and hash.

    Writers lock it (SELECT ... FOR UPDATE) so that events are chained one at a time on
    PostgreSQL; SQLite serialises writers anyway.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"head #{self.last_seq}"
