"""``{{ hit.score|score }}``: a hit's score shown the one way (see watchlists.matching.score_text)."""

from __future__ import annotations

from django import template

from openbmis.watchlists.matching import score_text

register = template.Library()


@register.filter
def score(value: float | None) -> str:
    return "—" if value is None else score_text(value)
