"""The write path of visas, permits and stays: rules, registry, e-visa imports, extensions, bans, overstays.

Every write is audited in its transaction.  Rules and imports are validated whole before anything is
written: a bad rule or a bad row changes nothing.
"""

from __future__ import annotations

import csv
import io
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from openbmis import mrz, stay
from openbmis.audit import services as audit
from openbmis.core import installation
from openbmis.core.errors import InvalidInput, NotFound
from openbmis.core.validation import clean_file_name, full_clean
from openbmis.inspections.models import Crossing
from openbmis.permits import presence
from openbmis.permits.models import (
    ANY,
    EntryBan,
    Overstay,
    Presence,
    ResidencePermit,
    StayExtension,
    Visa,
    VisaPolicyRule,
    VisaUse,
)
from openbmis.travellers.models import Traveller

log = logging.getLogger(__name__)

RULE_FIELDS = ("name", "nationality", "document_type", "max_age", "category", "stay_kind", "max_stay_days",
               "window_days", "valid_from", "valid_to", "note")
VISA_FIELDS = ("number", "category", "entries", "valid_from", "valid_until", "duration_days", "issuing_post",
               "surname", "given_names", "nationality", "birth_date", "passport_number")
PERMIT_FIELDS = ("kind", "number", "surname", "given_names", "nationality", "birth_date", "passport_number",
                 "valid_from", "valid_until")


# --- visa policy rules ------------------------------------------------------------------------------

def _state(value: Any, name: str, allow_any: bool = False) -> str:
    code = str(value or "").strip().upper()
    if allow_any and code == ANY:
        return code
    if mrz.lookup_state(code) is None:
        raise InvalidInput(f"{name}: unknown state code {code!r}", field=name)
    return code


def _period_label(start: date, end: date | None) -> str:
    return f"{start.isoformat()} to {end.isoformat() if end else 'open'}"


def _validate_rule(rule: VisaPolicyRule) -> None:
    rule.nationality = _state(rule.nationality, "nationality", allow_any=True)
    rule.document_type = (rule.document_type or ANY).strip().upper()
    if rule.document_type != ANY and not rule.document_type.isalpha():
        raise InvalidInput(f"document_type: expected an MRZ document code such as P or PD, or *, "
                           f"got {rule.document_type!r}", field="document_type")
    if rule.valid_to is not None and rule.valid_from is not None and rule.valid_to < rule.valid_from:
        raise InvalidInput(f"rule {rule.name!r}: effective until ({rule.valid_to}) precedes effective from "
                           f"({rule.valid_from})", field="valid_to")
    if rule.category != VisaPolicyRule.Category.REQUIRED and not rule.max_stay_days:
        raise InvalidInput(f"rule {rule.name!r}: a {rule.category} rule needs a maximum stay", field="max_stay_days")
    if rule.stay_kind == VisaPolicyRule.StayKind.ROLLING and rule.max_stay_days:
        if not rule.window_days or rule.window_days < rule.max_stay_days:
            raise InvalidInput(f"rule {rule.name!r}: a rolling rule needs a window of at least the maximum stay",
                               field="window_days")
    full_clean(rule)
    overlapping = VisaPolicyRule.objects.filter(
        nationality=rule.nationality, document_type=rule.document_type, max_age=rule.max_age,
    ).exclude(pk=rule.pk).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=rule.valid_from))
    if rule.valid_to is not None:
        overlapping = overlapping.filter(valid_from__lte=rule.valid_to)
    other = overlapping.first()
    if other is not None:
        raise InvalidInput(
            f"rule {rule.name!r} ({rule.nationality}/{rule.document_type}, "
            f"{_period_label(rule.valid_from, rule.valid_to)}) overlaps rule {other.name!r} "
            f"({_period_label(other.valid_from, other.valid_to)}) for the same nationality and document type",
            field="valid_from", rule=str(other.id),
        )


def create_rule(actor: Any, **fields: Any) -> VisaPolicyRule:
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown field(s): {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    rule = VisaPolicyRule(**fields)
    with transaction.atomic():
        _validate_rule(rule)
        rule.save()
        audit.record(actor=actor, action="visa_rule.create", object_type="visa_rule", object_id=str(rule.id),
                     object_label=rule.name, after=audit.snapshot(rule))
    return rule


def update_rule(actor: Any, rule: VisaPolicyRule, **changes: Any) -> VisaPolicyRule:
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown field(s): {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    before = audit.snapshot(rule)
    for name, value in changes.items():
        setattr(rule, name, value)
    with transaction.atomic():
        _validate_rule(rule)
        rule.save()
        audit.record(actor=actor, action="visa_rule.update", object_type="visa_rule", object_id=str(rule.id),
                     object_label=rule.name, before=before, after=audit.snapshot(rule))
    return rule


def get_rule(rule_id: Any) -> VisaPolicyRule:
    rule = VisaPolicyRule.objects.filter(id=rule_id).first()
    if rule is None:
        raise NotFound(f"no visa policy rule {rule_id}")
    return rule


def age_on(birth_date: date | None, day: date) -> int | None:
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def find_rule(nationality: str, document_code: str, day: date, birth_date: date | None = None) -> VisaPolicyRule | None:
    """The most specific rule in force on ``day``: nationality, then age limit, then document type."""
    code = (document_code or "").replace("<", "").upper()
    types = {code, code[:1], ANY} - {""}
    candidates = VisaPolicyRule.objects.filter(
        nationality__in=[nationality, ANY], document_type__in=types, valid_from__lte=day,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    return _most_specific(candidates, code, day, birth_date)


def _most_specific(candidates: Any, code: str, day: date, birth_date: date | None) -> VisaPolicyRule | None:
    """Among rules in force on ``day`` for the nationality and document type: the most specific one."""
    age = age_on(birth_date, day)
    best: tuple[tuple[int, int, int], VisaPolicyRule] | None = None
    for rule in candidates:
        if rule.max_age is not None and (age is None or age >= rule.max_age):
            continue
        doc_score = 2 if rule.document_type == code else 1 if rule.document_type != ANY else 0
        key = (int(rule.nationality != ANY), int(rule.max_age is not None), doc_score)
        if best is None or key > best[0]:
            best = (key, rule)
    return best[1] if best else None


def stay_rule(rule: VisaPolicyRule) -> stay.Rule | None:
    if not rule.max_stay_days:
        return None
    if rule.stay_kind == VisaPolicyRule.StayKind.ROLLING:
        return stay.RollingWindow(rule.max_stay_days, rule.window_days or rule.max_stay_days)
    return stay.FixedStay(rule.max_stay_days)


# --- visas and permits ------------------------------------------------------------------------------

MAX_VISA_VALIDITY_DAYS = 3653  # ten years: no visa is valid longer (a far-future date is a typing error)
EVISA_MAX_FIELD = 4096  # characters in one CSV field; the longest real one (a name) is 120


def _validate_visa(visa: Visa, *, known_may_exist: bool = False) -> None:
    visa.nationality = _state(visa.nationality, "nationality")
    visa.number = str(visa.number or "").strip().upper()
    visa.passport_number = str(visa.passport_number or "").strip().upper()
    visa.surname = str(visa.surname or "").strip().upper()
    visa.given_names = str(visa.given_names or "").strip().upper()
    if visa.valid_from and visa.valid_until and visa.valid_until < visa.valid_from:
        raise InvalidInput(f"visa {visa.number}: valid until ({visa.valid_until}) precedes valid from "
                           f"({visa.valid_from})", field="valid_until")
    if visa.valid_from and visa.valid_until and (visa.valid_until - visa.valid_from).days > MAX_VISA_VALIDITY_DAYS:
        raise InvalidInput(f"visa {visa.number}: valid for more than 10 years ({visa.valid_from} to "
                           f"{visa.valid_until})", field="valid_until")
    if not visa.duration_days:
        raise InvalidInput(f"visa {visa.number}: the duration of stay must be at least 1 day", field="duration_days")
    if not visa.number or len(visa.number) > 20:
        raise InvalidInput(f"number: expected 1 to 20 characters, got {visa.number!r}", field="number")
    # An import updates a visa already known: its uniqueness is not an error there.
    full_clean(visa, exclude=["id", "number", "nationality"] if known_may_exist else ["id"])


def create_visa(actor: Any, **fields: Any) -> Visa:
    unknown = set(fields) - set(VISA_FIELDS) - {"source"}
    if unknown:
        raise InvalidInput(f"unknown field(s): {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    visa = Visa(**fields)
    _validate_visa(visa)
    with transaction.atomic():
        visa.save()
        audit.record(actor=actor, action="visa.create", object_type="visa", object_id=str(visa.id),
                     object_label=visa.number, after=audit.snapshot(visa, ["number", "nationality", "entries",
                                                                             "valid_from", "valid_until", "source"]))
    return visa


def revoke_visa(actor: Any, visa: Visa, reason: str) -> Visa:
    with transaction.atomic():
        visa.status = Visa.Status.REVOKED
        visa.save(update_fields=["status"])
        audit.record(actor=actor, action="visa.revoke", object_type="visa", object_id=str(visa.id),
                     object_label=visa.number, after={"status": visa.status}, reason=reason)
    return visa


EVISA_COLUMNS = ("number", "surname", "given_names", "nationality", "birth_date", "passport_number", "valid_from",
                 "valid_until", "duration_days", "entries")


@dataclass
class ImportReport:
    rows: int
    created: int
    updated: int


def _row_value(row: dict[str, str], name: str) -> str:
    return (row.get(name) or "").strip()


def _bounded_csv(content: str) -> Any:
    """CSV rows, refusing (csv.Error naming the line) any field longer than EVISA_MAX_FIELD."""
    reader = csv.reader(io.StringIO(content))
    for row in reader:
        for value in row:
            if len(value) > EVISA_MAX_FIELD:
                raise csv.Error(f"line {reader.line_num}: a field longer than {EVISA_MAX_FIELD} characters")
        yield reader.line_num, row


def import_evisas(actor: Any, *, file_name: str, content: bytes | str) -> ImportReport:
    """Read an e-visa platform's CSV export; every row valid or nothing applied.

    Required columns: number, surname, given_names, nationality, birth_date (YYYY-MM-DD), passport_number,
    valid_from, valid_until, duration_days, entries (single, double, multiple); optional: category,
    issuing_post.  A visa already known (same number and nationality) is updated.
    """
    file_name = clean_file_name(file_name)
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"{file_name}: not UTF-8 text (byte {exc.start})", field="file") from None
    content = content.removeprefix("\ufeff")  # the byte-order mark spreadsheets write
    try:
        rows = list(_bounded_csv(content))
    except csv.Error as exc:
        raise InvalidInput(f"{file_name}: not a readable CSV file: {exc}", field="file") from None
    fieldnames = rows[0][1] if rows else []
    missing = [name for name in EVISA_COLUMNS if name not in fieldnames]
    if missing:
        raise InvalidInput(f"{file_name}: line 1: missing column(s): {', '.join(missing)}", field="file",
                           errors=[{"line": 1, "field": name, "message": "missing column"} for name in missing])
    visas: list[Visa] = []
    errors: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, cells in rows[1:]:
        if not cells:
            continue  # a blank line, as csv.DictReader skips it
        row = dict(zip(fieldnames, cells, strict=False))
        try:
            values: dict[str, Any] = {name: _row_value(row, name) for name in VISA_FIELDS if name in row}
            for name in ("valid_from", "valid_until", "birth_date"):
                text = values.get(name) or ""
                try:
                    values[name] = date.fromisoformat(text) if text else None
                except ValueError:
                    raise InvalidInput(f"{name}: expected YYYY-MM-DD, got {text!r}", field=name) from None
            for name in ("valid_from", "valid_until"):
                if values[name] is None:
                    raise InvalidInput(f"{name}: required", field=name)
            try:
                values["duration_days"] = int(values.get("duration_days") or "")
            except ValueError:
                raise InvalidInput(f"duration_days: expected a number of days, got {row.get('duration_days')!r}",
                                   field="duration_days") from None
            values["entries"] = str(values.get("entries", "")).lower()
            if values["entries"] not in Visa.Entries.values:
                raise InvalidInput(f"entries: expected single, double or multiple, got {values['entries']!r}",
                                   field="entries")
            visa = Visa(source=Visa.Source.EVISA, **values)
            _validate_visa(visa, known_may_exist=True)
            key = (visa.number, visa.nationality)
            if key in seen:
                raise InvalidInput(f"number: visa {visa.number} already given on line {seen[key]}", field="number")
            seen[key] = line
            visas.append(visa)
        except InvalidInput as exc:
            errors.append({"line": line, "field": exc.field or "", "message": exc.message})
    if errors:
        summary = "; ".join(f"line {e['line']}: {e['message']}" for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise InvalidInput(f"{file_name}: {len(errors)} bad row(s), nothing imported: {summary}{more}",
                           field="file", errors=errors)
    created = updated = 0
    with transaction.atomic():
        for visa in visas:
            existing = Visa.objects.filter(number=visa.number, nationality=visa.nationality).first()
            if existing is None:
                visa.save()
                created += 1
                continue
            for name in VISA_FIELDS:
                setattr(existing, name, getattr(visa, name))
            existing.source = Visa.Source.EVISA
            existing.save()
            updated += 1
        audit.record(actor=actor, action="evisa.import", object_type="visa_import", object_label=file_name[:200],
                     after={"rows": len(visas), "created": created, "updated": updated})
    return ImportReport(len(visas), created, updated)


def find_visas(nationality: str, passport_number: str) -> list[Visa]:
    return list(Visa.objects.filter(nationality=nationality, passport_number=passport_number.upper())
                .order_by("-valid_from"))


def visa_problem(visa: Visa, day: date, nationality: str, *, used: int | None = None) -> str | None:
    """Why the visa cannot be used to enter on ``day`` (None: it can). ``used``: the entries already made on
    it, when the caller has counted them (else counted here)."""
    if visa.status != Visa.Status.VALID:
        return f"visa {visa.number} is {visa.status}"
    if visa.nationality != nationality:
        return f"visa {visa.number} was issued to a {visa.nationality} national, the document says {nationality}"
    if day < visa.valid_from:
        return f"visa {visa.number} is valid only from {visa.valid_from.isoformat()}"
    if day > visa.valid_until:
        return f"visa {visa.number} expired on {visa.valid_until.isoformat()}"
    allowed = visa.allowed_entries
    if allowed is not None:
        if used is None:
            used = VisaUse.objects.filter(visa=visa).count()
        if used >= allowed:
            return f"visa {visa.number}: all {allowed} entr{'y' if allowed == 1 else 'ies'} used"
    return None


@dataclass
class StickerMatch:
    visa: Visa | None
    mismatches: list[str] = field(default_factory=list)


def match_sticker(mrz_text: str) -> StickerMatch:
    """Match a visa sticker's MRZ (MRV-A or MRV-B) to its registry record."""
    try:
        result = mrz.parse(mrz_text)
    except mrz.MRZError as exc:
        raise InvalidInput(f"MRZ not readable: {exc}", field="mrz") from None
    if result.format not in ("MRVA", "MRVB"):
        raise InvalidInput(f"this is a {result.format} document MRZ, not a visa sticker (MRV-A or MRV-B)",
                           field="mrz")
    fields = result.fields()
    visa = Visa.objects.filter(number=fields.document_number, nationality=fields.nationality).first()
    if visa is None:
        return StickerMatch(None, [f"no visa {fields.document_number} for a {fields.nationality} national "
                                   "in the registry"])
    mismatches = []
    if visa.surname != fields.primary_identifier:
        mismatches.append(f"surname: registry {visa.surname!r}, sticker {fields.primary_identifier!r}")
    if visa.birth_date and fields.birth_date and visa.birth_date != fields.birth_date:
        mismatches.append(f"birth date: registry {visa.birth_date}, sticker {fields.birth_date}")
    if not result.valid:
        mismatches.append("the sticker MRZ check digits do not verify")
    return StickerMatch(visa, mismatches)


def _validate_permit(permit: ResidencePermit) -> None:
    permit.nationality = _state(permit.nationality, "nationality")
    permit.passport_number = str(permit.passport_number or "").strip().upper()
    permit.surname = str(permit.surname or "").strip().upper()
    if permit.valid_from and permit.valid_until and permit.valid_until < permit.valid_from:
        raise InvalidInput(f"permit {permit.number}: valid until ({permit.valid_until}) precedes valid from "
                           f"({permit.valid_from})", field="valid_until")
    full_clean(permit, exclude=["id"])


def create_permit(actor: Any, **fields: Any) -> ResidencePermit:
    unknown = set(fields) - set(PERMIT_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown field(s): {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    permit = ResidencePermit(**fields)
    _validate_permit(permit)
    with transaction.atomic():
        permit.save()
        audit.record(actor=actor, action="permit.create", object_type="residence_permit", object_id=str(permit.id),
                     object_label=permit.number, after=audit.snapshot(permit, ["kind", "number", "nationality",
                                                                              "valid_from", "valid_until"]))
    return permit


def valid_permit(nationality: str, passport_number: str, day: date) -> ResidencePermit | None:
    return (ResidencePermit.objects.filter(nationality=nationality, passport_number=passport_number.upper(),
                                           revoked=False, valid_from__lte=day, valid_until__gte=day)
            .order_by("-valid_until").first())


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


def grant_extension(actor: Any, traveller: Traveller, *, until: date, reason: str) -> StayExtension:
    """Extend the current stay to ``until``; an open overstay of that stay ends (as extended)."""
    entry = last_admitted(traveller)
    if entry is None or entry.direction != "entry":
        raise InvalidInput("the traveller is not in the country: there is no stay to extend", field="traveller")
    if not reason.strip():
        raise InvalidInput("an extension needs a reason", field="reason")
    current = extended_until(entry)
    if current is not None and until <= current:
        raise InvalidInput(f"the stay is already permitted until {current.isoformat()}", field="until")
    today = post_today(entry.time_zone)
    if until < today:
        raise InvalidInput("the new last day of stay is in the past", field="until")
    with transaction.atomic():
        extension = StayExtension.objects.create(traveller=traveller, entry=entry, until=until,
                                                 reason=reason.strip(), granted_by=actor)
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


# --- entry bans -------------------------------------------------------------------------------------

BAN_FIELDS = ("surname", "given_names", "nationality", "birth_date", "document_number", "source", "starts_on",
              "ends_on", "reason")


def impose_ban(actor: Any, *, traveller: Traveller | None = None, crossing: Crossing | None = None,
               overstay: Overstay | None = None, **fields: Any) -> EntryBan:
    unknown = set(fields) - set(BAN_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown field(s): {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    if traveller is not None:
        fields.setdefault("surname", traveller.primary_identifier)
        fields.setdefault("given_names", traveller.secondary_identifier)
        fields.setdefault("nationality", traveller.nationality)
        fields.setdefault("birth_date", traveller.birth_date)
    ban = EntryBan(traveller=traveller, crossing=crossing, overstay=overstay, imposed_by=actor, **fields)
    ban.nationality = _state(ban.nationality, "nationality")
    ban.surname = str(ban.surname or "").strip().upper()
    ban.given_names = str(ban.given_names or "").strip().upper()
    ban.document_number = str(ban.document_number or "").strip().upper()
    if not str(ban.reason or "").strip():
        raise InvalidInput("an entry ban needs a reason", field="reason")
    if ban.starts_on and ban.ends_on and ban.ends_on < ban.starts_on:
        raise InvalidInput(f"the ban ends ({ban.ends_on}) before it starts ({ban.starts_on})", field="ends_on")
    if ban.source == EntryBan.Source.REFUSAL and crossing is not None and crossing.decision != "refuse":
        raise InvalidInput("a ban after a refusal must refer to a refused crossing", field="crossing")
    full_clean(ban, exclude=["id", "imposed_by"])
    with transaction.atomic():
        ban.save()
        audit.record(actor=actor, action="entry_ban.impose", object_type="entry_ban", object_id=str(ban.id),
                     after={"source": ban.source, "starts_on": ban.starts_on, "ends_on": ban.ends_on,
                            "traveller": str(traveller.id) if traveller else None, "nationality": ban.nationality},
                     reason=ban.reason)
    return ban


def lift_ban(actor: Any, ban: EntryBan, reason: str) -> EntryBan:
    if ban.lifted_at is not None:
        raise InvalidInput("this ban has already been lifted", field="ban")
    with transaction.atomic():
        ban.lifted_at = timezone.now()
        ban.save(update_fields=["lifted_at"])
        audit.record(actor=actor, action="entry_ban.lift", object_type="entry_ban", object_id=str(ban.id),
                     after={"lifted_at": ban.lifted_at}, reason=reason)
    return ban


def _ban_matches(ban: EntryBan, traveller: Any, document: dict[str, Any]) -> bool:
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


def active_bans(*, traveller: Any, document: dict[str, Any], day: date) -> list[EntryBan]:
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


# --- overstays --------------------------------------------------------------------------------------

@dataclass
class DetectionReport:
    in_country: int
    overstaying: int
    new: int
    ended: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {"in_country": self.in_country, "overstaying": self.overstaying, "new": self.new,
                "ended": self.ended, "seconds": round(self.seconds, 3)}


def detect_overstays(actor: Any = "overstay-job", now: datetime | None = None) -> DetectionReport:
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


def on_crossing_recorded(sender: Any, crossing: Crossing, **kwargs: Any) -> None:
    """After a decision: note where the traveller is; record a visa entry; on exit, end the overstay with
    the days overstayed."""
    if crossing.decision != "admit":
        return
    presence.note_crossing(crossing)
    checks = {check["code"]: check for check in crossing.inspection.checks}
    if crossing.direction == "entry":
        visa_id = checks.get("visa", {}).get("details", {}).get("visa_id")
        if visa_id:
            VisaUse.objects.create(visa_id=visa_id, crossing=crossing)
        return
    details = checks.get("stay", {}).get("details", {})
    days = int(details.get("overstay_days") or 0)
    current = open_overstay_for(crossing.traveller)
    if current is None and days <= 0:
        return
    if current is None:
        entry = Crossing.objects.filter(id=details.get("entry_id")).first()
        if entry is None or Overstay.objects.filter(entry=entry).exists():
            return
        current = Overstay(traveller=crossing.traveller, entry=entry, border_post_id=entry.border_post_id,
                           nationality=entry.nationality, entry_date=entry.local_date,
                           permitted_until=date.fromisoformat(details["permitted_until"]), detected_at=crossing.at)
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


def on_crossings_moved(sender: Any, traveller_ids: list[Any], **kwargs: Any) -> None:
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


def rebuild_presence(actor: Any) -> int:
    """Recompute where every traveller is from the crossings (``openbmis overstays rebuild``), audited."""
    with transaction.atomic():
        rows = presence.rebuild()
        audit.record(actor=actor, action="presence.rebuild", object_type="presence", after={"travellers": rows})
    return rows


def on_crossings_bulk_loaded(sender: Any, **kwargs: Any) -> None:
    """Crossings were written in bulk around the decision path: recompute where everyone is."""
    presence.rebuild()


def purge_expired(now: datetime) -> dict[str, int]:
    """Retention (``OPENBMIS_OVERSTAY_RETENTION_DAYS``): delete the entry bans that ended or were lifted,
    then the ended overstays, longer ago than the retention period.  An overstay that a remaining ban was
    imposed for is kept with it; open overstays and bans in force are never deleted."""
    days = int(getattr(settings, "OPENBMIS_OVERSTAY_RETENTION_DAYS", 1825))
    cutoff = now - timedelta(days=days)
    bans = EntryBan.objects.filter(Q(lifted_at__lt=cutoff) | Q(lifted_at__isnull=True, ends_on__lt=cutoff.date()))
    banned, _by_model = bans.delete()
    old = (Overstay.objects.exclude(status=Overstay.Status.OPEN).filter(ended_at__lt=cutoff)
           .exclude(id__in=EntryBan.objects.filter(overstay__isnull=False).values("overstay_id")))
    overstayed, _by_model = old.delete()
    return {"entry_bans": banned, "overstays": overstayed}


def overstays(status: str = "", nationality: str = "", post_ids: Any = None, since: date | None = None,
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


def overstays_for(user: Any, token: Any = None, *, status: str = "", nationality: str = "", border_post: str = "",
                  since: date | None = None, until: date | None = None, min_days: int | None = None,
                  **_ignored: Any) -> QuerySet[Overstay]:
    """The overstays a user may see: all for national holders, their posts' entries otherwise."""
    from openbmis.accounts import authz
    from openbmis.borderposts.models import BorderPost

    scope = authz.post_scope(user, "overstays.view", token)
    post_ids: Any = None if isinstance(scope, authz.AllPosts) else set(scope)
    if border_post:
        post = BorderPost.objects.filter(code=border_post.upper()).first()
        if post is None:
            raise NotFound(f"no border post with code {border_post!r}", field="border_post")
        post_ids = {post.id} if post_ids is None else post_ids & {post.id}
    return overstays(status=status, nationality=nationality, post_ids=post_ids, since=since, until=until,
                     min_days=min_days)


def identity_visible(user: Any, token: Any = None) -> Callable[[Overstay], bool]:
    """Whether an overstay's identity (name, birth date, traveller) may be shown to ``user``: where the
    user may see identities at the post of entry (an analyst only when granted identities access)."""
    from openbmis.accounts import authz

    scope = authz.post_scope(user, "identities.view", token)
    if isinstance(scope, authz.AllPosts):
        return lambda overstay: True
    return lambda overstay: overstay.border_post_id in scope


REGISTER_IDENTITY_FIELDS = ("surname", "given_names", "birth_date", "passport_number", "document_number",
                            "traveller_id")


def register_identities_visible(user: Any, token: Any = None) -> bool:
    """Whether the visa, permit and entry-ban registers may show ``user`` who holds a record (names, birth
    date, passport): those who see identities at some post, and the administrators who keep the registers.
    An analyst without identities access sees the records without who they are, as in the overstay list."""
    from openbmis.accounts import authz

    return (authz.has_permission(user, "identities.view", token=token)
            or authz.has_permission(user, "permits.manage", token=token))


def without_identity(record: Any, fields: list[str]) -> dict[str, Any]:
    """A register record as a dict for the API, with who it is blanked (None)."""
    return {name: (None if name in REGISTER_IDENTITY_FIELDS else getattr(record, name)) for name in fields}


def record_export(user: Any, *, rows: int, filters: dict[str, Any], identities: bool, token: Any = None) -> None:
    """Audit an export of the overstay list: who took how many rows, with which filters (no row data)."""
    audit.record(actor=user, action="overstay.export", object_type="overstay_list",
                 after={"rows": rows, "filters": {k: v for k, v in filters.items() if v not in ("", None)},
                        "identities": identities, "token": getattr(token, "prefix", None)})


def get_traveller(traveller_id: Any) -> Traveller | None:
    if traveller_id is None:
        return None
    traveller = Traveller.objects.filter(id=traveller_id).first()
    if traveller is None:
        raise NotFound(f"no traveller {traveller_id}", field="traveller_id")
    return traveller


def get_crossing(crossing_id: Any) -> Crossing | None:
    if crossing_id is None:
        return None
    crossing = Crossing.objects.filter(id=crossing_id).first()
    if crossing is None:
        raise NotFound(f"no crossing {crossing_id}", field="crossing_id")
    return crossing


# --- many arriving documents at once (pre-arrival screening) -----------------------------------------

_CHUNK = 500  # values in one IN (...): well under every database's limit of bound parameters


def _chunks(values: set[Any]) -> list[list[Any]]:
    ordered = sorted(values, key=str)
    return [ordered[i:i + _CHUNK] for i in range(0, len(ordered), _CHUNK)]


@dataclass
class ArrivalLookups:
    """The permits, visas (with their entries used), visa policy rules and entry bans that can concern a set of
    arriving documents on one day, read in a handful of queries rather than several per person. Each method
    answers exactly what its single-document function answers (:func:`valid_permit`, :func:`find_rule`,
    :func:`find_visas` and :func:`visa_problem`, :func:`active_bans`); the counter's checkers use it when the
    pre-arrival screening hands it to them, and query one by one otherwise."""

    day: date
    rules: list[VisaPolicyRule] = field(default_factory=list)
    permits: dict[tuple[str, str], list[ResidencePermit]] = field(default_factory=dict)
    visas: dict[tuple[str, str], list[Visa]] = field(default_factory=dict)
    visa_uses: dict[Any, int] = field(default_factory=dict)
    bans: list[EntryBan] = field(default_factory=list)

    def permit(self, nationality: str, passport_number: str) -> ResidencePermit | None:
        found = self.permits.get((nationality, passport_number.upper()), [])
        return max(found, key=lambda p: p.valid_until, default=None)

    def rule(self, nationality: str, document_code: str, birth_date: date | None = None) -> VisaPolicyRule | None:
        code = (document_code or "").replace("<", "").upper()
        types = {code, code[:1], ANY} - {""}
        candidates = [r for r in self.rules if r.nationality in (nationality, ANY) and r.document_type in types]
        return _most_specific(candidates, code, self.day, birth_date)

    def find_visas(self, nationality: str, passport_number: str) -> list[Visa]:
        return list(self.visas.get((nationality, passport_number.upper()), []))

    def visa_problem(self, visa: Visa, nationality: str) -> str | None:
        return visa_problem(visa, self.day, nationality, used=self.visa_uses.get(visa.id, 0))

    def active_bans(self, *, traveller: Any, document: dict[str, Any]) -> list[EntryBan]:
        return [b for b in self.bans if _ban_matches(b, traveller, document)]


def arrival_lookups(documents: list[dict[str, Any]], travellers: list[Any], day: date) -> ArrivalLookups:
    """Read at once what :class:`ArrivalLookups` needs for ``documents`` (the checkers' document dictionaries:
    ``nationality``, ``document_number``, ``primary_identifier``, ``birth_date``) and the travellers already
    known among them, arriving on ``day``."""
    out = ArrivalLookups(day=day)
    numbers = {str(d.get("document_number") or "").upper() for d in documents} - {""}
    nationalities = {str(d.get("nationality") or "") for d in documents}
    surnames = {str(d.get("primary_identifier") or "").upper() for d in documents if d.get("birth_date")}
    in_force = Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    out.rules = list(VisaPolicyRule.objects.filter(in_force, nationality__in=nationalities | {ANY},
                                                   valid_from__lte=day))
    for chunk in _chunks(numbers):
        for permit in ResidencePermit.objects.filter(passport_number__in=chunk, revoked=False, valid_from__lte=day,
                                                     valid_until__gte=day):
            out.permits.setdefault((permit.nationality, permit.passport_number), []).append(permit)
        for visa in Visa.objects.filter(passport_number__in=chunk).order_by("-valid_from"):
            out.visas.setdefault((visa.nationality, visa.passport_number), []).append(visa)
    limited = {v.id for found in out.visas.values() for v in found if v.allowed_entries is not None}
    for chunk in _chunks(limited):
        for row in VisaUse.objects.filter(visa_id__in=chunk).values("visa_id").annotate(n=Count("id")):
            out.visa_uses[row["visa_id"]] = row["n"]
    in_effect = EntryBan.objects.filter(lifted_at__isnull=True, starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day))
    traveller_ids = {t.id for t in travellers if t is not None}
    seen: set[Any] = set()
    for key, values in (("traveller_id__in", traveller_ids), ("document_number__in", numbers),
                        ("surname__in", surnames)):
        for chunk in _chunks(values):
            for ban in in_effect.filter(**{key: chunk}):
                if ban.id not in seen:
                    seen.add(ban.id)
                    out.bans.append(ban)
    return out
