"""The traveller's right to rectification, with four eyes (issue 14).

A supervisor or an administrator requests the correction of a traveller's identity data (names, birth date,
nationality, sex, a document's number) with a reason; a second, different supervisor or administrator approves
it (it is then applied) or rejects it. The one who asked may not decide. Every step is audited with the person's
reference and the names of the fields, never the values (those stay in the request row, erased with the person).

An applied correction of nationality, sex or birth date is carried to the traveller's crossings that recorded the
old value, and the statistics of those days are recomputed (signal ``identity_rectified``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from openbmis import mrz
from openbmis.accounts import authz
from openbmis.accounts.actors import Actor, acting_user
from openbmis.accounts.models import ApiToken
from openbmis.audit import services as audit
from openbmis.audit.refs import value_ref
from openbmis.core import bulk
from openbmis.core.errors import AccessDenied, Conflict, InvalidInput, NotFound
from openbmis.travellers import signals
from openbmis.travellers.models import Rectification, TravelDocument, Traveller

PERMISSION = "travellers.rectify"
#: The identity fields a correction may change, and the one of a document.
IDENTITY_FIELDS = ("primary_identifier", "secondary_identifier", "birth_date", "nationality", "sex")
DOCUMENT_FIELD = "document_number"
FIELDS = (*IDENTITY_FIELDS, DOCUMENT_FIELD)
#: The fields the crossings keep a copy of (what the statistics count).
CROSSING_FIELDS = ("nationality", "sex", "birth_date")
_NAME = re.compile(r"^[A-Z][A-Z '\-]*$")
_NUMBER = re.compile(r"^[A-Z0-9]{1,20}$")


def _stored(traveller: Traveller, document: TravelDocument | None, field: str) -> Any:
    if field == DOCUMENT_FIELD:
        return document.number if document is not None else None
    value = getattr(traveller, field)
    return value.isoformat() if isinstance(value, date) else value


def _clean(field: str, value: Any) -> str:
    """One corrected value in its stored form; InvalidInput names the field and what is wrong."""
    text = " ".join(str(value if value is not None else "").split()).upper()
    if field in ("primary_identifier", "secondary_identifier"):
        if field == "primary_identifier" and not text:
            raise InvalidInput(_("the surname may not be empty"), field=field)
        if text and (len(text) > 120 or not _NAME.match(text)):
            raise InvalidInput(_("%(field)s: letters, spaces, hyphens and apostrophes only, at most 120")
                               % {"field": field}, field=field)
        return text
    if field == "birth_date":
        try:
            born = date.fromisoformat(text)
        except ValueError:
            raise InvalidInput(_("birth_date: expected YYYY-MM-DD, got %(value)r")
                               % {"value": value}, field=field) from None
        if born > timezone.now().date():
            raise InvalidInput(_("birth_date: %(born)s is in the future") % {"born": born}, field=field)
        return born.isoformat()
    if field == "nationality":
        if mrz.lookup_state(text) is None:
            raise InvalidInput(_("nationality: unknown state code %(text)r (ICAO Doc 9303 Part 3)")
                               % {"text": text}, field=field)
        return text
    if field == "sex":
        if text not in Traveller.Sex.values:
            raise InvalidInput(_("sex: expected F, M or X, got %(value)r") % {"value": value}, field=field)
        return text
    number = text.replace(" ", "").replace("<", "")
    if not _NUMBER.match(number):
        raise InvalidInput(_("document_number: 1 to 20 letters and digits, got %(value)r")
                           % {"value": value}, field=field)
    return number


def _require(actor: Actor, traveller: Traveller, token: ApiToken | None = None) -> None:
    """A supervisor at a post where the traveller was inspected, or an administrator (nationally)."""
    authz.require(actor, PERMISSION, token=token)
    scope = authz.post_scope(actor, PERMISSION, token)
    if isinstance(scope, authz.AllPosts):
        return
    if not scope or not traveller.inspections.filter(border_post__in=scope).exists():  # type: ignore[attr-defined]
        raise NotFound(_("no such traveller in your posts"), field="traveller")


def visible(actor: Actor, token: ApiToken | None = None) -> QuerySet[Rectification]:
    """The requests the actor may see: those about travellers inspected at the actor's posts (all: nationally)."""
    authz.require(actor, PERMISSION, token=token)
    found = Rectification.objects.select_related("traveller", "document", "requested_by", "decided_by")
    scope = authz.post_scope(actor, PERMISSION, token)
    if not isinstance(scope, authz.AllPosts):
        found = found.filter(traveller__in=Traveller.objects.filter(inspections__border_post__in=scope).values("id"))
    return found


def get(actor: Actor, rectification_id: Any, token: ApiToken | None = None) -> Rectification:
    found = visible(actor, token).filter(id=rectification_id).first() if _is_uuid(rectification_id) else None
    if found is None:
        raise NotFound(_("no rectification %(rectification_id)s in your posts")
                       % {"rectification_id": rectification_id}, field="id")
    return found


def _is_uuid(value: Any) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def request(actor: Actor, traveller: Traveller, *, changes: dict[str, Any], reason: str,
            document: TravelDocument | None = None, token: ApiToken | None = None) -> Rectification:
    """Ask for a correction. ``changes``: {field: corrected value} among :data:`FIELDS`; a document number needs
    the ``document`` (one of the traveller's) it belongs to."""
    _require(actor, traveller, token)
    if traveller.merged_into_id is not None:
        raise Conflict(_("this identity was merged into another: correct the identity it was merged into"))
    if not str(reason or "").strip():
        raise InvalidInput(_("a correction needs a reason"), field="reason")
    if not changes:
        raise InvalidInput(_("give at least one field to correct (%(correctable)s)")
                           % {"correctable": ', '.join(FIELDS)}, field="changes")
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise InvalidInput(_("unknown field(s): %(unknown)s; correctable: %(correctable)s")
                           % {"unknown": ', '.join(unknown), "correctable": ', '.join(FIELDS)},
                           field=unknown[0])
    if DOCUMENT_FIELD in changes:
        if document is None:
            raise InvalidInput(_("a document number correction needs the document it belongs to"), field="document")
        if document.traveller_id != traveller.pk:
            raise InvalidInput(_("that document is not one of this traveller's"), field="document")
    cleaned = {field: _clean(field, value) for field, value in changes.items()}
    previous = {field: _stored(traveller, document, field) for field in cleaned}
    same = sorted(f for f in cleaned if cleaned[f] == previous[f])
    if same:
        raise InvalidInput(_("already recorded as requested: %(same)s")
                           % {"same": ', '.join(same)}, field=same[0])
    if DOCUMENT_FIELD in cleaned and document is not None and TravelDocument.objects.filter(
            issuing_state=document.issuing_state, number=cleaned[DOCUMENT_FIELD]).exists():
        raise Conflict(_("another document of that issuing state already has that number"), field=DOCUMENT_FIELD)
    with transaction.atomic():
        if Rectification.objects.select_for_update().filter(traveller=traveller,
                                                            status=Rectification.Status.PENDING).exists():
            raise Conflict(_("a correction of this traveller is already waiting for approval"))
        rectification = Rectification.objects.create(
            traveller=traveller, document=document if DOCUMENT_FIELD in cleaned else None, changes=cleaned,
            previous=previous, reason=reason.strip(), requested_by=acting_user(actor))
        audit.record(actor=actor, action="traveller.rectification_request", object_type="traveller",
                     object_id=str(traveller.pk),
                     after={"rectification": str(rectification.pk), "fields": sorted(cleaned),
                            "document": str(document.pk) if DOCUMENT_FIELD in cleaned and document else None},
                     reason=rectification.reason)
    return rectification


def _tags(values: dict[str, Any]) -> dict[str, Any]:
    """The values of a correction as keyed tags (the trail shows that a field changed, never to what)."""
    kinds = {"primary_identifier": "name", "secondary_identifier": "name", DOCUMENT_FIELD: "document"}
    return {f: value_ref(kinds.get(f, f), v) if v not in (None, "") else v for f, v in values.items()}


def _decidable(actor: Actor, rectification: Rectification, token: ApiToken | None = None) -> Rectification:
    _require(actor, rectification.traveller, token)
    if getattr(actor, "pk", None) == rectification.requested_by_id:
        raise AccessDenied(_("the person who requested a correction may not decide on it: a second supervisor or "
                           "administrator must"), field="rectification")
    # Only the request's row is locked (PostgreSQL refuses FOR UPDATE on the nullable side of a join).
    locked = Rectification.objects.select_for_update(of=("self",)).select_related("traveller", "document").get(
        pk=rectification.pk)
    if locked.status != Rectification.Status.PENDING:
        raise Conflict(_("this correction was already decided (%(status)s)") % {"status": locked.status})
    return locked


def approve(actor: Actor, rectification: Rectification, reason: str = "", token: ApiToken | None = None) -> Rectification:
    """Approve and apply a correction (by someone other than the requester)."""
    with transaction.atomic():
        locked = _decidable(actor, rectification, token)
        traveller = Traveller.objects.select_for_update().get(pk=locked.traveller_id)
        document = locked.document
        drifted = sorted(f for f, old in locked.previous.items() if _stored(traveller, document, f) != old)
        if drifted:
            raise Conflict(_("the record changed since the request (%(drifted)s): reject it and ask again")
                           % {"drifted": ', '.join(drifted)})
        identity = {f: v for f, v in locked.changes.items() if f in IDENTITY_FIELDS}
        for field, value in identity.items():
            setattr(traveller, field, date.fromisoformat(value) if field == "birth_date" else value)
        if identity:
            traveller.save(update_fields=list(identity))
        if DOCUMENT_FIELD in locked.changes and document is not None:
            document.number = locked.changes[DOCUMENT_FIELD]
            document.save(update_fields=["number"])
        days = _propagate_to_crossings(traveller, locked)
        locked.status = Rectification.Status.APPLIED
        locked.decided_by, locked.decided_at = acting_user(actor), timezone.now()
        locked.decision_reason = str(reason or "").strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit.record(actor=actor, action="traveller.rectify", object_type="traveller", object_id=str(traveller.pk),
                     before=_tags(locked.previous),
                     after={**_tags(locked.changes), "rectification": str(locked.pk),
                            "requested_by": locked.requested_by.get_username(), "crossings_days": len(days)},
                     reason=locked.reason)
        signals.identity_rectified.send(sender=Traveller, traveller_id=traveller.pk,
                                        fields=sorted(locked.changes), days=sorted(days))
    return locked


def reject(actor: Actor, rectification: Rectification, reason: str, token: ApiToken | None = None) -> Rectification:
    """Reject a correction (by someone other than the requester), with a reason; nothing is changed."""
    if not str(reason or "").strip():
        raise InvalidInput(_("a rejection needs a reason"), field="reason")
    with transaction.atomic():
        locked = _decidable(actor, rectification, token)
        locked.status = Rectification.Status.REJECTED
        locked.decided_by, locked.decided_at = acting_user(actor), timezone.now()
        locked.decision_reason = reason.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit.record(actor=actor, action="traveller.rectification_reject", object_type="traveller",
                     object_id=str(locked.traveller_id),
                     after={"rectification": str(locked.pk), "fields": sorted(locked.changes)},
                     reason=locked.decision_reason)
    return locked


def _propagate_to_crossings(traveller: Traveller, rectification: Rectification) -> set[date]:
    """Carry a corrected nationality, sex or birth date to the traveller's crossings that recorded the old value
    (a crossing read with another value from another document keeps its own). Returns the days touched."""
    days: set[date] = set()
    for field in CROSSING_FIELDS:
        if field not in rectification.changes:
            continue
        old, new = rectification.previous[field], rectification.changes[field]
        if field == "birth_date":
            old = date.fromisoformat(old) if old else None
            new = date.fromisoformat(new)
        crossings = traveller.crossings.filter(**{field: old})  # type: ignore[attr-defined]
        days |= set(crossings.values_list("local_date", flat=True))
        bulk.update(crossings, **{field: new})
    return days


def may_rectify(actor: Actor, traveller: Traveller) -> bool:
    """Whether the actor may ask for (or decide on) a correction of this traveller (for the pages)."""
    if not authz.has_permission(actor, PERMISSION):
        return False
    try:
        _require(actor, traveller)
    except (AccessDenied, NotFound):
        return False
    return True
