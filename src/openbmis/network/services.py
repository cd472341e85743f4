"""The write path of the network, at headquarters: enrolment codes, nodes, the inbox and the feed.

The node's side (enrolling, pushing its outbox, pulling the feed) is in :mod:`openbmis.network.client`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict, cast
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from openbmis.accounts.actors import Actor
from openbmis.audit import services as audit
from openbmis.borderposts import services as borderposts
from openbmis.core import installation
from openbmis.core.errors import AccessDenied, Conflict, InvalidInput, NotFound
from openbmis.core.pii import short_hash
from openbmis.network import capture, identities, records, signing
from openbmis.network.identities import Fold
from openbmis.network.inbox import PushResult, apply_pending
from openbmis.network.models import (
    EnrolmentCode,
    FeedChange,
    InboxRecord,
    KeyPair,
    Node,
    OutboxRecord,
    RemoteAuditEvent,
    SequenceHead,
)

if TYPE_CHECKING:
    from openbmis.inspections.check_details import (
        EntryBanDetails,
        StayDetails,
        StolenLostDetails,
        VisaDetails,
        WatchlistDetails,
    )
    from openbmis.inspections.checks import Check

    ListsAnswered = WatchlistDetails | StolenLostDetails | VisaDetails | StayDetails | EntryBanDetails
    from openbmis.travellers.models import TravelDocument

log = logging.getLogger(__name__)

CODE_VALID_FOR = timedelta(hours=24)
MAX_BATCH = 1000  # records in one push
MAX_PAGE = 2000  # changes in one pull
STALE_AFTER = timedelta(hours=1)


class FeedChangeRow(TypedDict):
    """One change of the feed as a node pulls it (``GET /network/changes``)."""

    version: int
    model: str  # app_label.Model
    id: str
    op: str  # save, delete or fold
    data: dict[str, object]  # the whole row by column name (a fold: the fold and the kept rows)


class NodeRow(TypedDict):
    """A node as the operator sees it: the API's node list and ``openbmis node list``."""

    id: str
    border_post: str
    status: str
    enrolled_at: datetime
    last_contact_at: datetime | None
    stale: bool
    backlog: int
    received_seq: int
    applied_seq: int
    unapplied: int
    feed_version: int
    feed_head: int
    software_version: str
    clock_skew_seconds: float | None
    last_error: str


class TableChecksum(TypedDict):
    count: int
    sha256: str


class ChainChecksum(TypedDict):
    """The audit chain: its length and the last hash of each chain (one per node at headquarters)."""

    count: int
    heads: list[str]


def own_key() -> KeyPair:
    """This installation's key pair, made on first use."""
    key = KeyPair.objects.filter(id=1).first()
    if key is None:
        private, public = signing.new_key_pair()
        KeyPair.objects.get_or_create(id=1, defaults={"private_key": private, "public_key": public})
        key = KeyPair.objects.get(id=1)
    return key


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


# --- the feed (headquarters) ----------------------------------------------------------------------------------

def seed_feed() -> int:
    """Open the feed: publish every reference row that exists (once); later changes are published as made."""
    with transaction.atomic():
        if SequenceHead.objects.filter(name="feed").exists():
            return 0
        SequenceHead.objects.create(name="feed")
        capture._feed_open = True
        count = 0
        for label in capture.PUBLISHED:
            model = records.model_for(label)
            for row in model._default_manager.order_by("pk").iterator(chunk_size=2000):
                capture.publish(row)
                count += 1
        audit.record(actor=audit.SYSTEM, action="network.feed_open", object_type="network",
                     after={"changes": count})
    return count


def changes_since(version: int, limit: int = MAX_PAGE, post_code: str = "") -> tuple[list[FeedChangeRow], int]:
    """Changes after ``version`` (at most ``limit``) for the node of ``post_code`` (the changes for every node
    and those sent to its post alone), and the newest version published."""
    limit = max(1, min(limit, MAX_PAGE))
    rows = list(FeedChange.objects.filter(version__gt=version).filter(Q(to_post="") | Q(to_post=post_code))
                .order_by("version")[:limit])
    head = SequenceHead.objects.filter(name="feed").values_list("last", flat=True).first() or 0
    return [{"version": r.version, "model": r.model, "id": r.record_id, "op": r.op, "data": r.data}
            for r in rows], head


# --- enrolment (headquarters) ---------------------------------------------------------------------------------

def issue_enrolment_code(actor: Actor, post_code: str, now: datetime | None = None) -> str:
    """A one-time code with which a node for ``post_code`` enrols (valid 24 hours); only its hash is kept."""
    installation.require_hq("issuing an enrolment code")
    post = borderposts.get_post(post_code)
    now = now or timezone.now()
    code = secrets.token_urlsafe(18)
    while code.startswith("-"):  # `openbmis node enrol --code -abc` would read it as an option
        code = secrets.token_urlsafe(18)
    seed_feed()
    own_key()
    with transaction.atomic():
        record = EnrolmentCode.objects.create(border_post=post, code_hash=_code_hash(code),
                                              issued_by=str(getattr(actor, "username", actor))[:150],
                                              issued_at=now, expires_at=now + CODE_VALID_FOR)
        audit.record(actor=actor, action="network.code_issue", object_type="enrolment_code",
                     object_id=str(record.id), object_label=post.code, border_post_code=post.code,
                     after={"expires_at": record.expires_at})
    return code


def enrol(code: str, *, border_post: str, public_key: str, software_version: str = "") -> Node:
    """Register a node's public key against a valid, unused code for its post."""
    installation.require_hq("enrolling a node")
    if not signing.valid_public_key(public_key):
        raise InvalidInput(gettext("public_key: not a base64 Ed25519 public key"), field="public_key")
    now = timezone.now()
    with transaction.atomic():
        record = (EnrolmentCode.objects.select_for_update().select_related("border_post")
                  .filter(code_hash=_code_hash(code)).first())
        if record is None or record.used_at is not None or record.expires_at <= now:
            raise AccessDenied(gettext("this enrolment code is unknown, used or expired"), field="code")
        if record.border_post.code != border_post.strip().upper():
            raise AccessDenied(gettext("this enrolment code is for %(code)s, not %(border_post)r")
                               % {"code": record.border_post.code, "border_post": border_post},
                               field="border_post")
        if Node.objects.filter(public_key=public_key).exists():
            raise Conflict(gettext("this key is already enrolled"), field="public_key")
        node = Node.objects.create(border_post=record.border_post, public_key=public_key, enrolled_at=now,
                                   software_version=software_version[:32])
        record.used_at = now
        record.node = node
        record.save(update_fields=["used_at", "node"])
        audit.record(actor=audit.SYSTEM, action="network.enrol", object_type="node", object_id=str(node.id),
                     object_label=record.border_post.code, border_post_code=record.border_post.code,
                     after={"public_key": short_hash(public_key), "code": str(record.id)})
    return node


def revoke(actor: Actor, node: Node, reason: str) -> Node:
    installation.require_hq("revoking a node")
    if not reason.strip():
        raise InvalidInput(gettext("a reason is required"), field="reason")
    if node.status == Node.Status.REVOKED:
        raise Conflict(gettext("this node is already revoked"))
    with transaction.atomic():
        node.status = Node.Status.REVOKED
        node.revoked_at = timezone.now()
        node.save(update_fields=["status", "revoked_at"])
        audit.record(actor=actor, action="network.revoke", object_type="node", object_id=str(node.id),
                     object_label=node.border_post.code, border_post_code=node.border_post.code, reason=reason)
    return node


def get_node(node_id: UUID | str) -> Node:
    try:
        return Node.objects.select_related("border_post").get(id=node_id)
    except (Node.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound(gettext("no node %(node_id)r") % {"node_id": node_id}, field="node") from None


def authenticate(node_id: str, method: str, path: str, at: str, body: bytes, signature: str) -> Node:
    """The node that signed this request; AccessDenied when the node, its state or the signature is wrong."""
    try:
        node = Node.objects.select_related("border_post").get(id=node_id)
    except (Node.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise AccessDenied(gettext("unknown node"), field="node") from None
    if not signing.verify(node.public_key, signing.request_message(method, path, at, body), signature):
        log.warning("network: refused a request with a bad signature for node %s", node.id)
        raise AccessDenied(gettext("the signature does not match this node's key"), field="signature")
    if node.status != Node.Status.ACTIVE:
        raise AccessDenied(gettext("this node has been revoked at headquarters"), field="node")
    return node


def note_contact(node: Node, node_time: str, **reported: str | int | None) -> None:
    """Record the exchange: last contact and clock skew (measured, shown, never used to restamp a time)."""
    now = timezone.now()
    skew = None
    try:
        skew = (datetime.fromisoformat(node_time) - now).total_seconds()
    except (TypeError, ValueError):
        pass
    values: dict[str, object] = {"last_contact_at": now, "clock_skew_seconds": skew}
    for name in ("software_version", "node_backlog", "feed_version"):
        if reported.get(name) is not None:
            values[name] = reported[name]
    Node.objects.filter(id=node.id).update(**values)


# --- the inbox (headquarters) ---------------------------------------------------------------------------------

def receive(node: Node, batch: Sequence[Mapping[str, object]]) -> PushResult:
    """Store a batch (idempotent on node + sequence), then apply what follows the node's applied sequence."""
    if len(batch) > MAX_BATCH:
        raise InvalidInput(gettext("a batch holds at most %(limit)d records, got %(count)d")
                           % {"limit": MAX_BATCH, "count": len(batch)}, field="records")
    now = timezone.now()
    seqs: list[int] = []
    rows: list[InboxRecord] = []
    for item in batch:
        try:
            raw_seq = item["seq"]
            if not isinstance(raw_seq, int | float | str):  # what int() refuses with a TypeError
                raise TypeError(type(raw_seq).__name__)
            seq = int(raw_seq)
            model, record_id, data = str(item["model"]), str(item["id"]), item["data"]
        except (KeyError, TypeError, ValueError):
            raise InvalidInput(gettext("each record needs seq, model, id and data"), field="records") from None
        if seq < 1 or not isinstance(data, dict):
            raise InvalidInput(gettext("record #%(seq)s: bad sequence or data") % {"seq": seq}, field="records")
        seqs.append(seq)
        rows.append(InboxRecord(node=node, seq=seq, model=model[:100], record_id=record_id[:64],
                                op=str(item.get("op", "save"))[:8], data=data, received_at=now))
    with transaction.atomic():
        known = set(InboxRecord.objects.filter(node=node, seq__in=seqs).values_list("seq", flat=True))
        fresh = [row for row in rows if row.seq not in known]
        InboxRecord.objects.bulk_create(fresh, batch_size=500)
        if fresh:
            newest = max(row.seq for row in fresh)
            Node.objects.filter(id=node.id, received_seq__lt=newest).update(received_seq=newest)
    result = apply_pending(node)
    result.acked = sorted(set(seqs))
    return result


def send_down_record(post_code: str, instance: models.Model) -> None:
    """Send one record headquarters decided (a judgement that stands) down to the node of one post."""
    capture.publish(instance, to_post=post_code)


def send_down_fold(post_code: str, fold: Fold, *, kept_document: TravelDocument | None = None,
                   kept_document_row: TravelDocument | None = None) -> None:
    """Send a fold of identities down to the node of one post, with the kept rows it may not hold."""
    from openbmis.travellers.models import TravelDocument, Traveller

    document = kept_document_row or kept_document or TravelDocument.objects.get(pk=fold.document_to)
    traveller = Traveller.objects.get(pk=fold.traveller_to)
    capture.publish_fold(post_code, fold.as_dict(), {identities.TRAVELLER: records.dump(traveller),
                                                      identities.DOCUMENT: records.dump(document)})


# --- the operator's view (headquarters) ----------------------------------------------------------------------

@dataclass
class NodeView:
    node: Node
    stale: bool
    backlog: int
    unapplied: int

    def as_dict(self) -> NodeRow:
        n = self.node
        return {
            "id": str(n.id), "border_post": n.border_post.code, "status": n.status, "enrolled_at": n.enrolled_at,
            "last_contact_at": n.last_contact_at, "stale": self.stale, "backlog": self.backlog,
            "received_seq": n.received_seq, "applied_seq": n.applied_seq, "unapplied": self.unapplied,
            "feed_version": n.feed_version, "feed_head": feed_head(), "software_version": n.software_version,
            "clock_skew_seconds": n.clock_skew_seconds, "last_error": n.last_error,
        }


def feed_head() -> int:
    return SequenceHead.objects.filter(name="feed").values_list("last", flat=True).first() or 0


def node_views(now: datetime | None = None) -> list[NodeView]:
    now = now or timezone.now()
    views = []
    for node in Node.objects.select_related("border_post").order_by("border_post__code", "enrolled_at"):
        stale = node.status == Node.Status.ACTIVE and (node.last_contact_at is None
                                                        or now - node.last_contact_at > STALE_AFTER)
        views.append(NodeView(node, stale, node.node_backlog, node.received_seq - node.applied_seq))
    return views


# Checks answered from reference data that headquarters publishes.
CHECKS_ON_LISTS = frozenset({"watchlist", "stolen_lost", "visa", "stay", "entry_ban"})


def annotate_lists_age(checks: list[Check]) -> None:
    """At a node: each check answered from the local lists carries ``lists_as_of`` (headquarters' time of the
    last pull; None when the node has never synchronised)."""
    if installation.is_hq():
        return
    from openbmis.network.models import Enrolment

    as_of = Enrolment.objects.filter(id=1).values_list("lists_as_of", flat=True).first()
    for check in checks:
        if check.code in CHECKS_ON_LISTS and check.status != "not_checked":
            # the slot codes above are those whose details declare ``lists_as_of``
            details = cast("ListsAnswered", check.details)
            details["lists_as_of"] = as_of.isoformat() if as_of else None


OUTBOX_KEPT = timedelta(days=30)
INBOX_KEPT = timedelta(days=30)
#: a change superseded for this long is dropped from the feed (a node paging through the feed meanwhile still
#: finds the newer change further on)
FEED_SUPERSEDED_KEPT = timedelta(days=1)


def purge_acknowledged(now: datetime) -> dict[str, int]:
    """Retention of the synchronisation copies (each a whole row, personal data included):

    - at a node, outbox copies acknowledged by headquarters more than 30 days ago (never one not acknowledged);
    - at headquarters, the records a node sent, 30 days after they were applied (the rows they made are kept
      under their own rules; a node re-sending an old record is ignored, its sequence being applied already);
    - in the feed, every change superseded by a newer change of the same record for the same nodes for a day:
      a node catching up needs only the newest state, so the old copies of a watchlist entry, a user or a
      document go (folds of identities are kept: each is an event, not a state).
    """
    deleted, _ = OutboxRecord.objects.filter(acked_at__isnull=False, acked_at__lt=now - OUTBOX_KEPT).delete()
    inbox, _ = InboxRecord.objects.filter(applied_at__isnull=False, applied_at__lt=now - INBOX_KEPT).delete()
    newer = FeedChange.objects.filter(model=OuterRef("model"), record_id=OuterRef("record_id"),
                                      to_post=OuterRef("to_post"), version__gt=OuterRef("version"),
                                      at__lt=now - FEED_SUPERSEDED_KEPT).exclude(op=capture.FOLD)
    feed, _ = FeedChange.objects.exclude(op=capture.FOLD).filter(Exists(newer)).delete()
    return {"acknowledged outbox records": deleted, "applied inbox records": inbox,
            "superseded feed changes": feed}


def outbox_backlog() -> int:
    """At a node: records not yet acknowledged by headquarters."""
    return OutboxRecord.objects.filter(acked_at__isnull=True).count()


# --- comparing installations -------------------------------------------------------------------------------

def checksums(post_code: str) -> dict[str, TableChecksum | ChainChecksum]:
    """Count and SHA-256 of every record made at a border post, by table, in a form that does not depend on the
    database engine: run at the node and at headquarters, equal results mean nothing was lost or duplicated.
    At headquarters, the records the post's nodes sent."""
    from openbmis.inspections.models import Crossing, Inspection, Referral, ReferralNote
    from openbmis.travellers.models import TravelDocument, Traveller
    from openbmis.watchlists.models import Hit

    post = borderposts.get_post(post_code)
    inspections = Inspection.objects.filter(border_post=post)
    sets: dict[str, models.QuerySet[models.Model]] = {
        "inspections.Inspection": inspections,
        "inspections.Crossing": Crossing.objects.filter(border_post=post),
        "inspections.Referral": Referral.objects.filter(border_post=post),
        "inspections.ReferralNote": ReferralNote.objects.filter(referral__border_post=post),
        "watchlists.Hit": Hit.objects.filter(border_post=post),
        "travellers.Traveller": Traveller.objects.filter(id__in=inspections.values("traveller_id")),
        "travellers.TravelDocument": TravelDocument.objects.filter(id__in=inspections.values("document_id")),
    }
    out: dict[str, TableChecksum | ChainChecksum] = {}
    for label, rows in sets.items():
        if installation.is_hq():
            # Only what the post's nodes sent (headquarters may hold records of that post made elsewhere).
            rows = rows.filter(pk__in=list(set(InboxRecord.objects.filter(node__border_post=post, model=label)
                                               .values_list("record_id", flat=True))))
        digest = hashlib.sha256()
        count = 0
        for row in rows.order_by("pk").iterator(chunk_size=2000):
            digest.update(json.dumps(records.dump(row), sort_keys=True, default=str).encode())
            count += 1
        out[label] = {"count": count, "sha256": digest.hexdigest()}
    # The node's audit chain, as the node holds it and as headquarters received it.
    if installation.is_hq():
        events = RemoteAuditEvent.objects.filter(node__border_post=post)
        node_ids = set(events.values_list("node_id", flat=True))
        out["audit chain"] = {"count": events.count(), "heads": sorted(_last_hash(n) for n in node_ids)}
    else:
        from openbmis.audit.models import AuditEvent

        last = AuditEvent.objects.order_by("-seq").values_list("hash", flat=True).first()
        out["audit chain"] = {"count": AuditEvent.objects.count(), "heads": [last] if last else []}
    return out


def _last_hash(node_id: UUID | str) -> str:
    return RemoteAuditEvent.objects.filter(node_id=node_id).order_by("-seq").values_list("hash", flat=True)[0]


# --- the audit chains of the nodes ---------------------------------------------------------------------------

@dataclass
class OriginReport:
    node_id: str
    border_post: str
    checked: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_origin_chains() -> list[OriginReport]:
    """Verify each node's audit chain as headquarters received it: numbers from 1 without a gap, each event
    linked to the one before, and each unkeyed event's hash recomputed from its fields.

    A keyed event's hash (scheme 2, docs/adr/0003) is an HMAC under the node's own chain key, which stays on the
    node: headquarters checks its numbering and links here, the node's signature on every batch vouches for its
    content in transit, and ``openbmis audit verify`` at the node recomputes it."""
    from openbmis.audit.chain import SCHEME_SHA256, event_hash
    from openbmis.audit.models import GENESIS_HASH, AuditEvent
    from openbmis.audit.services import _hashed_fields

    reports = []
    for node in Node.objects.select_related("border_post").order_by("border_post__code", "enrolled_at"):
        problems: list[str] = []
        expected, prev_hash, checked = 1, GENESIS_HASH, 0
        for event in RemoteAuditEvent.objects.filter(node=node).order_by("seq").iterator(chunk_size=2000):
            if event.seq != expected:
                problems.append(f"event(s) #{expected}..#{event.seq - 1} missing")
            if event.prev_hash != prev_hash:
                problems.append(f"event #{event.seq} does not link to the event before it")
            if int(event.data.get("scheme") or SCHEME_SHA256) == SCHEME_SHA256:
                data = {k: v for k, v in event.data.items() if k != "actor_id"}
                rebuilt = records.build(AuditEvent, data)
                rebuilt.actor_id = event.data.get("actor_id")  # type: ignore[attr-defined]
                if event_hash(event.prev_hash, _hashed_fields(rebuilt)) != event.hash:  # type: ignore[arg-type]
                    problems.append(f"event #{event.seq} ({event.action}) was altered")
            expected, prev_hash, checked = event.seq + 1, event.hash, checked + 1
        reports.append(OriginReport(str(node.id), node.border_post.code, checked, problems))
    return reports
