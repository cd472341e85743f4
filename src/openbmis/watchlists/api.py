"""Watchlist endpoints: ad-hoc screening search, the lists, imports (preview, then commit), the hit queue and
judgements."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from openbmis import screening as engine
from openbmis.accounts import authz
from openbmis.accounts.api_auth import token_of
from openbmis.audit.access import record_access
from openbmis.borderposts import services as borderposts
from openbmis.core.errors import InvalidInput, TooLarge
from openbmis.core.uploads import megabytes, upload_limit
from openbmis.watchlists import services
from openbmis.watchlists.models import Hit, Watchlist, WatchlistImport

router = Router(tags=["watchlists"])


class SearchIn(Schema):
    name: str = Field(default="", max_length=300, description="a person's or entity's name, any script, any order")
    birth_date: str | None = Field(default=None, max_length=40,
                                   description="YYYY-MM-DD, YYYY-MM, YYYY, '1960 to 1962', 'circa 1970'")
    nationality: str = Field(default="", max_length=60, description="ISO 3166 / ICAO code or English name")
    sex: Literal["", "M", "F", "X", "male", "female"] = ""
    document: str = Field(default="", max_length=40, description="a document number (also looked up on the "
                                                                 "lists of stolen and lost documents)")
    issuing_state: str = Field(default="", max_length=3, description="the document's issuing state")
    limit: int = Field(default=10, ge=1, le=50)
    threshold: float | None = Field(default=None, gt=0, le=1, description="overrides each list's threshold")


class SearchOut(Schema):
    algorithm: str
    version: str
    hits: list[dict[str, Any]] = Field(description="best first; each with `entry_id`, `list`, `name`, `score`, "
                                                   "`explanation` (features: what matched what, contribution) "
                                                   "and `explanation_text`")


@router.post("/screening/search", response=SearchOut, summary="Screen a name (and document) against the lists")
def search(request: HttpRequest, payload: SearchIn) -> dict[str, Any]:
    """Ranked, explained hits from every active list, as an inspection would find them.

    Example: `{"name": "Joseph Kamau", "birth_date": "1980-03-14", "nationality": "KEN"}`.
    A document number is also looked up, exactly and with look-alike characters (O/0, I/1), on the lists of
    stolen, lost, revoked and invalidated documents. The search is recorded in the audit trail (hashed).
    """
    hits = services.search(
        request.user, name=payload.name, birth_date=payload.birth_date, nationality=payload.nationality,
        sex=payload.sex, document=payload.document, issuing_state=payload.issuing_state, limit=payload.limit,
        threshold=payload.threshold, token=token_of(request),
    )
    return {"algorithm": engine.ALGORITHM, "version": engine.VERSION, "hits": hits}


class WatchlistOut(Schema):
    id: UUID
    name: str
    kind: str
    owner: str
    purpose: str
    threshold: float
    retention_days: int | None
    active: bool
    version: int
    entries: int


@router.get("/watchlists", response=list[WatchlistOut], summary="The watchlists with their current version")
def list_watchlists(request: HttpRequest) -> list[dict[str, Any]]:
    authz.require(request.user, "watchlists.view", token=token_of(request))
    out = []
    for w in Watchlist.objects.all():
        related = w.document_alerts if w.kind == Watchlist.Kind.DOCUMENTS else w.entries
        out.append({**{f: getattr(w, f) for f in ("id", "name", "kind", "owner", "purpose", "threshold",
                                                  "retention_days", "active", "version")},
                    "entries": related.filter(version_removed__isnull=True).count()})
    return out


class WatchlistImportProblem(Schema):
    line: str = Field(description="where: `file.csv:LINE`, `sdn.csv:LINE`, `INDIVIDUAL[n] <reference>`, or `file`")
    field: str
    reason: str
    found: str


class WatchlistImportItem(Schema):
    id: str
    name: str
    fields: list[str] = Field(default_factory=list, description="changed entries: the fields that changed")


class WatchlistImportDiff(Schema):
    added: list[WatchlistImportItem] = Field(default_factory=list)
    changed: list[WatchlistImportItem] = Field(default_factory=list)
    removed: list[WatchlistImportItem] = Field(default_factory=list)


class WatchlistImportOut(Schema):
    id: UUID
    watchlist_id: UUID
    watchlist: str
    status: str = Field(description="preview (nothing applied yet), committed, rejected (nothing applied), or "
                                    "queued, running, committing, failed for an upload from the pages")
    format: str
    file_name: str
    file_sha256: str
    file_size: int
    channel: str
    imported_by: str
    created_at: datetime
    base_version: int = Field(description="the list's version the file was compared with")
    version: int | None = Field(description="the list's version this import became, once committed")
    total: int
    added: int
    changed: int
    removed: int
    unchanged: int
    bad_row_count: int
    bad_rows: list[WatchlistImportProblem] = Field(
        description="every bad row (the first 1,000): any one rejects the file")
    warning_count: int
    warnings: list[WatchlistImportProblem]
    differences: WatchlistImportDiff = Field(
        description="the entries added, changed and removed (the first 500 of each)")
    committed_at: datetime | None
    committed_by: str
    message: str


def import_out(record: WatchlistImport) -> dict[str, Any]:
    diff = record.diff or {}
    return {
        "id": record.id, "watchlist_id": record.watchlist_id, "watchlist": record.watchlist.name,
        "status": record.status, "format": record.format, "file_name": record.file_name,
        "file_sha256": record.file_sha256, "file_size": record.file_size, "channel": record.channel,
        "imported_by": record.actor_label, "created_at": record.created_at, "base_version": record.base_version,
        "version": record.version, "total": record.total, "added": record.added_count,
        "changed": record.changed_count, "removed": record.removed_count, "unchanged": record.unchanged_count,
        "bad_row_count": record.error_count, "bad_rows": record.errors, "warning_count": record.warning_count,
        "warnings": record.warnings,
        "differences": {key: diff.get(key, []) for key in ("added", "changed", "removed")},
        "committed_at": record.committed_at, "committed_by": record.committed_by,
        "message": record.failure or record.progress_message,
    }


def _rejected(record: WatchlistImport) -> InvalidInput:
    shown = "; ".join(f"{e['line']}{' ' + e['field'] if e.get('field') else ''}: {e['reason']}"
                      for e in record.errors[:5])
    more = _(" (and %(count)d more)") % {"count": record.error_count - 5} if record.error_count > 5 else ""
    text = ngettext("the file was rejected, nothing applied: %(count)d bad row: %(shown)s%(more)s",
                    "the file was rejected, nothing applied: %(count)d bad rows: %(shown)s%(more)s", record.error_count)
    return InvalidInput(text % {"count": record.error_count, "shown": shown, "more": more},
                        field="file", import_id=str(record.id), bad_rows=record.errors)


@router.post("/watchlists/{watchlist_id}/imports", response={201: WatchlistImportOut},
             summary="Import a file as a preview of the list's next version (nothing applied)")
def start_import(request: HttpRequest, watchlist_id: UUID, file: File[UploadedFile],
                 fmt: str = Form("auto", alias="format", max_length=40)) -> Status[dict[str, Any]]:
    """Upload a list file (multipart: `file`, and optionally `format`) and get its preview: how many entries
    would be added, changed and removed, and which. Nothing is applied until the preview is committed
    (`POST /api/watchlists/imports/{import_id}/commit`).

    `format` is `auto` (recognised from the file, as on the upload page) or, for a persons list, one of
    `un-sc-xml`, `ofac-sdn-csv` (a zip of sdn.csv, alt.csv, add.csv), `ftm-json`, `openbmis-csv`; for a
    documents list `documents-csv`. A file with any bad row is rejected whole (422): the answer lists every
    bad row with its line and reason, and `details.import_id` names the rejected import. The file is read in
    this request: a large list (tens of thousands of entries) takes seconds.
    """
    token = token_of(request)
    authz.require(request.user, "watchlists.manage", token=token)
    watchlist = services.get_watchlist(watchlist_id)
    expected = services.check_format(watchlist, fmt)
    if file.size is not None and file.size > upload_limit("watchlist"):
        raise TooLarge(_("the file is larger than %(megabytes)s MB")
                       % {"megabytes": megabytes('watchlist')}, field="file")
    record = services.start_import(request.user, watchlist, file_name=file.name or "upload", content=file.read(),
                                   channel="api", token=token)
    try:
        record = services.preview_import(record, expected_format=expected)
    except Exception as exc:
        # As the worker does: the import shows that it failed rather than staying "running" (nothing applied).
        services.fail_import(record.id, f"{type(exc).__name__}: {exc}")
        raise
    if record.status == WatchlistImport.Status.REJECTED:
        raise _rejected(record)
    return Status(201, import_out(record))


@router.get("/watchlists/imports/{import_id}", response=WatchlistImportOut,
            summary="An import: its preview or outcome")
def get_import(request: HttpRequest, import_id: UUID) -> dict[str, Any]:
    """Also shows the imports made from the upload page or the command line."""
    authz.require(request.user, "watchlists.view", token=token_of(request))
    return import_out(services.get_import(import_id))


@router.post("/watchlists/imports/{import_id}/commit", response=WatchlistImportOut,
             summary="Commit a preview as the list's next version (all of it or nothing)")
def commit_import(request: HttpRequest, import_id: UUID) -> dict[str, Any]:
    """The file is read and compared again and applied in one transaction. Refused (409) when the import is
    not a preview (committed already, rejected, or being committed by the background worker) or when another
    version was committed since the preview (import the file again)."""
    token = token_of(request)
    authz.require(request.user, "watchlists.manage", token=token)
    record = services.commit_preview(request.user, services.get_import(import_id), token=token)
    return import_out(services.get_import(record.id))


class PreviousNoMatch(Schema):
    by: str
    at: datetime
    reason: str


class HitOut(Schema):
    id: UUID
    source: str
    border_post: str
    inspection_id: UUID | None
    traveller_id: UUID
    watchlist: str
    entry_id: UUID | None
    document_alert_id: UUID | None
    name: str
    score: float
    algorithm: str
    algorithm_version: str
    explanation: dict[str, Any]
    explanation_text: str
    created_at: datetime
    status: str
    reason: str
    judged_by: str | None
    judged_at: datetime | None
    previous_no_match: PreviousNoMatch | None


def hit_out(hit: Hit) -> dict[str, Any]:
    memory = hit.previous_no_match
    return {
        "id": hit.id, "source": hit.source, "border_post": hit.border_post.code, "inspection_id": hit.inspection_id,
        "traveller_id": hit.traveller_id, "watchlist": hit.watchlist.name, "entry_id": hit.entry_id,
        "document_alert_id": hit.document_alert_id, "name": hit.name, "score": hit.score,
        "algorithm": hit.algorithm, "algorithm_version": hit.algorithm_version,
        "explanation": hit.data.get("explanation", {}), "explanation_text": hit.data.get("explanation_text", ""),
        "created_at": hit.created_at, "status": hit.status, "reason": hit.reason,
        "judged_by": hit.judged_by.get_username() if hit.judged_by else None, "judged_at": hit.judged_at,
        "previous_no_match": {"by": memory.judged_by_label, "at": memory.judged_at, "reason": memory.reason}
        if memory else None,
    }


@router.get("/hits", response=list[HitOut], summary="The hit queue of a post (oldest first)")
def list_hits(request: HttpRequest, border_post: str,
              status: Literal["pending", "match", "no_match", "unsure", "all"] = "pending") -> list[dict[str, Any]]:
    """Hits from inspections and alerts from retroactive screening, for secondary officers and supervisors."""
    post = borderposts.get_post(border_post)
    hits = list(services.hits_for(request.user, border_post=post, status=None if status == "all" else status,
                                  token=token_of(request)))
    record_access(request, "api:list_hits", "hit", [h.pk for h in hits], [h.traveller_id for h in hits])
    return [hit_out(h) for h in hits]


class JudgementIn(Schema):
    status: Literal["match", "no_match", "unsure"]
    reason: str = Field(min_length=1, max_length=2000)


@router.post("/hits/{hit_id}/judgement", response=HitOut, summary="Judge a hit: match, no match or unsure")
def judge(request: HttpRequest, hit_id: UUID, payload: JudgementIn) -> dict[str, Any]:
    """A reason is required. A judgement decides nothing about the traveller: the officer still admits, refuses
    or refers. A "no match" is remembered for this traveller and entry and shown beside later hits."""
    hit = services.get_hit(hit_id)
    hit = services.judge_hit(request.user, hit, status=payload.status, reason=payload.reason,
                             token=token_of(request))
    return hit_out(services.get_hit(hit.id))
