"""Applying a node's records at headquarters, a run at a time, in bulk.

A run is the stored records that follow the node's applied sequence without a gap. Within a run only the last
state of each record counts (an inspection opened and decided in the same run is inserted once, decided); new
rows go in with one ``bulk_create`` per model, rows headquarters already holds are updated one by one. Foreign
keys are checked at commit (deferred), so the order of models within a run does not matter, except for the
identities, which are applied first because a document may be folded into one headquarters already holds.

Conflict rules (docs/sync.md): records keep the node's ids, officers, posts and times; the same passport first
seen at two offline posts becomes one identity (:mod:`openbmis.network.identities`); of two judgements of one
hit, the later by headquarters' clock stands.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openbmis.audit import services as audit
from openbmis.core.errors import AccessDenied, Conflict, InvalidInput
from openbmis.inspections import signals as inspection_signals
from openbmis.network import capture, identities, records
from openbmis.network.identities import DOCUMENT, TRAVELLER, Fold
from openbmis.network.models import InboxRecord, Node, RecordAlias, RemoteAuditEvent

log = logging.getLogger(__name__)

CROSSING = "inspections.Crossing"
HIT = "watchlists.Hit"
JUDGEMENT_FIELDS = ("status", "reason", "judged_by_id", "judged_at")
RUN_LIMIT = 20000  # records applied in one transaction

Aliases = dict[tuple[str, str], str]


@dataclass
class PushResult:
    acked: list[int] = field(default_factory=list)
    applied_seq: int = 0
    applied: int = 0
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"acked": self.acked, "applied_seq": self.applied_seq, "applied": self.applied, "error": self.error}


def apply_pending(node: Node) -> PushResult:
    """Apply the stored records that follow the node's applied sequence without a gap, in its order."""
    result = PushResult()
    node.refresh_from_db()
    pending = list(InboxRecord.objects.filter(node=node, seq__gt=node.applied_seq, applied_at__isnull=True)
                   .order_by("seq")[:RUN_LIMIT])
    run: list[InboxRecord] = []
    expected = node.applied_seq + 1
    for row in pending:
        if row.seq != expected:
            break  # a gap: wait for the missing numbers (out-of-order delivery)
        run.append(row)
        expected += 1
    result.applied_seq = node.applied_seq
    if not run:
        return result
    aliases = {(a.model, a.from_id): a.to_id for a in RecordAlias.objects.all()}
    try:
        with transaction.atomic():
            _apply_run(node, run, dict(aliases))
        result.applied = len(run)
        result.applied_seq = run[-1].seq
        return result
    except Exception as exc:  # noqa: BLE001 - find the record that fails, apply what precedes it
        log.warning("network: run from node %s failed (%s); applying one by one", node.id, type(exc).__name__)
    done = 0
    for index, row in enumerate(run):
        try:
            with transaction.atomic():
                _apply_run(node, [row], aliases)
        except Exception as exc:  # noqa: BLE001 - kept on the record for the operator
            message = f"#{row.seq} {row.model} {row.record_id}: {type(exc).__name__}: {exc}"[:2000]
            InboxRecord.objects.filter(id=row.id).update(error=message)
            Node.objects.filter(id=node.id).update(last_error=message)
            result.error = message
            break
        done = index + 1
    result.applied = done
    result.applied_seq = run[done - 1].seq if done else node.applied_seq
    return result


def _apply_run(node: Node, run: list[InboxRecord], aliases: Aliases) -> None:
    now = timezone.now()
    _store_audit_events(node, [row for row in run if row.model == capture.AUDIT_EVENT])
    # The last state of each record, grouped by model in the order models first appear; identities first.
    groups: dict[str, dict[str, InboxRecord]] = {TRAVELLER: {}, DOCUMENT: {}}
    for row in run:
        if row.model != capture.AUDIT_EVENT:
            _model_sent_up(row)
            group = groups.setdefault(row.model, {})
            group.pop(row.record_id, None)
            group[row.record_id] = row
    try:
        for label, rows in groups.items():
            if rows:
                _apply_group(node, records.model_for(label), list(rows.values()), aliases)
    except IntegrityError as exc:
        raise Conflict(_("records #%(first)s..#%(last)s: %(error)s")
                       % {"first": run[0].seq, "last": run[-1].seq, "error": exc}) from exc
    if connection.vendor == "postgresql":
        # Deferred foreign keys: fail here, inside the run, rather than at commit (SQLite checks at commit).
        connection.check_constraints()
    InboxRecord.objects.filter(node=node, seq__gte=run[0].seq, seq__lte=run[-1].seq).update(applied_at=now, error="")
    Node.objects.filter(id=node.id).update(applied_seq=run[-1].seq, last_error="")
    audit.record(actor=audit.SYSTEM, action="network.apply", object_type="node", object_id=str(node.id),
                 object_label=node.border_post.code, border_post_code=node.border_post.code,
                 after={"from": run[0].seq, "to": run[-1].seq, "records": len(run)})


def _model_sent_up(row: InboxRecord) -> type[models.Model]:
    try:
        model = records.model_for(row.model)
    except (LookupError, ValueError):
        raise InvalidInput(_("#%(seq)s: unknown model %(model)r")
                           % {"seq": row.seq, "model": row.model}, field="model") from None
    if not capture.travels_up(model):
        raise AccessDenied(_("#%(seq)s: %(model)s is not sent by nodes")
                           % {"seq": row.seq, "model": row.model}, field="model")
    if row.op != "save":
        raise InvalidInput(_("#%(seq)s: unknown operation %(op)r") % {"seq": row.seq, "op": row.op}, field="op")
    return model


def _store_audit_events(node: Node, rows: list[InboxRecord]) -> None:
    """The node's audit events, kept as the node chained them (a repeat is ignored: unique on event id)."""
    events = []
    for row in rows:
        data = row.data
        try:
            events.append(RemoteAuditEvent(node=node, event_id=data["id"], seq=int(data["seq"]), at=data["at"],
                                           action=str(data.get("action", ""))[:64],
                                           prev_hash=data.get("prev_hash", ""), hash=data.get("hash", ""),
                                           data=data))
        except (KeyError, TypeError, ValueError):
            raise InvalidInput(_("#%(seq)s: an audit event needs id, seq and at")
                               % {"seq": row.seq}, field="data") from None
    RemoteAuditEvent.objects.bulk_create(events, batch_size=500, ignore_conflicts=True)


def _remap(model: type[models.Model], data: dict[str, Any], aliases: Aliases) -> dict[str, Any]:
    """The node's references to records headquarters folded, pointed at the records kept."""
    if not aliases:
        return data
    data = dict(data)
    for f in model._meta.concrete_fields:
        if f.is_relation and data.get(f.attname) is not None:
            target = aliases.get((f.related_model._meta.label, str(data[f.attname])))  # type: ignore[union-attr]
            if target is not None:
                data[f.attname] = target
    return data


def _stamped_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]


def _apply_group(node: Node, model: type[models.Model], rows: list[InboxRecord], aliases: Aliases) -> None:
    label = model._meta.label
    if label == DOCUMENT:
        _fold_new_documents(node, model, rows, aliases)
    instances: list[models.Model] = []
    for row in rows:
        if label == DOCUMENT and (label, row.record_id) in aliases:
            continue  # a folded document: the kept one stands for it
        data = _remap(model, row.data, aliases)
        if label == TRAVELLER and (label, row.record_id) in aliases:
            data = {**data, "merged_into_id": aliases[(label, row.record_id)]}  # stays folded whatever it says
        post_id = data.get("border_post_id")
        if post_id is not None and str(post_id) != str(node.border_post_id):
            raise AccessDenied(_("#%(seq)s: a %(label)s of another border post")
                               % {"seq": row.seq, "label": label}, field="border_post")
        instances.append(records.build(model, data))
    existing = {str(pk) for pk in model._default_manager.filter(pk__in=[i.pk for i in instances])
                .values_list("pk", flat=True)}
    new = [i for i in instances if str(i.pk) not in existing]
    _bulk_insert(model, new)
    for instance in instances:
        if str(instance.pk) in existing and not (label == HIT and _judgement_overruled(node, instance)):
            records.upsert(instance)
    if label == CROSSING:
        for crossing in new:
            # The same signal as a decision taken here: statistics days and presence follow.
            inspection_signals.crossing_recorded.send(sender=model, crossing=crossing)


def _fold_new_documents(node: Node, model: type[models.Model], rows: list[InboxRecord], aliases: Aliases) -> None:
    """Before the run's documents go in: fold each new one whose issuing state and number headquarters already
    holds under another id (one query for the run to find them)."""
    documents = [records.build(model, row.data) for row in rows if (DOCUMENT, row.record_id) not in aliases]
    ids = {str(pk) for pk in model._default_manager.filter(pk__in=[d.pk for d in documents])
           .values_list("pk", flat=True)}
    new = [d for d in documents if str(d.pk) not in ids]
    if not new:
        return
    held = set(model._default_manager.filter(number__in={d.number for d in new})  # type: ignore[attr-defined]
               .values_list("issuing_state", "number"))
    for document in new:
        if (document.issuing_state, document.number) in held:  # type: ignore[attr-defined]
            _fold_known_document(node, document, aliases)


def _bulk_insert(model: type[models.Model], new: list[models.Model]) -> None:
    """Insert with the values sent, even the fields Django stamps on insert (put back after)."""
    if not new:
        return
    stamped = _stamped_fields(model)
    sent = [{name: getattr(i, name) for name in stamped} for i in new]
    model._default_manager.bulk_create(new, batch_size=500)
    restore = [name for name in stamped if any(values[name] is not None for values in sent)]
    if restore:
        for instance, values in zip(new, sent, strict=True):
            for name in restore:
                if values[name] is not None:
                    setattr(instance, name, values[name])
        model._default_manager.bulk_update(new, restore, batch_size=500)


# --- conflicts -------------------------------------------------------------------------------------------------

def _alias(model: str, from_id: Any, to_id: Any, aliases: Aliases) -> None:
    RecordAlias.objects.update_or_create(model=model, from_id=str(from_id),
                                         defaults={"to_id": str(to_id), "at": timezone.now()})
    aliases[(model, str(from_id))] = str(to_id)


def _fold_known_document(node: Node, document: Any, aliases: Aliases) -> None:
    """The same passport first seen at two offline posts becomes one identity: the document made first (the
    earlier UUIDv7) and its identity are kept, the other folded into them (a system merge, audited, and sent down
    to the posts that hold the folded one). The folded ids are aliased to the kept ones, so the records that name
    them, in this run and later, are re-pointed as they are applied."""
    from openbmis.network import services
    from openbmis.travellers.models import TravelDocument, Traveller

    known = TravelDocument.objects.filter(issuing_state=document.issuing_state, number=document.number).first()
    if known is None:
        return
    node_wins = identities.earlier(document.pk, known.pk)
    if node_wins:
        fold = Fold(str(known.pk), str(document.pk), str(known.traveller_id), str(document.traveller_id))
        holders = _posts_holding(DOCUMENT, fold.document_from)
        identities.apply_fold(fold, {DOCUMENT: None, TRAVELLER: None})  # the node's rows are inserted by the run
    else:
        fold = Fold(str(document.pk), str(known.pk), str(document.traveller_id), str(known.traveller_id))
        holders = [node.border_post.code]
        if fold.traveller_from != fold.traveller_to:
            Traveller.objects.filter(pk=fold.traveller_from, merged_into__isnull=True).update(
                merged_into_id=fold.traveller_to)
    _alias(DOCUMENT, fold.document_from, fold.document_to, aliases)
    if fold.traveller_from != fold.traveller_to:
        _alias(TRAVELLER, fold.traveller_from, fold.traveller_to, aliases)
    audit.record(actor=audit.SYSTEM, action="traveller.merge", object_type="traveller",
                 object_id=fold.traveller_from, border_post_code=node.border_post.code,
                 after={"merged_into": fold.traveller_to, **fold.as_dict(), "sent_to": holders},
                 reason="the same document was first seen at two posts while offline; the one made first is kept")
    for post in holders:
        services.send_down_fold(post, fold, kept_document=None if node_wins else known,
                                kept_document_row=document if node_wins else None)


def _posts_holding(model: str, record_id: str) -> list[str]:
    """The posts whose nodes sent this record (they hold it and must follow a fold)."""
    return sorted(set(InboxRecord.objects.filter(model=model, record_id=record_id)
                      .values_list("node__border_post__code", flat=True)))


def _judgement_overruled(node: Node, incoming: Any) -> bool:
    """Of two judgements of one hit, the later by headquarters' clock stands (the node's time corrected by the
    clock skew measured at this exchange; the recorded time itself is never changed). True when the node's
    judgement is the earlier one: the hit keeps headquarters' judgement, both stay in the audit trails, and the
    standing judgement is sent down to the node."""
    from openbmis.network import services
    from openbmis.watchlists.models import Hit

    current = Hit.objects.filter(pk=incoming.pk).first()
    if current is None or current.judged_at is None or incoming.judged_at is None:
        return False
    if all(getattr(current, name) == getattr(incoming, name) for name in JUDGEMENT_FIELDS):
        return False
    if _last_sent_judged_at(node, str(incoming.pk)) == current.judged_at:
        return False  # the judgement standing is this node's own earlier one: its later one follows it
    skew = timedelta(seconds=node.clock_skew_seconds or 0)
    incoming_at_hq: datetime = incoming.judged_at - skew
    if incoming_at_hq >= current.judged_at:
        return False
    audit.record(actor=audit.SYSTEM, action="network.judgement_overruled", object_type="hit",
                 object_id=str(incoming.pk), border_post_code=node.border_post.code,
                 before={"status": incoming.status, "judged_at": incoming.judged_at,
                         "judged_at_hq_clock": incoming_at_hq, "judged_by": str(incoming.judged_by_id)},
                 after={"status": current.status, "judged_at": current.judged_at,
                        "judged_by": str(current.judged_by_id)},
                 reason="a later judgement of this hit was made at headquarters")
    services.send_down_record(node.border_post.code, current)
    return True


def _last_sent_judged_at(node: Node, hit_id: str) -> datetime | None:
    """When the judgement this node sent last (already applied) was made, by its clock."""
    row = (InboxRecord.objects.filter(node=node, model=HIT, record_id=hit_id, applied_at__isnull=False)
           .order_by("-seq").first())
    value = row.data.get("judged_at") if row is not None else None
    return datetime.fromisoformat(value) if value else None
