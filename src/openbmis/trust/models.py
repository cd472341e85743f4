"""Trust-store entries, their import history, the store's version counter, and chip verification records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openbmis.core.models import UUIDModel
from openbmis.core.sealing import SealedBinaryField, SealedJSONField


class TrustImport(UUIDModel):
    """One file taken in (upload, API or CLI): what it was, who brought it, what was added and rejected."""

    at = models.DateTimeField(_("imported at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("imported by"), max_length=150)
    channel = models.CharField(_("channel"), max_length=8, help_text=_("web, api or cli"))
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    file_size = models.PositiveBigIntegerField(_("file size"))
    added_count = models.PositiveIntegerField(_("added"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    # {"added": [{kind, subject, serial, source, note, fingerprint, entry_id}], "rejected": [{source, reason, subject}]}
    report = models.JSONField(_("report"), default=dict)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("trust import")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.at:%Y-%m-%d %H:%M})"


class TrustEntry(UUIDModel):
    """One certificate, CRL or master list, stored as DER exactly as imported."""

    class Kind(models.TextChoices):
        CSCA = "csca", _("CSCA (trust anchor)")
        LINK = "link", _("Link certificate")
        PINNED_DSC = "pinned_dsc", _("Pinned document signer")
        DSC = "dsc", _("Document signer (DSC)")
        CRL = "crl", _("Certificate revocation list")
        MASTER_LIST = "master_list", _("Master list")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REMOVED = "removed", _("Removed")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, db_index=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE,
                              db_index=True)
    subject = models.CharField(_("subject"), max_length=500, help_text=_("for a CRL, its issuer; for a master "
                                                                          "list, its signer"))
    issuer = models.CharField(_("issuer"), max_length=500, blank=True)
    serial = models.CharField(_("serial"), max_length=80, blank=True, help_text=_("hexadecimal"))
    country = models.CharField(_("country"), max_length=3, blank=True, db_index=True,
                               help_text=_("country code from the subject (ISO 3166 alpha-2 in X.509 names)"))
    not_before = models.DateTimeField(_("valid from"), null=True, blank=True)
    not_after = models.DateTimeField(_("valid until"), null=True, blank=True,
                                     help_text=_("for a CRL, its next update"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    der = models.BinaryField(_("DER"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True, help_text=_("where in the file it was"))
    imported_by = models.ForeignKey(TrustImport, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="entries")
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["country", "kind", "subject"]
        verbose_name = _("trust store entry")
        verbose_name_plural = _("trust store entries")

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} ({self.fingerprint[:12]})"


class TrustState(models.Model):
    """One row: a counter bumped in the same transaction as every trust change, so that each process knows
    when its cached :class:`~openbmis.epassport.TrustStore` is stale."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.PositiveBigIntegerField(default=0)
    # A fresh random value per change: unlike the counter, it never repeats after a rolled-back transaction.
    stamp = models.UUIDField(null=True, blank=True)

    def __str__(self) -> str:
        return f"trust store version {self.version}"


class ChipVerification(UUIDModel):
    """One passive authentication of a chip read at the counter (``POST /api/documents/chip``)."""

    class Status(models.TextChoices):
        VERIFIED = "verified", _("Verified")
        FAILED = "failed", _("Failed")
        UNKNOWN_CSCA = "unknown_csca", _("Unknown CSCA")
        NO_CHIP_DATA = "no_chip_data", _("No chip data")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The inspection this read belongs to; a plain UUID until the inspections app exists.
    inspection_id = models.UUIDField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, db_index=True)
    failed_step = models.CharField(max_length=32, blank=True, help_text=_("first failed step, when failed"))
    valid = models.BooleanField(default=False)
    validated_at = models.DateTimeField(help_text=_("the instant certificates were checked against"))
    time_pinned = models.BooleanField(default=False, help_text=_("validation instant given by the caller"))
    trust_version = models.PositiveBigIntegerField(default=0)
    sod_sha256 = models.CharField(max_length=64, blank=True)
    data_groups = models.JSONField(default=list, help_text=_("numbers of the data groups supplied"))
    # the chip's report (the holder's names from DG11) and the face from DG2: sealed at rest
    result = SealedJSONField(default=dict)
    photo = SealedBinaryField(null=True, blank=True)
    photo_mime_type = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("chip verification")

    def __str__(self) -> str:
        return f"{self.status} {self.created_at:%Y-%m-%d %H:%M}"
