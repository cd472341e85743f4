"""What the MRZ library says about a failed MRZ, in the reader's language.

The library (:mod:`openbmis.mrz`) stays free of Django: its errors carry a stable ``code`` with ``field``,
``expected`` and ``found``, and an English message. Here each code has a translatable text with those
parameters, rendered when an officer reads it; a code without a text here shows the library's English message.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop

#: the MRZ's fields as the library names them -> their label (the library's own English labels as msgids)
FIELD_LABELS: dict[str, str] = {
    "document_code": gettext_noop("document code"),
    "issuing_state": gettext_noop("issuing state"),
    "document_number": gettext_noop("document number"),
    "birth_date": gettext_noop("birth date"),
    "expiry_date": gettext_noop("expiry date"),
    "optional_data": gettext_noop("optional data (personal number)"),
    "composite": gettext_noop("composite"),
    "names": gettext_noop("names"),
    "name": gettext_noop("name"),
    "sex": gettext_noop("sex"),
    "nationality": gettext_noop("nationality"),
}

#: MRZ error code -> text with ``%(field)s`` (the field's label), ``%(expected)s`` and ``%(found)s``
TEXTS: dict[str, str] = {
    "empty": gettext_noop("no MRZ: the input is empty"),
    "not_text": gettext_noop("an MRZ must be text"),
    "unrecognised_format": gettext_noop(
        "unrecognised MRZ (%(found)s lines x characters); expected 3x30 (TD1), 2x36 (TD2, MRV-B) or "
        "2x44 (TD3, MRV-A) characters, with or without line breaks"),
    "invalid_character": gettext_noop("%(field)s: %(found)r is not an MRZ character"),
    "invalid_document_code": gettext_noop("document code %(found)r must start with a letter"),
    "invalid_name": gettext_noop("names may hold only letters and fillers, found %(found)r"),
    "empty_name": gettext_noop("the name field is empty"),
    "empty_document_number": gettext_noop("the document number is empty"),
    "invalid_sex": gettext_noop("sex %(found)r must be M, F, X or <"),
    "unknown_state": gettext_noop("%(field)s code %(found)r is not an ICAO Doc 9303 code"),
    "check_digit": gettext_noop("%(field)s check digit: expected %(expected)s, found %(found)s"),
    "invalid_date": gettext_noop("%(field)s %(found)r is not a possible date"),
    "untransliterable": gettext_noop("no ICAO Doc 9303 Part 3 transliteration for %(found)r"),
}


def field_label(field: str | None) -> str:
    """The label of an MRZ field in the active language (an unknown field: its name with spaces)."""
    if not field:
        return ""
    label = FIELD_LABELS.get(field)
    return gettext(label) if label else field.replace("_", " ")


def error_text(error: Any) -> str:
    """An MRZ error (an :class:`~openbmis.mrz.MRZError`, a :class:`~openbmis.mrz.FieldError` or the dict of either's
    ``to_dict``) in the active language; the library's English message for a code without a text here."""
    data = error if isinstance(error, dict) else error.to_dict()
    text = TEXTS.get(str(data.get("code") or ""))
    fallback = str(data.get("message") or "")
    if text is None:
        return fallback
    params = {"field": field_label(data.get("field")), "expected": data.get("expected") or "",
              "found": data.get("found") or ""}
    try:
        return gettext(text) % params
    except (KeyError, TypeError, ValueError):  # a translation with a broken placeholder: the English stands
        return fallback


def errors_text(errors: list[Any]) -> str:
    """Several MRZ errors in the active language, joined as the library joins them."""
    return "; ".join(error_text(error) for error in errors)
