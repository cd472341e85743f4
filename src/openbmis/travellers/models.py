"""A traveller (one person, as far as the system can tell) and the documents they have shown."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openbmis.core.models import UUIDModel
from openbmis.core.sealing import BlindIndexField, SealedTextField


class Traveller(UUIDModel):
    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")
        UNSPECIFIED = "X", _("Unspecified")

    primary_identifier = models.CharField(_("surname"), max_length=120, db_index=True)
    secondary_identifier = models.CharField(_("given names"), max_length=120, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=3, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNSPECIFIED)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from",
        help_text=_("set when a supervisor merged this identity into another"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["primary_identifier", "secondary_identifier"]
        indexes = [models.Index(fields=["birth_date", "nationality"], name="traveller_dob_nat")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.primary_identifier}, {self.secondary_identifier}".strip(", ")


class TravelDocument(UUIDModel):
    traveller = models.ForeignKey(Traveller, on_delete=models.PROTECT, related_name="documents")
    document_code = models.CharField(_("document type"), max_length=2)
    issuing_state = models.CharField(_("issuing state"), max_length=3)
    number = SealedTextField(_("document number"), max_length=20, indexed_by="number_index")  # sealed at rest
    number_index = BlindIndexField(source="number")
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    link_confidence = models.FloatField(
        _("link confidence"), default=1.0,
        help_text=_("1.0: the traveller was created with this document; lower: linked by name, birth date, "
                    "nationality and sex"),
    )
    link_reason = models.CharField(max_length=200, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-first_seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["issuing_state", "number_index"], name="unique_document_per_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.issuing_state} {self.number}"


class Rectification(UUIDModel):
    """A correction of a traveller's identity data, requested by one person and approved or rejected by another
    (four eyes). The requested and the previous values are kept here, never in the audit trail (which names the
    fields and the person's reference only), so that erasing the person erases them too."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPLIED = "applied", _("Approved and applied")
        REJECTED = "rejected", _("Rejected")

    traveller = models.ForeignKey(Traveller, on_delete=models.CASCADE, related_name="rectifications")
    document = models.ForeignKey(TravelDocument, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="rectifications",
                                 help_text=_("the document whose number is corrected, when it is"))
    changes = models.JSONField(help_text=_("the corrected values, by field"))
    previous = models.JSONField(help_text=_("the values when the correction was requested, by field"))
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"rectification {self.id} ({self.status})"
