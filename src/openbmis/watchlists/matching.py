"""Screening against the stored lists: the per-process index, the two inspection checkers, ad-hoc search.

Every change to a list stamps :class:`~openbmis.watchlists.models.WatchlistState` in its transaction; the next
screening in any process sees the new stamp and brings its index up to date by the lists' delta (the entries
added, changed or removed since the versions it indexed), without a rebuild. A full build (when the lists
themselves change) is saved under ``OPENBMIS_SCREENING_INDEX_DIR``, and a new server or worker process maps the
newest saved index (memory-mapped, shared between processes) and applies the delta since, instead of building
it again. Checkers only read.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.utils.translation import gettext_noop

from openbmis import screening as engine
from openbmis.inspections import messages
from openbmis.inspections.checks import EarlierJudgement, HitRecord, InspectionContext
from openbmis.inspections.messages import said
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
    """The screening state of one process: indexes, the lists they were built from, and the document alerts'
    rows (person entries are looked up when they hit: a national list holds a million of them)."""

    stamp: Any
    persons: engine.ScreeningIndex
    documents: engine.DocumentIndex
    entries: dict[str, ListedEntry] = field(default_factory=dict)  # document alerts only
    person_lists: int = 0
    document_lists: int = 0
    built_seconds: float = 0.0
    # What a change can be applied to: the lists' settings, and the version of each list indexed.
    signature: tuple[tuple[str, ...], ...] = ()
    versions: dict[str, int] = field(default_factory=dict)
    source: str = "built"  # built from the database, loaded from disk, or a loaded/cached one plus a delta


def _state_stamp() -> Any:
    row = WatchlistState.objects.filter(id=1).values_list("stamp", flat=True).first()
    return row


def _active_lists() -> list[Watchlist]:
    return list(Watchlist.objects.filter(active=True).order_by("id"))


def _signature(lists: list[Watchlist]) -> tuple[tuple[str, ...], ...]:
    """What forces a full rebuild when it changes: which lists are screened, their names, kinds, thresholds."""
    return tuple((str(w.id), w.name, w.kind, repr(float(w.threshold))) for w in lists)


def _person_entries(rows: Any, lists: dict[Any, Watchlist]) -> Any:
    for entry_id, watchlist_id, data in rows.iterator(chunk_size=2000):
        yield entry_from_data(data, entry_id=str(entry_id), list_name=lists[watchlist_id].name)


def _documents(document_lists: dict[Any, Watchlist]) -> tuple[engine.DocumentIndex, dict[str, ListedEntry]]:
    documents = engine.DocumentIndex()
    entries: dict[str, ListedEntry] = {}
    alerts = (DocumentAlert.objects.filter(watchlist_id__in=document_lists, version_removed__isnull=True)
              .values_list("id", "watchlist_id", "external_id", "issuing_state", "number", "status",
                           "version_changed"))
    for alert_id, watchlist_id, external_id, state, number, status, version in alerts.iterator(chunk_size=2000):
        watchlist = document_lists[watchlist_id]
        key = str(alert_id)
        documents.add(watchlist.name, key, state, number, status)
        entries[key] = ListedEntry(alert_id, watchlist_id, watchlist.name, external_id, f"{state} {number}",
                                   version, "document", status)
    return documents, entries


def build_snapshot(stamp: Any = None, lists: list[Watchlist] | None = None) -> Snapshot:
    """Index the current entries of the active lists (persons by name, documents by issuer and number)."""
    started = time.perf_counter()
    lists = _active_lists() if lists is None else lists
    person_lists = {w.id: w for w in lists if w.kind == Watchlist.Kind.PERSONS}
    document_lists = {w.id: w for w in lists if w.kind == Watchlist.Kind.DOCUMENTS}
    builder = engine.IndexBuilder(thresholds={w.name: w.threshold for w in person_lists.values()})
    rows = (WatchlistEntry.objects.filter(watchlist_id__in=person_lists, version_removed__isnull=True)
            .values_list("id", "watchlist_id", "data"))
    for entry in _person_entries(rows, person_lists):
        builder.add(entry)
    documents, entries = _documents(document_lists)
    snapshot = Snapshot(stamp=stamp, persons=builder.build(), documents=documents, entries=entries,
                        person_lists=len(person_lists), document_lists=len(document_lists),
                        signature=_signature(lists), versions={str(w.id): w.version for w in lists})
    snapshot.built_seconds = time.perf_counter() - started
    log.info("watchlist index built: %d person entries, %d document alerts, %d lists, %.2f s",
             len(snapshot.persons), len(entries), len(lists), snapshot.built_seconds)
    return snapshot


def apply_delta(snapshot: Snapshot, lists: list[Watchlist], stamp: Any) -> Snapshot:
    """The snapshot brought up to the lists' current versions by their delta: the person entries added,
    changed or removed since the versions it indexed are applied to the index without rebuilding it; the
    document alerts are re-read when a document list changed. Same lists and thresholds only."""
    started = time.perf_counter()
    person_lists = {w.id: w for w in lists if w.kind == Watchlist.Kind.PERSONS}
    document_lists = {w.id: w for w in lists if w.kind == Watchlist.Kind.DOCUMENTS}
    changed = [w for w in lists if w.version != snapshot.versions.get(str(w.id))]
    persons = snapshot.persons
    documents, entries = snapshot.documents, snapshot.entries
    moved = 0
    for watchlist in changed:
        known = snapshot.versions.get(str(watchlist.id), 0)
        if watchlist.kind == Watchlist.Kind.DOCUMENTS:
            continue
        added_rows = (WatchlistEntry.objects.filter(watchlist=watchlist, version_changed__gt=known,
                                                    version_removed__isnull=True)
                      .values_list("id", "watchlist_id", "data"))
        added = list(_person_entries(added_rows, person_lists))
        removed = [(watchlist.name, str(i)) for i in WatchlistEntry.objects.filter(
            watchlist=watchlist, version_removed__gt=known).values_list("id", flat=True)]
        persons = persons.apply_changes(added=added, removed=removed)
        moved += len(added) + len(removed)
    if any(w.kind == Watchlist.Kind.DOCUMENTS for w in changed):
        documents, entries = _documents(document_lists)
    result = Snapshot(stamp=stamp, persons=persons, documents=documents, entries=entries,
                      person_lists=len(person_lists), document_lists=len(document_lists),
                      signature=snapshot.signature, versions={str(w.id): w.version for w in lists},
                      source="delta")
    result.built_seconds = time.perf_counter() - started
    log.info("watchlist index updated by its delta: %d person entries changed, %.2f s", moved, result.built_seconds)
    return result


# --- the person index on disk: a new process maps it instead of building it ------------------------------------
KEEP_ON_DISK = 2  # saved indexes kept: the newest, and the one before it for a process that is still loading


def _index_root() -> Path | None:
    root = getattr(settings, "OPENBMIS_SCREENING_INDEX_DIR", None)
    return Path(root) if root else None


def save_snapshot(snapshot: Snapshot) -> Path | None:
    """Write the person index and what it was built from under the index directory (atomically: a folder
    written aside and renamed), and drop older ones. Any process can then start from it."""
    root = _index_root()
    if root is None or snapshot.stamp is None:
        return None
    target = root / str(snapshot.stamp)
    if target.exists():
        return target
    root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".writing-", dir=root))
    try:
        snapshot.persons.save(scratch / "persons")
        meta = {"stamp": str(snapshot.stamp), "signature": [list(s) for s in snapshot.signature],
                "versions": snapshot.versions}
        (scratch / "snapshot.json").write_text(json.dumps(meta), encoding="utf-8")
        os.replace(scratch, target)
    except OSError as exc:  # another process saved the same stamp first, or the disk is full: keep serving
        shutil.rmtree(scratch, ignore_errors=True)
        log.warning("screening index not saved (%s)", type(exc).__name__)
        return target if target.exists() else None
    saved = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for old in saved[KEEP_ON_DISK:]:
        shutil.rmtree(old, ignore_errors=True)
    return target


def load_saved(lists: list[Watchlist]) -> Snapshot | None:
    """The newest saved index built from the same lists with the same settings, memory-mapped, with the
    document alerts read from the database; None when there is none (or it is of another algorithm version)."""
    root = _index_root()
    if root is None or not root.is_dir():
        return None
    signature = _signature(lists)
    candidates = sorted((p for p in root.iterdir() if (p / "snapshot.json").is_file()),
                        key=lambda p: p.stat().st_mtime, reverse=True)
    for path in candidates:
        try:
            meta = json.loads((path / "snapshot.json").read_text(encoding="utf-8"))
            if tuple(tuple(s) for s in meta["signature"]) != signature:
                continue
            started = time.perf_counter()
            persons = engine.ScreeningIndex.load(path / "persons")
        except (OSError, ValueError, KeyError, engine.ScreeningError) as exc:
            log.warning("saved screening index %s not usable (%s): ignored", path.name, type(exc).__name__)
            continue
        document_lists = {w.id: w for w in lists if w.kind == Watchlist.Kind.DOCUMENTS}
        documents, entries = _documents(document_lists)
        snapshot = Snapshot(stamp=UUID(meta["stamp"]), persons=persons, documents=documents, entries=entries,
                            person_lists=sum(1 for w in lists if w.kind == Watchlist.Kind.PERSONS),
                            document_lists=len(document_lists), signature=signature,
                            versions={str(k): int(v) for k, v in meta["versions"].items()}, source="disk")
        snapshot.built_seconds = time.perf_counter() - started
        log.info("watchlist index loaded from disk: %d person entries, %.2f s", len(persons), snapshot.built_seconds)
        return snapshot
    return None


#: Entries searched beside the base index (changed since it was built) before a fresh build is worth it.
COMPACT_AT = 10_000


def _overlay_size(snapshot: Snapshot) -> int:
    overlay = snapshot.persons.overlay
    return (len(overlay.entries) if overlay is not None else 0) + len(snapshot.persons.hidden)


_lock = threading.Lock()
_cache: dict[str, Snapshot | None] = {"snapshot": None}


def current() -> Snapshot:
    """The process's snapshot, brought up to date when any list changed since it was made.

    In order of cost: the cached one when nothing changed; the cached (or a saved) one plus the lists' delta
    when only entries changed; a full build (then saved for the other processes) when the lists themselves
    changed (one added, removed, renamed, re-thresholded) or nothing usable is at hand.
    """
    stamp = _state_stamp()
    with _lock:
        snapshot = _cache["snapshot"]
        if snapshot is not None and snapshot.stamp == stamp:
            return snapshot
        lists = _active_lists()
        if snapshot is None or snapshot.signature != _signature(lists):
            snapshot = load_saved(lists)
        if snapshot is None:
            snapshot = build_snapshot(stamp, lists)
            save_snapshot(snapshot)
        elif snapshot.stamp != stamp:
            if any(w.version < snapshot.versions.get(str(w.id), 0) for w in lists):
                snapshot = None  # a list went back in time (a restore): its delta cannot be computed
            else:
                snapshot = apply_delta(snapshot, lists, stamp)
                if _overlay_size(snapshot) > max(COMPACT_AT, len(snapshot.persons) // 20):
                    snapshot = None  # many changes searched beside the base: build afresh, and save it
            if snapshot is None:
                snapshot = build_snapshot(stamp, lists)
                save_snapshot(snapshot)
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


def _memory_data(memory: NoMatchMemory | None) -> EarlierJudgement | None:
    if memory is None:
        return None
    return {"id": str(memory.id), "by": memory.judged_by_label, "at": memory.judged_at.isoformat(),
            "date": memory.judged_at.date().isoformat(), "reason": memory.reason, "hit_id": str(memory.hit_id)}


def person_hit(hit: engine.Hit, listed: ListedEntry) -> HitRecord:
    return {
        "kind": "person", "entry_id": str(listed.id), "external_id": listed.external_id,
        "watchlist_id": str(listed.watchlist_id), "list": listed.watchlist_name, "name": hit.name,
        "listed_name": listed.name, "score": round(hit.score, 4), "threshold": round(hit.threshold, 4),
        "algorithm": hit.explanation.algorithm, "version": hit.explanation.version,
        "entry_version": listed.version, "explanation": hit.explanation.as_dict(),
        "explanation_text": explanation_text(hit.explanation), "previous_no_match": None,
    }


# How a document hit was found, in the reader's language (the hit page's explanation)
messages.register({
    "document_hit.exact.stolen": gettext_noop("exact; reported stolen"),
    "document_hit.exact.lost": gettext_noop("exact; reported lost"),
    "document_hit.exact.revoked": gettext_noop("exact; reported revoked"),
    "document_hit.exact.invalidated": gettext_noop("exact; reported invalidated"),
    "document_hit.look_alike.stolen": gettext_noop("look-alike characters (O/0, I/1, S/5...); reported stolen"),
    "document_hit.look_alike.lost": gettext_noop("look-alike characters (O/0, I/1, S/5...); reported lost"),
    "document_hit.look_alike.revoked": gettext_noop("look-alike characters (O/0, I/1, S/5...); reported revoked"),
    "document_hit.look_alike.invalidated": gettext_noop("look-alike characters (O/0, I/1, S/5...); reported "
                                                       "invalidated"),
})


def document_hit(found: engine.DocumentHit, listed: ListedEntry, issuing_state: str, number: str) -> HitRecord:
    score = 1.0 if found.exact else CONFUSABLE_SCORE
    how = "exact" if found.exact else "look-alike characters (O/0, I/1, S/5...)"
    detail = said(f"document_hit.{'exact' if found.exact else 'look_alike'}.{listed.status}")
    feature = {"feature": "document", "query": f"{issuing_state} {number}", "entry": listed.name,
               "similarity": score, "contribution": score, "detail": detail.english(), "detail_code": detail.code}
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


def listed_persons(entry_ids: list[str]) -> dict[str, ListedEntry]:
    """The stored rows behind person hits (one query; an entry deleted since the index was made is absent)."""
    if not entry_ids:
        return {}
    rows = (WatchlistEntry.objects.filter(id__in=[UUID(i) for i in entry_ids])
            .values_list("id", "watchlist_id", "watchlist__name", "external_id", "name", "version_changed"))
    return {str(row[0]): ListedEntry(*row, kind="person") for row in rows}


def search_persons(snapshot: Snapshot, query: engine.Query, limit: int = 10,
                   threshold: float | None = None) -> list[HitRecord]:
    hits = snapshot.persons.search(query, limit=limit, threshold=threshold)
    listed = listed_persons([h.entry_id for h in hits])
    return [person_hit(h, listed[h.entry_id]) for h in hits if h.entry_id in listed]


def search_documents(snapshot: Snapshot, issuing_state: str, number: str) -> list[HitRecord]:
    key = document_key(number)
    if not key:
        return []
    found = snapshot.documents.lookup(issuing_state, key)
    out = [document_hit(f, snapshot.entries[f.entry_id], issuing_state, key) for f in found
           if f.entry_id in snapshot.entries]
    return sorted(out, key=lambda h: (-h["score"], h["list"], h["external_id"]))


def remember(traveller_id: Any, hits: list[HitRecord]) -> None:
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


def _mark(hit: HitRecord, earlier: EarlierJudgement | None) -> None:
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
MemorySource = Callable[[InspectionContext, list[str]], dict[str, EarlierJudgement]]
_MEMORY_SOURCES: list[MemorySource] = []


def remember_from(source: MemorySource) -> None:
    if source not in _MEMORY_SOURCES:
        _MEMORY_SOURCES.append(source)


def remember_elsewhere(context: InspectionContext, hits: list[HitRecord]) -> None:
    """Mark hits judged "no match" by a registered source (before arrival), for an inspection's ``context``."""
    missing = [h for h in hits if not h["previous_no_match"]]
    if not missing or context.extra.get("prearrival"):
        return
    for source in _MEMORY_SOURCES:
        found = source(context, [h["entry_id"] for h in missing])
        for hit in missing:
            if not hit["previous_no_match"] and found.get(hit["entry_id"]):
                earlier = found[hit["entry_id"]].copy()
                earlier["id"] = None  # no memory of the traveller's yet: written when the hit is filed
                _mark(hit, earlier)


def _entry_or_alert(ids: list[UUID]) -> Any:
    from django.db.models import Q

    return Q(entry_id__in=ids) | Q(document_alert_id__in=ids)
