"""Carriers, the manifests they send (raw message kept), the persons listed, and pre-arrival hits.

A manifest person is not a traveller: no identity is created before arrival. At the counter the person
is linked to the inspection that admitted (or refused) them, which is what reconciliation counts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openbmis.core.models import UUIDModel
from openbmis.core.sealing import BlindIndexField, SealedJSONField, SealedTextField


class Carrier(UUIDModel):
    """An airline (or other carrier) registered to send manifests; ``account`` is the user its tokens belong to."""

    code = models.CharField(_("code"), max_length=3, unique=True, help_text=_("IATA or ICAO designator"))
    name = models.CharField(_("name"), max_length=120)
    account = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="carrier")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Airport(UUIDModel):
    """An arrival airport code (as in LOC 87) and the border post that controls it."""

    code = models.CharField(_("airport code"), max_length=5, unique=True)
    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return self.code


class Manifest(UUIDModel):
    """One PAXLST message: a passenger or crew list of one flight, as received, with what it superseded."""

    class Status(models.TextChoices):
        CURRENT = "current", _("Current")
        SUPERSEDED = "superseded", _("Superseded")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        API = "api", _("API upload")
        FOLDER = "folder", _("Drop folder")
        CLI = "cli", _("Command line")

    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="manifests")
    flight = models.CharField(_("flight"), max_length=20)
    kind = models.CharField(max_length=12)  # passengers, crew, other
    function = models.CharField(max_length=8)  # new, change, cancel
    arrival_post = models.ForeignKey("borderposts.BorderPost", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    origin = models.CharField(max_length=5, blank=True)
    destination = models.CharField(max_length=5, blank=True)
    departure_at = models.DateTimeField(null=True, blank=True)
    arrival_at = models.DateTimeField(null=True, blank=True)
    flight_date = models.DateField(_("arrival date"), null=True, blank=True, db_index=True)
    message_reference = models.CharField(max_length=35, blank=True)
    interchange_reference = models.CharField(max_length=35, blank=True)
    version = models.CharField(max_length=8, blank=True)
    raw = SealedTextField(help_text=_("the interchange as received"))  # names and document numbers: sealed
    sha256 = models.CharField(max_length=64, db_index=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    received_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CURRENT)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by")
    errors = models.JSONField(default=list)
    legs = models.JSONField(default=list)
    person_count = models.PositiveIntegerField(default=0)
    incomplete_count = models.PositiveIntegerField(default=0, help_text=_("persons missing required data"))
    screened_at = models.DateTimeField(null=True, blank=True)
    screening_ms = models.PositiveIntegerField(default=0)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["carrier", "flight", "flight_date", "kind"], name="manifest_flight"),
                   models.Index(fields=["arrival_post", "flight_date", "status"], name="manifest_post_day")]

    def __str__(self) -> str:
        return f"{self.flight} {self.flight_date} {self.kind}"

    @property
    def late(self) -> bool:
        from openbmis.manifests.services import is_late

        return is_late(self)


class ManifestPerson(UUIDModel):
    """A person listed on a manifest, screened before arrival; linked to an inspection once they arrive."""

    class Screening(models.TextChoices):
        PENDING = "pending", _("Not screened")
        CLEAR = "clear", _("No finding")
        FINDINGS = "findings", _("Findings")

    manifest = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="persons")
    position = models.PositiveIntegerField()
    role = models.CharField(max_length=10)  # passenger, crew
    surname = models.CharField(max_length=120)
    given_names = models.CharField(max_length=120, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    nationality = models.CharField(max_length=3, blank=True)
    document_type = models.CharField(max_length=3, blank=True)
    document_number = SealedTextField(max_length=35, blank=True, indexed_by="document_number_index")  # sealed
    document_number_index = BlindIndexField(source="document_number")
    issuing_state = models.CharField(max_length=3, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    embarkation = models.CharField(max_length=5, blank=True)
    debarkation = models.CharField(max_length=5, blank=True)
    data = SealedJSONField(help_text=_("the person as the message gives them"))
    screening = models.CharField(max_length=10, choices=Screening.choices, default=Screening.PENDING)
    checks = SealedJSONField(default=list)  # name the passenger's document: sealed
    inspection = models.ForeignKey("inspections.Inspection", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["manifest", "position"]

    def __str__(self) -> str:
        return f"person {self.position} of {self.manifest_id}"

    @property
    def incomplete(self) -> bool:
        return not (self.document_number and self.birth_date and self.nationality and self.surname)


class PreArrivalHit(UUIDModel):
    """A possible watchlist or document match found before arrival, for a person to judge (never automated)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        MATCH = "match", _("Match")
        NO_MATCH = "no_match", _("No match")
        UNSURE = "unsure", _("Unsure")

    person = models.ForeignKey(ManifestPerson, on_delete=models.CASCADE, related_name="hits")
    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="+")
    watchlist = models.ForeignKey("watchlists.Watchlist", on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey("watchlists.WatchlistEntry", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    document_alert = models.ForeignKey("watchlists.DocumentAlert", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    name = SealedTextField(max_length=300)  # a listed document's number, or a listed name: sealed
    score = models.FloatField()
    algorithm = models.CharField(max_length=40)
    algorithm_version = models.CharField(max_length=20)
    data = SealedJSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True)
    judged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    judged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["border_post", "status", "created_at"], name="prearrival_queue")]

    def __str__(self) -> str:
        return f"pre-arrival hit {self.name} ({self.status})"
