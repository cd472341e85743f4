"""A legal hold: while it is in force, nothing about the traveller is deleted by retention."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openbmis.core.models import UUIDModel


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def in_force(self, today: Any = None) -> LegalHoldQuerySet:
        today = today or timezone.localdate()
        return self.filter(lifted_at__isnull=True).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))


class LegalHold(UUIDModel):
    traveller = models.ForeignKey("travellers.Traveller", on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.TextField(_("reason"), help_text=_("the case, inquiry or court order that requires the hold"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("empty: until lifted"))
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    lift_reason = models.TextField(blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"legal hold {self.id}"

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None and (self.ends_on is None or self.ends_on >= timezone.localdate())
