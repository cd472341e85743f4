"""The dashboard's panels: what each one counts and how its rows are labelled (for screen, exports and PDF)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openbmis.core.errors import InvalidInput, NotFound
from openbmis.inspections.models import Purpose, RefusalReason, TravelMode
from openbmis.mrz import lookup_state
from openbmis.statistics import queries
from openbmis.statistics.models import AgeGroup, ReferralCount

TOP_NATIONALITIES = 10


@dataclass(frozen=True)
class Panel:
    name: str
    title: Any
    kind: str  # "flows", or a key of queries.COUNT_MODELS
    keys: tuple[str, ...]
    chart: str  # line or bar
    top: int | None = None


PANELS: dict[str, Panel] = {p.name: p for p in [
    Panel("time", gettext_lazy("Arrivals and departures over time"), "flows", ("day",), "line"),
    Panel("border_post", gettext_lazy("By border post"), "flows", ("border_post",), "bar"),
    Panel("nationality", gettext_lazy("By citizenship (top 10 and the rest)"), "flows", ("nationality",), "bar",
          TOP_NATIONALITIES),
    Panel("sex_age", gettext_lazy("By sex and age group"), "flows", ("age_group", "sex"), "bar"),
    Panel("residence", gettext_lazy("Residents and non-residents"), "flows", ("residence",), "bar"),
    Panel("purpose", gettext_lazy("By purpose of travel"), "flows", ("purpose",), "bar"),
    Panel("travel_mode", gettext_lazy("By travel mode"), "flows", ("travel_mode",), "bar"),
    Panel("refusals", gettext_lazy("Refusals by ground"), "refusals", ("reason",), "bar"),
    Panel("referrals", gettext_lazy("Referrals to secondary inspection and their outcomes"), "referrals",
          ("outcome",), "bar"),
    Panel("overstays", gettext_lazy("Overstays by first day overstayed and status"), "overstays", ("status",),
          "bar"),
    Panel("hits", gettext_lazy("Watchlist hits by judgement"), "hits", ("status",), "bar"),
    Panel("fraud", gettext_lazy("Document fraud found at secondary, by issuing state and fraud type"), "fraud",
          ("issuing_state", "verdict"), "bar"),
]}


def available() -> dict[str, Panel]:
    """The panels this installation can fill (overstays need the permits capability)."""
    from django.apps import apps

    if apps.is_installed("openbmis.permits"):
        return PANELS
    return {name: panel for name, panel in PANELS.items() if panel.kind != "overstays"}


def get_panel(name: str) -> Panel:
    try:
        return available()[name]
    except KeyError:
        raise NotFound(_("no statistics panel %(name)r") % {"name": name}, field="panel") from None


def panel_table(panel: Panel, filters: queries.Filters, interval: str = "day") -> queries.Table:
    if interval not in queries.TIME_KEYS:
        raise InvalidInput(_("interval must be day, week or month, got %(interval)r")
                           % {"interval": interval}, field="interval")
    if panel.kind == "flows":
        keys = [interval] if panel.name == "time" else list(panel.keys)
        return queries.flows(filters, keys, top=panel.top)
    if panel.kind == "fraud":
        from openbmis.documents.statistics import fraud_cases

        return fraud_cases(filters, list(panel.keys))
    return queries.counts(filters, panel.kind, list(panel.keys))


def _overstay_labels() -> dict[str, Any]:
    from django.apps import apps

    if not apps.is_installed("openbmis.permits"):
        return {}
    from openbmis.permits.models import Overstay

    return dict(Overstay.Status.choices)


def _hit_labels() -> dict[str, Any]:
    try:
        from openbmis.watchlists.models import Hit
    except ImportError:
        return {}
    return dict(Hit.Status.choices)


def label(key: str, value: Any) -> str:
    """A reader's label for one key value (the code stays visible where codes are the standard)."""
    if value == queries.OTHER:
        return _("All others")
    if value in (None, ""):
        return _("Not stated")
    if key == "nationality":
        state = lookup_state(str(value))
        return f"{value} {state.name}" if state else str(value)
    if key == "sex":
        return {"F": _("Female"), "M": _("Male"), "X": _("Unspecified")}.get(value, str(value))
    if key == "age_group":
        return str(dict(AgeGroup.choices).get(value, value))
    if key == "purpose":
        return str(dict(Purpose.choices).get(value, value))
    if key == "travel_mode":
        return str(dict(TravelMode.choices).get(value, value))
    if key == "residence":
        return _("Residents") if value == queries.RESIDENT else _("Non-residents")
    if key == "reason":
        reason = RefusalReason.objects.filter(code=value).first()
        return f"{value}: {reason.label}" if reason else str(value)
    if key == "outcome":
        return str(dict(ReferralCount.Outcome.choices).get(value, value))
    if key == "verdict":
        from openbmis.documents.models import Verdict

        return str(dict(Verdict.choices).get(value, value))
    if key == "status":
        return str({**_overstay_labels(), **_hit_labels()}.get(value, value))
    return str(value)


def row_label(table: queries.Table, key: dict[str, Any]) -> str:
    return " · ".join(label(name, key[name]) for name in table.keys)


def shows_net(table: queries.Table, filters: queries.Filters | None) -> bool:
    """Net flow (arrivals minus departures) means something only for a table of both directions: with the
    direction filter set, one side is zero by construction and the "net" would only repeat the other."""
    return table.measures == list(queries.MEASURES) and not (filters is not None and filters.direction)


def headers(table: queries.Table, filters: queries.Filters | None = None) -> list[str]:
    columns = [str(queries.KEY_LABELS.get(k, k)) for k in table.keys]
    columns += [str(queries.MEASURE_LABELS[m]) for m in table.measures]
    if shows_net(table, filters):
        columns.append(str(queries.MEASURE_LABELS["net"]))
    return columns


def net(values: dict[str, int | None]) -> int | None:
    entries, exits = values.get("entries"), values.get("exits")
    return None if entries is None or exits is None else entries - exits


def net_cell(values: dict[str, int | None]) -> str | int:
    """Net flow, or ``..`` when arrivals or departures are suppressed (it would give them away)."""
    value = net(values)
    return ".." if value is None else value


def cell(value: int | None, filters: queries.Filters) -> str | int:
    """What a cell shows: the count, or ``<N`` where it is suppressed."""
    return f"<{filters.min_cell}" if value is None else value


def table_rows(table: queries.Table, filters: queries.Filters) -> list[list[Any]]:
    """The table as shown on screen and exported: labels, then counts (``<N`` where suppressed)."""
    flows = shows_net(table, filters)
    rows = []
    for key, values in table.rows:
        row: list[Any] = [label(name, key[name]) for name in table.keys]
        row += [cell(values[m], filters) for m in table.measures]
        if flows:
            row.append(net_cell(values))
        rows.append(row)
    total: list[Any] = [_("Total")] + [""] * (len(table.keys) - 1)
    total += [cell(table.totals[m], filters) for m in table.measures]
    if flows:
        total.append(net_cell(table.totals))
    rows.append(total)
    return rows
