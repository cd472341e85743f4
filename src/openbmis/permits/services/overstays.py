"""Overstays: detection, the crossing receivers that open and end them, listing and export (their retention:
openbmis.retention.rules)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.db import models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from openbmis import stay
from openbmis.accounts.actors import Actor
from openbmis.accounts.models import ApiToken
from openbmis.audit import services as audit
from openbmis.core import installation
from openbmis.core.errors import NotFound
from openbmis.inspections.check_details import StayDetails, details_of
from openbmis.inspections.models import Crossing
from openbmis.permits import presence
from openbmis.permits.models import (
    Overstay,
    Presence,
    VisaUse,
)
from openbmis.permits.services.stays import last_admitted
from openbmis.travellers.models import Traveller

log = logging.getLogger(__name__)


# --- overstays --------------------------------------------------------------------------------------

@dataclass
class DetectionReport:
    in_country: int
    overstaying: int
    new: int
    ended: int
    seconds: float

    def as_dict(self) -> dict[str, int | float]:
        return {"in_country": self.in_country, "overstaying": self.overstaying, "new": self.new,
                "ended": self.ended, "seconds": round(self.seconds, 3)}


def detect_overstays(actor: Actor = "overstay-job", now: datetime | None = None) -> DetectionReport:
    """Find travellers whose permitted stay has ended without an exit; open new overstays, end old ones.

    The permitted last day is the one the admit decision recorded, as extended since; the day is the
    calendar day at the post of entry.  An open overstay's days are counted when read (they grow daily).
    """
    installation.require_hq("overstay detection")
    started = time.perf_counter()
    now = now or timezone.now()
    # The day after today in UTC is at least today everywhere: the SQL selects broadly, Python decides
    # per post time zone.
    threshold = now.date() + timedelta(days=1)
    with transaction.atomic():
        # All from the presence table (kept as crossings are recorded): no scan of the crossings.  The
        # daily case is mostly unchanged, so the database compares the sets: only the entries not yet
        # open as overstays come back to Python, and the open overstays no longer expired.
        in_country = presence.in_country_count()
        zones: dict[str, date] = {}
        new_rows = []
        for entry in presence.overstay_candidates(threshold):
            zone = entry["time_zone"]
            if zone not in zones:
                zones[zone] = stay.local_day(now, zone)
            until = entry["permitted_until"]
            if until < zones[zone]:
                new_rows.append(Overstay(traveller_id=entry["traveller_id"], entry_id=entry["id"],
                                         border_post_id=entry["border_post_id"], nationality=entry["nationality"],
                                         entry_date=entry["local_date"], permitted_until=until,
                                         days=stay.overstay_days(until, zones[zone]), detected_at=now))
        # Open overstays no longer expired: the traveller left or the stay was extended (normally ended
        # at once by the exit or the extension; this catches any that were missed).
        ended = 0
        for stale in presence.no_longer_expired(threshold).select_related("traveller"):
            _end_stale(stale, now)
            ended += 1
        Overstay.objects.bulk_create(new_rows, batch_size=2000)
        overstaying = Overstay.objects.filter(status=Overstay.Status.OPEN).count()
        report = DetectionReport(in_country, overstaying, len(new_rows), ended, time.perf_counter() - started)
        audit.record(actor=actor, action="overstay.detect", object_type="overstay_job", after=report.as_dict())
    log.info("overstay detection: %s", report.as_dict())
    return report


def open_overstay_for(traveller: Traveller) -> Overstay | None:
    return Overstay.objects.filter(traveller=traveller, status=Overstay.Status.OPEN).first()


def on_crossing_recorded(sender: object, crossing: Crossing, **kwargs: object) -> None:
    """After a decision: note where the traveller is; record a visa entry; on exit, end the overstay with
    the days overstayed."""
    if crossing.decision != "admit":
        return
    presence.note_crossing(crossing)
    checks = crossing.inspection.checks
    if crossing.direction == "entry":
        visa = details_of(checks, "visa")
        visa_id = visa.get("visa_id") if visa else None
        if visa_id:
            VisaUse.objects.create(visa_id=visa_id, crossing=crossing)
        return
    details: StayDetails = details_of(checks, "stay") or {}
    days = int(details.get("overstay_days") or 0)
    current = open_overstay_for(crossing.traveller)
    if current is None and days <= 0:
        return
    if current is None:
        entry_id, until = details.get("entry_id"), details.get("permitted_until")
        entry = Crossing.objects.filter(id=entry_id).first() if entry_id else None
        if entry is None or until is None or Overstay.objects.filter(entry=entry).exists():
            return
        current = Overstay(traveller=crossing.traveller, entry=entry, border_post_id=entry.border_post_id,
                           nationality=entry.nationality, entry_date=entry.local_date,
                           permitted_until=date.fromisoformat(until), detected_at=crossing.at)
    current.status = Overstay.Status.EXITED
    current.exit = crossing
    current.ended_at = crossing.at
    current.days = stay.overstay_days(current.permitted_until, crossing.local_date)
    current.save()
    audit.record(actor=crossing.officer, action="overstay.end", object_type="overstay", object_id=str(current.id),
                 border_post_code=crossing.border_post.code,
                 after={"status": current.status, "days": current.days, "exit": str(crossing.id)})


def _end_stale(overstay: Overstay, now: datetime) -> None:
    """End an open overstay whose stay is no longer the traveller's current, expired one: exited when the
    traveller's latest admitted crossing is an exit, otherwise ended by an extension."""
    last = last_admitted(overstay.traveller)
    exited = last is not None and last.direction == "exit"
    overstay.status = Overstay.Status.EXITED if exited else Overstay.Status.EXTENDED
    overstay.ended_at = now
    if exited and last is not None:
        overstay.exit = last
        overstay.days = stay.overstay_days(overstay.permitted_until, last.local_date)
    overstay.save(update_fields=["status", "ended_at", "exit", "days"])


def on_crossings_moved(sender: object, traveller_ids: Iterable[UUID | str], **kwargs: object) -> None:
    """A merge or a split moved crossings between identities: recompute where those travellers are, and
    let each overstay follow its entry crossing to the identity that now holds it.  Where that identity
    already has an open overstay, the one whose entry is no longer its current stay is ended first."""
    presence.refresh(traveller_ids)
    moved = (Overstay.objects.filter(traveller_id__in=traveller_ids).exclude(traveller_id=F("entry__traveller_id"))
             .select_related("entry"))
    now = timezone.now()
    for overstay in moved:
        owner = overstay.entry.traveller_id
        if overstay.status == Overstay.Status.OPEN:
            current = Presence.objects.filter(traveller_id=owner).values_list("entry_id", flat=True).first()
            if overstay.entry_id == current:
                # this stay is the identity's current one: any other open overstay of it is over
                for other in Overstay.objects.filter(traveller_id=owner, status=Overstay.Status.OPEN).select_related(
                        "traveller"):
                    _end_stale(other, now)
            else:
                overstay.traveller = Traveller.objects.get(pk=owner)  # judged on the holder's crossings
                _end_stale(overstay, now)
        Overstay.objects.filter(pk=overstay.pk).update(traveller_id=owner)


def rebuild_presence(actor: Actor) -> int:
    """Recompute where every traveller is from the crossings (``openbmis overstays rebuild``), audited."""
    with transaction.atomic():
        rows = presence.rebuild()
        audit.record(actor=actor, action="presence.rebuild", object_type="presence", after={"travellers": rows})
    return rows


def on_crossings_bulk_loaded(sender: object, **kwargs: object) -> None:
    """Crossings were written in bulk around the decision path: recompute where everyone is."""
    presence.rebuild()


def overstays(status: str = "", nationality: str = "", post_ids: Collection[UUID] | None = None, since: date | None = None,
              until: date | None = None, min_days: int | None = None) -> QuerySet[Overstay]:
    """The overstay list with its filters (shared by the page, the CSV export and the API)."""
    rows = Overstay.objects.select_related("traveller", "border_post").order_by("permitted_until")
    if status:
        rows = rows.filter(status=status)
    if nationality:
        rows = rows.filter(nationality=nationality.upper())
    if post_ids is not None:
        rows = rows.filter(border_post_id__in=post_ids)
    if since:
        rows = rows.filter(permitted_until__gte=since)
    if until:
        rows = rows.filter(permitted_until__lte=until)
    if min_days:
        # An open overstay grows daily: its days are counted from today, an ended one's are stored.
        latest = timezone.localdate() - timedelta(days=min_days)
        rows = rows.filter(Q(status=Overstay.Status.OPEN, permitted_until__lte=latest)
                           | (~Q(status=Overstay.Status.OPEN) & Q(days__gte=min_days)))
    return rows


def overstays_for(user: Actor, token: ApiToken | None = None, *, status: str = "", nationality: str = "", border_post: str = "",
                  since: date | None = None, until: date | None = None, min_days: int | None = None,
                  **_ignored: object) -> QuerySet[Overstay]:
    """The overstays a user may see: all for national holders, their posts' entries otherwise."""
    from openbmis.accounts import authz
    from openbmis.borderposts.models import BorderPost

    scope = authz.post_scope(user, "overstays.view", token)
    post_ids: set[UUID] | None = None if isinstance(scope, authz.AllPosts) else set(scope)
    if border_post:
        post = BorderPost.objects.filter(code=border_post.upper()).first()
        if post is None:
            raise NotFound(_("no border post with code %(border_post)r")
                           % {"border_post": border_post}, field="border_post")
        post_ids = {post.id} if post_ids is None else post_ids & {post.id}
    return overstays(status=status, nationality=nationality, post_ids=post_ids, since=since, until=until,
                     min_days=min_days)


def identity_visible(user: Actor, token: ApiToken | None = None) -> Callable[[Overstay], bool]:
    """Whether an overstay's identity (name, birth date, traveller) may be shown to ``user``: where the
    user may see identities at the post of entry (an analyst only when granted identities access)."""
    from openbmis.accounts import authz

    scope = authz.post_scope(user, "identities.view", token)
    if isinstance(scope, authz.AllPosts):
        return lambda overstay: True
    return lambda overstay: overstay.border_post_id in scope


REGISTER_IDENTITY_FIELDS = ("surname", "given_names", "birth_date", "passport_number", "document_number",
                            "traveller_id")


def register_identities_visible(user: Actor, token: ApiToken | None = None) -> bool:
    """Whether the visa, permit and entry-ban registers may show ``user`` who holds a record (names, birth
    date, passport): those who see identities at some post, and the administrators who keep the registers.
    An analyst without identities access sees the records without who they are, as in the overstay list."""
    from openbmis.accounts import authz

    return (authz.has_permission(user, "identities.view", token=token)
            or authz.has_permission(user, "permits.manage", token=token))


def without_identity(record: models.Model, fields: list[str]) -> dict[str, object]:
    """A register record as a dict for the API, with who it is blanked (None)."""
    return {name: (None if name in REGISTER_IDENTITY_FIELDS else getattr(record, name)) for name in fields}


def record_export(user: Actor, *, rows: int, filters: Mapping[str, object], identities: bool, token: ApiToken | None = None) -> None:
    """Audit an export of the overstay list: who took how many rows, with which filters (no row data)."""
    audit.record(actor=user, action="overstay.export", object_type="overstay_list",
                 after={"rows": rows, "filters": {k: v for k, v in filters.items() if v not in ("", None)},
                        "identities": identities, "token": getattr(token, "prefix", None)})


def get_traveller(traveller_id: UUID | str | None) -> Traveller | None:
    if traveller_id is None:
        return None
    traveller = Traveller.objects.filter(id=traveller_id).first()
    if traveller is None:
        raise NotFound(_("no traveller %(traveller_id)s")
                       % {"traveller_id": traveller_id}, field="traveller_id")
    return traveller


def get_crossing(crossing_id: UUID | str | None) -> Crossing | None:
    if crossing_id is None:
        return None
    crossing = Crossing.objects.filter(id=crossing_id).first()
    if crossing is None:
        raise NotFound(_("no crossing %(crossing_id)s") % {"crossing_id": crossing_id}, field="crossing_id")
    return crossing
