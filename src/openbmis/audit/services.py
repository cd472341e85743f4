"""The only write path into the audit trail, and its verification."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from openbmis.audit.chain import event_hash
from openbmis.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from openbmis.core import context
from openbmis.core.errors import InvalidInput

SYSTEM = "system"


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so that what is hashed is exactly what the database returns."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The model's concrete field values, for the before/after of an event."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"password"}:
            continue
        data[field.attname] = field.value_from_object(instance)
    return _jsonable(data)


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": str(event.id),
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "border_post_code": event.border_post_code,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "request_id": event.request_id,
    }


def record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str = "",
    object_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    border_post_code: str = "",
    reason: str = "",
) -> AuditEvent:
    """Append one event to the chain. Call it inside the transaction of the write it records."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = user.get_username() if user is not None else (actor if isinstance(actor, str) else SYSTEM)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor=user,
            actor_label=label[:150],
            action=action,
            object_type=object_type,
            object_id=str(object_id)[:64],
            object_label=object_label[:200],
            border_post_code=border_post_code,
            before=_jsonable(before),
            after=_jsonable(after),
            reason=reason,
            request_id=context.current_request_id() or "",
            prev_hash=head.last_hash,
        )
        event.hash = event_hash(event.prev_hash, _hashed_fields(event))
        event.save(force_insert=True)
        head.last_seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


def search_events(
    *,
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_label: str | None = None,
    border_post: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> models.QuerySet[AuditEvent]:
    """Events matching every filter given, newest first. A plain date bounds whole days (UTC)."""
    if since and until and since > until:
        raise InvalidInput("'from' is after 'to'", field="from")
    events = AuditEvent.objects.all()
    if actor:
        events = events.filter(actor_label=actor)
    if action:
        events = events.filter(action__startswith=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if object_label:
        events = events.filter(object_label__icontains=object_label)
    if border_post:
        events = events.filter(border_post_code=border_post.upper())
    if since:
        events = events.filter(at__gte=since) if isinstance(since, datetime) else events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__lte=until) if isinstance(until, datetime) else events.filter(at__date__lte=until)
    return events.order_by("-seq")


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    event_id: str | None
    kind: str  # altered, missing, broken_link, truncated, head_mismatch
    message: str


@dataclass(frozen=True)
class VerifyReport:
    checked: int
    problems: list[ChainProblem]
    head_seq: int
    head_hash: str
    verified_at: datetime

    @property
    def ok(self) -> bool:
        return not self.problems


def _iter_events(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify(progress: Any = None) -> VerifyReport:
    """Recompute the chain from the first event; report every event that does not fit.

    ``progress`` is an optional callable taking the number of events checked so far.
    """
    problems: list[ChainProblem] = []
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for event in _iter_events():
        if event.seq != expected_seq:
            missing = ", ".join(f"#{n}" for n in range(expected_seq, min(event.seq, expected_seq + 10)))
            more = " ..." if event.seq - expected_seq > 10 else ""
            problems.append(
                ChainProblem(expected_seq, None, "missing", f"event(s) {missing}{more} deleted before #{event.seq}")
            )
        if event.prev_hash != prev_hash:
            problems.append(
                ChainProblem(
                    event.seq, str(event.id), "broken_link",
                    f"event #{event.seq} ({event.id}) does not link to the event before it",
                )
            )
        computed = event_hash(event.prev_hash, _hashed_fields(event))
        if computed != event.hash:
            problems.append(
                ChainProblem(
                    event.seq, str(event.id), "altered",
                    f"event #{event.seq} ({event.id}, {event.action} {event.object_type}) was altered: "
                    f"stored hash {event.hash[:16]}..., recomputed {computed[:16]}...",
                )
            )
        prev_hash = event.hash
        expected_seq = event.seq + 1
        checked += 1
        if progress is not None:
            progress(checked)
    head = AuditHead.objects.filter(id=1).first()
    head_seq = head.last_seq if head else 0
    head_hash = head.last_hash if head else GENESIS_HASH
    if head_seq >= expected_seq:
        problems.append(
            ChainProblem(
                expected_seq, None, "truncated",
                f"event(s) #{expected_seq}..#{head_seq} deleted from the end of the chain",
            )
        )
    elif head_hash != prev_hash:
        problems.append(
            ChainProblem(head_seq, None, "head_mismatch", "the chain head does not match the last event")
        )
    return VerifyReport(checked, problems, head_seq, head_hash, timezone.now())
