"""``POST /api/documents/chip``: passive authentication of the files a chip reader read at the counter.

The reader application sends EF.SOD and the data groups in base64; the handler decodes them (a bad file is a
422 naming ``sod`` or ``data_groups.N``), verifies them against the stored trust store, stores a
:class:`~openbmis.trust.models.ChipVerification` (with the DG2 face image) and returns the step-by-step report.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from openbmis.accounts import authz
from openbmis.accounts.api_auth import token_of
from openbmis.core.errors import InvalidInput
from openbmis.inspections import services as inspections
from openbmis.trust import services

router = Router(tags=["documents"])

# Base64 of the largest file a reader sends here (DG2 with a high-resolution face is ~100 KB).
MAX_FILE_B64 = 1_400_000


class ChipIn(Schema):
    sod: str | None = Field(default=None, max_length=MAX_FILE_B64,
                            description="EF.SOD, base64; absent (with no data groups) when the document has no "
                                        "chip or it could not be read")
    data_groups: dict[str, str] = Field(default_factory=dict,
                                        description='data group number -> file, base64: {"1": "...", "2": "..."}')
    mrz: str | None = Field(default=None, max_length=400, description="the MRZ read from the data page, "
                                                                       "compared with DG1")
    inspection_id: UUID | None = Field(default=None, description="the inspection this read belongs to")
    at: datetime | None = Field(
        default=None,
        description="pin the validation instant (ISO 8601; naive = UTC), e.g. to verify specimens whose "
                    "certificates have expired; refused together with inspection_id",
    )


def _decode(value: str, field: str) -> bytes:
    try:
        return base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(_("%(field)s: not valid base64") % {"field": field}, field=field) from None


@router.post(
    "/chip",
    summary="Verify a chip read (passive authentication) and record the result",
    response={201: dict[str, Any]},
)
def verify_chip(request: HttpRequest, payload: ChipIn) -> Status[dict[str, Any]]:
    """Returns `{"id", "status", "failed_step", "valid", "steps", "data_groups", "signer", "errors",
    "trust_anchor", "chain", "photo"}`.

    `status` is `verified`, `failed` (with `failed_step`), `unknown_csca` (the issuer is not in the trust
    store) or `no_chip_data` (no EF.SOD and no data group sent). A file that is not base64 or cannot be
    parsed is a 422 naming `sod` or `data_groups.N`.
    """
    authz.require(request.user, "documents.check", token=token_of(request))
    inspection = None
    mrz_text = payload.mrz
    if payload.at is not None and payload.inspection_id is not None:
        raise InvalidInput(_("'at' (a pinned validation time) cannot be used for a verification attached to an "
                           "inspection: a live inspection is checked as of now"), field="at")
    if payload.inspection_id is not None:
        # The read belongs to an inspection: the caller must be able to work at its post, and the
        # chip's DG1 is compared with the MRZ read from the data page unless another one is sent.
        inspection = inspections.get_inspection(request.user, payload.inspection_id, token_of(request))
        authz.require(request.user, "documents.check", inspection.border_post, token=token_of(request))
        mrz_text = mrz_text or inspection.mrz or None
    sod = _decode(payload.sod, "sod") if payload.sod else None
    groups: dict[int, bytes] = {}
    for key, value in payload.data_groups.items():
        field = f"data_groups.{key}"
        if not key.isdigit() or not 1 <= int(key) <= 16:
            raise InvalidInput(_("%(field)s: data group numbers are 1 to 16") % {"field": field}, field=field)
        if len(value) > MAX_FILE_B64:
            raise InvalidInput(_("%(field)s: larger than %(limit)s base64 characters")
                               % {"field": field, "limit": MAX_FILE_B64}, field=field)
        groups[int(key)] = _decode(value, field)
    record, report = services.verify_chip(
        request.user, sod=sod, data_groups=groups, mrz=mrz_text, inspection_id=payload.inspection_id,
        at=payload.at,
    )
    if inspection is not None:
        inspections.record_chip_check(request.user, inspection, record)
    photo = services.photo_base64(record)
    return Status(201, {
        "id": str(record.id),
        "status": record.status,
        "failed_step": record.failed_step or None,
        "inspection_id": str(record.inspection_id) if record.inspection_id else None,
        "validated_at": record.validated_at.isoformat(),
        **report,
        "photo": {"mime_type": record.photo_mime_type, "data": photo} if photo else None,
    })
