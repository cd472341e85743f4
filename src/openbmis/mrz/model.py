"""Result objects of :mod:`openbmis.mrz`: parsed fields, errors, corrections, warnings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Literal, TypedDict

MRZFormat = Literal["TD1", "TD2", "TD3", "MRVA", "MRVB"]
FORMATS: tuple[MRZFormat, ...] = ("TD1", "TD2", "TD3", "MRVA", "MRVB")


@dataclass(frozen=True, slots=True)
class FieldError:
    """One failed check: ``birth_date``/``check_digit``, expected ``8``, found ``4``."""

    field: str
    code: str
    expected: str | None
    found: str | None
    message: str

    def to_dict(self) -> dict[str, str | None]:
        return {
            "field": self.field,
            "code": self.code,
            "expected": self.expected,
            "found": self.found,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Correction:
    """One OCR-confusion repair: the character at ``line``/``column`` (0-based) was replaced."""

    field: str
    line: int
    column: int
    original: str
    corrected: str

    def to_dict(self) -> dict[str, str | int]:
        return {
            "field": self.field,
            "line": self.line,
            "column": self.column,
            "original": self.original,
            "corrected": self.corrected,
        }


@dataclass(frozen=True, slots=True)
class MRZWarning:
    """Something an officer should know that does not make the MRZ invalid (specimen, truncated name)."""

    code: str
    field: str | None
    message: str

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "field": self.field, "message": self.message}


class _DocumentRecord(TypedDict):
    """The document's fields as JSON, common to :class:`MRZFieldsRecord` and :class:`MRZResultRecord` (which
    differ in ``sex``: always text in the fields, None in a reading where it could not be read)."""

    format: MRZFormat
    document_code: str
    issuing_state: str
    document_number: str
    primary_identifier: str
    secondary_identifier: str
    nationality: str
    birth_date: str | None
    expiry_date: str | None
    optional_data: str
    optional_data_2: str


class MRZFieldsRecord(_DocumentRecord):
    """:class:`MRZFields` as JSON (:meth:`MRZFields.to_dict`): dates as ISO strings."""

    sex: str


@dataclass(frozen=True, slots=True)
class MRZFields:
    """The data an MRZ carries, independent of its layout: what :func:`~openbmis.mrz.make` writes.

    Names are in MRZ form with spaces for fillers (``"ANNA MARIA"``); ``birth_date`` is ``None`` when
    unknown. ``optional_data_2`` exists only in TD1 (line 2); in TD3 ``optional_data`` is the personal
    number. ``sex`` is ``"M"``, ``"F"`` or ``"X"`` (unspecified).
    """

    format: MRZFormat
    document_code: str
    issuing_state: str
    document_number: str
    primary_identifier: str
    secondary_identifier: str
    nationality: str
    birth_date: date | None
    sex: str
    expiry_date: date | None
    optional_data: str = ""
    optional_data_2: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> MRZFields:
        """Build from a JSON-style mapping (ISO date strings accepted); unknown keys are ignored."""
        names = {f.name for f in fields(cls)}
        values: dict[str, object] = {k: v for k, v in data.items() if k in names}
        for key in ("birth_date", "expiry_date"):
            value = values.get(key)
            if isinstance(value, str):
                values[key] = date.fromisoformat(value) if value else None
        for key in ("optional_data", "optional_data_2", "secondary_identifier"):
            if values.get(key) is None:
                values[key] = ""
        # A JSON-style mapping from the caller: its values are taken as the fields' types, unchecked (a TypedDict
        # of the constructor's arguments would only repeat the fields above, to be kept in step by hand).
        return cls(**values)  # type: ignore[arg-type]

    def to_dict(self) -> MRZFieldsRecord:
        return {
            "format": self.format,
            "document_code": self.document_code,
            "issuing_state": self.issuing_state,
            "document_number": self.document_number,
            "primary_identifier": self.primary_identifier,
            "secondary_identifier": self.secondary_identifier,
            "nationality": self.nationality,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex,
            "expiry_date": self.expiry_date.isoformat() if self.expiry_date else None,
            "optional_data": self.optional_data,
            "optional_data_2": self.optional_data_2,
        }


class MRZResultRecord(_DocumentRecord):
    """An :class:`MRZResult` as JSON (:meth:`MRZResult.to_dict`): ``openbmis mrz parse``, ``POST /api/documents/mrz``
    and an inspection's ``document_data``."""

    sex: str | None
    names_truncated: bool
    specimen: bool
    check_digits: dict[str, str]
    valid: bool
    errors: list[dict[str, str | None]]  # FieldError.to_dict()
    corrections: list[dict[str, str | int]]  # Correction.to_dict()
    warnings: list[dict[str, str | None]]  # MRZWarning.to_dict()


@dataclass(slots=True)
class MRZResult:
    """What :func:`~openbmis.mrz.parse` read: every field it could, and every check that failed.

    ``valid`` is true when no error was found (after the accepted OCR corrections, which are listed in
    ``corrections``). ``lines`` are the MRZ lines as read after normalisation and correction.
    """

    format: MRZFormat
    lines: tuple[str, ...]
    document_code: str = ""
    issuing_state: str = ""
    document_number: str = ""
    primary_identifier: str = ""
    secondary_identifier: str = ""
    nationality: str = ""
    birth_date: date | None = None
    sex: str | None = None
    expiry_date: date | None = None
    optional_data: str = ""
    optional_data_2: str = ""
    names_truncated: bool = False
    check_digits: dict[str, str] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    warnings: list[MRZWarning] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def specimen(self) -> bool:
        # Most results carry no warning at all: skip building the generator for them.
        return bool(self.warnings) and any(w.code == "specimen" for w in self.warnings)

    def fields(self) -> MRZFields:
        """The layout-independent fields (what :func:`~openbmis.mrz.make` takes back)."""
        return MRZFields(
            format=self.format,
            document_code=self.document_code,
            issuing_state=self.issuing_state,
            document_number=self.document_number,
            primary_identifier=self.primary_identifier,
            secondary_identifier=self.secondary_identifier,
            nationality=self.nationality,
            birth_date=self.birth_date,
            sex=self.sex or "",
            expiry_date=self.expiry_date,
            optional_data=self.optional_data,
            optional_data_2=self.optional_data_2,
        )

    def to_dict(self) -> MRZResultRecord:
        """The JSON object of ``openbmis mrz parse`` and ``POST /api/documents/mrz``."""
        return {
            "format": self.format,
            "document_code": self.document_code,
            "issuing_state": self.issuing_state,
            "document_number": self.document_number,
            "primary_identifier": self.primary_identifier,
            "secondary_identifier": self.secondary_identifier,
            "nationality": self.nationality,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex,
            "expiry_date": self.expiry_date.isoformat() if self.expiry_date else None,
            "optional_data": self.optional_data,
            "optional_data_2": self.optional_data_2,
            "names_truncated": self.names_truncated,
            "specimen": self.specimen,
            "check_digits": dict(self.check_digits),
            "valid": self.valid,
            "errors": [e.to_dict() for e in self.errors],
            "corrections": [c.to_dict() for c in self.corrections],
            "warnings": [w.to_dict() for w in self.warnings],
        }
