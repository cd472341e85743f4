"""Visa policy rules: who needs a visa, for how long a stay, found by nationality, document and age."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TypedDict, Unpack
from uuid import UUID

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from openbmis import mrz, stay
from openbmis.accounts.actors import Actor
from openbmis.audit import services as audit
from openbmis.core.errors import InvalidInput, NotFound
from openbmis.core.validation import full_clean
from openbmis.permits.models import (
    ANY,
    VisaPolicyRule,
)

RULE_FIELDS = ("name", "nationality", "document_type", "max_age", "category", "stay_kind", "max_stay_days",
               "window_days", "valid_from", "valid_to", "note")


class RuleFields(TypedDict, total=False):
    """What a caller sets on a visa policy rule: ``RULE_FIELDS`` with their types."""

    name: str
    nationality: str
    document_type: str
    max_age: int
    category: str
    stay_kind: str
    max_stay_days: int | None
    window_days: int | None
    valid_from: date
    valid_to: date | None
    note: str


# --- visa policy rules ------------------------------------------------------------------------------

def _state(value: object, name: str, allow_any: bool = False) -> str:
    code = str(value or "").strip().upper()
    if allow_any and code == ANY:
        return code
    if mrz.lookup_state(code) is None:
        raise InvalidInput(_("%(name)s: unknown state code %(code)r")
                           % {"name": name, "code": code}, field=name)
    return code


def _period_label(start: date, end: date | None) -> str:
    return f"{start.isoformat()} to {end.isoformat() if end else 'open'}"


def _validate_rule(rule: VisaPolicyRule) -> None:
    rule.nationality = _state(rule.nationality, "nationality", allow_any=True)
    rule.document_type = (rule.document_type or ANY).strip().upper()
    if rule.document_type != ANY and not rule.document_type.isalpha():
        raise InvalidInput(_("document_type: expected an MRZ document code such as P or PD, or *, got %(document_type)r")
                           % {"document_type": rule.document_type}, field="document_type")
    if rule.valid_to is not None and rule.valid_from is not None and rule.valid_to < rule.valid_from:
        raise InvalidInput(_("rule %(name)r: effective until (%(valid_to)s) precedes effective from (%(valid_from)s)")
                           % {"name": rule.name, "valid_to": rule.valid_to, "valid_from": rule.valid_from}, field="valid_to")
    if rule.category != VisaPolicyRule.Category.REQUIRED and not rule.max_stay_days:
        raise InvalidInput(_("rule %(name)r: a %(category)s rule needs a maximum stay")
                           % {"name": rule.name, "category": rule.category}, field="max_stay_days")
    if rule.stay_kind == VisaPolicyRule.StayKind.ROLLING and rule.max_stay_days:
        if not rule.window_days or rule.window_days < rule.max_stay_days:
            raise InvalidInput(_("rule %(name)r: a rolling rule needs a window of at least the maximum stay")
                               % {"name": rule.name},
                               field="window_days")
    full_clean(rule)
    overlapping = VisaPolicyRule.objects.filter(
        nationality=rule.nationality, document_type=rule.document_type, max_age=rule.max_age,
    ).exclude(pk=rule.pk).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=rule.valid_from))
    if rule.valid_to is not None:
        overlapping = overlapping.filter(valid_from__lte=rule.valid_to)
    other = overlapping.first()
    if other is not None:
        raise InvalidInput(
            _("rule %(name)r (%(nationality)s/%(document_type)s, %(period_label)s) overlaps rule %(other_name)r (%(other_period)s) for the same nationality and document type")
            % {"name": rule.name, "nationality": rule.nationality, "document_type": rule.document_type, "period_label": _period_label(rule.valid_from, rule.valid_to), "other_name": other.name, "other_period": _period_label(other.valid_from, other.valid_to)},
            field="valid_from", rule=str(other.id),
        )


def create_rule(actor: Actor, **fields: Unpack[RuleFields]) -> VisaPolicyRule:
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise InvalidInput(_("unknown field(s): %(unknown)s")
                           % {"unknown": ', '.join(sorted(unknown))}, field=sorted(unknown)[0])
    rule = VisaPolicyRule(**fields)
    with transaction.atomic():
        _validate_rule(rule)
        rule.save()
        audit.record(actor=actor, action="visa_rule.create", object_type="visa_rule", object_id=str(rule.id),
                     object_label=rule.name, after=audit.snapshot(rule))
    return rule


def update_rule(actor: Actor, rule: VisaPolicyRule, **changes: Unpack[RuleFields]) -> VisaPolicyRule:
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise InvalidInput(_("unknown field(s): %(unknown)s")
                           % {"unknown": ', '.join(sorted(unknown))}, field=sorted(unknown)[0])
    before = audit.snapshot(rule)
    for name, value in changes.items():
        setattr(rule, name, value)
    with transaction.atomic():
        _validate_rule(rule)
        rule.save()
        audit.record(actor=actor, action="visa_rule.update", object_type="visa_rule", object_id=str(rule.id),
                     object_label=rule.name, before=before, after=audit.snapshot(rule))
    return rule


def get_rule(rule_id: UUID | str) -> VisaPolicyRule:
    rule = VisaPolicyRule.objects.filter(id=rule_id).first()
    if rule is None:
        raise NotFound(_("no visa policy rule %(rule_id)s") % {"rule_id": rule_id})
    return rule


def age_on(birth_date: date | None, day: date) -> int | None:
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def find_rule(nationality: str, document_code: str, day: date, birth_date: date | None = None) -> VisaPolicyRule | None:
    """The most specific rule in force on ``day``: nationality, then age limit, then document type."""
    code = (document_code or "").replace("<", "").upper()
    types = {code, code[:1], ANY} - {""}
    candidates = VisaPolicyRule.objects.filter(
        nationality__in=[nationality, ANY], document_type__in=types, valid_from__lte=day,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    return _most_specific(candidates, code, day, birth_date)


def _most_specific(candidates: Iterable[VisaPolicyRule], code: str, day: date, birth_date: date | None) -> VisaPolicyRule | None:
    """Among rules in force on ``day`` for the nationality and document type: the most specific one."""
    age = age_on(birth_date, day)
    best: tuple[tuple[int, int, int], VisaPolicyRule] | None = None
    for rule in candidates:
        if rule.max_age is not None and (age is None or age >= rule.max_age):
            continue
        doc_score = 2 if rule.document_type == code else 1 if rule.document_type != ANY else 0
        key = (int(rule.nationality != ANY), int(rule.max_age is not None), doc_score)
        if best is None or key > best[0]:
            best = (key, rule)
    return best[1] if best else None


def stay_rule(rule: VisaPolicyRule) -> stay.Rule | None:
    if not rule.max_stay_days:
        return None
    if rule.stay_kind == VisaPolicyRule.StayKind.ROLLING:
        return stay.RollingWindow(rule.max_stay_days, rule.window_days or rule.max_stay_days)
    return stay.FixedStay(rule.max_stay_days)
