"""Travel documents: the reference library of genuine models, fraud alerts, and examination records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openbmis.core.models import UUIDModel


class Light(models.TextChoices):
    VISIBLE = "visible", _("Visible light")
    UV = "uv", _("Ultraviolet")
    IR = "ir", _("Infrared")


class DocumentModel(UUIDModel):
    """One genuine model of a travel document, as issued by a state from a given date (headquarters-owned)."""

    issuing_state = models.CharField(max_length=3, db_index=True)
    document_code = models.CharField(max_length=2, help_text=_("ICAO 9303 code: P, PP, ID, I, V..."))
    name = models.CharField(max_length=200)
    series = models.CharField(max_length=40, blank=True)
    issued_from = models.DateField(null=True, blank=True)
    issued_until = models.DateField(null=True, blank=True)
    validity_years = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=300, help_text=_("where the reference material comes from"))
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["issuing_state", "document_code", "-issued_from"]
        indexes = [models.Index(fields=["issuing_state", "document_code"], name="docmodel_state_code")]

    def __str__(self) -> str:
        return f"{self.issuing_state} {self.document_code} {self.name}"


class ReferenceImage(UUIDModel):
    """A page of a genuine model under one light."""

    model = models.ForeignKey(DocumentModel, on_delete=models.CASCADE, related_name="images")
    page = models.CharField(max_length=40, default="data page")
    light = models.CharField(max_length=8, choices=Light.choices, default=Light.VISIBLE)
    file = models.FileField(upload_to="documents/reference/")
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["page", "light"]


class SecurityFeature(UUIDModel):
    class Kind(models.TextChoices):
        SUBSTRATE = "substrate", _("Substrate")
        PRINTING = "printing", _("Printing technique")
        OVD = "ovd", _("Optically variable device")
        PERSONALISATION = "personalisation", _("Personalisation")
        MRZ = "mrz", _("MRZ")
        CHIP = "chip", _("Chip")

    model = models.ForeignKey(DocumentModel, on_delete=models.CASCADE, related_name="features")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=120)
    description = models.TextField()
    image = models.ForeignKey(ReferenceImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="features")
    # Where on the image, as fractions of its width and height (0..1), so that it survives resizing.
    x = models.FloatField(null=True, blank=True)
    y = models.FloatField(null=True, blank=True)
    width = models.FloatField(null=True, blank=True)
    height = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "name"]


class FraudAlert(UUIDModel):
    """A warning published by headquarters; each change is a new version, the previous ones are kept."""

    class Severity(models.TextChoices):
        WARN = "warn", _("Warn")
        FAIL = "fail", _("Fail")

    reference = models.CharField(max_length=40, db_index=True, help_text=_("stable across versions"))
    version = models.PositiveIntegerField(default=1)
    current = models.BooleanField(default=True)
    model = models.ForeignKey(DocumentModel, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts")
    issuing_state = models.CharField(max_length=3)
    document_code = models.CharField(max_length=2, blank=True)
    series = models.CharField(max_length=40, blank=True)
    number_from = models.CharField(max_length=20, blank=True)
    number_to = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=200)
    description = models.TextField(help_text=_("what the forgery looks like"))
    detection = models.TextField(help_text=_("how to detect it"))
    severity = models.CharField(max_length=4, choices=Severity.choices, default=Severity.WARN)
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    withdrawn = models.BooleanField(default=False)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reference", "-version"]
        constraints = [models.UniqueConstraint(fields=["reference", "version"], name="fraudalert_ref_version")]

    def __str__(self) -> str:
        return f"{self.reference} v{self.version}"


class AlertImage(UUIDModel):
    alert = models.ForeignKey(FraudAlert, on_delete=models.CASCADE, related_name="images")
    caption = models.CharField(max_length=200, blank=True)
    light = models.CharField(max_length=8, choices=Light.choices, default=Light.VISIBLE)
    file = models.FileField(upload_to="documents/alerts/")
    sha256 = models.CharField(max_length=64)


class Verdict(models.TextChoices):
    GENUINE = "genuine", _("Genuine")
    COUNTERFEIT = "counterfeit", _("Counterfeit")
    FORGED_PHOTO = "forged_photo", _("Forged: photo substitution")
    FORGED_DATA = "forged_data", _("Forged: data alteration")
    FORGED_PAGE = "forged_page", _("Forged: page substitution")
    FRAUDULENTLY_OBTAINED = "fraudulently_obtained", _("Fraudulently obtained genuine")
    PSEUDO = "pseudo", _("Pseudo-document")
    IMPOSTOR = "impostor", _("Impostor / look-alike")


FRAUD_VERDICTS = frozenset(Verdict) - {Verdict.GENUINE}


class Examination(UUIDModel):
    """The record of a document examined at secondary."""

    class Disposition(models.TextChoices):
        RETAINED = "retained", _("Retained")
        RETURNED = "returned", _("Returned")

    inspection = models.ForeignKey("inspections.Inspection", on_delete=models.PROTECT, related_name="examinations")
    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="+")
    model = models.ForeignKey(DocumentModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    alert = models.ForeignKey(FraudAlert, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    examiner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(max_length=24, choices=Verdict.choices)
    findings = models.JSONField(default=list, help_text=_("[{feature, finding, note}]"))
    disposition = models.CharField(max_length=8, choices=Disposition.choices)
    note = models.TextField(blank=True)
    examined_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Denormalised for statistics, as crossings do: they must not change when an identity is merged.
    issuing_state = models.CharField(max_length=3)
    document_code = models.CharField(max_length=2)
    nationality = models.CharField(max_length=3, blank=True)
    route = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-examined_at"]

    @property
    def is_fraud(self) -> bool:
        return self.verdict in FRAUD_VERDICTS


class ExaminationImage(UUIDModel):
    class Source(models.TextChoices):
        READER = "reader", _("Document reader")
        CAMERA = "camera", _("Camera")
        UPLOAD = "upload", _("Uploaded")

    examination = models.ForeignKey(Examination, on_delete=models.CASCADE, related_name="images")
    light = models.CharField(max_length=8, choices=Light.choices)
    source = models.CharField(max_length=8, choices=Source.choices)
    file = models.FileField(upload_to="documents/examinations/")
    sha256 = models.CharField(max_length=64)
