"""Base model and the installation's identity."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from openbmis.core.ids import uuid7


class UUIDModel(models.Model):
    """Abstract base for records that may travel between installations: a UUIDv7 key."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)

    class Meta:
        abstract = True


class Installation(UUIDModel):
    """This installation: headquarters or one border-post node (exactly one row)."""

    class Kind(models.TextChoices):
        HQ = "hq", _("Headquarters")
        BCP = "bcp", _("Border-post node")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    border_post_code = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("installation")

    def __str__(self) -> str:
        return f"{self.kind}:{self.border_post_code}" if self.border_post_code else self.kind
