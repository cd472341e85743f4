"""Statistics over REST: the same numbers the dashboard shows, from the roll-ups."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from openbmis.accounts.api_auth import token_of
from openbmis.core.apitypes import Day
from openbmis.statistics import compliance, queries

router = Router(tags=["statistics"])


class FlowsQuery(Schema):
    since: Day | None = Field(default=None, alias="from", description="first local day (default: 30 days to `to`)")
    until: Day | None = Field(default=None, alias="to", description="last local day, inclusive (default: today)")
    group_by: str = Field(default="day", description="comma-separated: " + ", ".join(queries.FLOW_KEYS))
    border_post: str | None = Field(default=None, description="post code(s), comma-separated")
    direction: Literal["entry", "exit"] | None = None
    nationality: str | None = Field(default=None, description="ICAO nationality code(s), comma-separated")
    document_type: str | None = Field(default=None, description="document code, e.g. P")


class FlowRow(Schema):
    key: dict[str, Any]
    entries: int | None
    exits: int | None
    refusals: int | None


class FlowsOut(Schema):
    rows: list[FlowRow]
    totals: dict[str, int | None]
    suppressed: int = Field(description="cells hidden because they count fewer than the threshold")
    rounded_to: int = Field(description="every published count is a multiple of this (1: exact counts)")


@router.get("/flows", response=FlowsOut, summary="Arrivals, departures and refusals grouped as asked")
def flows(request: HttpRequest, params: Query[FlowsQuery]) -> dict[str, Any]:
    """Counts come from the roll-ups, per the post's local day. `entries` are admitted entries (arrivals),
    `exits` admitted exits (departures), `refusals` refused entries and exits. For callers who may not see
    identities at every post in their scope, counts below `OPENBMIS_STATISTICS_MIN_CELL` are `null` and counted
    in `suppressed`, and every other count and total is rounded to a multiple of `rounded_to`. Example: `/api/statistics/flows?from=2026-01-01&to=2026-03-31&group_by=month,nationality`.
    """
    filters = queries.parse_filters(request.user, {
        "from": params.since, "to": params.until, "border_post": params.border_post,
        "direction": params.direction, "nationality": params.nationality, "document_type": params.document_type,
    }, token=token_of(request))
    keys = queries.parse_group_by(params.group_by)
    table = queries.flows(filters, keys)
    return {"rows": [{"key": key, **values} for key, values in table.rows], "totals": table.totals,
            "suppressed": table.suppressed, "rounded_to": table.rounded_to}


class CarriersQuery(Schema):
    since: Day | None = Field(default=None, alias="from", description="first day of arrival (default: 30 days to `to`)")
    until: Day | None = Field(default=None, alias="to", description="last day of arrival, inclusive (default: today)")
    border_post: str | None = Field(default=None, description="arrival post code(s), comma-separated")


class CarrierRow(Schema):
    carrier: str
    manifests: int | None
    late: int | None
    incomplete: int | None
    with_errors: int | None
    missing: int | None
    listed: int | None
    no_shows: int | None
    not_listed: int | None


class CarriersOut(Schema):
    rows: list[CarrierRow]
    totals: dict[str, int | None]
    suppressed: int = Field(description="cells hidden because they count fewer than the threshold")
    rounded_to: int = Field(description="every published count is a multiple of this (1: exact counts)")


@router.get("/carriers", response=CarriersOut, summary="Carriers' compliance with advance passenger information")
def carriers(request: HttpRequest, params: Query[CarriersQuery]) -> dict[str, Any]:
    """Per carrier, for flights arriving in the period at the posts asked (or in the caller's scope): `manifests`
    received, `late` (more than 30 minutes after departure), `incomplete` (a person without document number,
    birth date, nationality or surname), `with_errors`, `missing` (flights named at the counter with no manifest),
    `listed` persons, `no_shows` (listed, never inspected, flight arrived) and `not_listed` (entry inspections
    naming a manifested flight that matched no listed person). Small counts are protected as in
    `/api/statistics/flows`. Example: `/api/statistics/carriers?from=2026-11-01&to=2026-11-30`."""
    filters = queries.parse_filters(request.user, {"from": params.since, "to": params.until,
                                                   "border_post": params.border_post}, token=token_of(request))
    if not compliance.available():
        return {"rows": [], "totals": {}, "suppressed": 0, "rounded_to": 1}
    table = compliance.carrier_table(filters)
    return {"rows": [{**key, **values} for key, values in table.rows], "totals": table.totals,
            "suppressed": table.suppressed, "rounded_to": table.rounded_to}
