"""Template filters that show a check's slot, status and the suggested action in the reader's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from openbmis.inspections import mrz_texts
from openbmis.inspections.checks import ACTION_LABELS, SLOT_LABELS, STATUS_LABELS
from openbmis.inspections.messages import render, render_check

register = template.Library()

CROSSING_LABELS = {
    ("entry", "admit"): _("entry admitted"), ("entry", "refuse"): _("entry refused"),
    ("exit", "admit"): _("exit allowed"), ("exit", "refuse"): _("exit refused"),
}
# The verdict banner: what the checks suggest, in one or two words.
VERDICT_LABELS = {"admit": _("Clear"), "refer": _("Refer suggested"), "refuse": _("Refuse suggested")}


@register.filter
def slot_label(code: str) -> Any:
    return SLOT_LABELS.get(code, code)


@register.filter
def status_label(status: str) -> Any:
    return STATUS_LABELS.get(status, status)


@register.filter
def check_message(check: dict[str, Any]) -> str:
    """A stored check's message in the reader's language (its message code and parameters)."""
    return render_check(check)


@register.filter
def mrz_error(error: Any) -> str:
    """What the MRZ library found wrong (a field error of a reading) in the reader's language."""
    return mrz_texts.error_text(error)


@register.filter
def mrz_field(field: str) -> str:
    """An MRZ field's label in the reader's language."""
    return mrz_texts.field_label(field)


@register.filter
def feature_detail(feature: dict[str, Any]) -> str:
    """An explanation feature's detail in the reader's language where it has a message code."""
    code = feature.get("detail_code")
    return render(code, {}, fallback=str(feature.get("detail", ""))) if code else str(feature.get("detail", ""))


@register.filter
def action_label(action: str) -> Any:
    return ACTION_LABELS.get(action, action)


@register.filter
def crossing_label(crossing: Any) -> Any:
    """What a recorded crossing was, in words: an exit is "allowed", never "admitted"."""
    if isinstance(crossing, dict):  # a row of counts (values("direction", "decision"))
        key = (str(crossing.get("direction")), str(crossing.get("decision")))
    else:
        key = (crossing.direction, crossing.decision)
    return CROSSING_LABELS.get(key, key[1])


@register.filter
def verdict_label(action: str) -> Any:
    return VERDICT_LABELS.get(action, action)
