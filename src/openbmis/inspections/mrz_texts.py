"""What the MRZ library says about a failed MRZ, in the reader's language.

The library (:mod:`openbmis.mrz`) stays free of Django: its errors carry a stable ``code`` with ``field``,
``expected`` and ``found``, and an English message. Here each code has a translatable text with those
parameters, rendered when an officer reads it; a code without a text here shows the library's English message.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop, ngettext_lazy

from openbmis.inspections import messages

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


# --- the document's findings (mrz.check_document), each with its parameters -----------------------------------

#: finding code -> text; a text with a number is a plural made by ``ngettext_lazy(singular, plural, "the parameter
#: that counts")``, which chooses its form when it is formatted
FINDING_TEXTS: dict[str, Any] = {
    "specimen": gettext_noop("this is a specimen document, not a genuine travel document"),
    "unexpected_document_type": gettext_noop("document code %(code)s is unusual for a %(format)s document"),
    "expired": ngettext_lazy("the document expired on %(date)s (%(days)d day ago)",
                             "the document expired on %(date)s (%(days)d days ago)", "days"),
    "expires_soon": ngettext_lazy("the document expires on %(date)s, in %(days)d day",
                                  "the document expires on %(date)s, in %(days)d days", "days"),
    "not_yet_valid": gettext_noop("the document is valid only from %(date)s"),
    "birth_date_in_future": gettext_noop("birth date %(date)s is after %(on)s"),
    "minor": ngettext_lazy("the traveller is a minor (%(age)d year old)",
                           "the traveller is a minor (%(age)d years old)", "age"),
    "nationality_differs": gettext_noop("issued by %(issuer)s; holder's nationality is %(nationality)s"),
}


def finding_text(finding: dict[str, Any]) -> str:
    """A finding of the document check (the dict of ``DocumentCheck.to_dict``) in the active language, dates
    as the language writes them; the library's English message for a code or a finding without parameters."""
    text = FINDING_TEXTS.get(str(finding.get("code") or ""))
    params = finding.get("params")
    fallback = str(finding.get("message") or "")
    if text is None or not isinstance(params, dict) or (finding.get("code") == "nationality_differs"
                                                        and params.get("visa")):
        return fallback
    values = {name: messages.local_day(value) for name, value in params.items()}
    try:
        return gettext(text) % values if isinstance(text, str) else str(text % values)
    except (KeyError, TypeError, ValueError):  # a translation with a broken placeholder: the English stands
        return fallback


def shown_findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings the document check's message states: its errors (but the MRZ's own, which the MRZ check
    states), or else its warnings."""
    errors = [f for f in findings if f.get("severity") == "error" and f.get("code") != "mrz_invalid"]
    return errors or [f for f in findings if f.get("severity") == "warning"]


def findings_text(findings: list[dict[str, Any]]) -> str:
    """The stated findings in the active language, joined as the check joins them."""
    return " ".join(finding_text(f) for f in shown_findings(findings))
