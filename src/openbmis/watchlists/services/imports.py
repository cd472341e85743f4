"""Imports of a list's versions: preview (the diff), then commit; every change stamps the screening state."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NotRequired, TypedDict, TypeVar
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from openbmis.accounts.actors import Actor
from openbmis.accounts.models import ApiToken
from openbmis.audit import services as audit
from openbmis.core.errors import Conflict, InvalidInput, TooLarge
from openbmis.core.sealing import with_indexes
from openbmis.core.uploads import megabytes, upload_limit
from openbmis.core.validation import clean_file_name
from openbmis.watchlists import records
from openbmis.watchlists.models import (
    DocumentAlert,
    Watchlist,
    WatchlistEntry,
    WatchlistImport,
)
from openbmis.watchlists.services.common import (
    BATCH,
    FORMATS,
    MAX_AUDITED_IDS,
    MAX_DIFF_ITEMS,
    Progress,
    _actor_fields,
    _bump_state,
    _require,
)

log = logging.getLogger(__name__)

# ----------------------------------------------------------------------------------------------- imports
def _target_model(watchlist: Watchlist) -> type[WatchlistEntry] | type[DocumentAlert]:
    return DocumentAlert if watchlist.kind == Watchlist.Kind.DOCUMENTS else WatchlistEntry


def _columns(watchlist: Watchlist, record: records.Record) -> dict[str, object]:
    if watchlist.kind == Watchlist.Kind.DOCUMENTS:
        data = record.data
        return {"issuing_state": data["issuing_state"], "number": data["number"], "status": data["status"],
                "document_type": data["document_type"], "remarks": data["remarks"],
                "reported_on": date.fromisoformat(data["reported_on"]) if data["reported_on"] else None}
    return dict(record.columns)


def start_import(
    actor: Actor, watchlist: Watchlist, *, file_name: str, content: bytes, channel: str = "web", token: ApiToken | None = None,
) -> WatchlistImport:
    """Keep the file and open an import for it (status ``queued``); :func:`preview_import` reads it."""
    _require(actor, "watchlists.manage", token=token)
    if not content:
        raise InvalidInput(gettext("the file is empty"), field="file")
    if len(content) > upload_limit("watchlist"):
        raise TooLarge(gettext("the file is larger than %(megabytes)s MB")
                       % {"megabytes": megabytes('watchlist')}, field="file")
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
    readded: list[tuple[records.Record, UUID]]  # (record, id of the removed row that comes back)
    changed: list[tuple[records.Record, UUID, list[str]]]  # (record, row id, changed keys)
    removed: list[tuple[UUID, str, str]]  # (row id, external id, name)
    unchanged: int


def _diff(watchlist: Watchlist, parsed: records.Parsed, progress: Callable[[int, int], None] | None = None) -> Diff:
    model = _target_model(watchlist)
    rows = model.objects.filter(watchlist=watchlist).values_list("id", "external_id", "fingerprint",
                                                                  "version_removed")
    stored = {ext: (row_id, fp, removed) for row_id, ext, fp, removed in rows}
    diff = Diff([], [], [], [], 0)
    changed_ids: list[tuple[records.Record, UUID]] = []
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


class DiffItem(TypedDict):
    """An entry named in an import's report: the list's own id and the name (a document's number)."""

    id: str
    name: str
    fields: NotRequired[list[str]]  # a changed entry: the keys that changed


class DiffReport(TypedDict):
    """What an import adds, changes and removes, as kept on the import and shown in its preview (the first
    :data:`MAX_DIFF_ITEMS` of each)."""

    added: list[DiffItem]
    changed: list[DiffItem]
    removed: list[DiffItem]


def _diff_report(diff: Diff) -> DiffReport:
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
        raise InvalidInput(gettext("unknown format %(fmt)r for a %(kind)s list: give one of %(allowed)s")
                           % {"fmt": fmt[:40], "kind": watchlist.kind, "allowed": ', '.join(allowed)}, field="format")
    return fmt


def preview_import(record: WatchlistImport, progress: Progress | None = None,
                   expected_format: str = "auto") -> WatchlistImport:
    """Read the file and compare it with the list's current version; apply nothing.

    A file with any bad row is ``rejected`` (each named by line or element, with the reason); otherwise the
    import is a ``preview`` with the counts and the entries added, changed and removed. A file that reads as
    another format than ``expected_format`` (when not ``auto``) is rejected too.
    """
    if record.status not in (WatchlistImport.Status.QUEUED, WatchlistImport.Status.RUNNING):
        raise Conflict(gettext("this import is %(status)s, not waiting to be read")
                       % {"status": record.status}, field="status")
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


def request_commit(actor: Actor, record: WatchlistImport, token: ApiToken | None = None) -> WatchlistImport:
    """Mark a preview for commit by the background worker (see :func:`commit_import`)."""
    _require(actor, "watchlists.manage", token=token)
    with transaction.atomic():
        locked = WatchlistImport.objects.select_for_update().get(id=record.id)
        if locked.status != WatchlistImport.Status.PREVIEW:
            raise Conflict(gettext("only a preview can be committed; this import is %(status)s")
                           % {"status": locked.status}, field="status")
        locked.status = WatchlistImport.Status.COMMITTING
        locked.progress, locked.progress_message = 0, "waiting for the background worker"
        locked.committed_by = _actor_fields(actor)[1]
        locked.save(update_fields=["status", "progress", "progress_message", "committed_by"])
    return locked


def commit_preview(actor: Actor, record: WatchlistImport, token: ApiToken | None = None) -> WatchlistImport:
    """Commit a preview in this process (the API), through :func:`commit_import`; refused unless the import
    is a preview (committed already, rejected, or in the background worker's hands)."""
    _require(actor, "watchlists.manage", token=token)
    current = WatchlistImport.objects.only("status").get(id=record.id)
    if current.status != WatchlistImport.Status.PREVIEW:
        raise Conflict(gettext("only a preview can be committed; this import is %(status)s")
                       % {"status": current.status}, field="status")
    return commit_import(actor, record, token=token)


def commit_import(actor: Actor, record: WatchlistImport, progress: Progress | None = None,
                  token: ApiToken | None = None) -> WatchlistImport:
    """Apply a preview as the list's next version, all of it or nothing.

    The file is read again and compared again; if the list changed since the preview (another import was
    committed), nothing is applied and :class:`Conflict` asks for a new preview.
    """
    _require(actor, "watchlists.manage", token=token)
    if record.status not in (WatchlistImport.Status.PREVIEW, WatchlistImport.Status.COMMITTING):
        raise Conflict(gettext("only a preview can be committed; this import is %(status)s")
                       % {"status": record.status}, field="status")
    watchlist = Watchlist.objects.get(id=record.watchlist_id)
    if watchlist.version != record.base_version:
        raise Conflict(gettext("the list is at version %(version)s since this preview (of version %(base_version)s): import the file again")
                       % {"version": watchlist.version, "base_version": record.base_version}, field="base_version")
    _set_progress(record, 5, "reading the file again", progress)
    parsed = _read(record)
    if parsed.errors:
        raise Conflict(gettext("the stored file no longer reads cleanly"), field="file")
    _set_progress(record, 30, "comparing", progress)
    diff = _diff(watchlist, parsed)
    model = _target_model(watchlist)  # one of two models with the same versioned columns
    if watchlist.version > 0 and not (diff.added or diff.readded or diff.changed or diff.removed):
        return _commit_unchanged(actor, record, watchlist, parsed, progress)
    _set_progress(record, 50, f"applying version {watchlist.version + 1}", progress)
    with transaction.atomic():
        locked = Watchlist.objects.select_for_update().get(id=watchlist.id)
        current = WatchlistImport.objects.select_for_update().get(id=record.id)
        if current.status not in (WatchlistImport.Status.PREVIEW, WatchlistImport.Status.COMMITTING):
            raise Conflict(gettext("this import is %(status)s") % {"status": current.status}, field="status")
        if locked.version != record.base_version:
            raise Conflict(gettext("the list is at version %(version)s since this preview: import the file again")
                           % {"version": locked.version},
                           field="base_version")
        readded_ids = [row_id for _, row_id in diff.readded]
        if sum(model.objects.filter(id__in=readded_ids[start:start + BATCH]).count()
               for start in range(0, len(readded_ids), BATCH)) != len(readded_ids):
            # Retention purged removed entries after the comparison above: those would silently not come back.
            raise Conflict(gettext("removed entries were purged (retention) since the comparison: commit again"),
                           field="base_version")
        version = locked.version + 1
        if model is DocumentAlert:
            _write_rows(DocumentAlert, locked, diff, version, progress)
        else:
            _write_rows(WatchlistEntry, locked, diff, version, progress)
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


_Listed = TypeVar("_Listed", WatchlistEntry, DocumentAlert)  # the two models with the same versioned columns


def _write_rows(model: type[_Listed], locked: Watchlist, diff: Diff, version: int, progress: Progress | None) -> None:
    """Write a diff's added, re-added and changed rows as ``version`` of the list (inside the commit's transaction)."""
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
    if readded:
        names = ["data", "fingerprint", "version_changed", "version_added", "version_removed",
                 *_columns(locked, diff.readded[0][0])]
        model.objects.bulk_update(readded, with_indexes(model, readded, names), batch_size=BATCH)
    if changed:
        names = ["data", "fingerprint", "version_changed", *_columns(locked, diff.changed[0][0])]
        model.objects.bulk_update(changed, with_indexes(model, changed, names), batch_size=BATCH)

def _commit_unchanged(actor: Actor, record: WatchlistImport, watchlist: Watchlist, parsed: records.Parsed,
                      progress: Progress | None) -> WatchlistImport:
    """A file identical in content to the current version: nothing to apply, and no new version made."""
    message = f"no change: the list stays at version {watchlist.version}"
    with transaction.atomic():
        current = WatchlistImport.objects.select_for_update().get(id=record.id)
        if current.status not in (WatchlistImport.Status.PREVIEW, WatchlistImport.Status.COMMITTING):
            raise Conflict(gettext("this import is %(status)s") % {"status": current.status}, field="status")
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


def import_now(actor: Actor, watchlist: Watchlist, *, file_name: str, content: bytes, commit: bool,
               channel: str = "cli", progress: Progress | None = None) -> WatchlistImport:
    """Open, read and (when asked and clean) commit an import in this process: the CLI and the demo seed."""
    record = start_import(actor, watchlist, file_name=file_name, content=content, channel=channel)
    record = preview_import(record, progress)
    if commit and record.status == WatchlistImport.Status.PREVIEW:
        record = commit_import(actor, record, progress)
    return record


def fail_import(record_id: UUID | str, message: str) -> None:
    """Record that a background step crashed (nothing was applied: the write is one transaction)."""
    WatchlistImport.objects.filter(id=record_id).update(status=WatchlistImport.Status.FAILED, content=b"",
                                                        failure=message[:2000], progress_message="failed")
