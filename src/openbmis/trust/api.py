"""Trust-store endpoints: list entries and imports (administrators), import a file."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from openbmis.accounts import authz
from openbmis.accounts.api_auth import token_of
from openbmis.core.errors import InvalidInput
from openbmis.trust import services
from openbmis.trust.models import TrustEntry, TrustImport

router = Router(tags=["trust store"])


class EntryOut(Schema):
    id: str
    kind: str
    status: str
    subject: str
    issuer: str
    serial: str
    country: str
    not_before: datetime | None
    not_after: datetime | None
    fingerprint: str
    note: str
    status_reason: str


class ImportIn(Schema):
    file_name: str = Field(min_length=1, max_length=255, description="decides the importer with the content "
                                                                      "(.ldif, .ml, .crl, .pem/.cer/.der)")
    content: str = Field(min_length=1, description="the file, base64 (bodies are limited to Django's "
                                                   "DATA_UPLOAD_MAX_MEMORY_SIZE; use the CLI for PKD LDIF files)")
    pin_signers: bool = Field(False, description="trust document signer certificates that are not CAs on their own "
                                                 "(pinned): they are then not checked against their CSCA")


class ImportOut(Schema):
    id: str
    at: datetime
    actor: str
    channel: str
    file_name: str
    file_sha256: str
    added_count: int
    rejected_count: int
    report: dict[str, Any]


def _entry(entry: TrustEntry) -> EntryOut:
    return EntryOut(
        id=str(entry.id), kind=entry.kind, status=entry.status, subject=entry.subject, issuer=entry.issuer,
        serial=entry.serial, country=entry.country, not_before=entry.not_before, not_after=entry.not_after,
        fingerprint=entry.fingerprint, note=entry.note, status_reason=entry.status_reason,
    )


def _import(record: TrustImport) -> ImportOut:
    return ImportOut(
        id=str(record.id), at=record.at, actor=record.actor_label, channel=record.channel,
        file_name=record.file_name, file_sha256=record.file_sha256, added_count=record.added_count,
        rejected_count=record.rejected_count, report=record.report,
    )


@router.get("/entries", response=list[EntryOut], summary="Trust-store entries (CSCAs, link certificates, DSCs, CRLs, "
                                                         "master lists)")
def list_entries(
    request: HttpRequest, kind: str | None = None, status: str | None = None, country: str | None = None
) -> list[EntryOut]:
    authz.require(request.user, "trust.view", token=token_of(request))
    entries = TrustEntry.objects.defer("der")
    if kind:
        entries = entries.filter(kind=kind)
    if status:
        entries = entries.filter(status=status)
    if country:
        entries = entries.filter(country=country.upper())
    return [_entry(entry) for entry in entries]


@router.get("/imports", response=list[ImportOut], summary="Import history, newest first")
def list_imports(request: HttpRequest) -> list[ImportOut]:
    authz.require(request.user, "trust.view", token=token_of(request))
    return [_import(record) for record in TrustImport.objects.all()[:200]]


@router.post("/imports", response={201: ImportOut}, summary="Import a CSCA/CRL/master list/LDIF file (administrators)")
def import_file(request: HttpRequest, payload: ImportIn) -> Status[ImportOut]:
    """Returns the import with its report: every item added and every item rejected, with the reason."""
    authz.require(request.user, "trust.manage", token=token_of(request))
    try:
        data = base64.b64decode(payload.content, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(_("content is not valid base64"), field="content") from None
    record = services.import_file(request.user, file_name=payload.file_name, data=data, channel="api",
                                  pin_signers=payload.pin_signers)
    return Status(201, _import(record))
