"""Many arriving documents at once (pre-arrival screening): visas, permits, bans and stays in a few queries."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar
from uuid import UUID

from django.db.models import Count, Q

from openbmis.inspections.messages import Said
from openbmis.permits.models import (
    ANY,
    EntryBan,
    ResidencePermit,
    Visa,
    VisaPolicyRule,
    VisaUse,
)
from openbmis.permits.services.bans import _ban_matches
from openbmis.permits.services.registry import visa_problem
from openbmis.permits.services.rules import _most_specific
from openbmis.travellers.fields import DocumentFields
from openbmis.travellers.models import Traveller

# --- many arriving documents at once (pre-arrival screening) -----------------------------------------

_CHUNK = 500  # values in one IN (...): well under every database's limit of bound parameters


_Value = TypeVar("_Value")


def _chunks(values: Collection[_Value]) -> list[list[_Value]]:
    ordered = sorted(values, key=str)
    return [ordered[i:i + _CHUNK] for i in range(0, len(ordered), _CHUNK)]


@dataclass
class ArrivalLookups:
    """The permits, visas (with their entries used), visa policy rules and entry bans that can concern a set of
    arriving documents on one day, read in a handful of queries rather than several per person. Each method
    answers exactly what its single-document function answers (:func:`valid_permit`, :func:`find_rule`,
    :func:`find_visas` and :func:`visa_problem`, :func:`active_bans`); the counter's checkers use it when the
    pre-arrival screening hands it to them, and query one by one otherwise."""

    day: date
    rules: list[VisaPolicyRule] = field(default_factory=list)
    permits: dict[tuple[str, str], list[ResidencePermit]] = field(default_factory=dict)
    visas: dict[tuple[str, str], list[Visa]] = field(default_factory=dict)
    visa_uses: dict[UUID, int] = field(default_factory=dict)  # visa id -> entries used
    bans: list[EntryBan] = field(default_factory=list)

    def permit(self, nationality: str, passport_number: str) -> ResidencePermit | None:
        found = self.permits.get((nationality, passport_number.upper()), [])
        return max(found, key=lambda p: p.valid_until, default=None)

    def rule(self, nationality: str, document_code: str, birth_date: date | None = None) -> VisaPolicyRule | None:
        code = (document_code or "").replace("<", "").upper()
        types = {code, code[:1], ANY} - {""}
        candidates = [r for r in self.rules if r.nationality in (nationality, ANY) and r.document_type in types]
        return _most_specific(candidates, code, self.day, birth_date)

    def find_visas(self, nationality: str, passport_number: str) -> list[Visa]:
        return list(self.visas.get((nationality, passport_number.upper()), []))

    def visa_problem(self, visa: Visa, nationality: str) -> Said | None:
        return visa_problem(visa, self.day, nationality, used=self.visa_uses.get(visa.id, 0))

    def active_bans(self, *, traveller: Traveller | None, document: Mapping[str, object]) -> list[EntryBan]:
        return [b for b in self.bans if _ban_matches(b, traveller, document)]


def arrival_lookups(documents: list[DocumentFields], travellers: list[Traveller | None], day: date) -> ArrivalLookups:
    """Read at once what :class:`ArrivalLookups` needs for ``documents`` (the checkers' document dictionaries:
    ``nationality``, ``document_number``, ``primary_identifier``, ``birth_date``) and the travellers already
    known among them, arriving on ``day``."""
    out = ArrivalLookups(day=day)
    numbers = {str(d.get("document_number") or "").upper() for d in documents} - {""}
    nationalities = {str(d.get("nationality") or "") for d in documents}
    surnames = {str(d.get("primary_identifier") or "").upper() for d in documents if d.get("birth_date")}
    in_force = Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    out.rules = list(VisaPolicyRule.objects.filter(in_force, nationality__in=nationalities | {ANY},
                                                   valid_from__lte=day))
    for chunk in _chunks(numbers):
        for permit in ResidencePermit.objects.filter(passport_number__in=chunk, revoked=False, valid_from__lte=day,
                                                     valid_until__gte=day):
            out.permits.setdefault((permit.nationality, permit.passport_number), []).append(permit)
        for visa in Visa.objects.filter(passport_number__in=chunk).order_by("-valid_from"):
            out.visas.setdefault((visa.nationality, visa.passport_number), []).append(visa)
    limited = {v.id for found in out.visas.values() for v in found if v.allowed_entries is not None}
    for visa_ids in _chunks(limited):
        for row in VisaUse.objects.filter(visa_id__in=visa_ids).values("visa_id").annotate(n=Count("id")):
            out.visa_uses[row["visa_id"]] = row["n"]
    in_effect = EntryBan.objects.filter(lifted_at__isnull=True, starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day))
    traveller_ids = {t.id for t in travellers if t is not None}
    seen: set[UUID] = set()
    by_column: list[tuple[str, Collection[object]]] = [
        ("traveller_id__in", traveller_ids), ("document_number__in", numbers), ("surname__in", surnames)]
    for key, values in by_column:
        for some in _chunks(values):
            for ban in in_effect.filter(**{key: some}):
                if ban.id not in seen:
                    seen.add(ban.id)
                    out.bans.append(ban)
    return out
