"""What the checks tell the officer, as a message code and its parameters, rendered in the reader's language.

A checker says ``said("entry_ban.none")`` or ``said("stay.until", until="2027-03-04", days=90)``; the check keeps
the code and the parameters (the API returns both), and every page renders them through gettext when it shows
them, so an inspection recorded by an officer working in English reads in Arabic for the next one. The English
texts are the msgids: each app registers its own texts beside its checkers (:func:`register`). A check stored
before the codes existed keeps its English message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext

# code -> the English text (marked with gettext_noop), or a plural text made by ngettext_lazy(singular, plural,
# "name of the count parameter"), which chooses its form from that parameter when it is formatted
_TEXTS: dict[str, Any] = {}
#: a message parameter as stored (JSON): text or a number
Param = str | int | float
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# code -> a function that rebuilds parameters in the active language from the check's details (what a
# library or another app said, stored as codes there, with the English text kept in the parameters)
_FROM_DETAILS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def register(texts: dict[str, Any]) -> None:
    """Add an app's message texts (code -> English text with ``%(name)s`` placeholders)."""
    clash = {code for code, text in texts.items() if _TEXTS.get(code, text) != text}
    if clash:
        raise ValueError(f"message codes registered twice with different texts: {sorted(clash)}")
    _TEXTS.update(texts)


def register_from_details(codes: list[str], rebuild: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Render the checks with these message codes with parameters rebuilt from their details, in the reader's
    language (``rebuild(details)`` returns the parameters to replace; an empty dict keeps the stored ones)."""
    for code in codes:
        _FROM_DETAILS[code] = rebuild


def render_said(items: list[Any]) -> str:
    """Several stored messages (``{"code": ..., "params": ...}``) in the active language, joined by "; "."""
    return "; ".join(render(str(item.get("code", "")), item.get("params") or {}, fallback=str(item.get("text", "")))
                     for item in items if isinstance(item, dict))


@dataclass(frozen=True)
class Said:
    """A message code with its parameters (strings and numbers: they are stored as JSON)."""

    code: str
    params: dict[str, Param] = field(default_factory=dict)

    def english(self) -> str:
        with translation.override("en"):
            return render(self.code, self.params)


def said(code: str, **params: Any) -> Said:
    if code not in _TEXTS:
        raise KeyError(f"unknown message code {code!r}: register its text first")
    return Said(code, {k: v if isinstance(v, (int, float)) else str(v) for k, v in params.items()})


def render(code: str, params: dict[str, Any], fallback: str = "") -> str:
    """The message in the active language; ``fallback`` (the stored text) for a code no longer known."""
    text = _TEXTS.get(code)
    if text is None:
        return fallback
    params = {name: local_day(value) for name, value in params.items()}
    try:
        return str(gettext(text) % params) if isinstance(text, str) else str(text % params)
    except (KeyError, TypeError, ValueError):
        return fallback


def local_day(value: Any) -> Any:
    """A day kept as ISO text in the parameters (``2027-03-04``) written as the reader's language writes days
    (``04/03/2027`` in French); the stored parameters and the API keep ISO."""
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    return value


def render_check(check: dict[str, Any]) -> str:
    """A stored check's message (a dict of ``Check.to_dict``) in the active language."""
    code = check.get("message_code")
    if not code:
        return str(check.get("message", ""))
    params = dict(check.get("params") or {})
    rebuild = _FROM_DETAILS.get(code)
    details = check.get("details")
    if rebuild is not None and isinstance(details, dict):
        params.update(rebuild(details))
    return render(code, params, fallback=str(check.get("message", "")))
