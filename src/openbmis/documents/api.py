"""``POST /api/documents/mrz``: the MRZ library's reading, plus the document checks, as JSON."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from openbmis import mrz
from openbmis.accounts import authz
from openbmis.accounts.api_auth import token_of
from openbmis.core.errors import InvalidInput
from openbmis.core.pii import short_hash

router = Router(tags=["documents"])
log = logging.getLogger(__name__)


class MRZIn(Schema):
    mrz: str = Field(min_length=1, max_length=400, description="the MRZ as typed by a reader or pasted: any line breaks")
    repair: bool = Field(default=True, description="try check-digit-verified OCR-confusion repairs")
    expiring_within_days: int = Field(default=90, ge=0, le=3650)


@router.post(
    "/mrz",
    summary="Read an MRZ: fields, check digits, structured errors, corrections and document checks",
    response=dict[str, Any],
)
def read_mrz(request: HttpRequest, payload: MRZIn) -> dict[str, Any]:
    """Returns the same object as `openbmis mrz parse`, plus `document_checks` as of today.

    An MRZ with wrong check digits is still read (200, `valid: false`, each error naming the field,
    the expected and the found value); input that is no MRZ at all is a 422 naming the problem.
    """
    authz.require(request.user, "documents.check", token=token_of(request))
    today = timezone.localdate()
    try:
        result = mrz.parse(payload.mrz, today=today, repair=payload.repair)
    except mrz.MRZError as exc:
        log.info("mrz rejected input=%s reason=%s", short_hash(payload.mrz), type(exc).__name__)
        raise InvalidInput(str(exc), field="mrz") from None
    data = result.to_dict()
    checks = mrz.check_document(result, today, expiring_within_days=payload.expiring_within_days)
    data["document_checks"] = [check.to_dict() for check in checks]
    return data
