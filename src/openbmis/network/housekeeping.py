"""A border-post node does not keep years of data: its own records, once headquarters holds them, are purged.

Run by the daily retention job at a node (never at headquarters). An inspection goes, with its crossing, referral
and notes, hits (with their judgements), chip verifications and examinations (with their photographs' files),
when all of these hold:

- it was made more than ``OPENBMIS_NODE_KEEP_DAYS`` days ago and is closed (decided or voided);
- headquarters acknowledged every outbox copy of it and of the records that go with it (a copy already purged
  was acknowledged: only acknowledged copies are purged);
- nothing the counter still needs points at it: the traveller's current presence (the latest admitted entry,
  which the stay check reads), a visa use, a stay extension, an entry ban, an overstay, a no-match memory, a
  manifest's passenger.

A chip verification never attached to an inspection goes on the same terms (old and acknowledged).

Travellers and documents that nothing points at any more go too. Deletions at a node never travel up.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q

from openbmis.core import installation
from openbmis.network.models import OutboxRecord

log = logging.getLogger(__name__)

CHUNK = 500


def keep_days() -> int:
    return int(settings.OPENBMIS_NODE_KEEP_DAYS)


def _ids(queryset: Any) -> list[str]:
    return [str(pk) for pk in queryset.values_list("pk", flat=True)]


def _unacknowledged(ids: list[str]) -> set[str]:
    return set(OutboxRecord.objects.filter(record_id__in=ids, acked_at__isnull=True)
               .values_list("record_id", flat=True))


def purge_own_records(now: datetime) -> dict[str, int]:
    """Delete the node's closed, acknowledged records older than the configured age; the counts by kind."""
    if installation.is_hq():
        return {}
    from openbmis.documents.models import Examination, ExaminationImage
    from openbmis.inspections.models import Crossing, Inspection, Referral, ReferralNote
    from openbmis.manifests.models import ManifestPerson
    from openbmis.permits.models import EntryBan, Overstay, Presence, StayExtension, VisaUse
    from openbmis.trust.models import ChipVerification
    from openbmis.watchlists.models import Hit, NoMatchMemory

    cutoff = now - timedelta(days=keep_days())
    needed_crossings = (Q(Exists(Presence.objects.filter(entry_id=OuterRef("crossing__id"))))
                        | Q(Exists(VisaUse.objects.filter(crossing_id=OuterRef("crossing__id"))))
                        | Q(Exists(StayExtension.objects.filter(entry_id=OuterRef("crossing__id"))))
                        | Q(Exists(EntryBan.objects.filter(crossing_id=OuterRef("crossing__id"))))
                        | Q(Exists(Overstay.objects.filter(Q(entry_id=OuterRef("crossing__id"))
                                                           | Q(exit_id=OuterRef("crossing__id")))))
                        | Q(Exists(NoMatchMemory.objects.filter(hit__inspection_id=OuterRef("pk"))))
                        # A manifest's passenger names the inspection (deleting it would change their row).
                        | Q(Exists(ManifestPerson.objects.filter(inspection_id=OuterRef("pk")))))
    candidates = (Inspection.objects.filter(created_at__lt=cutoff,
                                            status__in=[Inspection.Status.DECIDED, Inspection.Status.VOIDED])
                  .exclude(needed_crossings).order_by("pk"))
    counts = {"inspections": 0, "crossings": 0, "referrals": 0, "referral notes": 0, "hits": 0,
              "examinations": 0, "examination images": 0, "chip verifications": 0, "travellers": 0,
              "documents": 0}
    files: list[str] = []
    travellers: set[str] = set()
    documents: set[str] = set()
    for start in range(0, candidates.count(), CHUNK):
        batch = list(candidates[start:start + CHUNK].values_list("pk", "traveller_id", "document_id"))
        inspection_ids = [str(pk) for pk, _t, _d in batch]
        crossings = Crossing.objects.filter(inspection_id__in=inspection_ids)
        referrals = Referral.objects.filter(inspection_id__in=inspection_ids)
        notes = ReferralNote.objects.filter(referral__inspection_id__in=inspection_ids)
        hits = Hit.objects.filter(inspection_id__in=inspection_ids)
        examinations = Examination.objects.filter(inspection_id__in=inspection_ids)
        images = ExaminationImage.objects.filter(examination__inspection_id__in=inspection_ids)
        chips = ChipVerification.objects.filter(inspection_id__in=inspection_ids)
        # Keep an inspection if any record that goes with it is not acknowledged by headquarters yet.
        owner = {}
        for qs, field in ((crossings, "inspection_id"), (referrals, "inspection_id"), (hits, "inspection_id"),
                          (examinations, "inspection_id"), (notes, "referral__inspection_id"),
                          (images, "examination__inspection_id"), (chips, "inspection_id")):
            owner.update({str(pk): str(ins) for pk, ins in qs.values_list("pk", field)})
        owner.update({i: i for i in inspection_ids})
        held_back = {owner[i] for i in _unacknowledged(list(owner))}
        gone = [i for i in inspection_ids if i not in held_back]
        if not gone:
            continue
        counts["referral notes"] += _deleted(ReferralNote.objects.filter(referral__inspection_id__in=gone))
        counts["referrals"] += _deleted(Referral.objects.filter(inspection_id__in=gone))
        counts["hits"] += _deleted(Hit.objects.filter(inspection_id__in=gone))
        gone_images = ExaminationImage.objects.filter(examination__inspection_id__in=gone)
        files += [name for name in gone_images.values_list("file", flat=True) if name]
        counts["examination images"] += _deleted(gone_images)
        counts["examinations"] += _deleted(Examination.objects.filter(inspection_id__in=gone))
        counts["chip verifications"] += _deleted(ChipVerification.objects.filter(inspection_id__in=gone))
        counts["crossings"] += _deleted(Crossing.objects.filter(inspection_id__in=gone))
        counts["inspections"] += _deleted(Inspection.objects.filter(pk__in=gone))
        for pk, traveller, document in batch:
            if str(pk) in gone:
                travellers.add(str(traveller))
                documents.add(str(document))
    # A chip read never attached to an inspection goes when it is as old and acknowledged.
    loose = _ids(ChipVerification.objects.filter(inspection_id__isnull=True, created_at__lt=cutoff))
    unacknowledged = _unacknowledged(loose)
    loose = [pk for pk in loose if pk not in unacknowledged]
    for start in range(0, len(loose), CHUNK):
        counts["chip verifications"] += _deleted(ChipVerification.objects.filter(pk__in=loose[start:start + CHUNK]))
    counts["documents"] = _delete_unreferenced(apps.get_model("travellers", "TravelDocument"), documents)
    counts["travellers"] = _delete_unreferenced(apps.get_model("travellers", "Traveller"), travellers)
    if files:
        # The photographs' files go once the rows' deletion is committed (a rollback keeps both).
        transaction.on_commit(lambda: _delete_files(files))
    return {kind: n for kind, n in counts.items() if n}


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # a file already gone, or storage refusing: the row is gone, the job goes on
            log.warning("housekeeping: an examination image file could not be deleted")


def _delete_unreferenced(model: type[models.Model], ids: set[str]) -> int:
    """Delete those of ``ids`` that no row of any model points at (and whose own copies were acknowledged)."""
    if not ids:
        return 0
    queryset = model._default_manager.filter(pk__in=ids)
    for other in apps.get_models():
        for f in other._meta.concrete_fields:
            if f.is_relation and f.related_model is model:
                pointing = other._default_manager.filter(**{f.attname: OuterRef("pk")})
                if other is model:
                    pointing = pointing.exclude(pk=OuterRef("pk"))  # a row naming itself does not hold it
                queryset = queryset.exclude(Exists(pointing))
    candidates = _ids(queryset)
    unacknowledged = _unacknowledged(candidates)
    ready = [pk for pk in candidates if pk not in unacknowledged]
    deleted = 0
    for start in range(0, len(ready), CHUNK):
        deleted += _deleted(model._default_manager.filter(pk__in=ready[start:start + CHUNK]))
    return deleted


def _deleted(queryset: Any) -> int:
    """Delete; the number of rows of the queryset's own model (not of what cascades with them)."""
    _total, by_model = queryset.delete()
    return int(by_model.get(queryset.model._meta.label, 0))
