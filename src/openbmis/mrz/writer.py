"""Writing an MRZ from its fields (ICAO Doc 9303 Parts 4 to 7): demo data, tests, visa issuance."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from .checkdigit import check_digit_value
from .errors import MRZFieldError
from .layouts import LAYOUTS, Layout
from .model import FORMATS, MRZFields
from .states import lookup_state
from .transliteration import transliterate

_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _fail(
    field: str, code: str, message: str, expected: str | None = None, found: str | None = None
) -> MRZFieldError:
    return MRZFieldError(message, code=code, field=field, expected=expected, found=found)


def _alnum(field: str, value: str, width: int) -> str:
    """``value`` as MRZ characters (spaces become fillers), left-aligned and filled to ``width``."""
    text = value.strip().upper().replace(" ", "<")
    bad = sorted({c for c in text if c not in _ALNUM and c != "<"})
    if bad:
        raise _fail(
            field,
            "invalid_character",
            f"{field} holds characters not allowed in an MRZ: {''.join(bad)!r}",
            "A-Z, 0-9",
            "".join(bad),
        )
    if len(text) > width:
        raise _fail(
            field,
            "too_long",
            f"{field} {value!r} is longer than the {width} characters available",
            str(width),
            str(len(text)),
        )
    return text.ljust(width, "<")


def _state(field: str, code: str) -> str:
    value = code.strip().upper()
    if lookup_state(value) is None or len(value) > 3:
        raise _fail(
            field,
            "unknown_state",
            f"{field} {code!r} is not an ICAO Doc 9303 state code",
            "an ICAO code",
            code,
        )
    return value.ljust(3, "<")


def _date(field: str, value: date | None) -> str:
    return "<<<<<<" if value is None else value.strftime("%y%m%d")


def _cd(data: str) -> str:
    return str(check_digit_value(data))


def _names(fields: MRZFields, width: int, transliterate_names: bool) -> str:
    if transliterate_names:
        primary = transliterate(fields.primary_identifier)
        secondary = transliterate(fields.secondary_identifier)
    else:
        primary = _alnum("primary_identifier", fields.primary_identifier, 200).rstrip("<")
        secondary = _alnum("secondary_identifier", fields.secondary_identifier, 200).rstrip("<")
    for name, value in (("primary_identifier", primary), ("secondary_identifier", secondary)):
        if any(c.isdigit() for c in value):
            raise _fail(name, "invalid_name", f"{name} may not contain digits", "A-Z", value)
    if not primary and not secondary:
        raise _fail("primary_identifier", "empty_name", "a name is required", "a name", "")
    text = primary + ("<<" + secondary if secondary else "")
    if len(text) > width:
        # Doc 9303 Part 3 4.6.5: names that do not fit are truncated; the field then ends in a letter.
        text = text[:width].rstrip("<")
    return text.ljust(width, "<")


def _code(fields: MRZFields, layout: Layout) -> str:
    code = fields.document_code.strip().upper()
    if not 1 <= len(code) <= 2 or not code[0].isalpha() or not all(c.isalpha() or c == "<" for c in code):
        raise _fail(
            "document_code",
            "invalid_document_code",
            f"document code {code!r} must be one or two letters",
            "1-2 letters",
            code,
        )
    is_visa = layout.format in ("MRVA", "MRVB")
    if is_visa != (code[0] == "V") and layout.format != "TD1":
        wanted = "start with V" if is_visa else "not start with V (V marks a visa)"
        raise _fail(
            "document_code",
            "invalid_document_code",
            f"a {layout.format} document code must {wanted}",
            wanted,
            code,
        )
    return code.ljust(2, "<")


def make(fields: MRZFields | Mapping[str, object], *, transliterate_names: bool = True) -> str:
    """The MRZ lines (joined by ``\\n``) that carry ``fields``, every check digit computed.

    Names are transliterated per Doc 9303 Part 3 (``transliterate_names``) and truncated when they do
    not fit. A TD1 or TD2 document number longer than 9 characters is continued in the optional data
    as Parts 5 and 6 prescribe. Raises :class:`~openbmis.mrz.errors.MRZFieldError` naming the field that
    cannot be written (unknown state code, value too long, character outside the MRZ set).
    """
    if not isinstance(fields, MRZFields):
        fields = MRZFields.from_dict(dict(fields))
    if fields.format not in FORMATS:
        raise _fail(
            "format",
            "invalid_format",
            f"unknown MRZ format {fields.format!r}",
            "|".join(FORMATS),
            str(fields.format),
        )
    layout = LAYOUTS[fields.format]
    code = _code(fields, layout)
    issuer = _state("issuing_state", fields.issuing_state)
    nationality = _state("nationality", fields.nationality)
    names = _names(fields, layout.names[2] - layout.names[1], transliterate_names)
    birth, expiry = _date("birth_date", fields.birth_date), _date("expiry_date", fields.expiry_date)
    sex = fields.sex.strip().upper() or "X"
    if sex == "<":
        sex = "X"
    if sex not in ("M", "F", "X"):
        raise _fail("sex", "invalid_sex", f"sex {fields.sex!r} must be M, F or X", "M, F or X", fields.sex)
    number = fields.document_number.strip().upper()
    if not number or any(c not in _ALNUM for c in number):
        raise _fail(
            "document_number",
            "invalid_character",
            f"document number {number!r} must be letters and digits",
            "A-Z, 0-9",
            number,
        )
    opt_width = layout.optional_data[2] - layout.optional_data[1]
    optional = fields.optional_data
    if len(number) > 9:
        if not layout.long_document_number:
            raise _fail(
                "document_number",
                "too_long",
                f"a {layout.format} document number has at most 9 characters",
                "9",
                str(len(number)),
            )
        extension = number[9:] + _cd(number)
        rest = _alnum("optional_data", optional, opt_width)
        rest_text = rest.rstrip("<")
        tail = extension + ("<" + rest_text if rest_text else "")
        if len(tail) > opt_width:
            raise _fail(
                "document_number",
                "too_long",
                "the document number and optional data do not fit together",
                str(opt_width),
                str(len(tail)),
            )
        number_field, number_cd, optional_field = number[:9], "<", tail.ljust(opt_width, "<")
    else:
        number_field = number.ljust(9, "<")
        number_cd = _cd(number_field)
        optional_field = _alnum("optional_data", optional, opt_width)
    if fields.optional_data_2 and layout.optional_data_2 is None:
        raise _fail("optional_data_2", "not_in_format", f"{layout.format} has no second optional data field")

    if fields.format == "TD1":
        opt2 = _alnum("optional_data_2", fields.optional_data_2, 11)
        line1 = code + issuer + number_field + number_cd + optional_field
        line2_head = birth + _cd(birth) + sex + expiry + _cd(expiry) + nationality + opt2
        composite = _cd(line1[5:30] + line2_head[0:7] + line2_head[8:15] + line2_head[18:29])
        return "\n".join((line1, line2_head + composite, names))
    line1 = code + issuer + names
    line2 = number_field + number_cd + nationality + birth + _cd(birth) + sex + expiry + _cd(expiry)
    if fields.format == "TD3":
        personal_cd = "<" if optional_field.strip("<") == "" else _cd(optional_field)
        line2 += optional_field + personal_cd
        line2 += _cd(line2[0:10] + line2[13:20] + line2[21:43])
    elif fields.format == "TD2":
        line2 += optional_field
        line2 += _cd(line2[0:10] + line2[13:20] + line2[21:35])
    else:
        line2 += optional_field
    return "\n".join((line1, line2))
