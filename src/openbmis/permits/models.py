"""Visa policy, the registry of visas and permits, stay extensions, entry bans and overstays."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openbmis.core.models import UUIDModel
from openbmis.core.sealing import BlindIndexField, SealedTextField

ANY = "*"


class VisaPolicyRule(UUIDModel):
    """What a nationality holding a type of document needs to enter, and how long it may stay.

    ``nationality`` and ``document_type`` may be ``*`` (any); the most specific rule wins.  Rules for
    the same nationality, document type and age limit may not overlap in time.
    """

    class Category(models.TextChoices):
        EXEMPT = "exempt", _("Visa-exempt")
        ON_ARRIVAL = "on_arrival", _("Visa on arrival")
        REQUIRED = "required", _("Visa required")
        SPECIAL = "special", _("Special case (officer verifies)")

    class StayKind(models.TextChoices):
        FIXED = "fixed", _("Fixed stay from entry")
        ROLLING = "rolling", _("Rolling window")

    name = models.CharField(_("name"), max_length=120)
    nationality = models.CharField(_("nationality"), max_length=3, help_text=_("ICAO code, or * for any"))
    document_type = models.CharField(
        _("document type"), max_length=2, default=ANY,
        help_text=_("MRZ document code: P (passport), PD (diplomatic), PS (service), PL (laissez-passer) ... or *"),
    )
    max_age = models.PositiveSmallIntegerField(
        _("only under age"), null=True, blank=True, help_text=_("for minors: the rule applies below this age"),
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    stay_kind = models.CharField(_("stay rule"), max_length=8, choices=StayKind.choices, default=StayKind.ROLLING)
    max_stay_days = models.PositiveSmallIntegerField(_("maximum stay (days)"), null=True, blank=True)
    window_days = models.PositiveSmallIntegerField(_("window (days)"), null=True, blank=True,
                                                   help_text=_("rolling rules: e.g. 180 for 90 days in any 180"))
    valid_from = models.DateField(_("effective from"))
    valid_to = models.DateField(_("effective until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["nationality", "document_type", "valid_from"]
        indexes = [models.Index(fields=["nationality", "document_type"], name="visa_rule_lookup")]

    def __str__(self) -> str:
        return f"{self.name} ({self.nationality}/{self.document_type})"


class Visa(UUIDModel):
    """A visa or e-visa issued to a holder, matched at the counter by passport or sticker MRZ."""

    class Entries(models.TextChoices):
        SINGLE = "single", _("Single entry")
        DOUBLE = "double", _("Double entry")
        MULTIPLE = "multiple", _("Multiple entry")

    class Source(models.TextChoices):
        REGISTRY = "registry", _("Issued (sticker)")
        EVISA = "evisa", _("E-visa platform")

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")

    number = models.CharField(_("visa number"), max_length=20)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.REGISTRY)
    category = models.CharField(_("visa type"), max_length=8, blank=True, help_text=_("e.g. C (short stay), D"))
    entries = models.CharField(_("entries"), max_length=8, choices=Entries.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    duration_days = models.PositiveSmallIntegerField(_("duration of stay (days)"))
    issuing_post = models.CharField(_("issuing post"), max_length=60, blank=True)
    surname = models.CharField(_("surname"), max_length=120)
    given_names = models.CharField(_("given names"), max_length=120, blank=True)
    nationality = models.CharField(_("nationality"), max_length=3)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    passport_number = SealedTextField(_("passport number"), max_length=20, indexed_by="passport_number_index")
    passport_number_index = BlindIndexField(source="passport_number")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.VALID)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-valid_from"]
        constraints = [models.UniqueConstraint(fields=["number", "nationality"], name="visa_number_unique")]
        indexes = [models.Index(fields=["passport_number_index", "nationality"], name="visa_passport")]

    def __str__(self) -> str:
        return f"visa {self.number}"

    @property
    def allowed_entries(self) -> int | None:
        return {"single": 1, "double": 2}.get(self.entries)


class VisaUse(UUIDModel):
    """An entry made on a visa (counts against single and double entry visas)."""

    visa = models.ForeignKey(Visa, on_delete=models.PROTECT, related_name="uses")
    crossing = models.OneToOneField("inspections.Crossing", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"use of {self.visa_id}"


class ResidencePermit(UUIDModel):
    class Kind(models.TextChoices):
        RESIDENCE = "residence", _("Residence permit")
        WORK = "work", _("Work permit")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    number = models.CharField(_("permit number"), max_length=30, unique=True)
    surname = models.CharField(_("surname"), max_length=120)
    given_names = models.CharField(_("given names"), max_length=120, blank=True)
    nationality = models.CharField(_("nationality"), max_length=3)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    passport_number = SealedTextField(_("passport number"), max_length=20, indexed_by="passport_number_index")
    passport_number_index = BlindIndexField(source="passport_number")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    revoked = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-valid_from"]
        indexes = [models.Index(fields=["passport_number_index", "nationality"], name="permit_passport")]

    def __str__(self) -> str:
        return f"{self.kind} permit {self.number}"


class StayExtension(UUIDModel):
    """A stay extended to a new last day; it ends an overstay of the stay it extends."""

    traveller = models.ForeignKey("travellers.Traveller", on_delete=models.PROTECT, related_name="stay_extensions")
    entry = models.ForeignKey("inspections.Crossing", on_delete=models.PROTECT, related_name="+",
                              help_text=_("the entry whose stay is extended"))
    until = models.DateField(_("new last day of stay"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"extension until {self.until}"


class EntryBan(UUIDModel):
    """A ban on entry, matched by traveller, by document, or by name, birth date and nationality."""

    class Source(models.TextChoices):
        REFUSAL = "refusal", _("After a refusal")
        OVERSTAY = "overstay", _("After an overstay")
        DECISION = "decision", _("By decision")

    traveller = models.ForeignKey("travellers.Traveller", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="entry_bans")
    surname = models.CharField(_("surname"), max_length=120)
    given_names = models.CharField(_("given names"), max_length=120, blank=True)
    nationality = models.CharField(_("nationality"), max_length=3)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    document_number = SealedTextField(_("document number"), max_length=20, blank=True,
                                      indexed_by="document_number_index")
    document_number_index = BlindIndexField(source="document_number")
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.DECISION)
    crossing = models.ForeignKey("inspections.Crossing", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", help_text=_("the refusal it follows"))
    overstay = models.ForeignKey("Overstay", null=True, blank=True, on_delete=models.PROTECT, related_name="bans")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("empty: indefinite"))
    reason = models.TextField(_("reason"))
    imposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imposed_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["nationality", "surname"], name="ban_identity"),
                   models.Index(fields=["document_number_index"], name="ban_document")]

    def __str__(self) -> str:
        return f"entry ban {self.id}"


class Overstay(UUIDModel):
    """A stay that went past its permitted last day without an exit (open), or that ended late (ended)."""

    class Status(models.TextChoices):
        OPEN = "open", _("In the country")
        EXITED = "exited", _("Exited after overstaying")
        EXTENDED = "extended", _("Ended by an extension")

    traveller = models.ForeignKey("travellers.Traveller", on_delete=models.PROTECT, related_name="overstays")
    entry = models.OneToOneField("inspections.Crossing", on_delete=models.PROTECT, related_name="+")
    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="+",
                                    help_text=_("the post of entry"))
    nationality = models.CharField(max_length=3)
    entry_date = models.DateField()
    permitted_until = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    # While open, ``days`` is as first detected (current_days counts to today); once ended, the final count.
    days = models.PositiveIntegerField(default=0, help_text=_("days overstayed (at exit, or at the last detection)"))
    detected_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    exit = models.ForeignKey("inspections.Crossing", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["permitted_until"]
        indexes = [models.Index(fields=["status", "permitted_until"], name="overstay_status"),
                   models.Index(fields=["border_post", "status"], name="overstay_post")]
        constraints = [models.UniqueConstraint(fields=["traveller"], condition=Q(status="open"),
                                               name="one_open_overstay")]

    def __str__(self) -> str:
        return f"overstay {self.id}"

    @property
    def current_days(self) -> int:
        """Days overstayed: up to today (post of entry's calendar day) while open, as recorded once ended."""
        if self.status != self.Status.OPEN:
            return self.days
        from openbmis import stay

        zone = self.border_post.time_zone if self.border_post_id else "UTC"
        return stay.overstay_days(self.permitted_until, stay.local_day(timezone.now(), zone))


class Presence(models.Model):
    """Each traveller's latest admitted crossing: in the country or not, and until when the stay runs.

    Kept up to date as crossings are recorded (and stays extended), so that the daily overstay detection
    reads the travellers in the country rather than every crossing ever recorded.  Derived data: rebuilt
    from the crossings by ``openbmis overstays rebuild`` and compared with them by ``openbmis overstays check``.
    """

    traveller = models.OneToOneField("travellers.Traveller", primary_key=True, on_delete=models.CASCADE,
                                     related_name="+")
    last_at = models.DateTimeField(help_text=_("the latest admitted crossing (UTC)"))
    in_country = models.BooleanField(help_text=_("the latest admitted crossing is an entry"))
    entry = models.ForeignKey("inspections.Crossing", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+", help_text=_("that entry, while in the country"))
    permitted_until = models.DateField(null=True, blank=True,
                                       help_text=_("the entry's permitted last day, as extended since"))

    class Meta:
        indexes = [models.Index(fields=["permitted_until"], condition=Q(in_country=True),
                                name="presence_stay_end")]

    def __str__(self) -> str:
        return f"presence of {self.traveller_id}"
