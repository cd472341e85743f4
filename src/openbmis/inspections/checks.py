"""The checks run in every inspection, as a registry other capabilities plug into.

Each slot has a stable ``code`` (the API's ``checks[].code``).  A capability registers a checker
for its slot in its AppConfig.ready(); a slot with no checker is reported ``not_checked`` with the
reason, so the officer always sees the whole list and never mistakes a missing check for a pass.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal, NotRequired, TypedDict, TypeVar, cast

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from openbmis.inspections.check_details import (
    CheckDetails,
    NoDetails,
    Severity,
    SlotCode,
    Status,
    StoredCheck,
)
from openbmis.inspections.messages import Param, Said
from openbmis.travellers.fields import DocumentFields

if TYPE_CHECKING:
    from openbmis.borderposts.models import BorderPost
    from openbmis.inspections.models import Crossing, Inspection
    from openbmis.mrz import MRZResult
    from openbmis.travellers.models import TravelDocument, Traveller

log = logging.getLogger(__name__)

T = TypeVar("T")

# The order the inspection screen shows them in.
SLOTS: tuple[SlotCode, ...] = (
    "mrz", "document", "watchlist", "stolen_lost", "history", "visa", "stay", "entry_ban", "chip",
    "advance", "document_alerts",
)
# What the screen calls them (the codes stay the API's).
SLOT_LABELS = {
    "mrz": _("MRZ"), "document": _("Document"), "watchlist": _("Watchlists"),
    "stolen_lost": _("Stolen or lost document"), "history": _("Travel history"), "visa": _("Visa"),
    "stay": _("Stay"), "entry_ban": _("Entry ban"), "chip": _("Chip"),
    "advance": _("Advance passenger information"),
    "document_alerts": _("Fraud alerts"),
}
STATUS_LABELS = {"pass": _("pass"), "warn": _("warning"), "fail": _("fail"), "not_checked": _("not checked")}
ACTION_LABELS = {"admit": _("admit"), "refuse": _("refuse"), "refer": _("refer")}


@dataclass(slots=True)
class Check:
    """One check's result. ``message`` is what the officer reads: a :class:`messages.Said` (a code and its
    parameters, rendered in each reader's language; kept in English in ``message`` for logs) or plain text."""

    code: str
    status: Status
    severity: Severity
    message: str | Said
    details: CheckDetails = field(default_factory=lambda: NoDetails())
    message_code: str = ""
    params: dict[str, Param] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.message, Said):
            self.message_code, self.params = self.message.code, dict(self.message.params)
            self.message = self.message.english()

    def to_dict(self) -> StoredCheck:
        # __post_init__ made the message its English text
        out: StoredCheck = {"code": self.code, "status": self.status, "severity": self.severity,
                            "message": str(self.message), "details": self.details}
        if self.message_code:
            out |= {"message_code": self.message_code, "params": self.params}
        return out


class EarlierJudgement(TypedDict):
    """A "no match" judged before on the same traveller and entry (or before arrival, without an ``id`` yet)."""

    id: str | None
    by: str
    at: str
    date: str
    reason: str
    hit_id: NotRequired[str | None]
    by_id: NotRequired[str]
    prearrival_hit: NotRequired[str]  # judged on a manifest before arrival: the pre-arrival hit's id


class HitRecord(TypedDict):
    """A watchlist hit as the checkers hand it over: kept in the inspection's ``hits``, filed in the hit queue,
    returned by the API. The keys are the seam between the watchlists and the apps that screen (inspections,
    manifests): mypy checks them on both sides."""

    kind: Literal["person", "document"]
    entry_id: str
    external_id: str
    watchlist_id: str
    list: str
    name: str
    listed_name: str
    score: float
    threshold: float
    algorithm: str
    version: str
    entry_version: int
    explanation: dict[str, object]
    explanation_text: str
    previous_no_match: EarlierJudgement | None
    status: NotRequired[str]  # a document hit: stolen, lost, revoked or invalidated
    exact: NotRequired[bool]  # a document hit: the number as listed (not by look-alike characters)
    retroactive: NotRequired[dict[str, int]]  # found when a list changed: its version and the days looked back
    previously_judged: NotRequired[dict[str, object]]  # the pair's earlier judgement, the entry changed since


@dataclass(slots=True)
class Outcome:
    """What a checker found: its check, and any watchlist hits (explained) for the hit queue."""

    check: Check
    hits: list[HitRecord] = field(default_factory=list)


@dataclass
class InspectionContext:
    """Everything a checker may look at. Checkers read; they never write."""

    border_post: BorderPost | None  # None: a manifest that names no arrival post (pre-arrival screening)
    direction: str
    document: DocumentFields
    mrz_result: MRZResult | None  # None for manual entry
    traveller: Traveller | None  # not yet saved for a new identity; None before arrival (a manifest person)
    travel_document: TravelDocument | None  # None before arrival
    at: datetime
    local_date: date
    history: list[Crossing]  # the traveller's previous crossings, newest first (admitted and refused)
    # what the caller adds (visible_posts, transport_id, prearrival...) and the checkers' memo
    extra: dict[str, object] = field(default_factory=dict)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per inspection: checkers that need the same lookup share it."""
        if key not in self.extra:
            self.extra[key] = compute()
        # what compute() returned for this key (each key is computed by one kind of function)
        return cast(T, self.extra[key])


Checker = Callable[[InspectionContext], Outcome]
_REGISTRY: dict[str, Checker] = {}


def register(code: str, checker: Checker) -> None:
    """Install the checker for slot ``code`` (replacing any earlier one)."""
    if code not in SLOTS:
        raise ValueError(f"unknown check slot {code!r}; slots: {', '.join(SLOTS)}")
    _REGISTRY[code] = checker


_ANNOTATORS: list[Callable[[list[Check]], None]] = []


def annotate_with(annotator: Callable[[list[Check]], None]) -> None:
    """Let another capability add details to every run's checks (e.g. how old a node's copy of the lists is)."""
    if annotator not in _ANNOTATORS:
        _ANNOTATORS.append(annotator)


def registered(code: str) -> Checker | None:
    return _REGISTRY.get(code)


# How a failed check is cleared by a person's review after the inspection (for example every watchlist
# hit judged "no match"): slot -> function(inspection, slot) -> True when cleared.  A capability that
# files something reviewable registers one in its AppConfig.ready(); a slot without one stays failed.
Clearance = Callable[["Inspection", str], bool]
_CLEARANCES: dict[str, Clearance] = {}


def register_clearance(code: str, clearance: Clearance) -> None:
    """Install how a failure of slot ``code`` is cleared by review (replacing any earlier one)."""
    if code not in SLOTS:
        raise ValueError(f"unknown check slot {code!r}; slots: {', '.join(SLOTS)}")
    _CLEARANCES[code] = clearance


def cleared(inspection: Inspection, code: str) -> bool:
    """Whether the failure of check ``code`` on ``inspection`` has since been cleared by a person's review."""
    clearance = _CLEARANCES.get(code)
    return clearance is not None and clearance(inspection, code)


def run_all(context: InspectionContext) -> tuple[list[Check], list[HitRecord], dict[str, float]]:
    """Run every slot; a checker that crashes is reported, never hidden and never fatal."""
    checks: list[Check] = []
    hits: list[HitRecord] = []
    timings: dict[str, float] = {}
    for code in SLOTS:
        checker = _REGISTRY.get(code)
        if checker is None:
            checks.append(Check(code, "not_checked", "info", "This check is not available in this installation."))
            continue
        started = time.perf_counter()
        try:
            if connection.in_atomic_block:
                # A failed query would abort the caller's transaction (PostgreSQL): keep the
                # failure inside a savepoint so that it stays this check's problem alone.
                with transaction.atomic():
                    outcome = checker(context)
            else:
                outcome = checker(context)
        except Exception as exc:  # noqa: BLE001 - one failing check must not stop the inspection
            log.exception("check %s crashed", code)
            checks.append(Check(code, "not_checked", "warning",
                                f"The check could not run ({type(exc).__name__}); verify manually."))
            continue
        finally:
            timings[code] = (time.perf_counter() - started) * 1000
        checks.append(outcome.check)
        hits.extend(outcome.hits)
    for annotator in _ANNOTATORS:
        annotator(checks)
    return checks, hits, timings


def suggested_action(checks: list[Check], hits: list[HitRecord] | list[dict[str, object]]) -> str:
    """Refer when anything failed or anything hit; otherwise admit. A person always decides."""
    if hits or any(check.status == "fail" for check in checks):
        return "refer"
    return "admit"
