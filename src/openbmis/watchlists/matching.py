"""Screening against the stored lists: the per-process index, the two inspection checkers, ad-hoc search.

The index is built from the database once per process and kept; every change to a list stamps
:class:`~openbmis.watchlists.models.WatchlistState` in its transaction, and the next screening in any process
sees the new stamp and rebuilds. Checkers only read.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from openbmis import screening as engine
from openbmis.inspections.checks import Check, InspectionContext, Outcome
from openbmis.watchlists.models import DocumentAlert, NoMatchMemory, Watchlist, WatchlistEntry, WatchlistState
from openbmis.watchlists.records import document_key, entry_from_data

log = logging.getLogger(__name__)

DOCUMENT_ALGORITHM = "openbmis-documents"
DOCUMENT_VERSION = "1.0"
# A look-alike-character match (O/0, I/1...) is strong but not certain evidence.
CONFUSABLE_SCORE = 0.9
SEXES = {"M": "male", "F": "female", "MALE": "male", "FEMALE": "female"}


def score_text(score: float) -> str:
    """A hit's score as people read it: two decimals, half up, from the stored figure. The check line, the
    hit list and the hit page all show this, so one hit never reads 0.95 in one place and 0.96 in another."""
    return str(Decimal(repr(float(score))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class ListedEntry:
    """What a hit needs to know about the stored row behind an index entry."""

    id: UUID
    watchlist_id: UUID
    watchlist_name: str
    external_id: str
    name: str
    version: int
    kind: str  # "person" or "document"
    status: str = ""  # document alerts: stolen, lost, revoked, invalidated


@dataclass(slots=True)
class Snapshot:
    """The screening state of one process: indexes and the rows behind their entries."""

    stamp: Any
    persons: engine.ScreeningIndex
    documents: engine.DocumentIndex
    entries: dict[str, ListedEntry] = field(default_factory=dict)
    person_lists: int = 0
    document_lists: int = 0
    built_seconds: float = 0.0


def _state_stamp() -> Any:
    row = WatchlistState.objects.filter(id=1).values_list("stamp", flat=True).first()
    return row


def build_snapshot(stamp: Any = None) -> Snapshot:
    """Index the current entries of the active lists (persons by name, documents by issuer and number)."""
    started = time.perf_counter()
    lists = list(Watchlist.objects.filter(active=True))
    person_lists = {w.id: w for w in lists if w.kind == Watchlist.Kind.PERSONS}
    document_lists = {w.id: w for w in lists if w.kind == Watchlist.Kind.DOCUMENTS}
    builder = engine.IndexBuilder(thresholds={w.name: w.threshold for w in person_lists.values()})
    entries: dict[str, ListedEntry] = {}
    rows = (WatchlistEntry.objects.filter(watchlist_id__in=person_lists, version_removed__isnull=True)
            .values_list("id", "watchlist_id", "external_id", "name", "version_changed", "data"))
    for entry_id, watchlist_id, external_id, name, version, data in rows.iterator(chunk_size=2000):
        watchlist = person_lists[watchlist_id]
        key = str(entry_id)
        builder.add(entry_from_data(data, entry_id=key, list_name=watchlist.name))
        entries[key] = ListedEntry(entry_id, watchlist_id, watchlist.name, external_id, name, version, "person")
    documents = engine.DocumentIndex()
    alerts = (DocumentAlert.objects.filter(watchlist_id__in=document_lists, version_removed__isnull=True)
              .values_list("id", "watchlist_id", "external_id", "issuing_state", "number", "status",
                           "version_changed"))
    for alert_id, watchlist_id, external_id, state, number, status, version in alerts.iterator(chunk_size=2000):
        watchlist = document_lists[watchlist_id]
        key = str(alert_id)
        documents.add(watchlist.name, key, state, number, status)
        entries[key] = ListedEntry(alert_id, watchlist_id, watchlist.name, external_id, f"{state} {number}",
                                   version, "document", status)
    snapshot = Snapshot(stamp=stamp, persons=builder.build(), documents=documents, entries=entries,
                        person_lists=len(person_lists), document_lists=len(document_lists))
    snapshot.built_seconds = time.perf_counter() - started
    log.info("watchlist index built: %d entries, %d lists, %.2f s", len(entries), len(lists),
             snapshot.built_seconds)
    return snapshot


_lock = threading.Lock()
_cache: dict[str, Snapshot | None] = {"snapshot": None}


def current() -> Snapshot:
    """The process's snapshot, rebuilt when any list changed since it was built."""
    stamp = _state_stamp()
    with _lock:
        snapshot = _cache["snapshot"]
        if snapshot is None or snapshot.stamp != stamp:
            snapshot = build_snapshot(stamp)
            _cache["snapshot"] = snapshot
        return snapshot


def forget() -> None:
    """Drop the cached snapshot (tests; after a rolled-back change in this process)."""
    with _lock:
        _cache["snapshot"] = None


# ----------------------------------------------------------------------------------------------- queries
def person_query(
    *, surname: str = "", given_names: str = "", name: str = "", birth_date: date | str | None = None,
    nationality: str = "", sex: str = "", document_number: str = "", issuing_state: str = "",
) -> engine.Query:
    """An engine query from a traveller's or a search form's fields. Raises engine.QueryError when empty."""
    full = name.strip() or " ".join(p for p in (given_names.strip(), surname.strip()) if p)
    dates: tuple[engine.DateSpec, ...] = ()
    if isinstance(birth_date, date):
        dates = (engine.DateSpec(birth_date.year, birth_date.month, birth_date.day),)
    elif birth_date:
        dates = (engine.parse_date(str(birth_date)),)
    identifiers: tuple[engine.Identifier, ...] = ()
    if document_number.strip():
        identifiers = (engine.Identifier("document", document_number.strip(), issuing_state.strip()),)
    query = engine.Query(
        name=full, first_name=given_names.strip(), last_name=surname.strip(), birth_dates=dates,
        countries=(nationality.strip(),) if nationality.strip() else (), sex=SEXES.get(sex.strip().upper(), ""),
        identifiers=identifiers, entity_type="person" if (surname or given_names) else "unknown",
    )
    query.validate()
    return query


def explanation_text(explanation: engine.Explanation) -> str:
    """One line for the officer: each feature that counted, what matched what."""
    parts = []
    for feature in explanation.features:
        if abs(feature.contribution) < 0.005 and feature.similarity <= 0:
            continue
        if feature.query_value or feature.entry_value:
            what = f"{feature.query_value} ≈ {feature.entry_value}"
        else:
            what = feature.detail
        parts.append(f"{feature.name} {what} ({feature.contribution:+.2f})")
    return "; ".join(parts)[:500]


def _memory_data(memory: NoMatchMemory | None) -> dict[str, Any] | None:
    if memory is None:
        return None
    return {"id": str(memory.id), "by": memory.judged_by_label, "at": memory.judged_at.isoformat(),
            "date": memory.judged_at.date().isoformat(), "reason": memory.reason, "hit_id": str(memory.hit_id)}


def person_hit(hit: engine.Hit, listed: ListedEntry) -> dict[str, Any]:
    return {
        "kind": "person", "entry_id": str(listed.id), "external_id": listed.external_id,
        "watchlist_id": str(listed.watchlist_id), "list": listed.watchlist_name, "name": hit.name,
        "listed_name": listed.name, "score": round(hit.score, 4), "threshold": round(hit.threshold, 4),
        "algorithm": hit.explanation.algorithm, "version": hit.explanation.version,
        "entry_version": listed.version, "explanation": hit.explanation.as_dict(),
        "explanation_text": explanation_text(hit.explanation), "previous_no_match": None,
    }


def document_hit(found: engine.DocumentHit, listed: ListedEntry, issuing_state: str, number: str) -> dict[str, Any]:
    score = 1.0 if found.exact else CONFUSABLE_SCORE
    how = "exact" if found.exact else "look-alike characters (O/0, I/1, S/5...)"
    feature = {"feature": "document", "query": f"{issuing_state} {number}", "entry": listed.name,
               "similarity": score, "contribution": score, "detail": f"{how}; reported {listed.status}"}
    return {
        "kind": "document", "entry_id": str(listed.id), "external_id": listed.external_id,
        "watchlist_id": str(listed.watchlist_id), "list": listed.watchlist_name,
        "name": f"{listed.name} ({listed.status})", "listed_name": listed.name, "score": score, "threshold": 1.0,
        "algorithm": DOCUMENT_ALGORITHM, "version": DOCUMENT_VERSION, "entry_version": listed.version,
        "status": listed.status, "exact": found.exact,
        "explanation": {"algorithm": DOCUMENT_ALGORITHM, "version": DOCUMENT_VERSION, "score": score,
                        "features": [feature]},
        "explanation_text": f"document {issuing_state} {number} ≈ {listed.name}: {how}, reported {listed.status}",
        "previous_no_match": None,
    }


def search_persons(snapshot: Snapshot, query: engine.Query, limit: int = 10,
                   threshold: float | None = None) -> list[dict[str, Any]]:
    hits = snapshot.persons.search(query, limit=limit, threshold=threshold)
    return [person_hit(h, snapshot.entries[h.entry_id]) for h in hits if h.entry_id in snapshot.entries]


def search_documents(snapshot: Snapshot, issuing_state: str, number: str) -> list[dict[str, Any]]:
    key = document_key(number)
    if not key:
        return []
    found = snapshot.documents.lookup(issuing_state, key)
    out = [document_hit(f, snapshot.entries[f.entry_id], issuing_state, key) for f in found
           if f.entry_id in snapshot.entries]
    return sorted(out, key=lambda h: (-h["score"], h["list"], h["external_id"]))


def remember(traveller_id: Any, hits: list[dict[str, Any]]) -> None:
    """Mark each hit whose traveller and entry were judged "no match" before (one query)."""
    ids = [UUID(h["entry_id"]) for h in hits]
    if traveller_id is None or not ids:
        return
    memories = NoMatchMemory.objects.filter(traveller_id=traveller_id).filter(
        _entry_or_alert(ids)).select_related(None)
    by_target: dict[str, NoMatchMemory] = {}
    for memory in memories:
        target = memory.entry_id or memory.document_alert_id
        by_target[str(target)] = memory
    for hit in hits:
        _mark(hit, _memory_data(by_target.get(hit["entry_id"])))


def _mark(hit: dict[str, Any], earlier: dict[str, Any] | None) -> None:
    hit["previous_no_match"] = earlier
    if earlier is not None:
        # The inspection screen shows this one line: the earlier judgement must be visible there too.
        hit["explanation_text"] = (f"previously judged no match by {earlier['by']} on {earlier['date']} "
                                   f"({earlier['reason'][:80]}); {hit['explanation_text']}")[:600]


#: Where "no match" judgements made before the traveller was in the registry are found (the pre-arrival queue
#: judges persons listed on a manifest, who are no traveller yet). A source is called as
#: ``source(context, entry_ids)`` and answers ``{entry_id: {"by", "by_id", "at", "date", "reason", ...}}``;
#: such a memory has no ``id`` until the hit is filed, when :func:`services.file_inspection_hits` writes it to
#: :class:`NoMatchMemory` for the traveller just registered.
_MEMORY_SOURCES: list[Any] = []


def remember_from(source: Any) -> None:
    if source not in _MEMORY_SOURCES:
        _MEMORY_SOURCES.append(source)


def _remember_elsewhere(context: InspectionContext, hits: list[dict[str, Any]]) -> None:
    missing = [h for h in hits if not h["previous_no_match"]]
    if not missing or context.extra.get("prearrival"):
        return
    for source in _MEMORY_SOURCES:
        found = source(context, [h["entry_id"] for h in missing])
        for hit in missing:
            if not hit["previous_no_match"] and found.get(hit["entry_id"]):
                _mark(hit, {**found[hit["entry_id"]], "id": None})


def _entry_or_alert(ids: list[UUID]) -> Any:
    from django.db.models import Q

    return Q(entry_id__in=ids) | Q(document_alert_id__in=ids)


# ----------------------------------------------------------------------------------------------- checkers
def _summary(hits: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    fresh = [h for h in hits if not h["previous_no_match"]]
    known = [h for h in hits if h["previous_no_match"]]
    return fresh, known


def check_watchlist(context: InspectionContext) -> Outcome:
    """Screen the traveller's name, birth date, nationality, sex and document against the person lists."""
    snapshot: Snapshot = context.memo("watchlists.snapshot", current)
    if snapshot.person_lists == 0:
        return Outcome(Check("watchlist", "not_checked", "info", "No active watchlist of persons to screen against."))
    doc = context.document
    try:
        query = person_query(
            surname=str(doc.get("primary_identifier") or ""), given_names=str(doc.get("secondary_identifier") or ""),
            birth_date=doc.get("birth_date"), nationality=str(doc.get("nationality") or ""),
            sex=str(doc.get("sex") or ""), document_number=str(doc.get("document_number") or ""),
            issuing_state=str(doc.get("issuing_state") or ""),
        )
    except engine.QueryError as exc:
        return Outcome(Check("watchlist", "not_checked", "warning", f"Cannot screen: {exc.message}"))
    hits = search_persons(snapshot, query)
    remember(getattr(context.traveller, "id", None), hits)
    _remember_elsewhere(context, hits)
    details = {"lists": snapshot.person_lists, "entries": len(snapshot.persons), "hits": len(hits)}
    if not hits:
        return Outcome(Check("watchlist", "pass", "info",
                             f"No hit in {snapshot.person_lists} watchlist(s).", details))
    fresh, known = _summary(hits)
    if not fresh:
        first = known[0]["previous_no_match"]
        return Outcome(Check("watchlist", "warn", "warning",
                             f"{len(known)} possible match(es), each judged no match before "
                             f"(by {first['by']} on {first['date']}): look again.", details), hits=hits)
    best = fresh[0]
    return Outcome(Check("watchlist", "fail", "error",
                         f"Possible match: {best['name']} on {best['list']} (score {score_text(best['score'])}). "
                         "Refer for a person to judge.", details), hits=hits)


def check_stolen_lost(context: InspectionContext) -> Outcome:
    """Look the document up on the lists of stolen, lost, revoked and invalidated documents."""
    snapshot: Snapshot = context.memo("watchlists.snapshot", current)
    if snapshot.document_lists == 0:
        return Outcome(Check("stolen_lost", "not_checked", "info", "No active list of stolen or lost documents."))
    doc = context.document
    state = str(doc.get("issuing_state") or "")
    number = str(doc.get("document_number") or "")
    hits = search_documents(snapshot, state, number)
    remember(getattr(context.traveller, "id", None), hits)
    _remember_elsewhere(context, hits)
    details = {"lists": snapshot.document_lists, "hits": len(hits)}
    if not hits:
        return Outcome(Check("stolen_lost", "pass", "info", "Document not reported stolen, lost or revoked.",
                             details))
    exact = [h for h in hits if h["exact"]]
    if exact:
        best = exact[0]
        return Outcome(Check("stolen_lost", "fail", "error",
                             f"Document reported {best['status']} on {best['list']}.", details), hits=hits)
    best = hits[0]
    return Outcome(Check("stolen_lost", "warn", "warning",
                         f"A document with a look-alike number ({best['listed_name']}) is reported "
                         f"{best['status']} on {best['list']}: compare the numbers.", details), hits=hits)
