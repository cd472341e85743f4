"""The visa and residence-permit registry: visas, e-visa imports, visa stickers, permits."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict, Unpack
from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext, ngettext_lazy

from openbmis import mrz
from openbmis.accounts.actors import Actor
from openbmis.audit import services as audit
from openbmis.audit.refs import value_ref
from openbmis.core.errors import InvalidInput
from openbmis.core.validation import clean_file_name, full_clean
from openbmis.inspections import messages, mrz_texts
from openbmis.inspections.messages import Said, said
from openbmis.permits.models import (
    EntryBan,
    ResidencePermit,
    Visa,
    VisaUse,
)
from openbmis.permits.services.rules import _state

VISA_FIELDS = ("number", "category", "entries", "valid_from", "valid_until", "duration_days", "issuing_post",
               "surname", "given_names", "nationality", "birth_date", "passport_number")
PERMIT_FIELDS = ("kind", "number", "surname", "given_names", "nationality", "birth_date", "passport_number",
                 "valid_from", "valid_until")


class VisaFields(TypedDict, total=False):
    """What a caller gives to record a visa: ``VISA_FIELDS`` (and its source) with their types."""

    number: str
    category: str
    entries: str
    valid_from: date
    valid_until: date
    duration_days: int
    issuing_post: str
    surname: str
    given_names: str
    nationality: str
    birth_date: date | None
    passport_number: str
    source: str


class PermitFields(TypedDict, total=False):
    """What a caller gives to record a residence permit: ``PERMIT_FIELDS`` with their types."""

    kind: str
    number: str
    surname: str
    given_names: str
    nationality: str
    birth_date: date | None
    passport_number: str
    valid_from: date
    valid_until: date


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
        raise InvalidInput(_("visa %(number)s: valid until (%(valid_until)s) precedes valid from (%(valid_from)s)")
                           % {"number": visa.number, "valid_until": visa.valid_until, "valid_from": visa.valid_from}, field="valid_until")
    if visa.valid_from and visa.valid_until and (visa.valid_until - visa.valid_from).days > MAX_VISA_VALIDITY_DAYS:
        raise InvalidInput(_("visa %(number)s: valid for more than 10 years (%(valid_from)s to %(valid_until)s)")
                           % {"number": visa.number, "valid_from": visa.valid_from, "valid_until": visa.valid_until}, field="valid_until")
    if not visa.duration_days:
        raise InvalidInput(_("visa %(number)s: the duration of stay must be at least 1 day")
                           % {"number": visa.number}, field="duration_days")
    if not visa.number or len(visa.number) > 20:
        raise InvalidInput(_("number: expected 1 to 20 characters, got %(number)r")
                           % {"number": visa.number}, field="number")
    # An import updates a visa already known: its uniqueness is not an error there.
    full_clean(visa, exclude=["id", "number", "nationality"] if known_may_exist else ["id"])


def create_visa(actor: Actor, **fields: Unpack[VisaFields]) -> Visa:
    unknown = set(fields) - set(VISA_FIELDS) - {"source"}
    if unknown:
        raise InvalidInput(_("unknown field(s): %(unknown)s")
                           % {"unknown": ', '.join(sorted(unknown))}, field=sorted(unknown)[0])
    visa = Visa(**fields)
    _validate_visa(visa)
    with transaction.atomic():
        visa.save()
        audit.record(actor=actor, action="visa.create", object_type="visa", object_id=str(visa.id),
                     object_label=value_ref("visa", visa.number),
                     after=audit.snapshot(visa, ["nationality", "entries", "valid_from", "valid_until", "source"]))
    return visa


def revoke_visa(actor: Actor, visa: Visa, reason: str) -> Visa:
    with transaction.atomic():
        visa.status = Visa.Status.REVOKED
        visa.save(update_fields=["status"])
        audit.record(actor=actor, action="visa.revoke", object_type="visa", object_id=str(visa.id),
                     object_label=value_ref("visa", visa.number), after={"status": visa.status}, reason=reason)
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


def _bounded_csv(content: str) -> Iterator[tuple[int, list[str]]]:
    """CSV rows, refusing (csv.Error naming the line) any field longer than EVISA_MAX_FIELD."""
    reader = csv.reader(io.StringIO(content))
    for row in reader:
        for value in row:
            if len(value) > EVISA_MAX_FIELD:
                raise csv.Error(f"line {reader.line_num}: a field longer than {EVISA_MAX_FIELD} characters")
        yield reader.line_num, row


class RowError(TypedDict):
    """A refused row of an imported file, as the error's ``errors`` lists it."""

    line: int
    field: str
    message: str


def import_evisas(actor: Actor, *, file_name: str, content: bytes | str) -> ImportReport:
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
            raise InvalidInput(_("%(file_name)s: not UTF-8 text (byte %(start)s)")
                               % {"file_name": file_name, "start": exc.start}, field="file") from None
    content = content.removeprefix("\ufeff")  # the byte-order mark spreadsheets write
    try:
        rows = list(_bounded_csv(content))
    except csv.Error as exc:
        raise InvalidInput(_("%(file_name)s: not a readable CSV file: %(error)s")
                           % {"file_name": file_name, "error": exc}, field="file") from None
    fieldnames = rows[0][1] if rows else []
    missing = [name for name in EVISA_COLUMNS if name not in fieldnames]
    if missing:
        raise InvalidInput(_("%(file_name)s: line 1: missing column(s): %(missing)s")
                           % {"file_name": file_name, "missing": ', '.join(missing)}, field="file",
                           errors=[{"line": 1, "field": name, "message": "missing column"} for name in missing])
    visas: list[Visa] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for line, cells in rows[1:]:
        if not cells:
            continue  # a blank line, as csv.DictReader skips it
        row = dict(zip(fieldnames, cells, strict=False))
        try:
            values: dict[str, str | date | int | None] = {
                name: _row_value(row, name) for name in VISA_FIELDS if name in row}
            for name in ("valid_from", "valid_until", "birth_date"):
                text = _row_value(row, name)
                try:
                    values[name] = date.fromisoformat(text) if text else None
                except ValueError:
                    raise InvalidInput(_("%(name)s: expected YYYY-MM-DD, got %(text)r")
                                       % {"name": name, "text": text}, field=name) from None
            for name in ("valid_from", "valid_until"):
                if values[name] is None:
                    raise InvalidInput(_("%(name)s: required") % {"name": name}, field=name)
            try:
                values["duration_days"] = int(_row_value(row, "duration_days"))
            except ValueError:
                raise InvalidInput(_("duration_days: expected a number of days, got %(duration_days)r")
                                   % {"duration_days": row.get('duration_days')},
                                   field="duration_days") from None
            values["entries"] = _row_value(row, "entries").lower()
            if values["entries"] not in Visa.Entries.values:
                raise InvalidInput(_("entries: expected single, double or multiple, got %(entries)r")
                                   % {"entries": values['entries']},
                                   field="entries")
            visa = Visa(source=Visa.Source.EVISA, **values)
            _validate_visa(visa, known_may_exist=True)
            key = (visa.number, visa.nationality)
            if key in seen:
                raise InvalidInput(_("number: visa %(number)s already given on line %(line)s")
                                   % {"number": visa.number, "line": seen[key]}, field="number")
            seen[key] = line
            visas.append(visa)
        except InvalidInput as exc:
            errors.append({"line": line, "field": exc.field or "", "message": exc.message})
    if errors:
        summary = "; ".join(_("line %(line)s: %(problem)s")
                            % {"line": e["line"], "problem": e["message"]} for e in errors[:5])
        more = _(" (and %(count)d more)") % {"count": len(errors) - 5} if len(errors) > 5 else ""
        raise InvalidInput(ngettext("%(file_name)s: %(count)d bad row, nothing imported: %(summary)s%(more)s",
                                    "%(file_name)s: %(count)d bad rows, nothing imported: %(summary)s%(more)s",
                                    len(errors))
                           % {"file_name": file_name, "count": len(errors), "summary": summary, "more": more},
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


# Why a registered visa cannot be used: shown to the officer inside the visa check's message, in the
# reader's language (the check keeps these codes in its details).
messages.register({
    "visa.problem.status": gettext_noop("visa %(number)s is %(status)s"),
    "visa.problem.nationality": gettext_noop(
        "visa %(number)s was issued to a %(issued_to)s national, the document says %(nationality)s"),
    "visa.problem.not_yet": gettext_noop("visa %(number)s is valid only from %(valid_from)s"),
    "visa.problem.expired": gettext_noop("visa %(number)s expired on %(valid_until)s"),
    "visa.problem.used_up": ngettext_lazy("visa %(number)s: all %(allowed)d entry used",
                                          "visa %(number)s: all %(allowed)d entries used", "allowed"),
})


def visa_problem(visa: Visa, day: date, nationality: str, *, used: int | None = None) -> Said | None:
    """Why the visa cannot be used to enter on ``day`` (None: it can), as a message code with its parameters.
    ``used``: the entries already made on it, when the caller has counted them (else counted here)."""
    if visa.status != Visa.Status.VALID:
        return said("visa.problem.status", number=visa.number, status=visa.status)
    if visa.nationality != nationality:
        return said("visa.problem.nationality", number=visa.number, issued_to=visa.nationality,
                    nationality=nationality)
    if day < visa.valid_from:
        return said("visa.problem.not_yet", number=visa.number, valid_from=visa.valid_from.isoformat())
    if day > visa.valid_until:
        return said("visa.problem.expired", number=visa.number, valid_until=visa.valid_until.isoformat())
    allowed = visa.allowed_entries
    if allowed is not None:
        if used is None:
            used = VisaUse.objects.filter(visa=visa).count()
        if used >= allowed:
            return said("visa.problem.used_up", number=visa.number, allowed=allowed)
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
        raise InvalidInput(_("MRZ not readable: %(error)s")
                           % {"error": mrz_texts.error_text(exc)}, field="mrz") from None
    if result.format not in ("MRVA", "MRVB"):
        raise InvalidInput(_("this is a %(format)s document MRZ, not a visa sticker (MRV-A or MRV-B)")
                           % {"format": result.format},
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
        raise InvalidInput(_("permit %(number)s: valid until (%(valid_until)s) precedes valid from (%(valid_from)s)")
                           % {"number": permit.number, "valid_until": permit.valid_until, "valid_from": permit.valid_from}, field="valid_until")
    full_clean(permit, exclude=["id"])


def create_permit(actor: Actor, **fields: Unpack[PermitFields]) -> ResidencePermit:
    unknown = set(fields) - set(PERMIT_FIELDS)
    if unknown:
        raise InvalidInput(_("unknown field(s): %(unknown)s")
                           % {"unknown": ', '.join(sorted(unknown))}, field=sorted(unknown)[0])
    permit = ResidencePermit(**fields)
    _validate_permit(permit)
    with transaction.atomic():
        permit.save()
        audit.record(actor=actor, action="permit.create", object_type="residence_permit", object_id=str(permit.id),
                     object_label=value_ref("permit", permit.number),
                     after=audit.snapshot(permit, ["kind", "nationality", "valid_from", "valid_until"]))
    return permit


def valid_permit(nationality: str, passport_number: str, day: date) -> ResidencePermit | None:
    return (ResidencePermit.objects.filter(nationality=nationality, passport_number=passport_number.upper(),
                                           revoked=False, valid_from__lte=day, valid_until__gte=day)
            .order_by("-valid_until").first())


def holders_of(rows: Sequence[Visa | ResidencePermit | EntryBan]) -> list[UUID]:
    """The travellers register rows are about (for the access log): their own link, else the holders of their
    passport numbers (one query)."""
    from openbmis.travellers.models import TravelDocument

    linked = [r.traveller_id for r in rows if isinstance(r, EntryBan) and r.traveller_id is not None]
    numbers = {r.passport_number for r in rows if isinstance(r, Visa | ResidencePermit) and r.passport_number}
    found = TravelDocument.objects.filter(number__in=numbers).values_list("traveller_id", flat=True) if numbers else []
    return [*linked, *found]
