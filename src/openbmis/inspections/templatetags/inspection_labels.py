"""Template filters that show a check's slot, status and the suggested action in the reader's language."""

from __future__ import annotations

from typing import Any

from django import template

from openbmis.inspections.checks import ACTION_LABELS, SLOT_LABELS, STATUS_LABELS

register = template.Library()


@register.filter
def slot_label(code: str) -> Any:
    return SLOT_LABELS.get(code, code)


@register.filter
def status_label(status: str) -> Any:
    return STATUS_LABELS.get(status, status)


@register.filter
def action_label(action: str) -> Any:
    return ACTION_LABELS.get(action, action)
