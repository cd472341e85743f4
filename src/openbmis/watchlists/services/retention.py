"""Retention: expired list versions and old import files."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from openbmis.watchlists.models import (
    DocumentAlert,
    Hit,
    NoMatchMemory,
    Watchlist,
    WatchlistEntry,
    WatchlistImport,
)


# ----------------------------------------------------------------------------------------------- retention
def purge_expired(now: datetime) -> dict[str, int]:
    """Delete, in each list with a retention period, what has been kept longer than it.

    That is: entries and document alerts removed from the list (by a version committed more than
    ``retention_days`` before ``now``), and hits judged (match, no match, unsure) more than ``retention_days``
    before ``now``, with the remembered "no match" of a deleted hit or entry. A pending hit is never deleted,
    nor a current entry, nor a removed entry that a kept hit still points to (it goes once that hit does);
    lists without a retention period are left alone. Returns counts only (registered with
    :mod:`openbmis.core.retention`, which audits them and runs this in a transaction).
    """
    counts = {"entries": 0, "document_alerts": 0, "hits": 0, "no_match_memories": 0, "import_files": 0}
    for watchlist_id, days in (Watchlist.objects.filter(retention_days__isnull=False)
                               .values_list("id", "retention_days")):
        with transaction.atomic():
            # Held until the end: an import committed meanwhile cannot bring back an entry deleted here.
            watchlist = Watchlist.objects.select_for_update().get(id=watchlist_id)
            for key, value in _purge_list(watchlist, now - timedelta(days=days or 0)).items():
                counts[key] += value
    return counts


def _purge_list(watchlist: Watchlist, cutoff: datetime) -> dict[str, int]:
    memories = NoMatchMemory.objects.all()
    old_hits = Hit.objects.filter(watchlist=watchlist, judged_at__lt=cutoff).exclude(status=Hit.Status.PENDING)
    # A memory protects its hit: it goes first (hits that showed it keep the hit's data, lose the link).
    _, gone = memories.filter(hit__in=old_hits).delete()
    memory_count = gone.get(NoMatchMemory._meta.label, 0)
    _, gone = old_hits.delete()
    hit_count = gone.get(Hit._meta.label, 0)
    # The versions that removed entries long enough ago: the commit of each version is its time.
    old_versions = WatchlistImport.objects.filter(
        watchlist=watchlist, status=WatchlistImport.Status.COMMITTED, version__isnull=False,
        committed_at__lt=cutoff).values("version")
    entries = WatchlistEntry.objects.filter(watchlist=watchlist, version_removed__in=old_versions).filter(
        ~Exists(Hit.objects.filter(entry=OuterRef("pk"))))
    alerts = DocumentAlert.objects.filter(watchlist=watchlist, version_removed__in=old_versions).filter(
        ~Exists(Hit.objects.filter(document_alert=OuterRef("pk"))))
    _, gone = memories.filter(Q(entry__in=entries) | Q(document_alert__in=alerts)).delete()
    memory_count += gone.get(NoMatchMemory._meta.label, 0)
    _, gone = entries.delete()
    entry_count = gone.get(WatchlistEntry._meta.label, 0)
    _, gone = alerts.delete()
    return {"entries": entry_count, "document_alerts": gone.get(DocumentAlert._meta.label, 0), "hits": hit_count,
            "no_match_memories": memory_count, "import_files": _clear_old_import_files(watchlist, cutoff)}


def _clear_old_import_files(watchlist: Watchlist, cutoff: datetime) -> int:
    """Empty the stored file and the name lists (diff, bad rows) of imports whose data is past retention: a
    committed file superseded by a version committed before ``cutoff``, a rejected or failed one received
    before it. Their metadata stays (who, when, SHA-256, size, counts): the provenance of every version."""
    imports = WatchlistImport.objects.filter(watchlist=watchlist)
    superseded_by_old = imports.filter(status=WatchlistImport.Status.COMMITTED, committed_at__lt=cutoff,
                                       version__gt=OuterRef("version"))
    stale = imports.filter(
        Q(status=WatchlistImport.Status.COMMITTED) & Exists(superseded_by_old)
        | Q(status__in=[WatchlistImport.Status.REJECTED, WatchlistImport.Status.FAILED], created_at__lt=cutoff))
    return stale.exclude(content=b"").update(content=b"", diff={}, errors=[], warnings=[])
