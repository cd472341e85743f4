"""Stays: the last admitted entry, extensions of a stay."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from openbmis import stay
from openbmis.accounts.actors import Actor, acting_user
from openbmis.audit import services as audit
from openbmis.core.errors import InvalidInput
from openbmis.inspections.models import Crossing
from openbmis.permits import presence
from openbmis.permits.models import (
    Overstay,
    StayExtension,
)
from openbmis.travellers.models import Traveller

# --- stays: extensions ------------------------------------------------------------------------------

def last_admitted(traveller: Traveller) -> Crossing | None:
    return Crossing.objects.filter(traveller=traveller, decision="admit").order_by("-at").first()


def extended_until(entry: Crossing) -> date | None:
    """The entry's permitted last day, as extended since."""
    latest = StayExtension.objects.filter(entry=entry).aggregate(until=Max("until"))["until"]
    dates = [d for d in (entry.permitted_until, latest) if d is not None]
    return max(dates) if dates else None


def post_today(time_zone: str, now: datetime | None = None) -> date:
    return stay.local_day(now or timezone.now(), time_zone)


def grant_extension(actor: Actor, traveller: Traveller, *, until: date, reason: str) -> StayExtension:
    """Extend the current stay to ``until``; an open overstay of that stay ends (as extended)."""
    entry = last_admitted(traveller)
    if entry is None or entry.direction != "entry":
        raise InvalidInput(_("the traveller is not in the country: there is no stay to extend"), field="traveller")
    if not reason.strip():
        raise InvalidInput(_("an extension needs a reason"), field="reason")
    current = extended_until(entry)
    if current is not None and until <= current:
        raise InvalidInput(_("the stay is already permitted until %(current)s")
                           % {"current": current.isoformat()}, field="until")
    today = post_today(entry.time_zone)
    if until < today:
        raise InvalidInput(_("the new last day of stay is in the past"), field="until")
    with transaction.atomic():
        extension = StayExtension.objects.create(traveller=traveller, entry=entry, until=until,
                                                 reason=reason.strip(), granted_by=acting_user(actor))
        presence.note_extension(entry, until)
        audit.record(actor=actor, action="stay.extend", object_type="traveller", object_id=str(traveller.id),
                     before={"permitted_until": current}, after={"permitted_until": until,
                                                                 "extension": str(extension.id)},
                     border_post_code=entry.border_post.code, reason=reason.strip())
        open_overstay = Overstay.objects.filter(traveller=traveller, status=Overstay.Status.OPEN).first()
        if open_overstay is not None:
            open_overstay.status = Overstay.Status.EXTENDED
            open_overstay.ended_at = timezone.now()
            open_overstay.days = stay.overstay_days(open_overstay.permitted_until, today)
            open_overstay.save(update_fields=["status", "ended_at", "days"])
            audit.record(actor=actor, action="overstay.end", object_type="overstay", object_id=str(open_overstay.id),
                         after={"status": open_overstay.status, "days": open_overstay.days})
    return extension
