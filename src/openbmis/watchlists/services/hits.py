"""Hits filed at the counter, their judgements (match, no match, unsure) and the no-match memory."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict
from uuid import UUID

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from openbmis.accounts import authz
from openbmis.accounts.actors import Actor, acting_user
from openbmis.accounts.models import ApiToken
from openbmis.audit import services as audit
from openbmis.audit.refs import value_ref
from openbmis.core import bulk
from openbmis.core.errors import InvalidInput
from openbmis.inspections.checks import HitRecord
from openbmis.watchlists.models import (
    DocumentAlert,
    Hit,
    NoMatchMemory,
    WatchlistEntry,
)

if TYPE_CHECKING:
    from openbmis.borderposts.models import BorderPost
    from openbmis.inspections.models import Inspection
    from openbmis.travellers.models import Traveller

log = logging.getLogger(__name__)

# ----------------------------------------------------------------------------------------------- hits
def file_inspection_hits(sender: object, inspection: Inspection, **kwargs: object) -> list[Hit]:
    """Signal receiver: file each hit of a new inspection in the post's queue (inside its transaction)."""
    hits = [h for h in (inspection.hits or []) if h.get("kind") in ("person", "document") and h.get("entry_id")]
    if not hits:
        return []
    person_ids = {h["entry_id"] for h in hits if h["kind"] == "person"}
    document_ids = {h["entry_id"] for h in hits if h["kind"] == "document"}
    entries = {str(e.id): e for e in WatchlistEntry.objects.filter(id__in=person_ids)}
    alerts = {str(a.id): a for a in DocumentAlert.objects.filter(id__in=document_ids)}
    made: list[Hit] = []
    for data in hits:
        target = entries.get(data["entry_id"]) if data["kind"] == "person" else alerts.get(data["entry_id"])
        if target is None:
            log.warning("hit for entry %s that is not stored: not filed", data["entry_id"])
            continue
        made.append(_new_hit(data, traveller_id=inspection.traveller_id, border_post_id=inspection.border_post_id,
                             target=target, inspection=inspection, source=Hit.Source.INSPECTION))
    Hit.objects.bulk_create(made)
    remembered = [_remember_judged_elsewhere(h, inspection.traveller_id) for h in made
                  if (h.data.get("previous_no_match") or {}).get("by_id") and h.previous_no_match_id is None]
    audit.record(actor=inspection.officer, action="hits.file", object_type="inspection",
                 object_id=str(inspection.id), border_post_code=inspection.border_post.code,
                 after={"hits": [[str(h.id), h.watchlist_id and str(h.watchlist_id), round(h.score, 4)]
                                 for h in made], "remembered_no_match": [str(m.id) for m in remembered]})
    return made


def _remember_judged_elsewhere(hit: Hit, traveller_id: UUID | str) -> NoMatchMemory:
    """A "no match" judged before this traveller was registered (a pre-arrival hit on the manifest that listed
    them) becomes the memory of the pair, as if judged at the counter, so later inspections remember it too."""
    earlier = hit.data["previous_no_match"]
    memory = _remember_no_match(traveller_id, hit, judged_by_id=earlier["by_id"], label=str(earlier["by"]),
                                judged_at=datetime.fromisoformat(earlier["at"]), reason=str(earlier["reason"]))
    bulk.update(Hit.objects.filter(id=hit.id), previous_no_match=memory)
    hit.previous_no_match = memory
    return memory


def _remember_no_match(traveller_id: UUID | str, hit: Hit, *, judged_by_id: UUID | str, label: str, judged_at: datetime,
                       reason: str) -> NoMatchMemory:
    target = {"entry_id": hit.entry_id} if hit.entry_id else {"document_alert_id": hit.document_alert_id}
    memory, _created = NoMatchMemory.objects.update_or_create(
        traveller_id=traveller_id, **target,
        defaults={"hit": hit, "judged_by_id": judged_by_id, "judged_by_label": label[:150], "judged_at": judged_at,
                  "reason": reason},
    )
    return memory


def check_judgement(status: str, reason: str) -> str:
    """The rules of every judgement of a hit, at the counter or before arrival: one of match, no match or
    unsure, with a reason. Returns the reason, stripped."""
    if status not in JUDGEMENTS:
        raise InvalidInput(_("judgement must be match, no_match or unsure"), field="status")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("a judgement needs a reason"), field="reason")
    return reason


def _new_hit(data: HitRecord, *, traveller_id: UUID | str, border_post_id: UUID | str,
             target: WatchlistEntry | DocumentAlert, inspection: Inspection | None,
             source: str) -> Hit:
    memory = data.get("previous_no_match")
    return Hit(
        source=source, inspection=inspection, border_post_id=border_post_id, traveller_id=traveller_id,
        watchlist_id=target.watchlist_id, entry=target if isinstance(target, WatchlistEntry) else None,
        document_alert=target if isinstance(target, DocumentAlert) else None,
        entry_version=int(data.get("entry_version") or 0), name=str(data.get("name", ""))[:300],
        score=float(data["score"]), algorithm=str(data.get("algorithm", ""))[:40],
        algorithm_version=str(data.get("version", ""))[:20], data=data,
        previous_no_match_id=memory["id"] if memory else None,
    )


JUDGEMENTS = (Hit.Status.MATCH, Hit.Status.NO_MATCH, Hit.Status.UNSURE)


class ContradictingPair(TypedDict):
    """A traveller and a listed entry judged both "match" and "no match" at a post."""

    traveller: Traveller
    name: str
    hits: list[Hit]  # the judged hits behind the pair, newest first
    last: datetime  # when the pair was last judged


def contradicting_judgements(border_post: BorderPost) -> list[ContradictingPair]:
    """Pairs (traveller, listed entry) at a post judged both "match" and "no match", for the supervisor to
    settle: one of the two judgements is wrong. Newest first, with the hits behind them."""
    from django.db.models import Max

    judged = (Hit.objects.filter(border_post=border_post, status__in=(Hit.Status.MATCH, Hit.Status.NO_MATCH))
              .values("traveller_id", "entry_id", "document_alert_id")
              .annotate(kinds=Count("status", distinct=True), last=Max("judged_at"))
              .filter(kinds__gt=1).order_by("-last")[:20])
    pairs: list[ContradictingPair] = []
    for row in judged:
        hits = list(Hit.objects.filter(traveller_id=row["traveller_id"], entry_id=row["entry_id"],
                                       document_alert_id=row["document_alert_id"],
                                       status__in=(Hit.Status.MATCH, Hit.Status.NO_MATCH))
                    .select_related("traveller", "judged_by").order_by("-judged_at"))
        pairs.append({"traveller": hits[0].traveller, "name": hits[0].name, "hits": hits, "last": row["last"]})
    return pairs


def inspection_hits_cleared(inspection: Inspection, code: str) -> bool:
    """The inspection's failed ``watchlist`` (person) or ``stolen_lost`` (document) check is cleared once every
    hit it filed for that check has been judged "no match" by a person. A "match" or "unsure" keeps it failed."""
    statuses = set(Hit.objects.filter(inspection_id=inspection.pk, entry__isnull=(code == "stolen_lost"))
                   .values_list("status", flat=True))
    return statuses == {Hit.Status.NO_MATCH}


def judge_hit(actor: Actor, hit: Hit, *, status: str, reason: str, token: ApiToken | None = None) -> Hit:
    """Record a person's judgement (match, no match, unsure) with a reason. Nothing is refused automatically:
    the decision on the traveller stays with the officer. A "no match" is remembered for this traveller and
    entry and shown beside later hits; a later "match" for the pair forgets it."""
    authz.require(actor, "hits.adjudicate", hit.border_post_id, token=token)
    reason = check_judgement(status, reason)
    fields = ["status", "reason", "judged_by", "judged_at"]
    with transaction.atomic():
        locked = Hit.objects.select_for_update().get(id=hit.id)
        before = audit.snapshot(locked, fields)
        locked.status = status
        locked.reason = reason
        locked.judged_by = judge = acting_user(actor)
        locked.judged_at = timezone.now()
        locked.save(update_fields=fields)
        target = {"entry_id": locked.entry_id} if locked.entry_id else {"document_alert_id": locked.document_alert_id}
        if status == Hit.Status.NO_MATCH:
            _remember_no_match(locked.traveller_id, locked, judged_by_id=judge.pk, label=judge.get_username(),
                               judged_at=locked.judged_at, reason=reason)
        elif status == Hit.Status.MATCH:
            bulk.update(Hit.objects.filter(previous_no_match__traveller_id=locked.traveller_id,
                                           previous_no_match__in=NoMatchMemory.objects.filter(
                                               traveller_id=locked.traveller_id, **target)),
                        previous_no_match=None)
            NoMatchMemory.objects.filter(traveller_id=locked.traveller_id, **target).delete()
        audit.record(actor=actor, action="hit.judge", object_type="watchlist_hit", object_id=str(locked.id),
                     object_label=f"{locked.watchlist.name}: {value_ref('name', locked.name)}",
                     border_post_code=locked.border_post.code, before=before,
                     after=audit.snapshot(locked, fields), reason=reason)
    return locked


def hits_for(actor: Actor, *, border_post: BorderPost | None = None, status: str | None = "pending", token: ApiToken | None = None,
             limit: int = 200) -> list[Hit]:
    """The queue: hits at the posts where ``actor`` adjudicates (or at ``border_post``), oldest first."""
    authz.require(actor, "hits.adjudicate", border_post, token=token)
    hits = Hit.objects.select_related("border_post", "traveller", "watchlist", "judged_by", "previous_no_match")
    if border_post is not None:
        hits = hits.filter(border_post=border_post)
    else:
        hits = authz.limit_to_scope(hits, actor, "hits.adjudicate", token)
    if status:
        if status not in Hit.Status.values:
            raise InvalidInput(_("status must be one of %(choices)s")
                               % {"choices": ', '.join(Hit.Status.values)}, field="status")
        hits = hits.filter(status=status)
    return list(hits.order_by("created_at")[:limit])
