"""Retroactive screening: a new or changed entry screened against recent travellers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict
from uuid import UUID

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery, UUIDField
from django.utils import timezone

from openbmis import screening as engine
from openbmis.audit import services as audit
from openbmis.core import installation
from openbmis.inspections.checks import HitRecord
from openbmis.watchlists import matching, records
from openbmis.watchlists.models import (
    DocumentAlert,
    Hit,
    Watchlist,
    WatchlistEntry,
)
from openbmis.watchlists.services.common import MAX_AUDITED_IDS, retroactive_days
from openbmis.watchlists.services.hits import JUDGEMENTS, _new_hit

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from openbmis.travellers.models import Traveller


class _LastCrossing(TypedDict):
    """What :func:`_candidates` annotates on each traveller: their last admitted crossing."""

    last_direction: str
    last_at: datetime
    last_post: UUID




# ----------------------------------------------------------------------------------------------- retroactive
def _candidates(since: datetime) -> QuerySet[WithAnnotations[Traveller, _LastCrossing]]:
    """Travellers in the country (last admitted crossing an entry) or admitted since ``since``, with the post
    of their last admitted crossing."""
    from openbmis.inspections.models import Crossing
    from openbmis.travellers.models import Traveller

    # uuid7 ids follow the order of recording: they break ties between crossings recorded at the same instant.
    last = Crossing.objects.filter(traveller=OuterRef("pk"), decision="admit").order_by("-at", "-id")
    return (
        Traveller.objects.annotate(last_direction=Subquery(last.values("direction")[:1]),
                                   last_at=Subquery(last.values("at")[:1]),
                                   last_post=Subquery(last.values("border_post_id")[:1], output_field=UUIDField()))
        .filter(Q(last_direction="entry") | Q(last_at__gte=since))
        .prefetch_related("documents")
    )


def screen_retroactively(watchlist: Watchlist, version: int, *, days: int | None = None,
                         now: datetime | None = None) -> list[Hit]:
    """Screen the entries a version added or changed against travellers in the country and those who crossed
    in the last ``days`` days; each finding becomes an alert (a :class:`Hit` without inspection) in the queue of
    the post where the traveller last crossed. Running it again for the same version adds nothing."""
    installation.require_hq("retroactive screening")
    days = retroactive_days() if days is None else days
    since = (now or timezone.now()) - timedelta(days=days)
    alerts: dict[str, DocumentAlert] = {}
    entries: dict[str, WatchlistEntry] = {}
    persons = engine.IndexBuilder(thresholds={watchlist.name: watchlist.threshold})
    documents = engine.DocumentIndex()
    if watchlist.kind == Watchlist.Kind.DOCUMENTS:
        for alert in DocumentAlert.objects.filter(watchlist=watchlist, version_changed=version,
                                                  version_removed__isnull=True):
            documents.add(watchlist.name, str(alert.id), alert.issuing_state, alert.number, alert.status)
            alerts[str(alert.id)] = alert
    else:
        for entry in WatchlistEntry.objects.filter(watchlist=watchlist, version_changed=version,
                                                   version_removed__isnull=True):
            persons.add(records.entry_from_data(entry.data, entry_id=str(entry.id), list_name=watchlist.name))
            entries[str(entry.id)] = entry
    if not alerts and not entries:
        return []
    index = persons.build()
    # (traveller, the entry or alert found, the hit)
    found: list[tuple[WithAnnotations[Traveller, _LastCrossing], WatchlistEntry | DocumentAlert, HitRecord]] = []
    for traveller in _candidates(since).iterator(chunk_size=500):
        if watchlist.kind == Watchlist.Kind.DOCUMENTS:
            for document in traveller.documents.all():
                for doc_hit in documents.lookup(document.issuing_state, document.number):
                    alert = alerts[doc_hit.entry_id]
                    listed = matching.ListedEntry(alert.id, watchlist.id, watchlist.name, alert.external_id,
                                                  f"{alert.issuing_state} {alert.number}", version, "document",
                                                  alert.status)
                    found.append((traveller, alert,
                                  matching.document_hit(doc_hit, listed, document.issuing_state, document.number)))
            continue
        try:
            query = matching.person_query(
                surname=traveller.primary_identifier, given_names=traveller.secondary_identifier,
                birth_date=traveller.birth_date, nationality=traveller.nationality, sex=traveller.sex)
        except engine.QueryError:
            continue
        for hit in index.search(query, limit=5):
            entry = entries[hit.entry_id]
            listed = matching.ListedEntry(entry.id, watchlist.id, watchlist.name, entry.external_id, entry.name,
                                          version, "person")
            found.append((traveller, entry, matching.person_hit(hit, listed)))
    made: list[Hit] = []
    with transaction.atomic():
        for traveller, target, data in found:
            key = {"entry": target} if isinstance(target, WatchlistEntry) else {"document_alert": target}
            pair = Hit.objects.filter(traveller=traveller, **key)
            if pair.filter(status=Hit.Status.PENDING).exists():
                continue  # never two pending alerts for one traveller and one entry: the open one is judged first
            judged = pair.filter(status__in=JUDGEMENTS).order_by("-judged_at").first()
            if judged is not None and judged.entry_version >= version:
                continue  # judged already, and the entry has not changed since: not re-opened
            matching.remember(traveller.id, [data])
            data["retroactive"] = {"version": version, "days": days}
            if judged is not None:
                # the entry changed since the pair was judged: a new alert, which says what was decided before
                data["previously_judged"] = {
                    "status": judged.status, "by": judged.judged_by.get_username() if judged.judged_by else "",
                    "at": judged.judged_at.isoformat() if judged.judged_at else None, "reason": judged.reason[:200],
                    "entry_version": judged.entry_version}
            made.append(_new_hit(data, traveller_id=traveller.id, border_post_id=traveller.last_post, target=target,
                                 inspection=None, source=Hit.Source.RETROACTIVE))
        Hit.objects.bulk_create(made)
        audit.record(actor=audit.SYSTEM, action="watchlist.retroactive", object_type="watchlist",
                     object_id=str(watchlist.id), object_label=watchlist.name,
                     after={"version": version, "days": days, "entries": len(alerts) + len(entries),
                            "alerts": [str(h.id) for h in made][:MAX_AUDITED_IDS]})
    return made
