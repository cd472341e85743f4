"""The node's side of the exchange: enrol once, then push the outbox and pull the feed (always initiated by the
node: a border post needs no inbound port).

``sync()`` answers the exit status of ``openbmis sync``: 0 when everything recorded before it started is
acknowledged by headquarters, 1 when headquarters cannot be reached (nothing is lost; the next run resumes),
2 on any other error.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import openbmis
from openbmis.audit import services as audit
from openbmis.core import installation
from openbmis.core.errors import Conflict, DomainError, InvalidInput
from openbmis.network import capture, identities, records, services, signing
from openbmis.network.api import CODE_HEADER, NODE_HEADER, SIGNATURE_HEADER, TIME_HEADER
from openbmis.network.models import Enrolment, OutboxRecord

log = logging.getLogger(__name__)

TIMEOUT = 60


class Unreachable(Exception):
    """Headquarters could not be reached (connection refused, timed out, name unknown, 5xx from a proxy)."""


class Refused(Exception):
    """Headquarters answered, but no: a revoked node, a bad signature, a record it refuses."""


def _send(method: str, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    if urlsplit(url).scheme not in ("http", "https"):
        raise Refused(f"headquarters' URL must be http(s)://..., got {url!r}")
    request = urllib.request.Request(url, data=body if method != "GET" else None, method=method,  # noqa: S310
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - URL from configuration
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        content = exc.read()
        if exc.code in (502, 503, 504):
            raise Unreachable(f"headquarters answered {exc.code}") from None
        try:
            detail = json.loads(content).get("detail", "")
        except ValueError:
            detail = content[:200].decode(errors="replace")
        raise Refused(f"headquarters answered {exc.code}: {detail}") from None
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
        raise Unreachable(f"headquarters cannot be reached: {getattr(exc, 'reason', exc)}") from None


def _verified(enrolment: Enrolment, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    lowered = {k.lower(): v for k, v in headers.items()}
    at = lowered.get(TIME_HEADER.lower(), "")
    signature = lowered.get(SIGNATURE_HEADER.lower(), "")
    if not signing.verify(enrolment.hq_public_key, signing.response_message(at, body), signature):
        raise Refused("headquarters' answer is not signed with the key registered at enrolment")
    data: dict[str, Any] = json.loads(body)
    return data


def _call(enrolment: Enrolment, method: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    url = enrolment.hq_url.rstrip("/") + path
    body = json.dumps(payload).encode() if payload is not None else b""
    at = timezone.now().isoformat()
    split = urlsplit(url)
    signed_path = split.path + (f"?{split.query}" if split.query else "")
    signature = signing.sign(services.own_key().private_key, signing.request_message(method, signed_path, at, body))
    _status, headers, content = _send(method, url, body, {NODE_HEADER: str(enrolment.node_id), TIME_HEADER: at,
                                                          SIGNATURE_HEADER: signature})
    return _verified(enrolment, headers, content)


def require_secure_url(url: str) -> None:
    """In production, headquarters is reached over HTTPS (the feed carries users' password hashes): plain http
    only to this machine itself (a trial, or a local TLS-terminating proxy)."""
    split = urlsplit(url)
    if split.scheme not in ("http", "https"):
        raise InvalidInput(_("headquarters' URL must be https://..., got %(url)r") % {"url": url}, field="hq")
    if settings.OPENBMIS_PRODUCTION and split.scheme == "http" and split.hostname not in LOOPBACK:
        raise InvalidInput(_("in production headquarters is reached over https://, not %(url)r")
                           % {"url": url}, field="hq")


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def enrol(hq_url: str, code: str) -> Enrolment:
    """Make this node's key pair and register it at headquarters with a one-time code."""
    if installation.is_hq():
        raise InvalidInput(_("headquarters does not enrol; set OPENBMIS_INSTALLATION=bcp:<POST>"), field="installation")
    require_secure_url(hq_url)
    if Enrolment.objects.exists():
        raise Conflict(_("this node is already enrolled"), field="installation")
    post = installation.node_post_code()
    key = services.own_key()
    body = json.dumps({"border_post": post, "public_key": key.public_key,
                       "software_version": openbmis.__version__}).encode()
    _status, headers, content = _send("POST", hq_url.rstrip("/") + "/api/network/enrol", body, {CODE_HEADER: code})
    data = json.loads(content)
    enrolment = Enrolment(node_id=data["node_id"], hq_url=hq_url.rstrip("/"), hq_public_key=data["hq_public_key"],
                          border_post_code=data["border_post"], enrolled_at=timezone.now())
    _verified(enrolment, headers, content)  # the answer is signed with the key it announces
    with transaction.atomic():
        enrolment.save()
        audit.record(actor=audit.SYSTEM, action="network.enrolled", object_type="node",
                     object_id=str(enrolment.node_id), object_label=post, border_post_code=post,
                     after={"hq_url": enrolment.hq_url})
    return enrolment


@dataclass
class SyncReport:
    status: int = 0
    pushed: int = 0
    acked: int = 0
    pulled: int = 0
    backlog: int = 0
    feed_version: int = 0
    messages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "pushed": self.pushed, "acked": self.acked, "pulled": self.pulled,
                "backlog": self.backlog, "feed_version": self.feed_version, "messages": self.messages}


LIST_MODELS = frozenset({"watchlists.Watchlist", "watchlists.WatchlistEntry", "watchlists.DocumentAlert"})


def apply_changes(changes: list[dict[str, Any]]) -> int:
    """Apply headquarters' changes in one transaction (reference data, and what headquarters sent to this post
    alone: folds of identities, judgements that stand) and mark the screening index stale if a list changed."""
    touched_lists = False
    tables: set[str] = set()
    with transaction.atomic(), installation.headquarters_changes():
        for change in changes:
            model = records.model_for(change["model"])
            tables.add(model._meta.db_table)
            if change["op"] == capture.FOLD:
                _apply_fold(change["data"])
                tables.add(records.model_for(identities.TRAVELLER)._meta.db_table)
            elif change["op"] == "delete":
                model._default_manager.filter(pk=change["id"]).delete()
            else:
                records.upsert(records.build(model, _known_references(model, dict(change["data"]))))
            touched_lists = touched_lists or change["model"] in LIST_MODELS
        if touched_lists:
            from openbmis.watchlists import services as watchlists

            watchlists._bump_state()
        # Foreign keys are checked at commit; check them now so that a bad page fails here, whole.
        connection.check_constraints(table_names=sorted(tables))
    return len(changes)


def _known_references(model: Any, data: dict[str, Any]) -> dict[str, Any]:
    """A reference to something this node has never seen (the traveller of an entry ban) is left empty: the node
    matches such a record by its other fields instead."""
    for f in model._meta.concrete_fields:
        target = f.related_model
        if target is not None and f.null and data.get(f.attname) is not None and \
                not target._default_manager.filter(pk=data[f.attname]).exists():
            data[f.attname] = None
    return data


def _apply_fold(data: dict[str, Any]) -> None:
    """Headquarters folded an identity this node holds into another: fold it here alike."""
    kept: dict[str, Any] = {}
    for label, row in data["kept"].items():
        model = records.model_for(label)
        kept[label] = records.build(model, _known_references(model, dict(row)))
    identities.apply_fold(identities.Fold.from_dict(data["fold"]), kept)


def _pull(enrolment: Enrolment, report: SyncReport) -> None:
    while True:
        data = _call(enrolment, "GET", f"/api/network/changes?since={enrolment.feed_version}&limit=2000")
        changes = data["changes"]
        if changes:
            apply_changes(changes)
            enrolment.feed_version = changes[-1]["version"]
            report.pulled += len(changes)
        enrolment.lists_as_of = data["hq_time"]
        enrolment.save(update_fields=["feed_version", "lists_as_of"])
        if not changes or enrolment.feed_version >= data["head"]:
            return


def _push(enrolment: Enrolment, until_seq: int, report: SyncReport) -> None:
    after = 0  # the last number sent in this run: each batch starts after it (no rescan of what was sent)
    waiting = OutboxRecord.objects.filter(acked_at__isnull=True, seq__lte=until_seq).count()
    while True:
        batch = list(OutboxRecord.objects.filter(acked_at__isnull=True, seq__gt=after, seq__lte=until_seq)
                     .order_by("seq")[:settings.OPENBMIS_SYNC_BATCH])
        if not batch:
            return
        waiting -= len(batch)
        payload = {"records": [{"seq": r.seq, "model": r.model, "id": r.record_id, "op": r.op, "data": r.data}
                               for r in batch],
                   # What will still wait once this batch is in: the backlog headquarters shows.
                   "backlog": max(waiting, 0), "feed_version": enrolment.feed_version,
                   "software_version": openbmis.__version__}
        data = _call(enrolment, "POST", "/api/network/push", payload)
        acked = [int(s) for s in data.get("acked", [])]
        OutboxRecord.objects.filter(seq__in=acked, acked_at__isnull=True).update(acked_at=timezone.now())
        report.pushed += len(batch)
        report.acked += len(acked)
        after = batch[-1].seq
        if data.get("error"):
            report.messages.append(f"headquarters could not apply a record: {data['error']}")
        if len(acked) < len(batch):
            raise Refused("headquarters did not acknowledge the whole batch")


def sync() -> SyncReport:
    """One exchange both ways: pull the feed, then push the outbox."""
    report = SyncReport()
    enrolment = Enrolment.objects.filter(id=1).first()
    if enrolment is None:
        report.status = 2
        report.messages.append("this node is not enrolled: run `openbmis node enrol --hq URL --code CODE`")
        return report
    until_seq = OutboxRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    Enrolment.objects.filter(id=1).update(last_attempt_at=timezone.now())
    from openbmis.network import nats_transport

    try:
        if settings.OPENBMIS_SYNC_TRANSPORT == "nats":
            nats_transport.sync(enrolment, until_seq, report)
        else:
            _pull(enrolment, report)
            _push(enrolment, until_seq, report)
    except (Unreachable, nats_transport.Unreachable) as exc:
        report.status = 1
        report.messages.append(str(exc))
    except (Refused, nats_transport.Refused, DomainError, KeyError, ValueError) as exc:
        report.status = 2
        report.messages.append(str(exc))
    report.backlog = OutboxRecord.objects.filter(acked_at__isnull=True, seq__lte=until_seq).count()
    if report.status == 0 and report.backlog:
        report.status = 2
        report.messages.append(f"{report.backlog} record(s) not acknowledged")
    report.feed_version = enrolment.feed_version
    Enrolment.objects.filter(id=1).update(
        last_error="; ".join(report.messages)[:2000],
        **({"last_success_at": timezone.now()} if report.status == 0 else {}))
    return report
