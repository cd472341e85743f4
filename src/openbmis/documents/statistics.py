"""Fraud statistics: cases found at secondary, grouped, with the statistics app's small-cell protection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from openbmis.accounts import authz
from openbmis.core.errors import InvalidInput
from openbmis.documents.models import FRAUD_VERDICTS, Examination
from openbmis.statistics import queries

FRAUD_KEYS = ("month", "issuing_state", "document_code", "verdict", "border_post", "route", "nationality")
_FIELDS = {"border_post": "border_post__code", "month": "month"}


def parse_group_by(raw: str | Sequence[str] | None) -> list[str]:
    keys = [k.strip() for k in (raw.split(",") if isinstance(raw, str) else raw or []) if k.strip()]
    for key in keys:
        if key not in FRAUD_KEYS:
            raise InvalidInput(_("cannot group fraud cases by %(key)r; one of %(choices)s")
                               % {"key": key, "choices": ', '.join(FRAUD_KEYS)},
                               field="group_by", found=key)
    return keys or ["verdict"]


def fraud_cases(filters: queries.Filters, keys: Sequence[str]) -> queries.Table:
    """Examinations whose verdict is a fraud, in the filters' period and posts, counted by ``keys``."""
    rows = Examination.objects.filter(verdict__in=[str(v) for v in FRAUD_VERDICTS],
                                      examined_at__date__gte=filters.start, examined_at__date__lte=filters.end)
    if filters.posts:
        rows = rows.filter(border_post__in=[p.id for p in filters.posts])
    elif not isinstance(filters.scope, authz.AllPosts):
        rows = rows.filter(border_post__in=filters.scope)
    if filters.nationalities:
        rows = rows.filter(nationality__in=filters.nationalities)
    if filters.document_code:
        rows = rows.filter(document_code=filters.document_code)
    fields = [_FIELDS.get(k, k) for k in keys]
    grouped = rows.annotate(month=TruncMonth("examined_at")).values(*fields).annotate(count=Count("id"))
    table: list[tuple[dict[str, Any], dict[str, int]]] = []
    for row in grouped.order_by(*fields):
        key = {k: row[_FIELDS.get(k, k)] for k in keys}
        if "month" in key and key["month"] is not None:
            key["month"] = key["month"].strftime("%Y-%m")
        table.append((key, {"count": row["count"]}))
    return queries._suppress(filters, list(keys), ["count"], table)
