"""The only write path into the audit trail, and its verification."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from openbmis.audit import anchors, pseudonymise
from openbmis.audit.chain import CURRENT_SCHEME, SCHEME_HMAC, SCHEME_SHA256, hash_for_scheme, origin_key
from openbmis.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from openbmis.core import context
from openbmis.core.actors import Actor
from openbmis.core.errors import InvalidInput, NotFound
from openbmis.core.jsontypes import JSONObject, JSONValue

SYSTEM = "system"
log = logging.getLogger(__name__)


# --- the anchors kept outside the database (docs/adr/0003) -------------------------------------------

_master_keys: dict[Path, bytes] = {}
_keys_lock = threading.Lock()


def _path_setting(name: str) -> Path:
    return Path(str(getattr(settings, name)))


def origin() -> str:
    """Whose chain this installation writes: ``hq`` or ``bcp:CODE`` (OPENBMIS_INSTALLATION)."""
    return str(getattr(settings, "OPENBMIS_INSTALLATION", "hq"))


def chain_key(chain_origin: str | None = None, *, create: bool = True) -> bytes | None:
    """The HMAC key of an origin's chain, from the key file (made once when ``create``)."""
    path = _path_setting("OPENBMIS_AUDIT_KEY_FILE")
    with _keys_lock:
        master = _master_keys.get(path)
        if master is None:
            if not create and not path.exists():
                return None
            master = anchors.load_or_create_secret(path)
            _master_keys[path] = master
    return origin_key(master, chain_origin or origin())


_signing_keys: dict[Path, Ed25519PrivateKey] = {}


def _signing_key() -> Ed25519PrivateKey:
    path = _path_setting("OPENBMIS_AUDIT_SIGNING_KEY_FILE")
    with _keys_lock:
        if path not in _signing_keys:
            _signing_keys[path] = anchors.load_or_create_signing_key(path)
        return _signing_keys[path]


_checkpoint_lock = threading.Lock()


def checkpoint(kind: str = "head", *, sync: bool = True, committed: tuple[int, str] | None = None,
               ) -> anchors.Checkpoint | None:
    """Sign the committed head and append it to the checkpoint file; None when the chain is empty.

    ``kind="restore"`` after a restore from a backup: verification then compares the chain with the
    checkpoints from this one on (the events after the backup are gone, knowingly). ``committed`` is the
    (seq, hash) of an event known to be committed, signed instead of reading the head again.
    """
    with _checkpoint_lock:
        if committed is not None:
            seq, head_hash = committed
        else:
            head = AuditHead.objects.filter(id=1).first()
            if (head is None or head.last_seq == 0) and kind == "head":
                return None
            seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
        at = timezone.now().astimezone(UTC).isoformat(timespec="microseconds")
        line = anchors.sign_line(_signing_key(), origin=origin(), seq=seq, hash=head_hash, at=at, kind=kind)
        # explicit and restore checkpoints are flushed to disk; those after each commit are not (ADR 0003)
        anchors.append(_path_setting("OPENBMIS_AUDIT_CHECKPOINT_FILE"), line, sync=sync)
        return anchors.Checkpoint(origin(), seq, head_hash, at, 0, kind)


def _checkpoint_after_commit(seq: int, event_hash: str) -> None:
    """One checkpoint per committed transaction: only the callback of its last event writes one.

    It signs that event, which the commit has just made part of the chain: a concurrent commit may have moved
    the head further, and verification keeps the highest checkpoint whatever the order of the lines."""
    if getattr(connection, "_audit_last_recorded_seq", None) != seq:
        return
    try:
        checkpoint(sync=False, committed=(seq, event_hash))
    except Exception:  # the write is committed; a missed checkpoint only widens the unanchored window
        log.exception("audit checkpoint could not be written")


def _jsonable(value: object) -> JSONValue:
    """Round-trip through JSON so that what is hashed is exactly what the database returns."""
    if value is None:
        return None
    decoded: JSONValue = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return decoded


def snapshot(instance: models.Model, fields: list[str] | None = None) -> JSONObject:
    """The model's concrete field values, for the before/after of an event."""
    data: dict[str, object] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"password"}:
            continue
        data[field.attname] = field.value_from_object(instance)
    decoded = _jsonable(data)
    assert isinstance(decoded, dict)  # a dict of fields stays a dict through JSON
    return decoded


def _hashed_fields(event: AuditEvent) -> dict[str, object]:
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
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str = "",
    object_label: str = "",
    before: Mapping[str, object] | None = None,
    after: Mapping[str, object] | None = None,
    border_post_code: str = "",
    reason: str = "",
) -> AuditEvent:
    """Append one event to the chain. Call it inside the transaction of the write it records.

    People are named by pseudonymous references only: whatever the caller passes goes through
    :func:`openbmis.audit.pseudonymise.scrub_event` first (traveller ids become references, names, document
    numbers and birth dates keyed tags, machine readable zones are removed from free text).
    """
    object_id, object_label, before, after, reason = pseudonymise.scrub_event(
        object_type, str(object_id), object_label, _jsonable(before), _jsonable(after), reason)
    user = actor if isinstance(actor, AbstractBaseUser) else None  # a signed-in user; not the system nor anonymous
    label = user.get_username() if user is not None else (actor if isinstance(actor, str) else SYSTEM)
    # No savepoint: an event that cannot be written must take the caller's whole write down with it, so there is
    # nothing to roll back to; this saves two round trips on every audited write.
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor_id=user.pk if user is not None else None,  # core cannot name the concrete user model
            actor_label=label[:150],
            action=action,
            object_type=object_type,
            object_id=str(object_id)[:64],
            object_label=object_label[:200],
            border_post_code=border_post_code,
            before=before,
            after=after,
            reason=reason,
            request_id=context.current_request_id() or "",
            prev_hash=head.last_hash,
            scheme=CURRENT_SCHEME,
        )
        event.hash = hash_for_scheme(event.scheme, chain_key(), event.prev_hash, _hashed_fields(event))
        event.save(force_insert=True)
        head.last_seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["last_seq", "last_hash"])
        seq, event_hash = event.seq, event.hash
        connection._audit_last_recorded_seq = seq  # type: ignore[attr-defined]
        transaction.on_commit(lambda: _checkpoint_after_commit(seq, event_hash), robust=True)
    return event


def get_event(event_id: UUID | str) -> AuditEvent:
    """One event by id; NotFound names it."""
    try:
        return AuditEvent.objects.get(id=event_id)
    except (AuditEvent.DoesNotExist, ValueError, ValidationError):
        raise NotFound(gettext("no audit event %(event_id)s") % {"event_id": event_id}, field="id") from None


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
        raise InvalidInput(gettext("'from' is after 'to'"), field="from")
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
    kind: str  # altered, missing, broken_link, truncated, head_mismatch, downgraded, no_key, rewound,
    #            rewritten, checkpoint_invalid
    message: str


@dataclass(frozen=True)
class VerifyReport:
    checked: int
    problems: list[ChainProblem]
    head_seq: int
    head_hash: str
    verified_at: datetime
    anchored_seq: int = 0  # the highest seq a valid signed checkpoint vouches for (0: none)
    anchored_at: str = ""
    checkpoints: int = 0  # valid checkpoints of this origin read from the file

    @property
    def ok(self) -> bool:
        return not self.problems


def _iter_events(batch: int = 2000, using: str = "default") -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.using(using).filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify(
    progress: Callable[[int], object] | None = None, *, checkpoint_file: Path | None = None, public_key_file: Path | None = None,
    using: str = "default", anchored: bool = True,
) -> VerifyReport:
    """Recompute the chain from the first event; report every event that does not fit, then compare
    the chain with the newest signed checkpoint of its head kept outside the database.

    ``progress`` is an optional callable taking the number of events checked so far. The checkpoint
    file and the public key default to the configured ones; an auditor may pass a copy kept elsewhere.
    ``using``: the database alias (a backup being checked); ``anchored=False`` checks the chain alone
    (a backup is older than the newest checkpoints by design).
    """
    problems: list[ChainProblem] = []
    chain_origin = origin()
    key = chain_key(chain_origin, create=False)
    latest, bad_lines, valid = (
        _read_checkpoints(chain_origin, checkpoint_file, public_key_file) if anchored else (None, [], 0)
    )
    for bad in bad_lines:
        problems.append(ChainProblem(0, None, "checkpoint_invalid", f"checkpoint file line {bad.line}: {bad.reason}"))
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    keyed_since: int | None = None
    key_missing_reported = False
    anchored_hash: str | None = None
    for event in _iter_events(using=using):
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
        if event.scheme == SCHEME_HMAC and keyed_since is None:
            keyed_since = event.seq
        if event.scheme == SCHEME_SHA256 and keyed_since is not None:
            problems.append(
                ChainProblem(
                    event.seq, str(event.id), "downgraded",
                    f"event #{event.seq} ({event.id}) carries the unkeyed hash after the keyed chain began "
                    f"at #{keyed_since}: it was not written by the application",
                )
            )
        if event.scheme == SCHEME_HMAC and key is None:
            if not key_missing_reported:
                problems.append(
                    ChainProblem(event.seq, None, "no_key",
                                 "the audit chain key file is missing: keyed events cannot be checked "
                                 "(OPENBMIS_AUDIT_KEY_FILE)")
                )
                key_missing_reported = True
        else:
            try:
                computed = hash_for_scheme(event.scheme, key, event.prev_hash, _hashed_fields(event))
            except ValueError:
                computed = ""
            if computed != event.hash:
                problems.append(
                    ChainProblem(
                        event.seq, str(event.id), "altered",
                        f"event #{event.seq} ({event.id}, {event.action} {event.object_type}) was altered: "
                        f"stored hash {event.hash[:16]}..., recomputed {computed[:16]}...",
                    )
                )
        if latest is not None and event.seq == latest.seq:
            anchored_hash = event.hash
        prev_hash = event.hash
        expected_seq = event.seq + 1
        checked += 1
        if progress is not None:
            progress(checked)
    head = AuditHead.objects.using(using).filter(id=1).first()
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
    if latest is not None:
        if latest.seq >= expected_seq:
            problems.append(
                ChainProblem(
                    latest.seq, None, "rewound",
                    f"the chain ends at #{expected_seq - 1} but the signed checkpoint of {latest.at} "
                    f"(line {latest.line}) saw it reach #{latest.seq}: events were removed and the head rewound",
                )
            )
        elif anchored_hash != latest.hash:
            problems.append(
                ChainProblem(
                    latest.seq, None, "rewritten",
                    f"event #{latest.seq} does not match the signed checkpoint of {latest.at} "
                    f"(line {latest.line}): the chain up to #{latest.seq} was rewritten",
                )
            )
    return VerifyReport(
        checked, problems, head_seq, head_hash, timezone.now(),
        anchored_seq=latest.seq if latest else 0, anchored_at=latest.at if latest else "", checkpoints=valid,
    )


def _read_checkpoints(
    chain_origin: str, checkpoint_file: Path | None, public_key_file: Path | None,
) -> tuple[anchors.Checkpoint | None, list[anchors.BadLine], int]:
    """The newest valid checkpoint of this origin, the lines that are not valid checkpoints, and the
    number of valid ones. An incomplete last line (a crash while appending) is not held against the chain."""
    path = Path(checkpoint_file) if checkpoint_file else _path_setting("OPENBMIS_AUDIT_CHECKPOINT_FILE")
    if not path.exists():
        return None, [], 0
    public_path = Path(public_key_file) if public_key_file else anchors.public_key_path(
        _path_setting("OPENBMIS_AUDIT_SIGNING_KEY_FILE")
    )
    if not public_path.exists():
        return None, [anchors.BadLine(0, f"no public key at {public_path} to check the checkpoints")], 0
    latest: anchors.Checkpoint | None = None
    bad: list[anchors.BadLine] = []
    valid = 0
    for item in anchors.read(path, anchors.load_public_key(public_path)):
        if isinstance(item, anchors.BadLine):
            if item.reason != "incomplete last line":
                bad.append(item)
            continue
        if item.origin != chain_origin:
            continue
        valid += 1
        if item.kind == "restore":
            latest = item  # a signed restore: the checkpoints before it saw a chain that was knowingly replaced
        elif latest is None or item.seq > latest.seq:
            latest = item
    return latest, bad, valid
