"""The write path of watchlists: lists, imports (preview, then commit), hits and judgements, retroactive
screening. Every write is audited in its transaction; every change to a list stamps the screening state so that
each process rebuilds its index.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, UUIDField
from django.utils import timezone

from openbmis import screening as engine
from openbmis.accounts import authz
from openbmis.audit import services as audit
from openbmis.core import bulk, installation
from openbmis.core.errors import Conflict, InvalidInput, NotFound, TooLarge
from openbmis.core.pii import short_hash
from openbmis.core.uploads import megabytes, upload_limit
from openbmis.core.validation import clean_file_name
from openbmis.watchlists import matching, records
from openbmis.watchlists.models import (
    DocumentAlert,
    Hit,
    NoMatchMemory,
    Watchlist,
    WatchlistEntry,
    WatchlistImport,
    WatchlistState,
)

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
MAX_DIFF_ITEMS = 500
MAX_AUDITED_IDS = 1000
BATCH = 1000
# The formats an import may name, by kind of list ("auto": recognised from the file, as the upload page does).
FORMATS = {
    Watchlist.Kind.PERSONS: ("auto", "un-sc-xml", "ofac-sdn-csv", "ftm-json", "openbmis-csv"),
    Watchlist.Kind.DOCUMENTS: ("auto", "documents-csv"),
}


def retroactive_days() -> int:
    """How many days back retroactive screening looks (the setting ``OPENBMIS_RETROACTIVE_SCREENING_DAYS``)."""
    return max(int(settings.OPENBMIS_RETROACTIVE_SCREENING_DAYS), 0)


# ----------------------------------------------------------------------------------------------- state
def _bump_state() -> int:
    """Mark every process's screening index stale; call inside the transaction of the change."""
    WatchlistState.objects.select_for_update().get_or_create(id=1)
    WatchlistState.objects.filter(id=1).update(version=F("version") + 1, stamp=uuid.uuid4())
    return int(WatchlistState.objects.values_list("version", flat=True).get(id=1))


def _actor_fields(actor: Any) -> tuple[Any, str]:
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = user.get_username() if user is not None else (actor if isinstance(actor, str) else audit.SYSTEM)
    return user, str(label)[:150]


def _require(actor: Any, perm: str, post: Any = None, token: Any = None) -> None:
    # Internal actors (the CLI, the demo seed, background jobs acting for the system) are plain strings.
    if isinstance(actor, str):
        return
    authz.require(actor, perm, post, token=token)


# ----------------------------------------------------------------------------------------------- lookups
def get_watchlist(key: Any) -> Watchlist:
    """A list by id or by name."""
    found = None
    try:
        found = Watchlist.objects.filter(id=uuid.UUID(str(key))).first()
    except ValueError:
        pass
    if found is None:
        found = Watchlist.objects.filter(name=str(key)).first()
    if found is None:
        raise NotFound(f"no watchlist {key}", field="watchlist")
    return found


def get_import(import_id: Any) -> WatchlistImport:
    try:
        return WatchlistImport.objects.select_related("watchlist").get(id=import_id)
    except (WatchlistImport.DoesNotExist, ValueError):
        raise NotFound(f"no watchlist import {import_id}", field="import_id") from None


def get_hit(hit_id: Any) -> Hit:
    try:
        return Hit.objects.select_related("border_post", "traveller", "watchlist", "inspection", "judged_by",
                                          "previous_no_match").get(id=hit_id)
    except (Hit.DoesNotExist, ValueError):
        raise NotFound(f"no hit {hit_id}", field="hit_id") from None


# ----------------------------------------------------------------------------------------------- lists
LIST_FIELDS = ["name", "kind", "owner", "purpose", "threshold", "retention_days", "active"]


def _check_list_fields(values: dict[str, Any]) -> None:
    if "name" in values and not str(values["name"] or "").strip():
        raise InvalidInput("a list needs a name", field="name")
    if "owner" in values and not str(values["owner"] or "").strip():
        raise InvalidInput("a list needs an owner", field="owner")
    if "kind" in values and values["kind"] not in Watchlist.Kind.values:
        raise InvalidInput(f"kind must be one of {', '.join(Watchlist.Kind.values)}", field="kind")
    if "threshold" in values and not 0.0 < float(values["threshold"]) <= 1.0:
        raise InvalidInput("threshold must be above 0 and at most 1", field="threshold")


def create_watchlist(
    actor: Any, *, name: str, owner: str, kind: str = "persons", purpose: str = "", threshold: float = 0.7,
    retention_days: int | None = None, active: bool = True, token: Any = None,
) -> Watchlist:
    _require(actor, "watchlists.manage", token=token)
    values = {"name": name.strip(), "kind": kind, "owner": owner.strip(), "purpose": purpose.strip(),
              "threshold": threshold, "retention_days": retention_days, "active": active}
    _check_list_fields(values)
    with transaction.atomic():
        if Watchlist.objects.filter(name=values["name"]).exists():
            raise Conflict(f"a watchlist named {values['name']!r} exists", field="name")
        watchlist = Watchlist.objects.create(**values)
        _bump_state()
        audit.record(actor=actor, action="watchlist.create", object_type="watchlist", object_id=str(watchlist.id),
                     object_label=watchlist.name, after=audit.snapshot(watchlist, LIST_FIELDS))
    return watchlist


def update_watchlist(actor: Any, watchlist: Watchlist, *, reason: str = "", token: Any = None,
                     **changes: Any) -> Watchlist:
    """Change a list's owner, purpose, threshold, retention or active flag (its kind never changes)."""
    _require(actor, "watchlists.manage", token=token)
    unknown = set(changes) - set(LIST_FIELDS) or ({"kind"} & set(changes))
    if unknown:
        raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    _check_list_fields(changes)
    with transaction.atomic():
        locked = Watchlist.objects.select_for_update().get(id=watchlist.id)
        before = audit.snapshot(locked, LIST_FIELDS)
        if "name" in changes and Watchlist.objects.filter(name=changes["name"]).exclude(id=locked.id).exists():
            raise Conflict(f"a watchlist named {changes['name']!r} exists", field="name")
        for key, value in changes.items():
            setattr(locked, key, value.strip() if isinstance(value, str) else value)
        locked.save()
        _bump_state()
        audit.record(actor=actor, action="watchlist.update", object_type="watchlist", object_id=str(locked.id),
                     object_label=locked.name, before=before, after=audit.snapshot(locked, LIST_FIELDS),
                     reason=reason)
    return locked


# ----------------------------------------------------------------------------------------------- imports
def _target_model(watchlist: Watchlist) -> type[WatchlistEntry] | type[DocumentAlert]:
    return DocumentAlert if watchlist.kind == Watchlist.Kind.DOCUMENTS else WatchlistEntry


def _columns(watchlist: Watchlist, record: records.Record) -> dict[str, Any]:
    if watchlist.kind == Watchlist.Kind.DOCUMENTS:
        data = record.data
        return {"issuing_state": data["issuing_state"], "number": data["number"], "status": data["status"],
                "document_type": data["document_type"], "remarks": data["remarks"],
                "reported_on": date.fromisoformat(data["reported_on"]) if data["reported_on"] else None}
    return dict(record.columns)


def start_import(
    actor: Any, watchlist: Watchlist, *, file_name: str, content: bytes, channel: str = "web", token: Any = None,
) -> WatchlistImport:
    """Keep the file and open an import for it (status ``queued``); :func:`preview_import` reads it."""
    _require(actor, "watchlists.manage", token=token)
    if not content:
        raise InvalidInput("the file is empty", field="file")
    if len(content) > upload_limit("watchlist"):
        raise TooLarge(f"the file is larger than {megabytes('watchlist')} MB", field="file")
    user, label = _actor_fields(actor)
    file_name = clean_file_name(file_name, field="file")
    with transaction.atomic():
        record = WatchlistImport.objects.create(
            watchlist=watchlist, actor=user, actor_label=label, channel=channel, file_name=file_name,
            file_sha256=hashlib.sha256(content).hexdigest(), file_size=len(content), content=content,
            base_version=watchlist.version,
        )
        audit.record(actor=actor, action="watchlist.import.start", object_type="watchlist_import",
                     object_id=str(record.id), object_label=f"{watchlist.name}: {file_name}"[:200],
                     after={"watchlist": watchlist.name, "file_name": file_name, "file_sha256": record.file_sha256,
                            "file_size": record.file_size, "channel": channel})
    return record


def _set_progress(record: WatchlistImport, percent: int, message: str, progress: Progress | None) -> None:
    if progress is not None:
        progress(percent, message)
    record.progress = percent
    record.progress_message = message[:200]
    # Inside a transaction other connections could not see it yet; the job updates it between steps.
    if not connection.in_atomic_block:
        WatchlistImport.objects.filter(id=record.id).update(progress=percent, progress_message=message[:200])


@dataclass(slots=True)
class Diff:
    added: list[records.Record]
    readded: list[tuple[records.Record, Any]]  # (record, id of the removed row that comes back)
    changed: list[tuple[records.Record, Any, list[str]]]  # (record, row id, changed keys)
    removed: list[tuple[Any, str, str]]  # (row id, external id, name)
    unchanged: int


def _diff(watchlist: Watchlist, parsed: records.Parsed, progress: Callable[[int, int], None] | None = None) -> Diff:
    model = _target_model(watchlist)
    rows = model.objects.filter(watchlist=watchlist).values_list("id", "external_id", "fingerprint",
                                                                  "version_removed")
    stored = {ext: (row_id, fp, removed) for row_id, ext, fp, removed in rows}
    diff = Diff([], [], [], [], 0)
    changed_ids: list[tuple[records.Record, Any]] = []
    seen: set[str] = set()
    total = len(parsed.records)
    for n, record in enumerate(parsed.records, start=1):
        seen.add(record.external_id)
        found = stored.get(record.external_id)
        if found is None:
            diff.added.append(record)
        elif found[2] is not None:
            diff.readded.append((record, found[0]))
        elif found[1] != record.fingerprint:
            changed_ids.append((record, found[0]))
        else:
            diff.unchanged += 1
        if progress is not None and n % 2000 == 0:
            progress(n, total)
    old = dict(model.objects.filter(id__in=[row_id for _, row_id in changed_ids]).values_list("id", "data")) \
        if len(changed_ids) <= 20_000 else {}
    for record, row_id in changed_ids:
        before = old.get(row_id) or {}
        keys = sorted(k for k in set(before) | set(record.data) if before.get(k) != record.data.get(k))
        diff.changed.append((record, row_id, keys))
    diff.removed = [
        (row_id, ext, "")
        for ext, (row_id, _fp, removed) in stored.items() if removed is None and ext not in seen
    ]
    if diff.removed:
        names = dict(model.objects.filter(id__in=[r[0] for r in diff.removed[:MAX_DIFF_ITEMS]])
                     .values_list("id", "name" if model is WatchlistEntry else "number"))
        diff.removed = [(row_id, ext, str(names.get(row_id, ""))) for row_id, ext, _ in diff.removed]
    return diff


def _diff_report(diff: Diff) -> dict[str, Any]:
    return {
        "added": [{"id": r.external_id, "name": r.name} for r in
                  [*diff.added, *(r for r, _ in diff.readded)][:MAX_DIFF_ITEMS]],
        "changed": [{"id": r.external_id, "name": r.name, "fields": keys}
                    for r, _, keys in diff.changed[:MAX_DIFF_ITEMS]],
        "removed": [{"id": ext, "name": name} for _, ext, name in diff.removed[:MAX_DIFF_ITEMS]],
    }


def _read(record: WatchlistImport) -> records.Parsed:
    watchlist = record.watchlist
    return records.read_file(watchlist.kind, watchlist.name, record.file_name, bytes(record.content))


def check_format(watchlist: Watchlist, fmt: str) -> str:
    """The format an import names, checked against the list's kind (``auto``: recognised from the file)."""
    fmt = (fmt or "auto").strip().lower()
    allowed = FORMATS[Watchlist.Kind(watchlist.kind)]
    if fmt not in allowed:
        raise InvalidInput(f"unknown format {fmt[:40]!r} for a {watchlist.kind} list: give one of "
                           f"{', '.join(allowed)}", field="format")
    return fmt


def preview_import(record: WatchlistImport, progress: Progress | None = None,
                   expected_format: str = "auto") -> WatchlistImport:
    """Read the file and compare it with the list's current version; apply nothing.

    A file with any bad row is ``rejected`` (each named by line or element, with the reason); otherwise the
    import is a ``preview`` with the counts and the entries added, changed and removed. A file that reads as
    another format than ``expected_format`` (when not ``auto``) is rejected too.
    """
    if record.status not in (WatchlistImport.Status.QUEUED, WatchlistImport.Status.RUNNING):
        raise Conflict(f"this import is {record.status}, not waiting to be read", field="status")
    WatchlistImport.objects.filter(id=record.id).update(status=WatchlistImport.Status.RUNNING)
    record.status = WatchlistImport.Status.RUNNING
    _set_progress(record, 5, "reading the file", progress)
    watchlist = Watchlist.objects.get(id=record.watchlist_id)
    try:
        parsed = _read(record)
    except records.FileRejected as exc:
        return _reject(record, [records.problem("file", exc.message)], [], "", 0)
    record.format = parsed.format
    if expected_format not in ("", "auto") and parsed.format != expected_format:
        return _reject(record, [records.problem("file", f"the file reads as {parsed.format}, not as the format "
                                                f"given ({expected_format})", "format", parsed.format)],
                       [], parsed.format, len(parsed.records))
    if parsed.errors:
        return _reject(record, parsed.errors, parsed.warnings, parsed.format, len(parsed.records))
    _set_progress(record, 50, f"comparing {len(parsed.records)} entries with version {watchlist.version}", progress)

    def step(n: int, total: int) -> None:
        _set_progress(record, 50 + int(45 * n / max(total, 1)), f"compared {n} of {total}", progress)

    diff = _diff(watchlist, parsed, step)
    with transaction.atomic():
        record.status = WatchlistImport.Status.PREVIEW
        record.base_version = watchlist.version
        record.total = len(parsed.records)
        record.added_count = len(diff.added) + len(diff.readded)
        record.changed_count = len(diff.changed)
        record.removed_count = len(diff.removed)
        record.unchanged_count = diff.unchanged
        record.warning_count = len(parsed.warnings)
        record.warnings = parsed.warnings[: records.MAX_REPORTED_ROWS]
        record.diff = _diff_report(diff)
        unchanged = watchlist.version > 0 and not (diff.added or diff.readded or diff.changed or diff.removed)
        # an identical file says so before anyone commits it: committing it makes no new version
        ready = f"no change from version {watchlist.version}" if unchanged else "preview ready"
        record.progress, record.progress_message = 100, ready
        if progress is not None:
            progress(100, ready)
        record.save()
    return record


def _reject(record: WatchlistImport, errors: list[dict[str, str]], warnings: list[dict[str, str]], fmt: str,
            total: int) -> WatchlistImport:
    with transaction.atomic():
        record.status = WatchlistImport.Status.REJECTED
        record.format = fmt
        record.total = total
        # rows refused, not problems: a row may have several, each listed in ``errors``
        record.error_count = len({e.get("line") for e in errors}) if errors else 0
        record.errors = errors[: records.MAX_REPORTED_ROWS]
        record.warning_count = len(warnings)
        record.warnings = warnings[: records.MAX_REPORTED_ROWS]
        record.progress, record.progress_message = 100, "rejected: nothing applied"
        record.content = b""  # a rejected file is not kept (its SHA-256 and size stay in the record)
        record.save()
        audit.record(actor=record.actor or record.actor_label, action="watchlist.import.reject",
                     object_type="watchlist_import", object_id=str(record.id),
                     object_label=f"{record.watchlist.name}: {record.file_name}"[:200],
                     after={"errors": len(errors), "first": [[e["line"], e["reason"]] for e in errors[:20]]})
    return record


def request_commit(actor: Any, record: WatchlistImport, token: Any = None) -> WatchlistImport:
    """Mark a preview for commit by the background worker (see :func:`commit_import`)."""
    _require(actor, "watchlists.manage", token=token)
    with transaction.atomic():
        locked = WatchlistImport.objects.select_for_update().get(id=record.id)
        if locked.status != WatchlistImport.Status.PREVIEW:
            raise Conflict(f"only a preview can be committed; this import is {locked.status}", field="status")
        locked.status = WatchlistImport.Status.COMMITTING
        locked.progress, locked.progress_message = 0, "waiting for the background worker"
        locked.committed_by = _actor_fields(actor)[1]
        locked.save(update_fields=["status", "progress", "progress_message", "committed_by"])
    return locked


def commit_preview(actor: Any, record: WatchlistImport, token: Any = None) -> WatchlistImport:
    """Commit a preview in this process (the API), through :func:`commit_import`; refused unless the import
    is a preview (committed already, rejected, or in the background worker's hands)."""
    _require(actor, "watchlists.manage", token=token)
    current = WatchlistImport.objects.only("status").get(id=record.id)
    if current.status != WatchlistImport.Status.PREVIEW:
        raise Conflict(f"only a preview can be committed; this import is {current.status}", field="status")
    return commit_import(actor, record, token=token)


def commit_import(actor: Any, record: WatchlistImport, progress: Progress | None = None,
                  token: Any = None) -> WatchlistImport:
    """Apply a preview as the list's next version, all of it or nothing.

    The file is read again and compared again; if the list changed since the preview (another import was
    committed), nothing is applied and :class:`Conflict` asks for a new preview.
    """
    _require(actor, "watchlists.manage", token=token)
    if record.status not in (WatchlistImport.Status.PREVIEW, WatchlistImport.Status.COMMITTING):
        raise Conflict(f"only a preview can be committed; this import is {record.status}", field="status")
    watchlist = Watchlist.objects.get(id=record.watchlist_id)
    if watchlist.version != record.base_version:
        raise Conflict(f"the list is at version {watchlist.version} since this preview (of version "
                       f"{record.base_version}): import the file again", field="base_version")
    _set_progress(record, 5, "reading the file again", progress)
    parsed = _read(record)
    if parsed.errors:
        raise Conflict("the stored file no longer reads cleanly", field="file")
    _set_progress(record, 30, "comparing", progress)
    diff = _diff(watchlist, parsed)
    model: Any = _target_model(watchlist)  # one of two models with the same versioned columns
    if watchlist.version > 0 and not (diff.added or diff.readded or diff.changed or diff.removed):
        return _commit_unchanged(actor, record, watchlist, parsed, progress)
    _set_progress(record, 50, f"applying version {watchlist.version + 1}", progress)
    with transaction.atomic():
        locked = Watchlist.objects.select_for_update().get(id=watchlist.id)
        current = WatchlistImport.objects.select_for_update().get(id=record.id)
        if current.status not in (WatchlistImport.Status.PREVIEW, WatchlistImport.Status.COMMITTING):
            raise Conflict(f"this import is {current.status}", field="status")
        if locked.version != record.base_version:
            raise Conflict(f"the list is at version {locked.version} since this preview: import the file again",
                           field="base_version")
        readded_ids = [row_id for _, row_id in diff.readded]
        if sum(model.objects.filter(id__in=readded_ids[start:start + BATCH]).count()
               for start in range(0, len(readded_ids), BATCH)) != len(readded_ids):
            # Retention purged removed entries after the comparison above: those would silently not come back.
            raise Conflict("removed entries were purged (retention) since the comparison: commit again",
                           field="base_version")
        version = locked.version + 1
        new_rows = [
            model(watchlist=locked, external_id=r.external_id[:100], data=r.data, fingerprint=r.fingerprint,
                  version_added=version, version_changed=version, **_columns(locked, r))
            for r in diff.added
        ]
        for start in range(0, len(new_rows), BATCH):
            model.objects.bulk_create(new_rows[start:start + BATCH])
            if progress is not None:
                progress(50 + int(30 * (start + BATCH) / max(len(new_rows), 1)), "adding entries")
        readded = [
            model(id=row_id, data=r.data, fingerprint=r.fingerprint, version_added=version, version_changed=version,
                  version_removed=None, **_columns(locked, r))
            for r, row_id in diff.readded
        ]
        changed = [
            model(id=row_id, data=r.data, fingerprint=r.fingerprint, version_changed=version,
                  **_columns(locked, r))
            for r, row_id, _keys in diff.changed
        ]
        for rows, extra in ((readded, ["version_added", "version_removed"]), (changed, [])):
            if rows:
                columns = list(_columns(locked, diff.readded[0][0] if extra else diff.changed[0][0]))
                model.objects.bulk_update(rows, ["data", "fingerprint", "version_changed", *extra, *columns],
                                          batch_size=BATCH)
        removed_ids = [row_id for row_id, _, _ in diff.removed]
        for start in range(0, len(removed_ids), BATCH):
            model.objects.filter(id__in=removed_ids[start:start + BATCH]).update(version_removed=version)
        locked.version = version
        locked.save(update_fields=["version", "updated_at"])
        current.status = WatchlistImport.Status.COMMITTED
        current.version = version
        current.format = parsed.format
        current.total = len(parsed.records)
        current.added_count = len(diff.added) + len(diff.readded)
        current.changed_count = len(diff.changed)
        current.removed_count = len(diff.removed)
        current.unchanged_count = diff.unchanged
        current.diff = _diff_report(diff)
        current.progress, current.progress_message = 100, f"committed as version {version}"
        current.committed_at = timezone.now()
        current.committed_by = current.committed_by or _actor_fields(actor)[1]
        current.save()
        state = _bump_state()
        audit.record(
            actor=actor, action="watchlist.import.commit", object_type="watchlist_import",
            object_id=str(current.id), object_label=f"{locked.name}: {current.file_name}"[:200],
            after={"watchlist": locked.name, "version": version, "file_sha256": current.file_sha256,
                   "added": current.added_count, "changed": current.changed_count, "removed": current.removed_count,
                   "unchanged": current.unchanged_count, "screening_state": state,
                   "added_ids": [r.external_id for r in diff.added][:MAX_AUDITED_IDS],
                   "changed_ids": [r.external_id for r, _, _ in diff.changed][:MAX_AUDITED_IDS],
                   "removed_ids": [ext for _, ext, _ in diff.removed][:MAX_AUDITED_IDS]},
        )
        if current.added_count or current.changed_count:
            list_id, list_version = str(locked.id), version
            transaction.on_commit(lambda: _enqueue_retroactive(list_id, list_version))
    if progress is not None:
        progress(100, f"committed as version {version}")
    return current


def _commit_unchanged(actor: Any, record: WatchlistImport, watchlist: Watchlist, parsed: Any,
                      progress: Progress | None) -> WatchlistImport:
    """A file identical in content to the current version: nothing to apply, and no new version made."""
    message = f"no change: the list stays at version {watchlist.version}"
    with transaction.atomic():
        current = WatchlistImport.objects.select_for_update().get(id=record.id)
        if current.status not in (WatchlistImport.Status.PREVIEW, WatchlistImport.Status.COMMITTING):
            raise Conflict(f"this import is {current.status}", field="status")
        current.status = WatchlistImport.Status.COMMITTED
        current.version = watchlist.version
        current.format = parsed.format
        current.total = len(parsed.records)
        current.added_count = current.changed_count = current.removed_count = 0
        current.unchanged_count = len(parsed.records)
        current.progress, current.progress_message = 100, message
        current.committed_at = timezone.now()
        current.committed_by = current.committed_by or _actor_fields(actor)[1]
        current.save()
        audit.record(actor=actor, action="watchlist.import.unchanged", object_type="watchlist_import",
                     object_id=str(current.id), object_label=f"{watchlist.name}: {current.file_name}"[:200],
                     after={"watchlist": watchlist.name, "version": watchlist.version,
                            "file_sha256": current.file_sha256, "unchanged": current.unchanged_count})
    if progress is not None:
        progress(100, message)
    return current


def _enqueue_retroactive(watchlist_id: str, version: int) -> None:
    from openbmis.watchlists.tasks import retroactive_screening_job

    try:
        retroactive_screening_job.enqueue(watchlist_id, version)
    except Exception:  # noqa: BLE001 - the commit stands; the job can be run again from the CLI
        log.exception("could not enqueue retroactive screening for watchlist %s version %s", watchlist_id, version)


def import_now(actor: Any, watchlist: Watchlist, *, file_name: str, content: bytes, commit: bool,
               channel: str = "cli", progress: Progress | None = None) -> WatchlistImport:
    """Open, read and (when asked and clean) commit an import in this process: the CLI and the demo seed."""
    record = start_import(actor, watchlist, file_name=file_name, content=content, channel=channel)
    record = preview_import(record, progress)
    if commit and record.status == WatchlistImport.Status.PREVIEW:
        record = commit_import(actor, record, progress)
    return record


def fail_import(record_id: Any, message: str) -> None:
    """Record that a background step crashed (nothing was applied: the write is one transaction)."""
    WatchlistImport.objects.filter(id=record_id).update(status=WatchlistImport.Status.FAILED, content=b"",
                                                        failure=message[:2000], progress_message="failed")


# ----------------------------------------------------------------------------------------------- hits
def file_inspection_hits(sender: Any, inspection: Any, **kwargs: Any) -> list[Hit]:
    """Signal receiver: file each hit of a new inspection in the post's queue (inside its transaction)."""
    hits = [h for h in (inspection.hits or []) if h.get("kind") in ("person", "document") and h.get("entry_id")]
    if not hits:
        return []
    person_ids = {h["entry_id"] for h in hits if h["kind"] == "person"}
    document_ids = {h["entry_id"] for h in hits if h["kind"] == "document"}
    entries = {str(e.id): e for e in WatchlistEntry.objects.filter(id__in=person_ids)}
    alerts = {str(a.id): a for a in DocumentAlert.objects.filter(id__in=document_ids)}
    made: list[Hit] = []
    for data in hits:
        target = entries.get(data["entry_id"]) if data["kind"] == "person" else alerts.get(data["entry_id"])
        if target is None:
            log.warning("hit for entry %s that is not stored: not filed", data["entry_id"])
            continue
        made.append(_new_hit(data, traveller_id=inspection.traveller_id, border_post_id=inspection.border_post_id,
                             target=target, inspection=inspection, source=Hit.Source.INSPECTION))
    Hit.objects.bulk_create(made)
    remembered = [_remember_judged_elsewhere(h, inspection.traveller_id) for h in made
                  if (h.data.get("previous_no_match") or {}).get("by_id") and h.previous_no_match_id is None]
    audit.record(actor=inspection.officer, action="hits.file", object_type="inspection",
                 object_id=str(inspection.id), border_post_code=inspection.border_post.code,
                 after={"hits": [[str(h.id), h.watchlist_id and str(h.watchlist_id), round(h.score, 4)]
                                 for h in made], "remembered_no_match": [str(m.id) for m in remembered]})
    return made


def _remember_judged_elsewhere(hit: Hit, traveller_id: Any) -> NoMatchMemory:
    """A "no match" judged before this traveller was registered (a pre-arrival hit on the manifest that listed
    them) becomes the memory of the pair, as if judged at the counter, so later inspections remember it too."""
    earlier = hit.data["previous_no_match"]
    memory = _remember_no_match(traveller_id, hit, judged_by_id=earlier["by_id"], label=str(earlier["by"]),
                                judged_at=datetime.fromisoformat(earlier["at"]), reason=str(earlier["reason"]))
    bulk.update(Hit.objects.filter(id=hit.id), previous_no_match=memory)
    hit.previous_no_match = memory
    return memory


def _remember_no_match(traveller_id: Any, hit: Hit, *, judged_by_id: Any, label: str, judged_at: datetime,
                       reason: str) -> NoMatchMemory:
    target = {"entry_id": hit.entry_id} if hit.entry_id else {"document_alert_id": hit.document_alert_id}
    memory, _created = NoMatchMemory.objects.update_or_create(
        traveller_id=traveller_id, **target,
        defaults={"hit": hit, "judged_by_id": judged_by_id, "judged_by_label": label[:150], "judged_at": judged_at,
                  "reason": reason},
    )
    return memory


def check_judgement(status: str, reason: str) -> str:
    """The rules of every judgement of a hit, at the counter or before arrival: one of match, no match or
    unsure, with a reason. Returns the reason, stripped."""
    if status not in JUDGEMENTS:
        raise InvalidInput("judgement must be match, no_match or unsure", field="status")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("a judgement needs a reason", field="reason")
    return reason


def _new_hit(data: dict[str, Any], *, traveller_id: Any, border_post_id: Any, target: Any, inspection: Any,
             source: str) -> Hit:
    memory = data.get("previous_no_match") or {}
    return Hit(
        source=source, inspection=inspection, border_post_id=border_post_id, traveller_id=traveller_id,
        watchlist_id=target.watchlist_id, entry=target if isinstance(target, WatchlistEntry) else None,
        document_alert=target if isinstance(target, DocumentAlert) else None,
        entry_version=int(data.get("entry_version") or 0), name=str(data.get("name", ""))[:300],
        score=float(data["score"]), algorithm=str(data.get("algorithm", ""))[:40],
        algorithm_version=str(data.get("version", ""))[:20], data=data,
        previous_no_match_id=memory.get("id"),
    )


JUDGEMENTS = (Hit.Status.MATCH, Hit.Status.NO_MATCH, Hit.Status.UNSURE)


def contradicting_judgements(border_post: Any) -> list[dict[str, Any]]:
    """Pairs (traveller, listed entry) at a post judged both "match" and "no match", for the supervisor to
    settle: one of the two judgements is wrong. Newest first, with the hits behind them."""
    from django.db.models import Max

    judged = (Hit.objects.filter(border_post=border_post, status__in=(Hit.Status.MATCH, Hit.Status.NO_MATCH))
              .values("traveller_id", "entry_id", "document_alert_id")
              .annotate(kinds=Count("status", distinct=True), last=Max("judged_at"))
              .filter(kinds__gt=1).order_by("-last")[:20])
    pairs = []
    for row in judged:
        hits = list(Hit.objects.filter(traveller_id=row["traveller_id"], entry_id=row["entry_id"],
                                       document_alert_id=row["document_alert_id"],
                                       status__in=(Hit.Status.MATCH, Hit.Status.NO_MATCH))
                    .select_related("traveller", "judged_by").order_by("-judged_at"))
        pairs.append({"traveller": hits[0].traveller, "name": hits[0].name, "hits": hits, "last": row["last"]})
    return pairs


def inspection_hits_cleared(inspection: Any, code: str) -> bool:
    """The inspection's failed ``watchlist`` (person) or ``stolen_lost`` (document) check is cleared once every
    hit it filed for that check has been judged "no match" by a person. A "match" or "unsure" keeps it failed."""
    statuses = set(Hit.objects.filter(inspection_id=inspection.pk, entry__isnull=(code == "stolen_lost"))
                   .values_list("status", flat=True))
    return statuses == {Hit.Status.NO_MATCH}


def judge_hit(actor: Any, hit: Hit, *, status: str, reason: str, token: Any = None) -> Hit:
    """Record a person's judgement (match, no match, unsure) with a reason. Nothing is refused automatically:
    the decision on the traveller stays with the officer. A "no match" is remembered for this traveller and
    entry and shown beside later hits; a later "match" for the pair forgets it."""
    authz.require(actor, "hits.adjudicate", hit.border_post_id, token=token)
    reason = check_judgement(status, reason)
    fields = ["status", "reason", "judged_by", "judged_at"]
    with transaction.atomic():
        locked = Hit.objects.select_for_update().get(id=hit.id)
        before = audit.snapshot(locked, fields)
        locked.status = status
        locked.reason = reason
        locked.judged_by = actor
        locked.judged_at = timezone.now()
        locked.save(update_fields=fields)
        target = {"entry_id": locked.entry_id} if locked.entry_id else {"document_alert_id": locked.document_alert_id}
        if status == Hit.Status.NO_MATCH:
            _remember_no_match(locked.traveller_id, locked, judged_by_id=actor.pk, label=actor.get_username(),
                               judged_at=locked.judged_at, reason=reason)
        elif status == Hit.Status.MATCH:
            bulk.update(Hit.objects.filter(previous_no_match__traveller_id=locked.traveller_id,
                                           previous_no_match__in=NoMatchMemory.objects.filter(
                                               traveller_id=locked.traveller_id, **target)),
                        previous_no_match=None)
            NoMatchMemory.objects.filter(traveller_id=locked.traveller_id, **target).delete()
        audit.record(actor=actor, action="hit.judge", object_type="watchlist_hit", object_id=str(locked.id),
                     object_label=f"{locked.watchlist.name}: {short_hash(locked.name)}",
                     border_post_code=locked.border_post.code, before=before,
                     after=audit.snapshot(locked, fields), reason=reason)
    return locked


def hits_for(actor: Any, *, border_post: Any = None, status: str | None = "pending", token: Any = None,
             limit: int = 200) -> list[Hit]:
    """The queue: hits at the posts where ``actor`` adjudicates (or at ``border_post``), oldest first."""
    authz.require(actor, "hits.adjudicate", border_post, token=token)
    hits = Hit.objects.select_related("border_post", "traveller", "watchlist", "judged_by", "previous_no_match")
    if border_post is not None:
        hits = hits.filter(border_post=border_post)
    else:
        hits = authz.limit_to_scope(hits, actor, "hits.adjudicate", token)
    if status:
        if status not in Hit.Status.values:
            raise InvalidInput(f"status must be one of {', '.join(Hit.Status.values)}", field="status")
        hits = hits.filter(status=status)
    return list(hits.order_by("created_at")[:limit])


# ----------------------------------------------------------------------------------------------- search
def search(actor: Any, *, name: str = "", birth_date: str | None = None, nationality: str = "", sex: str = "",
           document: str = "", issuing_state: str = "", limit: int = 10, threshold: float | None = None,
           token: Any = None) -> list[dict[str, Any]]:
    """Ad-hoc screening: ranked, explained hits from the active lists (persons and documents)."""
    authz.require(actor, "screening.search", token=token)
    if not name.strip() and not document.strip():
        raise InvalidInput("give a name or a document number", field="name")
    try:
        query = matching.person_query(name=name, birth_date=birth_date, nationality=nationality, sex=sex,
                                      document_number=document, issuing_state=issuing_state)
    except engine.QueryError as exc:
        field = "birth_date" if exc.field == "date" else (exc.field or "name")
        raise InvalidInput(exc.message, field=field) from None
    snapshot = matching.current()
    hits = matching.search_persons(snapshot, query, limit=limit, threshold=threshold) if name.strip() else []
    if document.strip():
        hits = matching.search_documents(snapshot, issuing_state, document) + hits
    with transaction.atomic():
        audit.record(actor=actor, action="screening.search", object_type="screening",
                     after={"name": short_hash(name.strip().upper()) if name.strip() else "",
                            "document": short_hash(document.strip().upper()) if document.strip() else "",
                            "hits": len(hits)})
    return hits[:limit]


# ----------------------------------------------------------------------------------------------- retroactive
def _candidates(since: datetime) -> Any:
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
    snapshot_entries: dict[str, Any] = {}
    persons = engine.IndexBuilder(thresholds={watchlist.name: watchlist.threshold})
    documents = engine.DocumentIndex()
    if watchlist.kind == Watchlist.Kind.DOCUMENTS:
        for alert in DocumentAlert.objects.filter(watchlist=watchlist, version_changed=version,
                                                  version_removed__isnull=True):
            documents.add(watchlist.name, str(alert.id), alert.issuing_state, alert.number, alert.status)
            snapshot_entries[str(alert.id)] = alert
    else:
        for entry in WatchlistEntry.objects.filter(watchlist=watchlist, version_changed=version,
                                                   version_removed__isnull=True):
            persons.add(records.entry_from_data(entry.data, entry_id=str(entry.id), list_name=watchlist.name))
            snapshot_entries[str(entry.id)] = entry
    if not snapshot_entries:
        return []
    index = persons.build()
    found: list[tuple[Any, Any, dict[str, Any]]] = []  # (traveller, target, hit data)
    for traveller in _candidates(since).iterator(chunk_size=500):
        if watchlist.kind == Watchlist.Kind.DOCUMENTS:
            for document in traveller.documents.all():
                for doc_hit in documents.lookup(document.issuing_state, document.number):
                    alert = snapshot_entries[doc_hit.entry_id]
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
            entry = snapshot_entries[hit.entry_id]
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
                     after={"version": version, "days": days, "entries": len(snapshot_entries),
                            "alerts": [str(h.id) for h in made][:MAX_AUDITED_IDS]})
    return made


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
