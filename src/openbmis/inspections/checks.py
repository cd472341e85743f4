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
from typing import Any, Literal

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from openbmis.inspections.messages import Said

log = logging.getLogger(__name__)

Status = Literal["pass", "warn", "fail", "not_checked"]
Severity = Literal["info", "warning", "error"]

# The order the inspection screen shows them in.
SLOTS: tuple[str, ...] = (
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
    details: dict[str, Any] = field(default_factory=dict)
    message_code: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.message, Said):
            self.message_code, self.params = self.message.code, dict(self.message.params)
            self.message = self.message.english()

    def to_dict(self) -> dict[str, Any]:
        out = {"code": self.code, "status": self.status, "severity": self.severity, "message": self.message,
               "details": self.details}
        if self.message_code:
            out |= {"message_code": self.message_code, "params": self.params}
        return out


@dataclass(slots=True)
class Outcome:
    """What a checker found: its check, and any watchlist hits (explained) for the hit queue."""

    check: Check
    hits: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class InspectionContext:
    """Everything a checker may look at. Checkers read; they never write."""

    border_post: Any
    direction: str
    document: dict[str, Any]  # document_code, issuing_state, document_number, names, nationality, ...
    mrz_result: Any  # openbmis.mrz.MRZResult or None for manual entry
    traveller: Any  # travellers.Traveller
    travel_document: Any  # travellers.TravelDocument
    at: datetime
    local_date: date
    history: list[Any]  # the traveller's previous crossings, newest first (admitted and refused)
    extra: dict[str, Any] = field(default_factory=dict)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per inspection: checkers that need the same lookup share it."""
        if key not in self.extra:
            self.extra[key] = compute()
        return self.extra[key]


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
Clearance = Callable[[Any, str], bool]
_CLEARANCES: dict[str, Clearance] = {}


def register_clearance(code: str, clearance: Clearance) -> None:
    """Install how a failure of slot ``code`` is cleared by review (replacing any earlier one)."""
    if code not in SLOTS:
        raise ValueError(f"unknown check slot {code!r}; slots: {', '.join(SLOTS)}")
    _CLEARANCES[code] = clearance


def cleared(inspection: Any, code: str) -> bool:
    """Whether the failure of check ``code`` on ``inspection`` has since been cleared by a person's review."""
    clearance = _CLEARANCES.get(code)
    return clearance is not None and clearance(inspection, code)


def run_all(context: InspectionContext) -> tuple[list[Check], list[dict[str, Any]], dict[str, float]]:
    """Run every slot; a checker that crashes is reported, never hidden and never fatal."""
    checks: list[Check] = []
    hits: list[dict[str, Any]] = []
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


def suggested_action(checks: list[Check], hits: list[dict[str, Any]]) -> str:
    """Refer when anything failed or anything hit; otherwise admit. A person always decides."""
    if hits or any(check.status == "fail" for check in checks):
        return "refer"
    return "admit"
