"""The one hook that feeds synchronisation: ``post_save``/``post_delete`` on every model, inside the write's
transaction.

At a node, every record of a synchronised model goes into the outbox with the node's next sequence number;
at headquarters, every change of reference data goes into the feed with the next version. A new app's models
are covered without any change here: a ``UUIDModel`` that is not reference data travels up, unless its label
is in :data:`LOCAL_ONLY`.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from openbmis.core import installation
from openbmis.core.models import UUIDModel
from openbmis.network import records
from openbmis.network.models import FeedChange, OutboxRecord, SequenceHead

AUDIT_EVENT = "audit.AuditEvent"
# Kept where they are made: derived from the synchronised records (headquarters recomputes them).
# A visa use is made again at headquarters when the crossing that used the visa arrives (its signal).
LOCAL_ONLY = frozenset({"core.Installation", "permits.Overstay", "permits.VisaUse"})
# Published by headquarters, in the order a node applies them (foreign keys first).
PUBLISHED = (
    "borderposts.BorderPost", "borderposts.Lane", "accounts.User", "accounts.RoleAssignment",
    "inspections.RefusalReason", "watchlists.Watchlist", "watchlists.WatchlistEntry", "watchlists.DocumentAlert",
    "permits.VisaPolicyRule", "permits.Visa", "permits.ResidencePermit", "permits.EntryBan", "trust.TrustEntry",
)
# A user's row changes at every login: those changes stay where they happen.
USER_LOCAL_FIELDS = frozenset({"last_login", "failed_login_count", "locked_until", "totp_last_step"})


def _label(model: Any) -> str:
    meta = getattr(model, "_meta", None)
    return meta.label if meta is not None else ""


def travels_up(model: type[models.Model]) -> bool:
    """Whether a node sends this model's records to headquarters."""
    label = _label(model)
    if not isinstance(model, type) or not issubclass(model, UUIDModel):
        return False
    if model._meta.app_label == "network" or label in LOCAL_ONLY:
        return False
    return label not in installation.REFERENCE_MODELS and label not in installation.CREATE_DELETE_ONLY


def next_number(stream: str) -> int:
    """The next number of a stream; the row stays locked until the caller's transaction ends."""
    SequenceHead.objects.get_or_create(name=stream)
    head = SequenceHead.objects.select_for_update().get(name=stream)
    head.last += 1
    head.save(update_fields=["last"])
    return head.last


def add_to_outbox(instance: models.Model, op: str = "save") -> None:
    with transaction.atomic():
        OutboxRecord.objects.create(seq=next_number("outbox"), model=_label(type(instance)),
                                    record_id=str(instance.pk), op=op, data=records.dump(instance),
                                    created_at=timezone.now())


_feed_open = False


def feed_open() -> bool:
    """Headquarters publishes once a first node was offered enrolment (the feed is then seeded whole)."""
    global _feed_open
    if not _feed_open:
        _feed_open = SequenceHead.objects.filter(name="feed").exists()
    return _feed_open


def publish(instance: models.Model, op: str = "save", to_post: str = "") -> None:
    """A change in the feed, for every node or (``to_post``) for the node of one post only."""
    if not feed_open():
        return
    with transaction.atomic():
        FeedChange.objects.create(version=next_number("feed"), model=_label(type(instance)),
                                  record_id=str(instance.pk), op=op, to_post=to_post,
                                  data=records.dump(instance) if op == "save" else None, at=timezone.now())


FOLD = "fold"


def publish_fold(to_post: str, fold: dict[str, str], kept_rows: dict[str, dict[str, object]]) -> None:
    """A fold of identities (docs/sync.md, conflict rules) for the node of one post, with the kept rows."""
    with transaction.atomic():
        FeedChange.objects.create(version=next_number("feed"), model="travellers.TravelDocument",
                                  record_id=fold["document_from"], op=FOLD, to_post=to_post,
                                  data={"fold": fold, "kept": kept_rows}, at=timezone.now())


def on_saved(sender: Any, instance: Any, created: bool = False, raw: bool = False,
             update_fields: Any = None, **kwargs: Any) -> None:
    if raw or sender.__module__ == "__fake__":  # fixtures, and migrations' historical models
        return
    label = _label(sender)
    if installation.is_hq():
        if label in PUBLISHED:
            if label == "accounts.User" and update_fields and set(update_fields) <= USER_LOCAL_FIELDS:
                return
            publish(instance)
        return
    # A node's audit chain travels whole, even the events of applying headquarters' changes.
    if label == AUDIT_EVENT or (not installation.applying_headquarters_changes() and travels_up(sender)):
        add_to_outbox(instance)


def on_rows_updated(sender: Any, pks: list[Any], **kwargs: Any) -> None:
    """Rows changed by a queryset update (``core.bulk.update``) travel like rows saved one by one."""
    if installation.is_hq() or installation.applying_headquarters_changes() or not travels_up(sender):
        return
    for row in sender._default_manager.filter(pk__in=pks).order_by("pk").iterator(chunk_size=500):
        add_to_outbox(row)


def on_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Deletions at a node are its housekeeping (retention); they never travel up.
    if sender.__module__ != "__fake__" and installation.is_hq() and _label(sender) in PUBLISHED:
        publish(instance, op="delete")
