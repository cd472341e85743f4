"""Watchlists, their entries and document alerts (versioned), imports, hits and remembered "no match"."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openbmis.core.models import UUIDModel
from openbmis.core.sealing import BlindIndexField, SealedJSONField, SealedTextField


class Watchlist(UUIDModel):
    """One named alert list: persons (matched by name) or documents (looked up by issuer and number)."""

    class Kind(models.TextChoices):
        PERSONS = "persons", _("Persons and entities")
        DOCUMENTS = "documents", _("Documents (stolen, lost, revoked, invalidated)")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSONS)
    owner = models.CharField(_("owner"), max_length=200, help_text=_("the agency that maintains the list"))
    purpose = models.TextField(_("purpose"), blank=True, help_text=_("why travellers are screened against it"))
    threshold = models.FloatField(
        _("hit threshold"), default=0.7, help_text=_("score (0 to 1) at which a name match becomes a hit")
    )
    retention_days = models.PositiveIntegerField(
        _("retention (days)"), null=True, blank=True,
        help_text=_("how long removed entries and judged hits are kept; empty: kept"),
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("screened in every inspection"))
    version = models.PositiveIntegerField(_("version"), default=0, help_text=_("the last committed import"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("watchlist")

    def __str__(self) -> str:
        return self.name


class WatchlistEntry(UUIDModel):
    """A listed person or entity. ``data`` is the entry as the screening library reads it; the columns beside
    it are for searching and display. Removed entries stay, with the version that removed them."""

    watchlist = models.ForeignKey(Watchlist, on_delete=models.PROTECT, related_name="entries")
    external_id = models.CharField(_("id in the list"), max_length=100)
    entity_type = models.CharField(_("type"), max_length=16, default="person")
    name = models.CharField(_("name"), max_length=300, db_index=True)
    aliases = models.TextField(_("aliases"), blank=True)
    birth_dates = models.CharField(_("birth dates"), max_length=200, blank=True)
    countries = models.CharField(_("countries"), max_length=300, blank=True)
    data = models.JSONField(_("data"))
    fingerprint = models.CharField(max_length=64, help_text=_("keyed digest of the data: a change makes a new one"))
    version_added = models.PositiveIntegerField(_("added in version"))
    version_changed = models.PositiveIntegerField(_("last changed in version"))
    version_removed = models.PositiveIntegerField(_("removed in version"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("watchlist entry")
        verbose_name_plural = _("watchlist entries")
        constraints = [
            models.UniqueConstraint(fields=["watchlist", "external_id"], name="unique_entry_per_list"),
        ]
        indexes = [models.Index(fields=["watchlist", "version_removed"], name="entry_list_current")]

    def __str__(self) -> str:
        return f"{self.watchlist.name}/{self.external_id} {self.name}"

    @property
    def current(self) -> bool:
        return self.version_removed is None


class DocumentAlert(UUIDModel):
    """A travel document reported stolen, lost, revoked or invalidated (in the manner of INTERPOL's SLTD)."""

    class Status(models.TextChoices):
        STOLEN = "stolen", _("Stolen")
        LOST = "lost", _("Lost")
        REVOKED = "revoked", _("Revoked")
        INVALIDATED = "invalidated", _("Invalidated")

    watchlist = models.ForeignKey(Watchlist, on_delete=models.PROTECT, related_name="document_alerts")
    external_id = models.CharField(_("id in the list"), max_length=100)
    issuing_state = models.CharField(_("issuing state"), max_length=3)
    number = SealedTextField(_("document number"), max_length=40, indexed_by="number_index")  # sealed at rest
    number_index = BlindIndexField(source="number")
    #: the look-alike characters folded (O/0, I/1, S/5...): how the stolen and lost screening compares numbers
    number_confusable_index = BlindIndexField(source="number", kind="confusable")
    document_type = models.CharField(_("document type"), max_length=2, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    data = SealedJSONField(_("data"))  # the row as listed, with the number: sealed
    fingerprint = models.CharField(max_length=64)
    version_added = models.PositiveIntegerField(_("added in version"))
    version_changed = models.PositiveIntegerField(_("last changed in version"))
    version_removed = models.PositiveIntegerField(_("removed in version"), null=True, blank=True)

    class Meta:
        ordering = ["issuing_state", "external_id"]
        verbose_name = _("document alert")
        constraints = [
            models.UniqueConstraint(fields=["watchlist", "external_id"], name="unique_alert_per_list"),
        ]
        indexes = [models.Index(fields=["issuing_state", "number_index"], name="alert_document")]

    def __str__(self) -> str:
        return f"{self.issuing_state} {self.number} ({self.status})"

    @property
    def name(self) -> str:
        return f"{self.issuing_state} {self.number} ({self.get_status_display()})"

    @property
    def current(self) -> bool:
        return self.version_removed is None


class WatchlistImport(UUIDModel):
    """One file taken in for a list: first a preview (what would be added, changed, removed, and every bad
    row), then committed as the list's next version, or rejected. The file is kept as received."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the background worker")
        RUNNING = "running", _("Reading")
        PREVIEW = "preview", _("Preview: not applied yet")
        COMMITTING = "committing", _("Applying")
        COMMITTED = "committed", _("Committed")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    watchlist = models.ForeignKey(Watchlist, on_delete=models.PROTECT, related_name="imports")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_label = models.CharField(_("imported by"), max_length=150)
    channel = models.CharField(_("channel"), max_length=8, help_text=_("web, api or cli"))
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    file_size = models.PositiveBigIntegerField(_("file size"))
    content = models.BinaryField(_("file"), help_text=_("as received (a zip for the three OFAC files)"))
    format = models.CharField(_("format"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    base_version = models.PositiveIntegerField(_("compared with version"), default=0)
    version = models.PositiveIntegerField(_("version"), null=True, blank=True,
                                          help_text=_("the list's version this import became"))
    total = models.PositiveIntegerField(_("entries in the file"), default=0)
    added_count = models.PositiveIntegerField(_("added"), default=0)
    changed_count = models.PositiveIntegerField(_("changed"), default=0)
    removed_count = models.PositiveIntegerField(_("removed"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("bad rows"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    # {"added": [{id, name}], "changed": [{id, name, fields}], "removed": [{id, name}]} (first items of each)
    diff = models.JSONField(_("differences"), default=dict)
    # [{"line", "field", "reason", "found"}] (first items)
    errors = models.JSONField(_("bad rows"), default=list)
    warnings = models.JSONField(_("warnings"), default=list)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    failure = models.TextField(_("failure"), blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    committed_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("watchlist import")

    def __str__(self) -> str:
        return f"{self.watchlist.name}: {self.file_name} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING, self.Status.COMMITTING)


class WatchlistState(models.Model):
    """One row: bumped in the same transaction as every change to any list, so that each process knows when
    its cached screening index is stale."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.PositiveBigIntegerField(default=0)
    # A fresh random value per change: unlike the counter, it never repeats after a rolled-back transaction.
    stamp = models.UUIDField(null=True, blank=True)

    def __str__(self) -> str:
        return f"watchlists version {self.version}"


class Hit(UUIDModel):
    """A possible match for an officer to judge: from an inspection, or from retroactive screening (an alert,
    with no inspection). ``data`` is the explained hit as the screening produced it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        MATCH = "match", _("Match")
        NO_MATCH = "no_match", _("No match")
        UNSURE = "unsure", _("Unsure")

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("Inspection")
        RETROACTIVE = "retroactive", _("Retroactive screening")

    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.INSPECTION)
    inspection = models.ForeignKey("inspections.Inspection", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="watchlist_hits")
    border_post = models.ForeignKey("borderposts.BorderPost", on_delete=models.PROTECT, related_name="+")
    traveller = models.ForeignKey("travellers.Traveller", on_delete=models.PROTECT, related_name="watchlist_hits")
    watchlist = models.ForeignKey(Watchlist, on_delete=models.PROTECT, related_name="hits")
    entry = models.ForeignKey(WatchlistEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="hits")
    document_alert = models.ForeignKey(DocumentAlert, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="hits")
    entry_version = models.PositiveIntegerField(_("entry version"), default=0,
                                                help_text=_("the list version the entry had when it hit"))
    name = SealedTextField(_("listed name"), max_length=300)  # a listed document's number, or a name: sealed
    score = models.FloatField(_("score"))
    algorithm = models.CharField(_("algorithm"), max_length=40)
    algorithm_version = models.CharField(_("algorithm version"), max_length=20)
    data = SealedJSONField(_("hit"), help_text=_("the explained hit: features and what matched what"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(_("judgement"), max_length=8, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("reason"), blank=True)
    judged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    judged_at = models.DateTimeField(null=True, blank=True)
    previous_no_match = models.ForeignKey("NoMatchMemory", null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+", help_text=_("an earlier 'no match' for this pair"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("watchlist hit")
        indexes = [models.Index(fields=["border_post", "status", "created_at"], name="hit_queue")]
        # Retroactive screening never opens a second pending alert for one traveller and one entry (issue 19).
        constraints = [
            models.UniqueConstraint(fields=["traveller", "entry"], name="one_pending_alert_per_entry",
                                    condition=models.Q(status="pending", source="retroactive", entry__isnull=False)),
            models.UniqueConstraint(fields=["traveller", "document_alert"], name="one_pending_alert_per_document",
                                    condition=models.Q(status="pending", source="retroactive",
                                                       document_alert__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"hit {self.name} ({self.status})"


class NoMatchMemory(UUIDModel):
    """A traveller judged *not* to be a listed entry: shown beside every later hit for the same pair."""

    traveller = models.ForeignKey("travellers.Traveller", on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(WatchlistEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    document_alert = models.ForeignKey(DocumentAlert, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    hit = models.ForeignKey(Hit, on_delete=models.PROTECT, related_name="+", help_text=_("the judged hit"))
    judged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    judged_by_label = models.CharField(max_length=150)
    judged_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        ordering = ["-judged_at"]
        verbose_name = _("remembered no match")
        constraints = [
            models.UniqueConstraint(fields=["traveller", "entry"], name="unique_no_match_entry",
                                    condition=models.Q(entry__isnull=False)),
            models.UniqueConstraint(fields=["traveller", "document_alert"], name="unique_no_match_alert",
                                    condition=models.Q(document_alert__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"no match {self.traveller_id} / {self.entry_id or self.document_alert_id}"
