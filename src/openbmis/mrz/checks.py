"""Document checks over a parsed MRZ: what the inspection screen shows beside the fields."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypedDict

from .model import MRZResult
from .states import ORGANISATIONS, STATELESS_OR_REFUGEE, same_state_family

Severity = Literal["info", "warning", "error"]

# Doc 9303 Parts 4-7: the first letter of the document code by format.
_TYPE_LETTERS = {"TD1": "ACI", "TD2": "ACI", "TD3": "P", "MRVA": "V", "MRVB": "V"}
_KINDS = {
    "P": "passport",
    "V": "visa",
    "I": "identity document",
    "A": "travel document",
    "C": "crew or travel document",
}


class FindingDict(TypedDict):
    """A finding as JSON (:meth:`DocumentCheck.to_dict`): what an inspection keeps in its ``document`` check."""

    code: str
    severity: Severity
    message: str
    field: str | None
    params: dict[str, str | int]


@dataclass(frozen=True, slots=True)
class DocumentCheck:
    """One finding: a stable ``code``, a ``severity``, an English message for the officer and the ``params``
    (dates as ISO text, numbers) from which an application words it in the reader's language."""

    code: str
    severity: Severity
    message: str
    field: str | None = None
    params: dict[str, str | int] | None = None

    def to_dict(self) -> FindingDict:
        return {"code": self.code, "severity": self.severity, "message": self.message, "field": self.field,
                "params": dict(self.params or {})}


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# DocumentCheck stays a frozen dataclass for callers; check_document builds its (two or three per
# document) findings through the slot descriptors, which is the frozen __init__'s work without its
# object.__setattr__ calls (a third of the cost of a document check on the benchmark).
_new = object.__new__
_slots = vars(DocumentCheck)
_set_code: Callable[[DocumentCheck, str], None] = _slots["code"].__set__
_set_severity: Callable[[DocumentCheck, str], None] = _slots["severity"].__set__
_set_message: Callable[[DocumentCheck, str], None] = _slots["message"].__set__
_set_field: Callable[[DocumentCheck, str | None], None] = _slots["field"].__set__
_set_params: Callable[[DocumentCheck, dict[str, str | int] | None], None] = _slots["params"].__set__


def _finding(code: str, severity: Severity, message: str, field: str | None = None,
             params: dict[str, str | int] | None = None) -> DocumentCheck:
    """``DocumentCheck(code, severity, message, field, params)``, built without the frozen ``__setattr__``."""
    check: DocumentCheck = _new(DocumentCheck)
    _set_code(check, code)
    _set_severity(check, severity)
    _set_message(check, message)
    _set_field(check, field)
    _set_params(check, params)
    return check


# The "document_type" finding depends only on the document code and the format, a small set (P, V,
# I, ID, AC... by five formats): keep each one built, as the findings are immutable. Bounded, because
# the document code of an invalid MRZ can be any two characters.
_DOCUMENT_TYPES: dict[tuple[str, str], DocumentCheck] = {}
_DOCUMENT_TYPES_MAX = 1024


def check_document(
    result: MRZResult,
    on: date,
    *,
    expiring_within_days: int = 90,
    minor_age: int = 18,
    valid_from: date | None = None,
) -> list[DocumentCheck]:
    """Checks of ``result`` as of the reference date ``on`` (pure: no clock is read).

    Codes: ``mrz_invalid`` (error), ``specimen`` (error), ``expired`` (error), ``not_yet_valid``
    (error; only when ``valid_from``, which the MRZ does not carry, is given), ``birth_date_in_future``
    (error), ``expires_soon`` (warning, within ``expiring_within_days``), ``unexpected_document_type``
    (warning), ``nationality_differs`` (warning), ``stateless_or_refugee`` (info), ``minor`` (warning,
    under ``minor_age`` on ``on``), ``birth_date_unknown`` (info), ``document_type`` (info).
    """
    checks: list[DocumentCheck] = []
    add = checks.append
    if result.errors:  # not result.valid
        add(
            _finding(
                "mrz_invalid",
                "error",
                f"the MRZ fails {len(result.errors)} check(s): "
                + "; ".join(e.message for e in result.errors),
                None,
                {"count": len(result.errors)},
            )
        )
    primary, secondary = result.primary_identifier, result.secondary_identifier
    if result.specimen or (
        # The substring test is a cheap filter; the word test decides.
        ("SPECIMEN" in primary or "SPECIMEN" in secondary)
        and "SPECIMEN" in (primary + " " + secondary).split()
    ):
        add(_finding("specimen", "error", "this is a specimen document, not a genuine travel document"))
    code = result.document_code
    if code:
        letter = code[0]
        if letter not in _TYPE_LETTERS[result.format]:
            add(
                _finding(
                    "unexpected_document_type",
                    "warning",
                    f"document code {code!r} is unusual for a {result.format} document",
                    "document_code",
                    {"code": code, "format": result.format},
                )
            )
        type_finding = _DOCUMENT_TYPES.get((code, result.format))
        if type_finding is None:
            type_finding = _finding(
                "document_type",
                "info",
                f"{_KINDS.get(letter, 'document')} (code {code}, format {result.format})",
                "document_code",
                {"code": code, "format": result.format},
            )
            if len(_DOCUMENT_TYPES) < _DOCUMENT_TYPES_MAX:
                _DOCUMENT_TYPES[(code, result.format)] = type_finding
        add(type_finding)
    if result.expiry_date is not None:
        days = (result.expiry_date - on).days
        if days < 0:
            add(
                _finding(
                    "expired",
                    "error",
                    f"the document expired on {result.expiry_date.isoformat()} ({-days} days ago)",
                    "expiry_date",
                    {"date": result.expiry_date.isoformat(), "days": -days},
                )
            )
        elif days <= expiring_within_days:
            add(
                _finding(
                    "expires_soon",
                    "warning",
                    f"the document expires on {result.expiry_date.isoformat()}, in {days} days",
                    "expiry_date",
                    {"date": result.expiry_date.isoformat(), "days": days},
                )
            )
    if valid_from is not None and on < valid_from:
        add(_finding("not_yet_valid", "error", f"the document is valid only from {valid_from.isoformat()}", None,
                     {"date": valid_from.isoformat()}))
    if result.birth_date is None:
        add(_finding("birth_date_unknown", "info", "the birth date is not given in full", "birth_date"))
    elif result.birth_date > on:
        add(
            _finding(
                "birth_date_in_future",
                "error",
                f"birth date {result.birth_date.isoformat()} is after {on.isoformat()}",
                "birth_date",
                {"date": result.birth_date.isoformat(), "on": on.isoformat()},
            )
        )
    else:
        age = _age(result.birth_date, on)
        if age < minor_age:
            add(_finding("minor", "warning", f"the traveller is a minor ({age} years old)", "birth_date",
                         {"age": age}))
    issuer, nationality = result.issuing_state, result.nationality
    if nationality in STATELESS_OR_REFUGEE:
        add(
            _finding(
                "stateless_or_refugee",
                "info",
                f"nationality code {nationality}: stateless person, refugee or unspecified nationality",
                "nationality",
                {"nationality": nationality},
            )
        )
    elif (
        issuer and nationality and not same_state_family(issuer, nationality) and issuer not in ORGANISATIONS
    ):
        kind = (
            "visa issued to a national of" if result.format in ("MRVA", "MRVB") else "holder's nationality is"
        )
        severity: Severity = "info" if result.format in ("MRVA", "MRVB") else "warning"
        add(
            _finding(
                "nationality_differs", severity, f"issued by {issuer}; {kind} {nationality}", "nationality",
                {"issuer": issuer, "nationality": nationality, "visa": int(result.format in ("MRVA", "MRVB"))},
            )
        )
    return checks
