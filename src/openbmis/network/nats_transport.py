"""The same outbox and inbox over NATS JetStream, for large deployments (``OPENBMIS_SYNC_TRANSPORT=nats``).

At a post the node talks to its local NATS server (a leaf node of headquarters' hub, ``OPENBMIS_NATS_URL``); the
leaf node stores and forwards while the link is down. What travels is exactly what travels over HTTPS, signed the
same way (Ed25519 over method, subject, time and the body's hash):

- **Up:** each push batch is published to the stream ``OPENBMIS_UP`` (subject ``openbmis.up.<node id>``) with a
  ``Nats-Msg-Id`` of the node and the batch's sequence range, so a batch published twice is stored once; and in any
  case headquarters' inbox applies a record once (unique on node + sequence).
- **Acknowledgements:** headquarters publishes what it stored and applied, signed, to the stream ``OPENBMIS_ACK``
  (subject ``openbmis.ack.<node id>``); the node reads its own with a durable consumer and marks its outbox.
- **Down:** the feed is asked for with a signed request on ``openbmis.feed.<node id>``; headquarters answers with
  the same page as ``GET /api/network/changes``.

Headquarters runs ``openbmis node nats-serve``. The node's ``openbmis sync`` keeps its exit status: 0 when everything
recorded before it started is acknowledged, 1 when NATS or headquarters cannot be reached or the acknowledgements
have not come back yet (the batches wait in JetStream; the next run collects the acknowledgements), 2 otherwise.

NATS is asynchronous; the database is not: every ORM call here runs in a worker thread (``asyncio.to_thread``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import close_old_connections
from django.utils import timezone
from django.utils.translation import gettext as _

import openbmis
from openbmis.core.errors import AccessDenied, DomainError
from openbmis.core.ids import is_uuid
from openbmis.network import services, signing
from openbmis.network.api import NODE_HEADER, SIGNATURE_HEADER, TIME_HEADER
from openbmis.network.models import Enrolment, Node, OutboxRecord

log = logging.getLogger(__name__)

UP_STREAM, ACK_STREAM = "OPENBMIS_UP", "OPENBMIS_ACK"
UP_SUBJECT, ACK_SUBJECT, FEED_SUBJECT = "openbmis.up", "openbmis.ack", "openbmis.feed"
PUBLISH = "PUBLISH"  # the "method" in a signed NATS message
REQUEST_TIMEOUT = 30.0
PAYLOAD_MARGIN = 4096  # headers and signature, below the server's max_payload


class Unreachable(Exception):
    """NATS, or headquarters behind it, cannot be reached now; nothing is lost."""


class Refused(Exception):
    """Headquarters answered no: a revoked node, a bad signature."""


def _signed_headers(private_key: str, node_id: str, subject: str, body: bytes) -> dict[str, str]:
    at = timezone.now().isoformat()
    signature = signing.sign(private_key, signing.request_message(PUBLISH, subject, at, body))
    return {NODE_HEADER: node_id, TIME_HEADER: at, SIGNATURE_HEADER: signature}


def _answer(payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """A body signed by headquarters, as the HTTPS answers are."""
    at = timezone.now().isoformat()
    body = json.dumps({**payload, "hq_time": at}, cls=DjangoJSONEncoder).encode()
    return body, {TIME_HEADER: at,
                  SIGNATURE_HEADER: signing.sign(services.own_key().private_key, signing.response_message(at, body))}


def _verified(enrolment: Enrolment, headers: dict[str, str] | None, body: bytes) -> dict[str, Any]:
    headers = headers or {}
    if not signing.verify(enrolment.hq_public_key, signing.response_message(headers.get(TIME_HEADER, ""), body),
                          headers.get(SIGNATURE_HEADER, "")):
        raise Refused("headquarters' answer over NATS is not signed with the key registered at enrolment")
    data: dict[str, Any] = json.loads(body)
    return data


async def _ensure_streams(js: Any) -> None:
    from nats.js.api import StreamConfig

    for name, subject in ((UP_STREAM, UP_SUBJECT), (ACK_STREAM, ACK_SUBJECT)):
        await js.add_stream(StreamConfig(name=name, subjects=[f"{subject}.*"]))


async def _quiet(exc: Exception) -> None:
    log.debug("network over NATS: %s", type(exc).__name__)


def _jetstream(nc: Any) -> Any:
    """JetStream, under the hub's domain when one is configured: through a leaf node without JetStream of its own,
    the hub's API answers only as ``$JS.<domain>.API``."""
    return nc.jetstream(domain=settings.OPENBMIS_NATS_DOMAIN or None)


async def _connect(url: str) -> Any:
    import nats

    try:
        # One attempt, bounded: nats-py 2.x takes max_reconnect_attempts=0 as "try forever", even with
        # allow_reconnect=False, so a node whose NATS server is down would hang instead of exiting 1.
        return await asyncio.wait_for(nats.connect(url, connect_timeout=5, allow_reconnect=False,
                                                   max_reconnect_attempts=1, reconnect_time_wait=1,
                                                   error_cb=_quiet), timeout=20)
    except Exception as exc:  # noqa: BLE001 - any failure to connect: unreachable, retried later
        raise Unreachable(f"NATS cannot be reached at {url}: {type(exc).__name__}") from None


# --- headquarters ------------------------------------------------------------------------------------------------

def _sender(prefix: str, subject: str, headers: dict[str, str], body: bytes) -> Node:
    """The node that signed a message published under its own subject (``<prefix>.<node id>``); AccessDenied
    when the subject is another node's, or the node or its signature is wrong."""
    node_id = headers.get(NODE_HEADER, "")
    if subject != f"{prefix}.{node_id}":
        raise AccessDenied(_("a message published under another node's subject"), field="node")
    return services.authenticate(node_id, PUBLISH, subject, headers.get(TIME_HEADER, ""), body,
                                 headers.get(SIGNATURE_HEADER, ""))


def process_push(subject: str, headers: dict[str, str] | None, body: bytes) -> tuple[str, dict[str, Any]]:
    """Headquarters' handling of one published batch: the node, authenticated; the batch stored and applied; the
    acknowledgement to publish (node id, payload). AccessDenied when the signature or the node is wrong."""
    headers = headers or {}
    node = _sender(UP_SUBJECT, subject, headers, body)
    payload = json.loads(body)
    services.note_contact(node, headers.get(TIME_HEADER, ""), software_version=payload.get("software_version"),
                          node_backlog=payload.get("backlog"), feed_version=payload.get("feed_version"))
    result = services.receive(node, payload.get("records", []))
    return str(node.id), result.as_dict()


def process_feed_request(subject: str, headers: dict[str, str] | None, body: bytes) -> dict[str, Any]:
    """Headquarters' answer to a node asking for the feed after its cursor."""
    headers = headers or {}
    node = _sender(FEED_SUBJECT, subject, headers, body)
    services.note_contact(node, headers.get(TIME_HEADER, ""))
    ask = json.loads(body)
    rows, head = services.changes_since(int(ask.get("since", 0)), int(ask.get("limit", services.MAX_PAGE)),
                                        post_code=node.border_post.code)
    return {"changes": rows, "head": head}


def _db(fn: Callable[..., Any], *args: Any) -> Awaitable[Any]:
    """Run a database call in a worker thread, with a fresh connection if the last one went stale."""
    def call() -> Any:
        close_old_connections()
        return fn(*args)
    return asyncio.to_thread(call)


async def serve(url: str, stop: threading.Event, ready: Callable[[], None] | None = None) -> None:
    """Headquarters' consumer: apply every batch published by the nodes, answer feed requests, until ``stop``."""

    nc = await _connect(url)
    js = _jetstream(nc)
    await _ensure_streams(js)

    async def on_feed(msg: Any) -> None:
        try:
            payload = await _db(process_feed_request, msg.subject, msg.headers, msg.data)
        except (AccessDenied, DomainError, ValueError) as exc:
            payload = {"error": getattr(exc, "message", str(exc))}
        except Exception:  # noqa: BLE001 - answer rather than leave the node waiting
            log.exception("network over NATS: a feed request could not be answered")
            payload = {"error": "headquarters could not answer the feed request"}
        body, headers = await _db(_answer, payload)
        await nc.publish(msg.reply, body, headers=headers)

    await nc.subscribe(f"{FEED_SUBJECT}.*", cb=on_feed)
    batches = await js.pull_subscribe(f"{UP_SUBJECT}.*", durable="headquarters", stream=UP_STREAM)
    await nc.flush()  # the subscriptions are known to the server before anyone is told we serve
    if ready is not None:
        ready()
    try:
        while not stop.is_set():
            try:
                messages = await batches.fetch(10, timeout=1)
            except TimeoutError:  # nats-py raises its own subclass, or asyncio's
                continue
            for msg in messages:
                try:
                    await _handle_batch(js, msg)
                except Exception:  # noqa: BLE001 - one bad message must not stop the consumer; redelivered later
                    log.exception("network over NATS: a batch could not be handled")
    finally:
        await nc.drain()


async def _handle_batch(js: Any, msg: Any) -> None:
    node_id = (msg.headers or {}).get(NODE_HEADER, "")
    try:
        node_id, result = await _db(process_push, msg.subject, msg.headers, msg.data)
    except AccessDenied as exc:
        log.warning("network over NATS: refused a batch for node %s: %s", node_id[:36], exc.message)
        refused = await _db(Node.objects.filter(id=node_id, status=Node.Status.REVOKED).exists) \
            if is_uuid(node_id) else False
        if refused:  # tell the (genuine, revoked) node, signed, so that it stops with 2
            body, headers = await _db(_answer, {"refused": exc.message, "node_id": node_id})
            await js.publish(f"{ACK_SUBJECT}.{node_id}", body, headers=headers)
        await msg.term()
        return
    except (DomainError, ValueError) as exc:
        log.warning("network over NATS: a batch of node %s could not be taken: %s", node_id[:36], exc)
        body, headers = await _db(_answer, {"acked": [], "error": str(getattr(exc, "message", exc)),
                                            "node_id": node_id})
        await js.publish(f"{ACK_SUBJECT}.{node_id}", body, headers=headers)
        await msg.term()
        return
    # The node's id is in the signed body: an acknowledgement copied onto another node's subject is discarded there.
    body, headers = await _db(_answer, {**result, "node_id": node_id})
    await js.publish(f"{ACK_SUBJECT}.{node_id}", body, headers=headers)
    await msg.ack()



# --- the node --------------------------------------------------------------------------------------------------

def _batches(until_seq: int, max_bytes: int) -> list[list[dict[str, Any]]]:
    """The unacknowledged records up to ``until_seq``, in order, cut into batches of at most
    ``OPENBMIS_SYNC_BATCH`` records and ``max_bytes`` of JSON."""
    limit = settings.OPENBMIS_SYNC_BATCH
    out: list[list[dict[str, Any]]] = [[]]
    size = 0
    rows = OutboxRecord.objects.filter(acked_at__isnull=True, seq__lte=until_seq).order_by("seq")
    for r in rows.iterator(chunk_size=1000):
        item = {"seq": r.seq, "model": r.model, "id": r.record_id, "op": r.op, "data": r.data}
        item_size = len(json.dumps(item, cls=DjangoJSONEncoder))
        if out[-1] and (len(out[-1]) >= limit or size + item_size > max_bytes):
            out.append([])
            size = 0
        out[-1].append(item)
        size += item_size
    return [batch for batch in out if batch]


def _mark_acked(seqs: list[int]) -> int:
    return OutboxRecord.objects.filter(seq__in=seqs, acked_at__isnull=True).update(acked_at=timezone.now())


def _apply_page(enrolment: Enrolment, data: dict[str, Any]) -> int:
    from openbmis.network import client

    changes = data["changes"]
    if changes:
        client.apply_changes(changes)
        enrolment.feed_version = changes[-1]["version"]
    enrolment.lists_as_of = data["hq_time"]
    enrolment.save(update_fields=["feed_version", "lists_as_of"])
    return len(changes)


async def exchange(enrolment: Enrolment, until_seq: int, report: Any, *, url: str, ack_wait: float) -> None:
    """One exchange over NATS: pull the feed, publish the outbox, collect the acknowledgements."""
    from nats.errors import NoRespondersError
    from nats.errors import TimeoutError as NatsTimeout

    nc = await _connect(url)
    try:
        js = _jetstream(nc)
        key = await _db(services.own_key)
        node_id = str(enrolment.node_id)
        # Down: the feed, page by page. Headquarters away: the outbox still goes into JetStream (store and forward).
        away = ""
        while True:
            subject = f"{FEED_SUBJECT}.{node_id}"
            body = json.dumps({"since": enrolment.feed_version, "limit": services.MAX_PAGE}).encode()
            try:
                answer = await nc.request(subject, body, timeout=REQUEST_TIMEOUT,
                                          headers=_signed_headers(key.private_key, node_id, subject, body))
            except (NoRespondersError, NatsTimeout) as exc:
                away = f"headquarters does not answer over NATS ({type(exc).__name__})"
                break
            data = _verified(enrolment, answer.headers, answer.data)
            if data.get("error"):
                raise Refused(f"headquarters refused: {data['error']}")
            report.pulled += await _db(_apply_page, enrolment, data)
            if not data["changes"] or enrolment.feed_version >= data["head"]:
                break
        # Up: every batch published (stored by JetStream, deduplicated by its id), then the acknowledgements.
        subject = f"{UP_SUBJECT}.{node_id}"
        waiting: set[int] = set()
        batches = await _db(_batches, until_seq, nc.max_payload - PAYLOAD_MARGIN)
        backlog = sum(len(b) for b in batches)
        for batch in batches:
            backlog -= len(batch)
            body = json.dumps({"records": batch, "backlog": backlog, "feed_version": enrolment.feed_version,
                               "software_version": openbmis.__version__}, cls=DjangoJSONEncoder).encode()
            headers = _signed_headers(key.private_key, node_id, subject, body)
            headers["Nats-Msg-Id"] = f"{node_id}:{batch[0]['seq']}-{batch[-1]['seq']}"
            try:
                await js.publish(subject, body, headers=headers, stream=UP_STREAM)
            except Exception as exc:  # noqa: BLE001 - not stored: this batch goes again next time
                raise Unreachable(f"JetStream did not store the batch: {type(exc).__name__}") from None
            report.pushed += len(batch)
            waiting.update(item["seq"] for item in batch)
        pending = await _collect_acks(js, enrolment, node_id, waiting, report, ack_wait if not away else 2.0)
        if away or pending:
            raise Unreachable("; ".join(filter(None, [away, f"{pending} record(s) stored in JetStream, not yet "
                                                            "acknowledged by headquarters (the next exchange collects "
                                                            "the acknowledgement)" if pending else ""])))
    finally:
        await nc.close()


async def _collect_acks(js: Any, enrolment: Enrolment, node_id: str, waiting: set[int], report: Any,
                        ack_wait: float) -> int:
    """Read headquarters' acknowledgements until every published record is acknowledged or ``ack_wait`` passes;
    the number still waiting."""

    acks = await js.pull_subscribe(f"{ACK_SUBJECT}.{node_id}", durable=f"node-{node_id}", stream=ACK_STREAM)
    deadline = asyncio.get_running_loop().time() + ack_wait
    while True:
        try:
            messages = await acks.fetch(10, timeout=1)
        except TimeoutError:  # nats-py raises its own subclass, or asyncio's
            messages = []
        for msg in messages:
            try:
                data = _verified(enrolment, msg.headers, msg.data)
            except Refused:
                data = {}
            if data.get("node_id") != node_id:
                # Not signed by headquarters, or signed for another node (copied here): whoever can publish on
                # this subject must not make the node believe its records arrived (they would then be purged).
                log.warning("network over NATS: discarded an acknowledgement not signed for this node")
                await msg.term()
                continue
            await msg.ack()
            if data.get("refused"):
                raise Refused(f"headquarters refused: {data['refused']}")
            acked = [int(s) for s in data.get("acked", [])]
            report.acked += await _db(_mark_acked, acked)
            waiting.difference_update(acked)
            if data.get("error"):
                report.messages.append(f"headquarters could not apply a record: {data['error']}")
        if (not waiting and not messages) or asyncio.get_running_loop().time() > deadline:
            return len(waiting)


def sync(enrolment: Enrolment, until_seq: int, report: Any) -> None:
    """The node's exchange over NATS, from synchronous code (the CLI, the worker)."""
    asyncio.run(exchange(enrolment, until_seq, report, url=settings.OPENBMIS_NATS_URL,
                         ack_wait=float(settings.OPENBMIS_NATS_ACK_WAIT)))
