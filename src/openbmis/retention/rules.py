"""The retention rule of every record type that holds personal data (docs/data-protection.md).

Each rule's ``due(now)`` says what would go now (the dry run counts it); its ``delete(now)`` deletes exactly
that. Records of a traveller under a legal hold in force are never due. Deleting crossings (and what goes with
them) first freezes the statistics of the days concerned (:func:`openbmis.statistics.services.freeze_before`), so
the published figures of past days keep what was erased.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from openbmis.core import retention
from openbmis.core.retention import Due, Rule

log = logging.getLogger(__name__)

CHUNK = 500


def _model(label: str) -> Any:
    return apps.get_model(label)


def held() -> Any:
    """The ids of the travellers under a legal hold in force (a subquery)."""
    from openbmis.retention.models import LegalHold

    return LegalHold.objects.in_force().values("traveller_id")


def _rule(name: str) -> Rule:
    return next(r for r in retention.rules() if r.name == name)


def _boundary(name: str, now: datetime) -> Any:
    """The first calendar day kept: records of days before it are due."""
    return _rule(name).cutoff(now).date()


def _edge(day: Any) -> datetime:
    """An instant whose local calendar day is before ``day`` in every time zone (UTC+14 included)."""
    return datetime.combine(day - timedelta(days=1), time.min, tzinfo=UTC)


def _deleted(queryset: Any) -> int:
    _total, by_model = queryset.delete()
    return int(by_model.get(queryset.model._meta.label, 0))


def _in_chunks(ids: list[Any], delete: Any) -> int:
    return sum(delete(ids[start:start + CHUNK]) for start in range(0, len(ids), CHUNK))


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            log.warning("retention: an image file could not be deleted")


def _freeze_statistics(day: Any) -> None:
    from openbmis.statistics import services as statistics

    statistics.freeze_before(day)


# ------------------------------------------------------------------------------ crossings and inspections
def _due_crossings(now: datetime) -> tuple[Any, Any]:
    Crossing = _model("inspections.Crossing")
    Inspection = _model("inspections.Inspection")
    Presence = _model("permits.Presence")
    Overstay = _model("permits.Overstay")
    EntryBan = _model("permits.EntryBan")
    NoMatchMemory = _model("watchlists.NoMatchMemory")
    boundary = _boundary("crossings", now)
    # An entry is over when the traveller crossed again (in the normal case: left) before the boundary.
    later = Crossing.objects.filter(traveller_id=OuterRef("traveller_id"), decision="admit", at__gt=OuterRef("at"),
                                    local_date__lt=boundary)
    crossings = (Crossing.objects.filter(local_date__lt=boundary)
                 .filter(Q(direction="exit") | Q(decision="refuse") | Q(Exists(later)))
                 .exclude(traveller_id__in=held())
                 # kept with the records that have longer periods: the current stay, an overstay, a ban
                 .exclude(Exists(Presence.objects.filter(entry_id=OuterRef("pk"))))
                 .exclude(Exists(Overstay.objects.filter(Q(entry_id=OuterRef("pk")) | Q(exit_id=OuterRef("pk")))))
                 .exclude(Exists(EntryBan.objects.filter(crossing_id=OuterRef("pk"))))
                 # a remembered "no match" keeps its hit (watchlist retention decides when it goes)
                 .exclude(Exists(NoMatchMemory.objects.filter(hit__inspection_id=OuterRef("inspection_id")))))
    unfinished = (Inspection.objects.filter(crossing__isnull=True, created_at__lt=_edge(boundary))
                  .exclude(traveller_id__in=held())
                  .exclude(Exists(NoMatchMemory.objects.filter(hit__inspection_id=OuterRef("pk")))))
    inspections = Inspection.objects.filter(Q(pk__in=crossings.values("inspection_id")) | Q(pk__in=unfinished))
    return crossings, inspections


def crossings_due(now: datetime) -> list[Due]:
    crossings, inspections = _due_crossings(now)
    return [
        Due("crossings", crossings, "local_date"),
        Due("inspections", inspections, "created_at"),
        Due("referrals", _model("inspections.Referral").objects.filter(inspection__in=inspections), "referred_at"),
        Due("watchlist hits", _model("watchlists.Hit").objects.filter(inspection__in=inspections), "created_at"),
        Due("examinations", _model("documents.Examination").objects.filter(inspection__in=inspections),
            "examined_at"),
    ]


def crossings_delete(now: datetime) -> dict[str, int]:
    """Delete the due inspections with their crossing and everything that belongs to them."""
    Crossing = _model("inspections.Crossing")
    Inspection = _model("inspections.Inspection")
    _crossings, inspections = _due_crossings(now)
    ids = [str(pk) for pk in inspections.values_list("pk", flat=True)]
    counts = {"crossings": 0, "inspections": 0, "referrals": 0, "referral notes": 0, "watchlist hits": 0,
              "examinations": 0, "examination images": 0, "chip reads": 0, "visa uses": 0, "stay extensions": 0}
    if not ids:
        return counts
    _freeze_statistics(_boundary("crossings", now))
    files: list[str] = []

    def batch(chunk: list[str]) -> int:
        crossing_ids = list(Crossing.objects.filter(inspection_id__in=chunk).values_list("pk", flat=True))
        counts["referral notes"] += _deleted(_model("inspections.ReferralNote").objects.filter(
            referral__inspection_id__in=chunk))
        counts["referrals"] += _deleted(_model("inspections.Referral").objects.filter(inspection_id__in=chunk))
        counts["watchlist hits"] += _deleted(_model("watchlists.Hit").objects.filter(inspection_id__in=chunk))
        images = _model("documents.ExaminationImage").objects.filter(examination__inspection_id__in=chunk)
        files.extend(name for name in images.values_list("file", flat=True) if name)
        counts["examination images"] += _deleted(images)
        counts["examinations"] += _deleted(_model("documents.Examination").objects.filter(inspection_id__in=chunk))
        counts["chip reads"] += _deleted(_model("trust.ChipVerification").objects.filter(inspection_id__in=chunk))
        counts["visa uses"] += _deleted(_model("permits.VisaUse").objects.filter(crossing_id__in=crossing_ids))
        counts["stay extensions"] += _deleted(_model("permits.StayExtension").objects.filter(
            entry_id__in=crossing_ids))
        counts["crossings"] += _deleted(Crossing.objects.filter(pk__in=crossing_ids))
        counts["inspections"] += _deleted(Inspection.objects.filter(pk__in=chunk))
        return 0

    _in_chunks(ids, batch)
    if files:
        transaction.on_commit(lambda: _delete_files(files))
    return counts


# ------------------------------------------------------------------------------------------------ chip reads
def _due_chip_reads(now: datetime) -> Any:
    Inspection = _model("inspections.Inspection")
    held_inspections = Inspection.objects.filter(traveller_id__in=held()).values("pk")
    return (_model("trust.ChipVerification").objects.filter(created_at__lt=_rule("chip_reads").cutoff(now))
            .exclude(inspection_id__in=held_inspections))


def chip_reads_due(now: datetime) -> list[Due]:
    return [Due("chip reads", _due_chip_reads(now), "created_at")]


def chip_reads_delete(now: datetime) -> dict[str, int]:
    ids = list(_due_chip_reads(now).values_list("pk", flat=True))
    ChipVerification = _model("trust.ChipVerification")
    return {"chip reads": _in_chunks(ids, lambda chunk: _deleted(ChipVerification.objects.filter(pk__in=chunk)))}


# ----------------------------------------------------------------------------------------------------- images
def _due_images(now: datetime) -> tuple[Any, Any]:
    cutoff = _rule("images").cutoff(now)
    notes = (_model("inspections.ReferralNote").objects.filter(created_at__lt=cutoff, image__isnull=False)
             .exclude(referral__inspection__traveller_id__in=held()))
    photos = (_model("documents.ExaminationImage").objects.filter(examination__examined_at__lt=cutoff)
              .exclude(examination__inspection__traveller_id__in=held()))
    return notes, photos


def images_due(now: datetime) -> list[Due]:
    notes, photos = _due_images(now)
    return [Due("referral note images", notes, "created_at"),
            Due("examination images", photos, "examination__examined_at")]


def images_delete(now: datetime) -> dict[str, int]:
    """Referral notes keep their text and lose the image; examination photographs go with their files."""
    notes, photos = _due_images(now)
    cleared = notes.update(image=None, image_type="")
    files = [name for name in photos.values_list("file", flat=True) if name]
    ids = list(photos.values_list("pk", flat=True))
    ExaminationImage = _model("documents.ExaminationImage")
    gone = _in_chunks(ids, lambda chunk: _deleted(ExaminationImage.objects.filter(pk__in=chunk)))
    if files:
        transaction.on_commit(lambda: _delete_files(files))
    return {"referral note images": cleared, "examination images": gone}


# ------------------------------------------------------------------------------------ entry bans, overstays
def _due_bans(now: datetime) -> Any:
    cutoff = _rule("entry_bans").cutoff(now)
    return (_model("permits.EntryBan").objects
            .filter(Q(lifted_at__lt=cutoff) | Q(lifted_at__isnull=True, ends_on__lt=cutoff.date()))
            .exclude(traveller_id__in=held()))


def entry_bans_due(now: datetime) -> list[Due]:
    return [Due("entry bans", _due_bans(now), "starts_on")]


def entry_bans_delete(now: datetime) -> dict[str, int]:
    return {"entry bans": _deleted(_due_bans(now))}


def _due_overstays(now: datetime) -> Any:
    Overstay = _model("permits.Overstay")
    EntryBan = _model("permits.EntryBan")
    return (Overstay.objects.exclude(status="open").filter(ended_at__lt=_rule("overstays").cutoff(now))
            .exclude(id__in=EntryBan.objects.filter(overstay__isnull=False).values("overstay_id"))
            .exclude(traveller_id__in=held()))


def overstays_due(now: datetime) -> list[Due]:
    return [Due("overstays", _due_overstays(now), "ended_at")]


def overstays_delete(now: datetime) -> dict[str, int]:
    due = _due_overstays(now)
    if due.exists():
        _freeze_statistics(_rule("overstays").cutoff(now).date())
    return {"overstays": _deleted(due)}


# ------------------------------------------------------------------------------- travellers and documents
def _unreferenced(model: type[models.Model], ignore: tuple[Any, ...] = ()) -> Any:
    """The rows of ``model`` that no row of any other model points at (``ignore``: fields not counted)."""
    queryset = model._default_manager.all()
    for other in apps.get_models():
        for f in other._meta.concrete_fields:
            if f.is_relation and f.related_model is model and f not in ignore:
                pointing = other._default_manager.filter(**{f.attname: OuterRef("pk")})
                if other is model:
                    pointing = pointing.exclude(pk=OuterRef("pk"))
                queryset = queryset.exclude(Exists(pointing))
    return queryset


def _due_identities(now: datetime) -> tuple[Any, Any]:
    """Identities and documents that nothing points at any more (every record about them has gone)."""
    Traveller = _model("travellers.Traveller")
    TravelDocument = _model("travellers.TravelDocument")
    cutoff = _rule("identities").cutoff(now)
    # the corrections of a person's data (four eyes) go with the person (CASCADE): they keep nothing alive
    Rectification = _model("travellers.Rectification")
    documents = (_unreferenced(TravelDocument, ignore=(Rectification._meta.get_field("document"),))
                 .filter(first_seen_at__lt=cutoff).exclude(traveller_id__in=held()))
    # their documents are counted below; where they were last seen (Presence, derived) goes with them
    ignore = (TravelDocument._meta.get_field("traveller"), _model("permits.Presence")._meta.get_field("traveller"),
              Rectification._meta.get_field("traveller"))
    travellers = (_unreferenced(Traveller, ignore=ignore)
                  .filter(created_at__lt=cutoff).exclude(pk__in=held())
                  .exclude(Exists(TravelDocument.objects.filter(traveller_id=OuterRef("pk"))
                                  .exclude(pk__in=documents.values("pk")))))
    return documents, travellers


def identities_due(now: datetime) -> list[Due]:
    documents, travellers = _due_identities(now)
    return [Due("travel documents", documents, "first_seen_at"), Due("travellers", travellers, "created_at")]


def identities_delete(now: datetime) -> dict[str, int]:
    documents, travellers = _due_identities(now)
    traveller_ids = list(travellers.values_list("pk", flat=True))
    document_ids = list(documents.values_list("pk", flat=True))
    Traveller = _model("travellers.Traveller")
    TravelDocument = _model("travellers.TravelDocument")
    return {
        "travel documents": _in_chunks(document_ids,
                                       lambda chunk: _deleted(TravelDocument.objects.filter(pk__in=chunk))),
        "travellers": _in_chunks(traveller_ids, lambda chunk: _deleted(Traveller.objects.filter(pk__in=chunk))),
    }


# --------------------------------------------------------------------------------------------------- manifests
def _due_manifests(now: datetime) -> Any:
    Manifest = _model("manifests.Manifest")
    cutoff = _rule("manifests").cutoff(now)
    return (Manifest.objects.filter(received_at__lt=cutoff)
            .exclude(superseded_by__received_at__gte=cutoff)  # a newer version kept keeps the one it replaced
            .exclude(persons__inspection__traveller_id__in=held()))


def manifests_due(now: datetime) -> list[Due]:
    manifests = _due_manifests(now)
    return [Due("manifests", manifests, "received_at"),
            Due("manifest passengers", _model("manifests.ManifestPerson").objects.filter(manifest__in=manifests),
                "manifest__received_at")]


def manifests_delete(now: datetime) -> dict[str, int]:
    """Newest versions first: a manifest is protected by the one that superseded it."""
    Manifest = _model("manifests.Manifest")
    ManifestPerson = _model("manifests.ManifestPerson")
    remaining = set(_due_manifests(now).values_list("pk", flat=True))
    counts = {"manifests": 0, "manifest passengers": 0}
    while remaining:
        ready = list(Manifest.objects.filter(pk__in=remaining)
                     .exclude(Exists(Manifest.objects.filter(supersedes_id=OuterRef("pk"))))
                     .values_list("pk", flat=True))
        if not ready:
            break
        counts["manifest passengers"] += ManifestPerson.objects.filter(manifest_id__in=ready).count()
        counts["manifests"] += _deleted(Manifest.objects.filter(pk__in=ready))
        remaining -= set(ready)
    return counts


# ---------------------------------------------------------------------------------- visas and residence permits
def _due_permits(now: datetime) -> tuple[Any, Any]:
    boundary = _rule("permits").cutoff(now).date()
    Crossing = _model("inspections.Crossing")
    held_crossings = Crossing.objects.filter(traveller_id__in=held()).values("pk")
    visas = (_model("permits.Visa").objects.filter(valid_until__lt=boundary)
             .exclude(uses__crossing_id__in=held_crossings))
    permits = _model("permits.ResidencePermit").objects.filter(valid_until__lt=boundary)
    return visas, permits


def permits_due(now: datetime) -> list[Due]:
    visas, permits = _due_permits(now)
    return [Due("visas", visas, "valid_until"), Due("residence permits", permits, "valid_until")]


def permits_delete(now: datetime) -> dict[str, int]:
    visas, permits = _due_permits(now)
    ids = list(visas.values_list("pk", flat=True))
    Visa = _model("permits.Visa")
    VisaUse = _model("permits.VisaUse")
    uses = _in_chunks(ids, lambda chunk: _deleted(VisaUse.objects.filter(visa_id__in=chunk)))
    gone = _in_chunks(ids, lambda chunk: _deleted(Visa.objects.filter(pk__in=chunk)))
    return {"visas": gone, "visa uses": uses, "residence permits": _deleted(permits)}


# ------------------------------------------------------------------------------------------------ registration
RULES = [
    # The order the purge runs them: what keeps other records first, the identities last.
    Rule("entry_bans", _("Entry bans"), ("permits.EntryBan",), "OPENBMIS_OVERSTAY_RETENTION_DAYS",
         _("the end or lifting of the ban (the refusal it follows is kept with it)"), entry_bans_due, entry_bans_delete),
    Rule("overstays", _("Overstays"), ("permits.Overstay",), "OPENBMIS_OVERSTAY_RETENTION_DAYS",
         _("the end of the overstay (the traveller's exit); kept with an entry ban imposed for it"),
         overstays_due, overstays_delete),
    Rule("crossings", _("Crossings and inspections"),
         ("inspections.Crossing", "inspections.Inspection", "inspections.Referral", "inspections.ReferralNote",
          "documents.Examination", "permits.StayExtension", "permits.Presence"),
         "OPENBMIS_CROSSING_RETENTION_DAYS",
         _("the exit (an entry goes with the traveller's next crossing; exits and refusals from their day); kept "
           "while the stay is current, with an overstay or an entry ban that refers to them"),
         crossings_due, crossings_delete),
    Rule("chip_reads", _("Chip reads"), ("trust.ChipVerification",), "OPENBMIS_CHIP_READ_RETENTION_DAYS",
         _("the read"), chip_reads_due, chip_reads_delete),
    Rule("images", _("Referral and examination images"), ("documents.ExaminationImage",),
         "OPENBMIS_IMAGE_RETENTION_DAYS",
         _("the note or the examination (a referral note keeps its text and loses its image)"),
         images_due, images_delete),
    Rule("manifests", _("Passenger manifests"),
         ("manifests.Manifest", "manifests.ManifestPerson", "manifests.PreArrivalHit"),
         "OPENBMIS_MANIFEST_RETENTION_DAYS", _("the manifest's receipt"), manifests_due, manifests_delete),
    Rule("permits", _("Visas and residence permits"), ("permits.Visa", "permits.VisaUse", "permits.ResidencePermit"),
         "OPENBMIS_PERMIT_RETENTION_DAYS", _("the end of validity"), permits_due, permits_delete),
    Rule("identities", _("Travellers and documents"),
         ("travellers.Traveller", "travellers.TravelDocument", "travellers.Rectification"),
         "OPENBMIS_CROSSING_RETENTION_DAYS",
         _("their creation, once no record points at them any more"),
         identities_due, identities_delete),
    Rule("watchlists", _("Watchlist entries, hits and judgements"),
         ("watchlists.WatchlistEntry", "watchlists.DocumentAlert", "watchlists.Hit", "watchlists.NoMatchMemory",
          "watchlists.WatchlistImport"),
         "", _("each watchlist's own retention period (removed entries, judged hits; hits also go with their "
               "inspection)"), purger="watchlists"),
    Rule("sync_copies", _("Synchronisation copies"), ("network.OutboxRecord", "network.InboxRecord", "network.FeedChange"),
         "", _("30 days after headquarters acknowledged a post's record (outbox) or applied it (inbox); a day after a "
               "newer change of the same record was published (feed); at a post, its own records after "
               "OPENBMIS_NODE_KEEP_DAYS"),
         purger="network"),
]

EXEMPTIONS = {
    "audit.AuditEvent": "the audit trail: kept for the installation's life to stay verifiable; names people by "
                        "pseudonymous references (docs/adr/0003)",
    "network.RemoteAuditEvent": "a border post's audit trail as it chained it: kept like the audit trail",
    "retention.LegalHold": "the hold itself: kept as the record of why data was kept",
    "documents.AlertImage": "images of fraud alerts (specimens and forgeries) circulated to examiners, not a "
                            "traveller's record",
    "documents.FraudAlert": "alerts about forged document types, not a traveller's record",
    "documents.SecurityFeature": "reference images of a document model's security features (specimens), not a "
                                 "traveller's record",
}


def register_all() -> None:
    for rule in RULES:
        retention.register_rule(rule)
    for label, reason in EXEMPTIONS.items():
        retention.exempt(label, reason)
