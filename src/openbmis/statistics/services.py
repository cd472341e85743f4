"""Write path of the statistics: build, refresh and check the roll-ups; store monthly reports.

The roll-ups are recomputed one local day at a time (delete the day, INSERT ... SELECT ... GROUP BY
from the raw crossings), so recomputing a day twice is harmless. The incremental refresh finds the
days touched since the watermark by the crossings' UUIDv7 ids, which sort by the time the row was
made, not by ``at``: crossings back-dated by the demo or recorded offline are still found. Ids are
re-read from a few minutes before the watermark, because a transaction that took an id earlier
may commit later.
"""

from __future__ import annotations

import logging
import uuid
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone

from openbmis.accounts.actors import Actor, user_of
from openbmis.audit import services as audit
from openbmis.borderposts.models import BorderPost
from openbmis.core import installation
from openbmis.inspections.models import Crossing, Referral
from openbmis.statistics.models import (
    AGE_BOUNDS,
    AgeGroup,
    FlowCount,
    FlowDay,
    FlowDim,
    HitCount,
    LateDay,
    MonthlyReport,
    OverstayCount,
    ReferralCount,
    RefusalCount,
    RollupState,
)

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.backends.utils import _SQLType
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType

    from openbmis.inspections.models import Inspection
    from openbmis.travellers.models import Traveller

log = logging.getLogger(__name__)

_M = TypeVar("_M", bound=Model)
#: A roll-up row's key: day, post, direction, nationality, document code, and the table's own column (reason,
#: outcome or status).
_CountKey = tuple[date, uuid.UUID, str, str, str, str]

# How far before the watermark the refresh re-reads ids (a transaction open longer is not expected).
SAFETY = timedelta(minutes=10)
DAY_CHUNK = 200

FLOW_DIMENSIONS = ("direction", "decision", "nationality", "document_code", "sex", "age_group", "purpose",
                   "travel_mode")


if TYPE_CHECKING:
    _IntegerFunc = Func[IntegerField[int, int]]
else:
    _IntegerFunc = Func  # Func is generic only in the stubs


class DateNumber(_IntegerFunc):
    """A date as the integer yyyymmdd, with each backend's native functions (Django's Extract* on SQLite
    calls back into Python for every row, which made the roll-up twenty times slower)."""

    arity = 1
    output_field = IntegerField()

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: str | None) -> _AsSqlType:
        # SQLite keeps dates as 'YYYY-MM-DD' text.
        return self.as_sql(compiler, connection, template="CAST(REPLACE(%(expressions)s, '-', '') AS INTEGER)",
                           **extra)

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: str | None) -> _AsSqlType:
        return self.as_sql(compiler, connection, template="CAST(TO_CHAR(%(expressions)s, 'YYYYMMDD') AS INTEGER)",
                           **extra)

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, function: str | None = None,
               template: str | None = None, arg_joiner: str | None = None, **extra: str | None) -> _AsSqlType:
        if template is None:  # any other backend: the portable, slower form
            expression = ExtractYear(self.source_expressions[0]) * 10000 + ExtractMonth(
                self.source_expressions[0]) * 100 + ExtractDay(self.source_expressions[0])
            return compiler.compile(expression.resolve_expression(compiler.query))
        return super().as_sql(compiler, connection, function=function, template=template, arg_joiner=arg_joiner,
                              **extra)


def _yyyymmdd(name: str) -> DateNumber:
    return DateNumber(name)


def age_group_expression() -> tuple[Case, CombinedExpression]:
    """The age group (CASE) and the yyyymmdd difference it reads as ``age_diff``, in SQL: (local yyyymmdd - birth yyyymmdd) >= years * 10000
    exactly when the traveller had reached that age, so no division or date function is needed."""
    diff = _yyyymmdd("local_date") - _yyyymmdd("birth_date")
    whens = [When(Q(age_diff__gte=years * 10000), then=Value(str(group))) for years, group in AGE_BOUNDS]
    return Case(*whens, default=Value(str(AgeGroup.UNKNOWN)), output_field=CharField()), diff


def _flow_select(days: list[date] | None) -> tuple[str, list[_SQLType]]:
    """SELECT of the flow roll-up rows for ``days`` (all when None), columns in FlowCount's order."""
    case, diff = age_group_expression()
    crossings = Crossing.objects.all()
    if days is not None:
        crossings = crossings.filter(local_date__in=days)
    queryset = (
        crossings.annotate(age_diff=diff)
        .values(
            c_day=F("local_date"), c_post=F("border_post_id"), c_direction=F("direction"),
            c_decision=F("decision"), c_nationality=F("nationality"), c_document=F("document_code"),
            c_sex=F("sex"), c_age=case, c_purpose=F("purpose"), c_mode=F("travel_mode"),
        )
        .annotate(c_count=Count("id"))
        .order_by()
    )
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


FLOW_COLUMNS = ("day", "border_post_id", "direction", "decision", "nationality", "document_code", "sex", "age_group",
                "purpose", "travel_mode", "count")


def _insert_flows(days: list[date] | None) -> None:
    select, params = _flow_select(days)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in FLOW_COLUMNS)
    # The SELECT is Django's own compiled query; every value in it is a bound parameter.
    sql = f"INSERT INTO {quote(FlowCount._meta.db_table)} ({columns}) {select}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


DAY_COLUMNS = ("day", "border_post_id", "direction", "decision", "nationality", "document_code", "count")


def _insert_flow_days(days: list[date] | None) -> None:
    """FlowDay from FlowCount (already grouped, so far fewer rows to read than the crossings)."""
    queryset = FlowCount.objects.all()
    if days is not None:
        queryset = queryset.filter(day__in=days)
    queryset = queryset.values(*DAY_COLUMNS[:-1]).annotate(c_count=Sum("count")).order_by()
    select, params = queryset.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in DAY_COLUMNS)
    # The SELECT is Django's own compiled query; every value in it is a bound parameter.
    sql = f"INSERT INTO {quote(FlowDay._meta.db_table)} ({columns}) {select}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))


DIM_GROUPINGS = {"sex_age": ("sex", "age_group"), "purpose": ("purpose",), "travel_mode": ("travel_mode",)}
DIM_COLUMNS = ("grouping", "day", "border_post_id", "direction", "decision", "document_code", "sex", "age_group",
               "purpose", "travel_mode", "count")


def _insert_flow_dims(days: list[date] | None) -> None:
    """FlowDim from FlowCount: one INSERT ... SELECT per grouping."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in DIM_COLUMNS)
    for grouping, kept in DIM_GROUPINGS.items():
        source = FlowCount.objects.all()
        if days is not None:
            source = source.filter(day__in=days)
        values: dict[str, F | Value] = {"c_grouping": Value(grouping)}
        values.update({f"c_{c}": F(c) for c in ("day", "border_post_id", "direction", "decision", "document_code")})
        values.update({f"c_{c}": F(c) if c in kept else Value("") for c in ("sex", "age_group", "purpose",
                                                                            "travel_mode")})
        grouped = source.values(**values).annotate(c_count=Sum("count")).order_by()
        select, params = grouped.query.sql_with_params()
        # The SELECT is Django's own compiled query; every value in it is a bound parameter.
        sql = f"INSERT INTO {quote(FlowDim._meta.db_table)} ({columns}) {select}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))


def _local_day(moment: datetime, zone: str, zones: dict[str, zoneinfo.ZoneInfo]) -> date:
    if zone not in zones:
        zones[zone] = zoneinfo.ZoneInfo(zone)
    return moment.astimezone(zones[zone]).date()


def _recompute_refusals(days: list[date] | None) -> None:
    refused = Crossing.objects.filter(decision=Crossing.Decision.REFUSE)
    if days is not None:
        refused = refused.filter(local_date__in=days)
    counter: Counter[_CountKey] = Counter()
    for day, post_id, direction, nationality, document, reasons in refused.values_list(
        "local_date", "border_post_id", "direction", "nationality", "document_code", "reasons"
    ).iterator(chunk_size=5000):
        for reason in sorted(set(reasons or [])) or [""]:
            counter[(day, post_id, direction, nationality, document, str(reason)[:8])] += 1
    RefusalCount.objects.bulk_create(
        [RefusalCount(day=k[0], border_post_id=k[1], direction=k[2], nationality=k[3], document_code=k[4],
                      reason=k[5], count=n) for k, n in counter.items()],
        batch_size=2000,
    )


def _referrals_on(days: list[date] | None) -> Iterable[tuple[date, Referral]]:
    """Referrals whose local day referred is in ``days`` (all when None)."""
    queryset = Referral.objects.select_related("border_post", "inspection", "inspection__traveller",
                                               "inspection__document", "inspection__crossing")
    if days is not None:
        # UTC moments within a day either side of the local days; the local day decides.
        low = datetime.combine(min(days) - timedelta(days=1), datetime.min.time(), tzinfo=zoneinfo.ZoneInfo("UTC"))
        high = datetime.combine(max(days) + timedelta(days=2), datetime.min.time(), tzinfo=zoneinfo.ZoneInfo("UTC"))
        queryset = queryset.filter(referred_at__gte=low, referred_at__lt=high)
    wanted = set(days) if days is not None else None
    frozen = frozen_before()
    zones: dict[str, zoneinfo.ZoneInfo] = {}
    for referral in queryset.iterator(chunk_size=2000):
        day = _local_day(referral.referred_at, referral.border_post.time_zone, zones)
        if (wanted is None or day in wanted) and (frozen is None or day >= frozen):
            yield day, referral


def _outcome(referral: Referral) -> str:
    crossing = getattr(referral.inspection, "crossing", None)
    if crossing is None:
        return ReferralCount.Outcome.WAITING
    return ReferralCount.Outcome.REFUSED if crossing.decision == Crossing.Decision.REFUSE else \
        ReferralCount.Outcome.ADMITTED


def _citizenship(inspection: Inspection | None, traveller: Traveller) -> str:
    """The citizenship as read from the document at the inspection (what crossings keep), so that a later
    merge or correction of the identity does not move past referrals and hits between countries."""
    read = (inspection.document_data or {}).get("nationality") if inspection is not None else None
    return str(read or traveller.nationality)[:3]


def _recompute_referrals(days: list[date] | None) -> None:
    counter: Counter[_CountKey] = Counter()
    for day, referral in _referrals_on(days):
        inspection = referral.inspection
        counter[(day, referral.border_post_id, inspection.direction, _citizenship(inspection, inspection.traveller),
                 inspection.document.document_code[:2], _outcome(referral))] += 1
    ReferralCount.objects.bulk_create(
        [ReferralCount(day=k[0], border_post_id=k[1], direction=k[2], nationality=k[3], document_code=k[4],
                       outcome=k[5], count=n) for k, n in counter.items()],
        batch_size=2000,
    )


def _recompute_hits() -> int:
    """Hit counts are recomputed whole: judgements change existing hits, and hits are few."""
    try:
        from openbmis.watchlists.models import Hit
    except ImportError:  # the watchlist capability is not installed
        return 0
    frozen = frozen_before()
    _unfrozen(HitCount.objects.all(), frozen).delete()
    zones: dict[str, zoneinfo.ZoneInfo] = {}
    counter: Counter[_CountKey] = Counter()
    hits = Hit.objects.select_related("border_post", "traveller", "inspection", "inspection__document")
    if frozen is not None:
        hits = hits.filter(created_at__gte=datetime.combine(frozen - timedelta(days=1), datetime.min.time(),
                                                            tzinfo=zoneinfo.ZoneInfo("UTC")))
    for hit in hits.iterator(chunk_size=2000):
        day = _local_day(hit.created_at, hit.border_post.time_zone, zones)
        if frozen is not None and day < frozen:
            continue
        inspection = hit.inspection
        direction = inspection.direction if inspection is not None else ""
        document = inspection.document.document_code[:2] if inspection is not None else ""
        counter[(day, hit.border_post_id, direction, _citizenship(inspection, hit.traveller), document,
                 hit.status)] += 1
    HitCount.objects.bulk_create(
        [HitCount(day=k[0], border_post_id=k[1], direction=k[2], nationality=k[3], document_code=k[4],
                  status=k[5], count=n) for k, n in counter.items()],
        batch_size=2000,
    )
    return sum(counter.values())


def _recompute_overstays() -> int:
    """Overstay counts are recomputed whole: an overstay changes status when the traveller leaves."""
    from django.apps import apps

    if not apps.is_installed("openbmis.permits"):
        return 0
    from openbmis.permits.models import Overstay

    frozen = frozen_before()
    _unfrozen(OverstayCount.objects.all(), frozen).delete()
    counter: Counter[tuple[date, uuid.UUID, str, str, str]] = Counter()
    overstays = Overstay.objects.all()
    if frozen is not None:  # the day counted is the first past the permitted stay
        overstays = overstays.filter(permitted_until__gte=frozen - timedelta(days=1))
    for until, post_id, nationality, document, status in overstays.values_list(
            "permitted_until", "border_post_id", "nationality", "entry__document_code", "status").iterator(
            chunk_size=5000):
        counter[(until + timedelta(days=1), post_id, nationality[:3], (document or "")[:2], status)] += 1
    OverstayCount.objects.bulk_create(
        [OverstayCount(day=k[0], border_post_id=k[1], nationality=k[2], document_code=k[3], status=k[4], count=n)
         for k, n in counter.items()],
        batch_size=2000,
    )
    return sum(counter.values())


def frozen_before() -> date | None:
    """The first day whose roll-ups are still recomputed from the raw records (None: every day is)."""
    value = RollupState.objects.filter(id=1).values_list("frozen_before", flat=True).first()
    return value  # type: ignore[no-any-return]


def _unfrozen(queryset: QuerySet[_M], frozen: date | None, field: str = "day") -> QuerySet[_M]:
    return queryset if frozen is None else queryset.filter(**{f"{field}__gte": frozen})


def _thawed(days: Iterable[date]) -> list[date]:
    frozen = frozen_before()
    return sorted(day for day in days if frozen is None or day >= frozen)


def freeze_before(day: date) -> None:
    """Before retention erases records of days before ``day``: bring the roll-ups up to date, then stop
    recomputing those days, so that their figures keep what is erased (the statistics of past days never change
    because personal records were deleted). At a border-post node, which has no roll-ups, nothing to do."""
    if not installation.is_hq():
        return
    with transaction.atomic():
        state = _locked_state()
        if state.frozen_before is not None and state.frozen_before >= day:
            return
        if state.rebuilt_at is None:
            rebuild("retention")
            state = _locked_state()
        else:
            _refresh_from(state)
        state.frozen_before = day
        state.save(update_fields=["frozen_before"])
        audit.record(actor="retention", action="statistics.freeze", object_type="statistics",
                     after={"frozen_before": day.isoformat()})


def _recompute_days(days: list[date]) -> None:
    days = _thawed(days)
    for offset in range(0, len(days), DAY_CHUNK):
        chunk = days[offset: offset + DAY_CHUNK]
        FlowCount.objects.filter(day__in=chunk).delete()
        FlowDay.objects.filter(day__in=chunk).delete()
        FlowDim.objects.filter(day__in=chunk).delete()
        RefusalCount.objects.filter(day__in=chunk).delete()
        _insert_flows(chunk)
        _insert_flow_days(chunk)
        _insert_flow_dims(chunk)
        _recompute_refusals(chunk)


def _recompute_referral_days(days: list[date]) -> None:
    days = _thawed(days)
    for offset in range(0, len(days), DAY_CHUNK):
        chunk = days[offset: offset + DAY_CHUNK]
        ReferralCount.objects.filter(day__in=chunk).delete()
        _recompute_referrals(chunk)


def _days_out_of_step(days: list[date]) -> set[date]:
    """The days whose raw crossing count differs from their roll-up total."""
    out: set[date] = set()
    for offset in range(0, len(days), DAY_CHUNK):
        chunk = days[offset: offset + DAY_CHUNK]
        raw = dict(Crossing.objects.filter(local_date__in=chunk).values_list("local_date")
                   .annotate(n=Count("id")).order_by().values_list("local_date", "n"))
        rolled = dict(FlowCount.objects.filter(day__in=chunk).values_list("day").annotate(n=Sum("count"))
                      .order_by().values_list("day", "n"))
        out |= {day for day in chunk if raw.get(day, 0) != rolled.get(day, 0)}
    return out


def _newest_id(queryset: QuerySet[_M]) -> uuid.UUID | None:
    """The largest id (PostgreSQL has no MAX(uuid); the primary-key index answers ORDER BY ... LIMIT 1)."""
    value = queryset.order_by("-id").values_list("id", flat=True).first()
    return value  # type: ignore[no-any-return]


def _uuid_floor(moment_ms: int) -> uuid.UUID:
    """The smallest UUIDv7 made at ``moment_ms`` (milliseconds since the epoch)."""
    return uuid.UUID(int=max(moment_ms, 0) << 80)


def _uuid_ms(value: uuid.UUID) -> int:
    return value.int >> 80


@dataclass
class RefreshResult:
    rebuilt: bool = False
    days: int = 0
    referral_days: int = 0
    hits: int = 0
    overstays: int = 0
    last_crossing_id: uuid.UUID | None = None


def _locked_state() -> RollupState:
    RollupState.objects.get_or_create(id=1)
    return RollupState.objects.select_for_update().get(id=1)


def rebuild(actor: Actor = "system", progress: Callable[[int, int], None] | None = None) -> RefreshResult:
    """Recreate every roll-up from the raw records (one transaction: readers never see it half-built).

    ``progress(done_days, total_days)`` is called as the days are written.
    """
    installation.require_hq("the statistics roll-up")
    result = RefreshResult(rebuilt=True)
    with transaction.atomic():
        state = _locked_state()
        newest = _newest_id(Crossing.objects.all())
        newest_referral = _newest_id(Referral.objects.all())
        # Days before the frozen one keep their roll-ups: retention erased some of their records.
        frozen = state.frozen_before
        for table in (FlowCount, LateDay, FlowDay, FlowDim, RefusalCount, ReferralCount):
            _unfrozen(table.objects.all(), frozen).delete()
        days = sorted(_unfrozen(Crossing.objects.all(), frozen, "local_date").values_list("local_date", flat=True)
                      .distinct().order_by())
        total = len(days)
        if progress is not None:
            progress(0, total)
        step = 31
        for offset in range(0, total, step):
            chunk = days[offset: offset + step]
            _insert_flows(chunk)
            _insert_flow_days(chunk)
            _insert_flow_dims(chunk)
            _recompute_refusals(chunk)
            if progress is not None:
                progress(min(offset + step, total), total)
        _recompute_referrals(None)
        result.hits = _recompute_hits()
        result.overstays = _recompute_overstays()
        result.days = total
        state.last_crossing_id = newest
        state.last_referral_id = newest_referral
        state.refreshed_at = state.rebuilt_at = timezone.now()
        state.save()
        audit.record(actor=actor, action="statistics.rebuild", object_type="statistics",
                     after={"days": total, "crossings": FlowCount.objects.aggregate(n=Sum("count"))["n"] or 0})
    result.last_crossing_id = newest
    return result


def refresh() -> RefreshResult:
    """Roll up what was recorded since the watermark; a full rebuild when there is none yet."""
    installation.require_hq("the statistics roll-up")
    with transaction.atomic():
        state = _locked_state()
        if state.rebuilt_at is not None:
            return _refresh_from(state)
    return rebuild("system")


def _refresh_from(state: RollupState) -> RefreshResult:
    result = RefreshResult()
    crossing_bound = _uuid_floor(_uuid_ms(state.last_crossing_id) - int(SAFETY.total_seconds() * 1000)) \
        if state.last_crossing_id else None
    referral_bound = _uuid_floor(_uuid_ms(state.last_referral_id) - int(SAFETY.total_seconds() * 1000)) \
        if state.last_referral_id else None
    new = Crossing.objects.all() if crossing_bound is None else Crossing.objects.filter(id__gt=crossing_bound)
    newest = _newest_id(new) or state.last_crossing_id
    after = new if state.last_crossing_id is None else new.filter(id__gt=state.last_crossing_id)
    dirty = set(after.values_list("local_date", flat=True).distinct().order_by())
    late = set(LateDay.objects.values_list("day", flat=True))
    dirty |= late
    # Days seen only in the safety window may be complete already: crossings are never changed or
    # deleted, so a day whose count equals its roll-up total needs nothing.
    window = set(new.values_list("local_date", flat=True).distinct().order_by()) - dirty
    dirty |= _days_out_of_step(sorted(window))
    days = sorted(dirty)
    _recompute_days(days)
    # Referrals change when they are decided (the decision writes a crossing) and when they are made.
    zones: dict[str, zoneinfo.ZoneInfo] = {}
    touched = Referral.objects.select_related("border_post")
    condition = Q()
    if referral_bound is not None:
        condition |= Q(id__gt=referral_bound)
    if crossing_bound is not None:
        condition |= Q(inspection__crossing__id__gt=crossing_bound)
    if referral_bound is None or crossing_bound is None:
        condition = Q()
    referral_days = sorted({_local_day(r.referred_at, r.border_post.time_zone, zones)
                            for r in touched.filter(condition).only("referred_at", "border_post__time_zone")})
    newest_referral = _newest_id(Referral.objects.all())
    _recompute_referral_days(referral_days)
    result.hits = _recompute_hits()
    result.overstays = _recompute_overstays()
    LateDay.objects.filter(day__in=late).delete()
    state.last_crossing_id = newest
    state.last_referral_id = newest_referral
    state.refreshed_at = timezone.now()
    state.save(update_fields=["last_crossing_id", "last_referral_id", "refreshed_at"])
    result.days, result.referral_days, result.last_crossing_id = len(days), len(referral_days), newest
    return result


def recompute(days: Iterable[date]) -> None:
    """Recompute the given days now (for writers that bypass the ids' order, e.g. sync of old records)."""
    wanted = sorted(set(days))
    with transaction.atomic():
        _locked_state()
        _recompute_days(wanted)
        _recompute_referral_days(wanted)


def _enqueue_refresh() -> None:
    from django_tasks_db.models import DBTaskResult

    from openbmis.statistics.tasks import refresh_rollups_job

    try:
        path = refresh_rollups_job.module_path
        if DBTaskResult.objects.filter(task_path=path, status="READY").exists():
            return  # one waiting job reads everything since the watermark
        refresh_rollups_job.enqueue()
    except Exception:  # the crossing is recorded; the next refresh or rebuild catches up
        log.exception("could not enqueue the statistics refresh")


def on_crossing_recorded(sender: object, crossing: Crossing, **kwargs: object) -> None:
    """Signal receiver: roll the new crossing up in the background, once its transaction commits.

    A crossing older than the watermark (a border post's record arriving after days offline keeps the id it was
    made with) would be passed over by the refresh, which reads from the watermark on: its day is noted late."""
    if not installation.is_hq():
        return  # roll-ups are national: headquarters rolls the node's crossings up when they arrive
    watermark = RollupState.objects.filter(id=1).values_list("last_crossing_id", flat=True).first()
    if watermark is not None and _uuid_ms(crossing.id) < _uuid_ms(watermark) - SAFETY.total_seconds() * 1000:
        LateDay.objects.get_or_create(day=crossing.local_date)
    transaction.on_commit(_enqueue_refresh)


# --- consistency check --------------------------------------------------------------------------------


@dataclass
class CheckReport:
    days: int = 0
    crossings: int = 0
    rolled_up: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(progress: Callable[[int, int], None] | None = None) -> CheckReport:
    """Compare the roll-ups with counts over the raw records, per day, post, direction and decision."""
    report = CheckReport()
    # Days before the frozen one are not compared: retention erased records whose figures the roll-ups keep.
    frozen = frozen_before()
    crossings = _unfrozen(Crossing.objects.all(), frozen, "local_date")
    key = ("local_date", "border_post_id", "direction", "decision")
    raw = {(day, post, direction, decision): n for day, post, direction, decision, n in
           crossings.values_list(*key).annotate(n=Count("id")).order_by().values_list(*key, "n")}
    rolled = {(day, post, direction, decision): n for day, post, direction, decision, n in
              _unfrozen(FlowCount.objects.all(), frozen).values_list("day", "border_post_id", "direction", "decision")
              .annotate(n=Sum("count")).order_by().values_list("day", "border_post_id", "direction", "decision", "n")}
    rolled_days = {tuple(row[:4]): row[4] for row in
                   _unfrozen(FlowDay.objects.all(), frozen).values_list("day", "border_post_id", "direction",
                                                                        "decision")
                   .annotate(n=Sum("count")).order_by().values_list("day", "border_post_id", "direction", "decision",
                                                                    "n")}
    codes: dict[uuid.UUID, str] = dict(BorderPost.objects.values_list("id", "code"))
    if rolled_days != {k: v for k, v in rolled.items() if v}:
        report.problems.append("the per-day table (FlowDay) differs from the full roll-up (FlowCount)")
    for grouping in DIM_GROUPINGS:
        dims = {tuple(row[:4]): row[4] for row in
                _unfrozen(FlowDim.objects.filter(grouping=grouping), frozen).values_list("day", "border_post_id", "direction", "decision")
                .annotate(n=Sum("count")).order_by().values_list("day", "border_post_id", "direction", "decision",
                                                                 "n")}
        if dims != rolled_days:
            report.problems.append(f"the {grouping} table (FlowDim) differs from the per-day table (FlowDay)")
    report.crossings = sum(raw.values())
    report.rolled_up = sum(rolled.values())
    report.days = len({k[0] for k in raw} | {k[0] for k in rolled})
    for k in sorted(set(raw) | set(rolled), key=lambda k: (k[0], str(k[1]), k[2], k[3])):
        if raw.get(k, 0) != rolled.get(k, 0):
            report.problems.append(
                f"{k[0]} {codes.get(k[1], k[1])} {k[2]}/{k[3]}: {raw.get(k, 0)} crossings, "
                f"{rolled.get(k, 0)} in the roll-up")
    if progress is not None:
        progress(1, 3)
    refusal_raw: Counter[tuple[date, uuid.UUID, str]] = Counter()
    for day, post_id, reasons in crossings.filter(decision="refuse").values_list(
            "local_date", "border_post_id", "reasons").iterator(chunk_size=5000):
        for reason in sorted(set(reasons or [])) or [""]:
            refusal_raw[(day, post_id, str(reason)[:8])] += 1
    refusal_rolled: dict[tuple[date, uuid.UUID, str], int] = {(d, p, r): n for d, p, r, n in _unfrozen(
        RefusalCount.objects.all(), frozen).values_list(
        "day", "border_post_id", "reason").annotate(n=Sum("count")).order_by().values_list(
        "day", "border_post_id", "reason", "n")}
    for rk in sorted(set(refusal_raw) | set(refusal_rolled), key=lambda k: (k[0], str(k[1]), k[2])):
        if refusal_raw.get(rk, 0) != refusal_rolled.get(rk, 0):
            report.problems.append(f"{rk[0]} {codes.get(rk[1], rk[1])} refusals for reason {rk[2] or '-'}: "
                                   f"{refusal_raw.get(rk, 0)} crossings, {refusal_rolled.get(rk, 0)} in the roll-up")
    if progress is not None:
        progress(2, 3)
    referral_raw = Referral.objects.count() if frozen is None else sum(1 for _ in _referrals_on(None))
    referral_rolled = _unfrozen(ReferralCount.objects.all(), frozen).aggregate(n=Sum("count"))["n"] or 0
    if referral_raw != referral_rolled:
        report.problems.append(f"referrals: {referral_raw} recorded, {referral_rolled} in the roll-up")
    from django.apps import apps

    if apps.is_installed("openbmis.permits"):
        from openbmis.permits.models import Overstay

        overstay_raw = _unfrozen(Overstay.objects.all(), frozen - timedelta(days=1) if frozen else None,
                                 "permitted_until").count()
        overstay_rolled = _unfrozen(OverstayCount.objects.all(), frozen).aggregate(n=Sum("count"))["n"] or 0
        if overstay_raw != overstay_rolled:
            report.problems.append(f"overstays: {overstay_raw} recorded, {overstay_rolled} in the roll-up")
    if progress is not None:
        progress(3, 3)
    return report


# --- monthly reports ----------------------------------------------------------------------------------


def store_report(actor: Actor, month: date, post: BorderPost | None, pdf: bytes, suppressed: bool) -> MonthlyReport:
    """Keep a generated monthly report (and audit that it was made)."""
    label = user.get_username() if (user := user_of(actor)) is not None else str(actor)
    with transaction.atomic():
        report = MonthlyReport.objects.create(month=month.replace(day=1), border_post=post, suppressed=suppressed,
                                              pdf=pdf, created_by=label[:150])
        audit.record(actor=actor, action="statistics.report", object_type="monthly_report",
                     object_id=str(report.id), object_label=f"{month:%Y-%m}",
                     border_post_code=post.code if post else "", after={"suppressed": suppressed,
                                                                         "bytes": len(pdf)})
    return report


def record_export(user: Actor, *, panel: str, file_format: str, query: dict[str, str], rows: int,
                  suppressed: int) -> None:
    """Audit an export of a statistics table: who took which table, with which filters, in which format."""
    audit.record(actor=user, action="statistics.export", object_type="statistics_table", object_id=panel,
                 after={"format": file_format, "filters": query, "rows": rows, "suppressed": suppressed})


def on_identity_rectified(sender: object, days: list[date], **kwargs: object) -> None:
    """Signal receiver: a corrected nationality, sex or birth date reached crossings of these days; their
    roll-ups are recomputed in the same transaction, so the statistics count the corrected values at once."""
    if days:
        recompute(days)
