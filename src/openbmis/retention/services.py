"""Retention services: the dry-run report, the purge, and legal holds (placed and lifted by administrators or
auditors, audited)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openbmis.accounts import authz
from openbmis.accounts.actors import Actor, acting_user
from openbmis.accounts.models import ApiToken
from openbmis.audit import services as audit
from openbmis.audit.refs import traveller_ref
from openbmis.core import retention
from openbmis.core.errors import Conflict, InvalidInput, NotFound
from openbmis.retention.models import LegalHold
from openbmis.travellers.models import Traveller

MAX_REASON = 2000


def report(user: Actor, token: ApiToken | None = None, now: datetime | None = None) -> list[retention.RuleReport]:
    """What the retention run would delete now, per rule (administrators and auditors)."""
    authz.require(user, "retention.view", token=token)
    return retention.report(now)


def purge(actor: Actor, token: ApiToken | None = None, now: datetime | None = None) -> dict[str, dict[str, int]]:
    authz.require(actor, "retention.manage", token=token)
    return retention.purge(actor=actor, now=now)


def holds(user: Actor, token: ApiToken | None = None, traveller_id: UUID | None = None, in_force: bool | None = None) -> QuerySet[LegalHold]:
    authz.require(user, "retention.view", token=token)
    rows = LegalHold.objects.select_related("traveller", "created_by", "lifted_by")
    if traveller_id is not None:
        rows = rows.filter(traveller_id=traveller_id)
    if in_force is True:
        rows = rows.in_force()
    elif in_force is False:
        rows = rows.exclude(pk__in=LegalHold.objects.in_force().values("pk"))
    return rows


def _clean_reason(reason: str, field: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("a reason is required (the case, inquiry or order that requires it)"), field=field)
    if len(reason) > MAX_REASON:
        raise InvalidInput(ngettext("the reason is too long (%(count)d character; at most %(limit)d)",
                                    "the reason is too long (%(count)d characters; at most %(limit)d)",
                                    len(reason)) % {"count": len(reason), "limit": MAX_REASON}, field=field)
    return reason


def place_hold(actor: Actor, traveller_id: UUID | str, reason: str, ends_on: date | None = None, token: ApiToken | None = None
               ) -> LegalHold:
    """Keep everything about a traveller from retention until the hold is lifted (or ``ends_on`` passed)."""
    authz.require(actor, "retention.manage", token=token)
    reason = _clean_reason(reason, "reason")
    if ends_on is not None and ends_on < timezone.localdate():
        raise InvalidInput(_("the end date %(ends_on)s is in the past")
                           % {"ends_on": ends_on.isoformat()}, field="ends_on")
    try:
        traveller_id = UUID(str(traveller_id))
    except ValueError:
        raise InvalidInput(_("not a traveller id: %(traveller_id)r")
                           % {"traveller_id": str(traveller_id)[:40]}, field="traveller_id") from None
    with transaction.atomic():
        traveller = Traveller.objects.filter(pk=traveller_id).first()
        if traveller is None:
            raise NotFound(_("no traveller with id %(traveller_id)s")
                           % {"traveller_id": traveller_id}, field="traveller_id")
        hold = LegalHold.objects.create(traveller=traveller, reason=reason, created_by=acting_user(actor), ends_on=ends_on)
        audit.record(actor=actor, action="legal_hold.place", object_type="legal_hold", object_id=str(hold.id),
                     object_label=traveller_ref(traveller.id), reason=reason,
                     after={"traveller_ref": traveller_ref(traveller.id),
                            "ends_on": ends_on.isoformat() if ends_on else None})
    return hold


def lift_hold(actor: Actor, hold_id: UUID | str, reason: str, token: ApiToken | None = None) -> LegalHold:
    authz.require(actor, "retention.manage", token=token)
    reason = _clean_reason(reason, "reason")
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().filter(pk=hold_id).first()
        if hold is None:
            raise NotFound(_("no legal hold with id %(hold_id)s") % {"hold_id": hold_id}, field="hold_id")
        if hold.lifted_at is not None:
            raise Conflict(_("this legal hold was already lifted"), field="hold_id")
        hold.lifted_at, hold.lifted_by, hold.lift_reason = timezone.now(), acting_user(actor), reason
        hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        audit.record(actor=actor, action="legal_hold.lift", object_type="legal_hold", object_id=str(hold.id),
                     object_label=traveller_ref(hold.traveller_id), reason=reason,
                     after={"traveller_ref": traveller_ref(hold.traveller_id)})
    return hold
