"""Inspections, crossings, referrals and refusal reasons."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openbmis.core.models import UUIDModel
from openbmis.core.sealing import SealedBinaryField, SealedJSONField, SealedTextField


class Direction(models.TextChoices):
    ENTRY = "entry", _("Entry")
    EXIT = "exit", _("Exit")


class TravelMode(models.TextChoices):
    AIR = "air", _("Air")
    LAND_CAR = "car", _("Car")
    LAND_BUS = "bus", _("Bus")
    LAND_FOOT = "foot", _("On foot")
    LAND_TRUCK = "truck", _("Truck")
    SEA = "sea", _("Sea")
    RAIL = "rail", _("Rail")


class Purpose(models.TextChoices):
    TOURISM = "tourism", _("Tourism")
    BUSINESS = "business", _("Business")
    FAMILY = "family", _("Visiting family or friends")
    WORK = "work", _("Work")
    STUDY = "study", _("Study")
    TRANSIT = "transit", _("Transit")
    RESIDENT = "resident", _("Returning resident")
    OTHER = "other", _("Other")


class RefusalReason(models.Model):
    """A standard ground for refusal; the default set follows the Schengen standard form (Annex V)."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    label = models.CharField(_("label"), max_length=300)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"


class Inspection(UUIDModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting decision")
        REFERRED = "referred", _("Referred to secondary")
        DECIDED = "decided", _("Decided")
        VOIDED = "voided", _("Voided")

    client_id = models.UUIDField(unique=True, help_text=_("client-generated id: a retry never makes a second one"))
    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="inspections")
    lane = models.ForeignKey("borderposts.Lane", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=5, choices=Direction.choices)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspections")
    traveller = models.ForeignKey("travellers.Traveller", on_delete=models.PROTECT, related_name="inspections")
    document = models.ForeignKey("travellers.TravelDocument", on_delete=models.PROTECT, related_name="inspections")
    # sealed at rest (issue 14): both hold the document number and the holder's identity
    mrz = SealedTextField(blank=True, help_text=_("the MRZ as read (empty for manual entry)"))
    document_data = SealedJSONField(help_text=_("the parsed document: the MRZ reading or the fields typed by hand"))
    # what the checks said and the hits they found name the document (a stolen number, a look-alike): sealed
    checks = SealedJSONField(default=list)
    hits = SealedJSONField(default=list)
    suggested_action = models.CharField(max_length=8)
    purpose = models.CharField(max_length=12, choices=Purpose.choices, blank=True)
    travel_mode = models.CharField(max_length=8, choices=TravelMode.choices, blank=True)
    transport_id = models.CharField(_("flight or vehicle"), max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    duration_ms = models.PositiveIntegerField(default=0, help_text=_("time taken to read and check"))
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["border_post", "status", "created_at"], name="inspection_post_status")]

    def __str__(self) -> str:
        return f"inspection {self.id}"


class Crossing(UUIDModel):
    """An entry, an exit, or a refused entry/exit: written once, never changed."""

    class Decision(models.TextChoices):
        ADMIT = "admit", _("Admitted")
        REFUSE = "refuse", _("Refused")

    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="crossing")
    traveller = models.ForeignKey("travellers.Traveller", on_delete=models.PROTECT, related_name="crossings")
    document = models.ForeignKey("travellers.TravelDocument", on_delete=models.PROTECT, related_name="crossings")
    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="crossings")
    lane_code = models.CharField(max_length=16, blank=True)
    direction = models.CharField(max_length=5, choices=Direction.choices)
    decision = models.CharField(max_length=6, choices=Decision.choices)
    reasons = models.JSONField(default=list, help_text=_("refusal reason codes"))
    note = models.TextField(blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="crossings")
    at = models.DateTimeField(db_index=True, help_text=_("UTC"))
    time_zone = models.CharField(max_length=64, help_text=_("the post's time zone at the time"))
    local_date = models.DateField(help_text=_("the calendar day at the post: the day stay rules count"))
    permitted_until = models.DateField(null=True, blank=True)
    purpose = models.CharField(max_length=12, choices=Purpose.choices, blank=True)
    travel_mode = models.CharField(max_length=8, choices=TravelMode.choices, blank=True)
    transport_id = models.CharField(max_length=20, blank=True)
    # Denormalised at the time of crossing, for statistics that must not change when an identity
    # is later merged or corrected.
    nationality = models.CharField(max_length=3)
    sex = models.CharField(max_length=1)
    birth_date = models.DateField(null=True, blank=True)
    document_code = models.CharField(max_length=2)
    flags = models.JSONField(default=list, help_text=_("consistency flags raised at the time, and 'override' or "
                                                     "'against_suggestion' when admitted over the checks"))
    overridden = models.JSONField(default=list, help_text=_("codes of the failed checks the admission went against"))

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["traveller", "at"], name="crossing_traveller_at"),
            models.Index(fields=["border_post", "at"], name="crossing_post_at"),
            models.Index(fields=["local_date", "border_post"], name="crossing_day_post"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.decision} {self.at:%Y-%m-%d %H:%M}"


class Referral(UUIDModel):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        DECIDED = "decided", _("Decided")
        VOIDED = "voided", _("Withdrawn (inspection voided)")

    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="referral")
    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="referrals")
    reason = models.TextField(_("referral reason"))
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.WAITING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["referred_at"]
        indexes = [models.Index(fields=["border_post", "status", "referred_at"], name="referral_queue")]

    def __str__(self) -> str:
        return f"referral {self.id}"


class ReferralNote(UUIDModel):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    image = SealedBinaryField(null=True, blank=True, help_text=_("a document image (JPEG or PNG)"))  # sealed
    image_type = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"note {self.id}"
