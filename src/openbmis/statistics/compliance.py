"""Carriers' compliance with advance passenger information, as a statistics table: per carrier, the manifests of
the flights arriving in the period, those late, incomplete or with errors, flights seen at the counter with no
manifest, the persons listed, the no-shows and the arrivals not listed. The counts come from the manifests app; the small-cell protection
is the statistics' own (:func:`queries._suppress`), so a protected reader sees the same rounding as everywhere."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from django.utils.translation import gettext_lazy

from openbmis.accounts import authz
from openbmis.statistics import queries

Measure = Literal["manifests", "late", "incomplete", "with_errors", "missing", "listed", "no_shows", "not_listed"]
MEASURES: tuple[Measure, ...] = ("manifests", "late", "incomplete", "with_errors", "missing", "listed", "no_shows",
                                 "not_listed")
LABELS = {
    "carrier": gettext_lazy("Carrier"),
    "manifests": gettext_lazy("Manifests"),
    "late": gettext_lazy("Late"),
    "incomplete": gettext_lazy("Incomplete"),
    "with_errors": gettext_lazy("With errors"),
    "missing": gettext_lazy("Flights without manifest"),
    "listed": gettext_lazy("Persons listed"),
    "no_shows": gettext_lazy("No-shows"),
    "not_listed": gettext_lazy("Arrivals not listed"),
}
TITLE = gettext_lazy("Carrier compliance (advance passenger information)")


def available() -> bool:
    from django.apps import apps

    return apps.is_installed("openbmis.manifests")


def carrier_table(filters: queries.Filters) -> queries.Table:
    """The compliance counts per carrier for flights arriving at the filtered posts between the filters' first
    and last day, protected as every statistics table is for readers who may not see small cells."""
    from openbmis.manifests import services as manifests

    if filters.posts:
        post_ids: set[Any] | None = {p.id for p in filters.posts}
    elif isinstance(filters.scope, authz.AllPosts):
        post_ids = None
    else:
        post_ids = set(filters.scope)
    figures = manifests.carrier_figures(start=filters.start, end=filters.end + timedelta(days=1), post_ids=post_ids)
    rows: list[tuple[dict[str, str], dict[str, int]]] = [
        ({"carrier": f["carrier"]}, {m: int(f[m]) for m in MEASURES}) for f in figures]
    return queries._suppress(filters, ["carrier"], list(MEASURES), rows)


def headers() -> list[str]:
    return [str(LABELS["carrier"]), *(str(LABELS[m]) for m in MEASURES)]


def rows(table: queries.Table, filters: queries.Filters) -> list[list[Any]]:
    """The table as shown and printed: carrier, then each count (``<N`` where hidden), then the total row."""
    from openbmis.statistics import panels

    return panels.table_rows(table, filters)
