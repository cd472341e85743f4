"""Retention: how long each record type is kept, what is deleted when, and the daily run that deletes it.

Two kinds of registration:

- a **rule** (:class:`Rule`) declares one record type's retention: the models it governs, the setting that gives
  its period, what the period counts from, and two functions: ``due(now)`` returns, per kind of row, the queryset
  of what would be deleted now (a dry run counts these and deletes nothing); ``delete(now)`` deletes exactly that
  and returns the counts. Rules are registered by :mod:`openbmis.retention` (docs/data-protection.md).
- a **purger** (older form, still used for records whose period is set elsewhere: each watchlist's own retention
  period, a node's housekeeping, acknowledged sync copies) takes the current instant and returns
  ``{"what": count}`` of the rows it deleted.

:func:`purge` runs every rule and every purger, each in its own transaction (one failure leaves the others' work
intact), and writes one audit event per rule (always, with the counts: the proof that retention ran) and one per
purger that deleted something. Counts only: never the deleted records' contents.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from openbmis.core.actors import Actor

log = logging.getLogger(__name__)

Purger = Callable[[datetime], dict[str, int]]
_PURGERS: dict[str, Purger] = {}
# Writes a purge's audit event: (actor, rule or purger name, what to record). Installed by the audit app when it
# is ready, so that core, which every app imports, imports none of them (docs/architecture.md, layers).
Recorder = Callable[[Actor, str, dict[str, Any]], None]
_recorder: Recorder | None = None


def set_recorder(recorder: Recorder) -> None:
    global _recorder
    _recorder = recorder


@dataclass(frozen=True)
class Due:
    """What a rule would delete now, for one kind of row: the queryset and the field that dates it."""

    what: str
    queryset: Any
    date_field: str


@dataclass(frozen=True)
class Rule:
    name: str  # the record type, e.g. "crossings"
    label: Any  # for people: a lazily translated string
    models: tuple[str, ...]  # the model labels ("inspections.Crossing") whose rows this rule deletes
    setting: str  # the Django setting holding the period in days ("" where the period is set elsewhere)
    counted_from: Any  # what the period counts from (a lazily translated string, shown on the retention page)
    due: Callable[[datetime], list[Due]] | None = None
    delete: Callable[[datetime], dict[str, int]] | None = None
    purger: str = ""  # where the rule is enforced by a registered purger instead of due/delete
    # At a border-post node a headquarters-only rule does nothing: the node's own housekeeping deletes its records
    # once headquarters acknowledged them (a rule there could delete what headquarters never received).
    hq_only: bool = True

    def applies(self) -> bool:
        from openbmis.core import installation

        return self.due is not None and (not self.hq_only or installation.is_hq())

    @property
    def days(self) -> int | None:
        return int(getattr(settings, self.setting)) if self.setting else None

    def cutoff(self, now: datetime) -> datetime:
        days = self.days
        if days is None:
            raise ValueError(f"retention rule {self.name!r} has no period of its own")
        return now - timedelta(days=days)


_RULES: dict[str, Rule] = {}

# Models that hold personal data but have no retention rule, each with the reason (listed on the retention page
# and checked by tests/retention/test_rules.py: a personal-data model is either governed by a rule or named here).
EXEMPT: dict[str, str] = {}


def register(name: str, purger: Purger) -> None:
    _PURGERS[name] = purger


def register_rule(rule: Rule) -> None:
    if rule.due is None and not rule.purger:
        raise ValueError(f"retention rule {rule.name!r}: give due/delete or the purger that enforces it")
    _RULES[rule.name] = rule


def exempt(model_label: str, reason: str) -> None:
    EXEMPT[model_label] = reason


def rules() -> list[Rule]:
    """In the order registered, which is the order the purge runs them: records that keep others (an entry ban
    keeps the refusal it follows) go first, so that what they kept goes in the same run."""
    return list(_RULES.values())


def governed_models() -> dict[str, str]:
    """{model label: the rule that governs it}."""
    return {model: rule.name for rule in rules() for model in rule.models}


@dataclass
class RuleReport:
    rule: Rule
    rows: list[dict[str, Any]] = field(default_factory=list)  # [{what, count, oldest}]

    @property
    def total(self) -> int:
        return sum(row["count"] for row in self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule.name, "label": str(self.rule.label), "models": list(self.rule.models),
                "days": self.rule.days, "setting": self.rule.setting, "counted_from": str(self.rule.counted_from),
                "enforced_by": self.rule.purger or ("" if self.rule.applies() else "node housekeeping"),
                "total": self.total,
                "rows": [{**row, "oldest": row["oldest"].isoformat() if row["oldest"] else None}
                         for row in self.rows]}


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value  # type: ignore[no-any-return]


def report(now: datetime | None = None) -> list[RuleReport]:
    """The dry run: per rule and kind of row, how many would be deleted now and the oldest one's date."""
    now = now or timezone.now()
    out = []
    for rule in rules():
        entry = RuleReport(rule)
        for due in (rule.due(now) if rule.due and rule.applies() else []):
            aggregate = due.queryset.aggregate(oldest=Min(due.date_field))
            entry.rows.append({"what": due.what, "count": due.queryset.count(), "oldest": _as_date(aggregate["oldest"])})
        out.append(entry)
    return out


def purge(actor: Actor = "retention-job", now: datetime | None = None) -> dict[str, dict[str, int]]:
    """Run every rule and purger; audit the counts. Returns {rule or purger name: {what: count}}."""
    if _recorder is None:
        raise RuntimeError("retention deletes only where the audit trail records it: the audit app is not ready")
    record = _recorder
    now = now or timezone.now()
    counts: dict[str, dict[str, int]] = {}
    for rule in rules():
        if rule.delete is None or not rule.applies():
            continue
        with transaction.atomic():
            counts[rule.name] = rule.delete(now)
            record(actor, rule.name, {"counts": counts[rule.name], "days": rule.days,
                                      "cutoff": rule.cutoff(now).date().isoformat()})
    for name in sorted(_PURGERS):
        with transaction.atomic():
            counts[name] = _PURGERS[name](now)
            if any(counts[name].values()):
                record(actor, name, counts[name])
    log.info("retention: %s", counts)
    return counts
