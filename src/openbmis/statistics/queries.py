"""Read path of the statistics: validated filters, grouped counts from the roll-ups, small-cell suppression.

The dashboard, the API, the exports and the monthly report all call :func:`flows` and :func:`counts`, so
they show the same numbers. Nothing here reads the raw crossings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Model, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from openbmis.accounts import authz
from openbmis.accounts.models import ApiToken
from openbmis.borderposts.models import BorderPost
from openbmis.core.errors import InvalidInput
from openbmis.inspections.models import Purpose
from openbmis.mrz import lookup_state
from openbmis.statistics.models import (
    FlowCount,
    FlowDay,
    FlowDim,
    HitCount,
    OverstayCount,
    ReferralCount,
    RefusalCount,
)

TIME_KEYS = ("day", "week", "month")
FLOW_KEYS = (*TIME_KEYS, "border_post", "nationality", "sex", "age_group", "purpose", "travel_mode", "residence")
MEASURES = ("entries", "exits", "refusals")
SMALL_KEYS = {"day", "week", "month", "border_post", "nationality"}  # answered from FlowDay
MAX_DAYS = 3700  # ten years and change: longer periods are almost certainly a typo
DOCUMENT_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]?$")
OTHER = "(other)"  # the rest after the top N: not a code any dimension uses ("other" is a purpose)
RESIDENT, NON_RESIDENT = "resident", "non_resident"

_FIELD = {"day": "day", "week": "week", "month": "month", "border_post": "border_post__code",
          "nationality": "nationality", "sex": "sex", "age_group": "age_group", "purpose": "purpose",
          "travel_mode": "travel_mode", "residence": "purpose", "reason": "reason", "outcome": "outcome",
          "status": "status"}

KEY_LABELS = {
    "day": _("Day"), "week": _("Week (from Monday)"), "month": _("Month"), "border_post": _("Border post"),
    "nationality": _("Citizenship"), "sex": _("Sex"), "age_group": _("Age group"), "purpose": _("Purpose of travel"),
    "travel_mode": _("Travel mode"), "residence": _("Residence"), "reason": _("Ground of refusal"),
    "outcome": _("Outcome"), "status": _("Judgement"),
    "issuing_state": _("Issuing state"), "document_code": _("Document kind"), "verdict": _("Fraud type"),
    "route": _("Route"),
}
MEASURE_LABELS = {"entries": _("Arrivals"), "exits": _("Departures"), "refusals": _("Refusals"),
                  "net": _("Net flow"), "count": _("Count")}


@dataclass(frozen=True)
class Filters:
    """A validated selection: the period (local days, inclusive) and the optional narrowing filters."""

    start: date
    end: date
    posts: tuple[BorderPost, ...] = ()  # empty: every post in the caller's scope
    direction: str | None = None
    nationalities: tuple[str, ...] = ()
    document_code: str | None = None
    scope: authz.PostScope = field(default=authz.ALL_POSTS, compare=False)
    suppress: bool = False  # hide cells below the threshold
    min_cell: int = 5

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def shifted(self, start: date, end: date) -> Filters:
        return replace(self, start=start, end=end)

    def previous_period(self) -> Filters:
        return self.shifted(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def last_year(self) -> Filters:
        return self.shifted(_year_before(self.start), _year_before(self.end))

    def as_query(self) -> dict[str, str]:
        """The filters as URL parameters (for links from the dashboard to tables and exports)."""
        query = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.posts:
            query["border_post"] = ",".join(p.code for p in self.posts)
        if self.direction:
            query["direction"] = self.direction
        if self.nationalities:
            query["nationality"] = ",".join(self.nationalities)
        if self.document_code:
            query["document_type"] = self.document_code
        return query


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _parse_date(raw: str | date | None, name: str) -> date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise InvalidInput(gettext("%(name)r must be a calendar date YYYY-MM-DD, got %(raw)r")
                           % {"name": name, "raw": raw}, field=name,
                           expected="YYYY-MM-DD", found=str(raw)) from None


def _codes(raw: str | Sequence[str] | None) -> list[str]:
    if raw is None:
        return []
    items = raw.split(",") if isinstance(raw, str) else [part for item in raw for part in item.split(",")]
    return [item.strip().upper() for item in items if item.strip()]


def parse_filters(
    user: Any,
    params: Mapping[str, Any],
    *,
    token: ApiToken | None = None,
    today: date | None = None,
    default_days: int = 30,
) -> Filters:
    """Validate the filters of a request and bind them to what the user may see.

    Raises InvalidInput (an impossible period, an unknown post, nationality or document type) or
    AccessDenied (a post outside the caller's statistics scope).
    """
    authz.require(user, "statistics.view", token=token)
    today = today or date.today()
    end = _parse_date(params.get("to"), "to") or today
    start = _parse_date(params.get("from"), "from") or end - timedelta(days=default_days - 1)
    if start > end:
        raise InvalidInput(gettext("the period starts (%(start)s) after it ends (%(end)s)")
                           % {"start": start, "end": end}, field="from",
                           expected=f"a date on or before {end}", found=start.isoformat())
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput(ngettext("the period is longer than %(limit)d day", "the period is longer than %(limit)d days",
                                    MAX_DAYS) % {"limit": MAX_DAYS}, field="from", found=start.isoformat())
    scope = authz.post_scope(user, "statistics.view", token)
    posts: list[BorderPost] = []
    for code in _codes(params.get("border_post")):
        post = BorderPost.objects.filter(code=code).first()
        if post is None:
            raise InvalidInput(gettext("unknown border post %(code)r")
                               % {"code": code}, field="border_post", found=code)
        authz.require(user, "statistics.view", post, token=token)
        posts.append(post)
    direction = (params.get("direction") or "").strip().lower() or None
    if direction not in (None, "entry", "exit"):
        raise InvalidInput(gettext("direction must be entry or exit, got %(direction)r")
                           % {"direction": direction}, field="direction",
                           expected="entry or exit", found=direction)
    nationalities = _codes(params.get("nationality"))
    for code in nationalities:
        if lookup_state(code) is None:
            raise InvalidInput(gettext("unknown nationality code %(code)r (ICAO Doc 9303 Part 3)")
                               % {"code": code}, field="nationality",
                               found=code)
    document = (params.get("document_type") or params.get("document_code") or "").strip().upper() or None
    if document is not None and not DOCUMENT_CODE_RE.match(document):
        raise InvalidInput(gettext("unknown document type %(document)r: one or two letters such as P, PD, I or V")
                           % {"document": document},
                           field="document_type", found=document)
    # Whether counts are exact depends on the reader, not on the posts a query names: exact counts of
    # some posts would otherwise be offsets that undo the rounding of a query that adds another post.
    return Filters(
        start=start, end=end, posts=tuple(posts), direction=direction, nationalities=tuple(nationalities),
        document_code=document, scope=scope, suppress=not may_see_small_cells(user, token, scope, None),
        min_cell=int(getattr(settings, "OPENBMIS_STATISTICS_MIN_CELL", 5)),
    )


def may_see_small_cells(user: Any, token: ApiToken | None, scope: authz.PostScope, posts: list[Any] | None) -> bool:
    """Small counts are shown only to whoever may see identities at every post counted."""
    identities = authz.post_scope(user, "identities.view", token)
    if isinstance(identities, authz.AllPosts):
        return True
    wanted: Iterable[Any]
    if posts is not None:
        wanted = posts
    elif isinstance(scope, authz.AllPosts):
        return False
    else:
        wanted = scope
    wanted = set(wanted)
    return bool(wanted) and wanted <= identities


def _restrict(queryset: QuerySet[Any], filters: Filters, *, direction: bool = True) -> QuerySet[Any]:
    queryset = queryset.filter(day__gte=filters.start, day__lte=filters.end)
    if filters.posts:
        queryset = queryset.filter(border_post__in=[p.id for p in filters.posts])
    elif not isinstance(filters.scope, authz.AllPosts):
        queryset = queryset.filter(border_post__in=filters.scope)
    if filters.direction and direction:
        queryset = queryset.filter(direction=filters.direction)
    if filters.nationalities:
        queryset = queryset.filter(nationality__in=filters.nationalities)
    if filters.document_code:
        queryset = queryset.filter(document_code=filters.document_code)
    return queryset


def _grouped(queryset: QuerySet[Any], keys: Sequence[str]) -> QuerySet[Any]:
    if "week" in keys:
        queryset = queryset.annotate(week=TruncWeek("day"))
    if "month" in keys:
        queryset = queryset.annotate(month=TruncMonth("day"))
    fields = list(dict.fromkeys(_FIELD[k] for k in keys))
    return queryset.values(*fields).order_by(*fields)


def _key(row: Mapping[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    key: dict[str, Any] = {}
    for name in keys:
        value = row[_FIELD[name]]
        if name == "residence":
            value = RESIDENT if value == Purpose.RESIDENT else NON_RESIDENT
        elif name == "month" and value is not None:
            value = value.strftime("%Y-%m")
        elif isinstance(value, date):
            value = value.isoformat()
        key[name] = value
    return key


@dataclass
class Table:
    """Grouped counts: each row is (key, values); values are ints, or None where suppressed."""

    keys: list[str]
    measures: list[str]
    rows: list[tuple[dict[str, Any], dict[str, int | None]]]
    totals: dict[str, int | None]
    suppressed: int = 0
    rounded_to: int = 1  # every published count is a multiple of this (1: exact)


def parse_group_by(raw: str | Sequence[str] | None, allowed: Sequence[str] = FLOW_KEYS) -> list[str]:
    keys = [k.strip().lower() for k in (raw.split(",") if isinstance(raw, str) else (raw or [])) if k.strip()]
    if not keys:
        raise InvalidInput(gettext("group_by is required, e.g. group_by=month,nationality"), field="group_by")
    for name in keys:
        if name not in allowed:
            raise InvalidInput(gettext("cannot group by %(name)r; choose from %(allowed)s")
                               % {"name": name, "allowed": ', '.join(allowed)}, field="group_by",
                               found=name, expected=", ".join(allowed))
    if len([k for k in keys if k in TIME_KEYS]) > 1:
        raise InvalidInput(gettext("group by one time unit at most (day, week or month)"), field="group_by")
    if len(set(keys)) != len(keys):
        raise InvalidInput(gettext("a key is repeated in group_by"), field="group_by")
    return keys


DIM_KEYS = {"sex": "sex_age", "age_group": "sex_age", "purpose": "purpose", "residence": "purpose",
            "travel_mode": "travel_mode"}
PLAIN_KEYS = {"day", "week", "month", "border_post"}


def _flow_source(filters: Filters, keys: Sequence[str]) -> QuerySet[Any]:
    """The smallest roll-up that answers: FlowDay, FlowDim (one grouping, no citizenship), else FlowCount."""
    if set(keys) <= SMALL_KEYS:
        return FlowDay.objects.all()
    groupings = {DIM_KEYS.get(k) for k in keys if k not in PLAIN_KEYS}
    if not filters.nationalities and len(groupings) == 1 and None not in groupings:
        return FlowDim.objects.filter(grouping=groupings.pop())
    return FlowCount.objects.all()


def flows(filters: Filters, keys: Sequence[str], *, top: int | None = None) -> Table:
    """Arrivals (admitted entries), departures (admitted exits) and refusals, grouped by ``keys``.

    ``top``: keep the largest ``top`` rows by arrivals + departures and add the rest as one ``other`` row.
    """
    source = _flow_source(filters, keys)
    queryset = _grouped(_restrict(source, filters), keys).annotate(
        entries=Sum("count", filter=Q(direction="entry", decision="admit"), default=0),
        exits=Sum("count", filter=Q(direction="exit", decision="admit"), default=0),
        refusals=Sum("count", filter=Q(decision="refuse"), default=0),
    )
    merged: dict[tuple[Any, ...], dict[str, int]] = {}
    keyed: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in queryset:
        key = _key(row, keys)
        marker = tuple(key.values())
        values = merged.setdefault(marker, dict.fromkeys(MEASURES, 0))
        keyed[marker] = key
        for measure in MEASURES:
            values[measure] += int(row[measure] or 0)
    rows = [(keyed[m], v) for m, v in merged.items()]
    if top is not None and len(rows) > top:
        rows.sort(key=lambda r: (-(r[1]["entries"] + r[1]["exits"] + r[1]["refusals"]), str(r[0])))
        rest = dict.fromkeys(MEASURES, 0)
        for _unused, values in rows[top:]:
            for measure in MEASURES:
                rest[measure] += values[measure]
        rows = rows[:top] + [({k: OTHER for k in keys}, rest)]
    return _suppress(filters, list(keys), list(MEASURES), rows)


COUNT_MODELS: dict[str, tuple[type[Model], str]] = {
    "refusals": (RefusalCount, "reason"),
    "referrals": (ReferralCount, "outcome"),
    "hits": (HitCount, "status"),
    "overstays": (OverstayCount, "status"),
}


def counts(filters: Filters, kind: str, keys: Sequence[str] | None = None) -> Table:
    """Refusals by ground, referrals by outcome or watchlist hits by judgement (``kind``), with the filters."""
    model, dimension = COUNT_MODELS[kind]
    keys = list(keys or [dimension])
    # Overstays belong to an entry: the direction filter does not apply to them.
    restricted = _restrict(model._default_manager.all(), filters, direction=kind != "overstays")
    queryset = _grouped(restricted, keys).annotate(n=Sum("count"))
    rows = [(_key(row, keys), {"count": int(row["n"] or 0)}) for row in queryset]
    return _suppress(filters, keys, ["count"], rows)


def protect(value: int, base: int) -> int | None:
    """The published form of one count for a protected reader (docs/statistics.md, "Privacy"):
    0 stays 0, 1 to base - 1 is hidden (None), larger counts are rounded to the nearest multiple of base
    (halves up). Every published number is then a multiple of ``base`` and every hidden count lies
    strictly between two multiples, so no sum or difference of published numbers equals a hidden count."""
    if value <= 0 or base <= 1:
        return value
    if value < base:
        return None
    return base * ((value + base // 2) // base)


def _suppress(filters: Filters, keys: list[str], measures: list[str],
              rows: list[tuple[dict[str, Any], dict[str, int]]]) -> Table:
    """For a reader who may not see small cells: hide counts from 1 to min_cell - 1 and round every other
    cell and every total to base min_cell, so that subtracting two allowed tables cannot reveal a hidden
    count (the differencing attack). Totals are computed from the exact counts, then rounded."""
    exact_totals = {m: sum(v[m] for _k, v in rows) for m in measures}
    if not filters.suppress:
        return Table(keys=keys, measures=measures, rows=[(k, dict(v)) for k, v in rows],
                     totals=dict(exact_totals), suppressed=0, rounded_to=1)
    base = filters.min_cell
    suppressed = 0
    shown: list[tuple[dict[str, Any], dict[str, int | None]]] = []
    for key, values in rows:
        published: dict[str, int | None] = {}
        for measure in measures:
            published[measure] = protect(values[measure], base)
            suppressed += published[measure] is None
        shown.append((key, published))
    totals: dict[str, int | None] = {}
    for measure in measures:
        totals[measure] = protect(exact_totals[measure], base)
        suppressed += totals[measure] is None
    return Table(keys=keys, measures=measures, rows=shown, totals=totals, suppressed=suppressed,
                 rounded_to=max(base, 1))


def first_day() -> date | None:
    """The first day the roll-ups hold: before it there are no records, which is not the same as zero."""
    row = FlowDay.objects.order_by("day").values_list("day", flat=True).first()
    return row


def comparison(filters: Filters) -> dict[str, dict[str, int | None] | None]:
    """Totals of the period, the period before it (same length) and the same period a year earlier;
    None for a period that starts before the first recorded day (no complete records, rather than zero)."""
    earliest = first_day()
    result: dict[str, dict[str, int | None] | None] = {}
    for name, selection in (("current", filters), ("previous", filters.previous_period()),
                            ("last_year", filters.last_year())):
        # A period that starts before the first recorded day is incomplete: comparing with it would mislead.
        if name != "current" and (earliest is None or selection.start < earliest):
            result[name] = None
            continue
        table = flows(selection, ["border_post"])
        result[name] = dict(table.totals)
    return result
