"""Entry bans: imposed, lifted, and matched against an arriving traveller."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TypedDict, Unpack

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from openbmis.accounts.actors import Actor, acting_user
from openbmis.audit import services as audit
from openbmis.core.errors import InvalidInput
from openbmis.core.validation import full_clean
from openbmis.inspections.models import Crossing
from openbmis.permits.models import (
    EntryBan,
    Overstay,
)
from openbmis.permits.services.rules import _state
from openbmis.travellers.models import Traveller

# --- entry bans -------------------------------------------------------------------------------------

BAN_FIELDS = ("surname", "given_names", "nationality", "birth_date", "document_number", "source", "starts_on",
              "ends_on", "reason")


class BanFields(TypedDict, total=False):
    """Who is banned and for how long: ``BAN_FIELDS`` with their types (the identity defaults to the traveller's)."""

    surname: str
    given_names: str
    nationality: str
    birth_date: date | None
    document_number: str
    source: str
    starts_on: date
    ends_on: date | None
    reason: str


def impose_ban(actor: Actor, *, traveller: Traveller | None = None, crossing: Crossing | None = None,
               overstay: Overstay | None = None, **fields: Unpack[BanFields]) -> EntryBan:
    unknown = set(fields) - set(BAN_FIELDS)
    if unknown:
        raise InvalidInput(_("unknown field(s): %(unknown)s")
                           % {"unknown": ', '.join(sorted(unknown))}, field=sorted(unknown)[0])
    if traveller is not None:
        fields.setdefault("surname", traveller.primary_identifier)
        fields.setdefault("given_names", traveller.secondary_identifier)
        fields.setdefault("nationality", traveller.nationality)
        fields.setdefault("birth_date", traveller.birth_date)
    ban = EntryBan(traveller=traveller, crossing=crossing, overstay=overstay, imposed_by=acting_user(actor), **fields)
    ban.nationality = _state(ban.nationality, "nationality")
    ban.surname = str(ban.surname or "").strip().upper()
    ban.given_names = str(ban.given_names or "").strip().upper()
    ban.document_number = str(ban.document_number or "").strip().upper()
    if not str(ban.reason or "").strip():
        raise InvalidInput(_("an entry ban needs a reason"), field="reason")
    if ban.starts_on and ban.ends_on and ban.ends_on < ban.starts_on:
        raise InvalidInput(_("the ban ends (%(ends_on)s) before it starts (%(starts_on)s)")
                           % {"ends_on": ban.ends_on, "starts_on": ban.starts_on}, field="ends_on")
    if ban.source == EntryBan.Source.REFUSAL and crossing is not None and crossing.decision != "refuse":
        raise InvalidInput(_("a ban after a refusal must refer to a refused crossing"), field="crossing")
    full_clean(ban, exclude=["id", "imposed_by"])
    with transaction.atomic():
        ban.save()
        audit.record(actor=actor, action="entry_ban.impose", object_type="entry_ban", object_id=str(ban.id),
                     after={"source": ban.source, "starts_on": ban.starts_on, "ends_on": ban.ends_on,
                            "traveller": str(traveller.id) if traveller else None, "nationality": ban.nationality},
                     reason=ban.reason)
    return ban


def lift_ban(actor: Actor, ban: EntryBan, reason: str) -> EntryBan:
    if ban.lifted_at is not None:
        raise InvalidInput(_("this ban has already been lifted"), field="ban")
    with transaction.atomic():
        ban.lifted_at = timezone.now()
        ban.save(update_fields=["lifted_at"])
        audit.record(actor=actor, action="entry_ban.lift", object_type="entry_ban", object_id=str(ban.id),
                     after={"lifted_at": ban.lifted_at}, reason=reason)
    return ban


def _ban_matches(ban: EntryBan, traveller: Traveller | None, document: Mapping[str, object]) -> bool:
    """In Python, the identity test of :func:`active_bans` (for bans read in a batch)."""
    if traveller is not None and ban.traveller_id == traveller.id:
        return True
    nationality = document.get("nationality") or ""
    number = str(document.get("document_number") or "").upper()
    if number and ban.document_number == number and ban.nationality == nationality:
        return True
    birth = document.get("birth_date")
    return bool(birth) and (ban.surname == str(document.get("primary_identifier") or "").upper()
                            and ban.birth_date == birth and ban.nationality == nationality)


def active_bans(*, traveller: Traveller | None, document: Mapping[str, object], day: date) -> list[EntryBan]:
    """Bans in force on ``day`` that match the traveller, the document, or name + birth date + nationality."""
    identity = Q(traveller=traveller) if traveller is not None else Q(pk__in=[])
    number = str(document.get("document_number") or "").upper()
    if number:
        identity |= Q(document_number=number, nationality=document.get("nationality") or "")
    birth = document.get("birth_date")
    if birth:
        identity |= Q(surname=str(document.get("primary_identifier") or "").upper(), birth_date=birth,
                      nationality=document.get("nationality") or "")
    return list(EntryBan.objects.filter(identity, lifted_at__isnull=True, starts_on__lte=day)
                .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day)))
