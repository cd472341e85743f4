"""What each check keeps in its ``details``: one ``TypedDict`` per slot, and a typed way to read them back.

A checker writes its slot's details (``Check.details``); the inspection stores them as JSON and the API
returns them as they are, and other apps read them back (the overstays read the stay's ``permitted_until``,
the fraud-alert pages the ``alerts``, the manifests whether the traveller was ``listed``). These types are
that seam: mypy checks the keys where a checker writes them and where another app reads them, and
``tests/inspections/test_check_details_types.py`` checks that the stored details keep to them. A key that
only some outcomes set is ``NotRequired`` (or the whole class ``total=False`` where the outcomes differ
in shape). A check that found nothing to report (not checked, crashed) keeps ``{}``.

Readers go through :func:`details_of`, never ``check["details"]["key"]`` by hand.

(No ``from __future__ import annotations`` here: the classes keep their ``NotRequired`` markers at run time,
so that ``__required_keys__`` is right for the test that checks the stored details.)
"""

from collections.abc import Iterable, Mapping
from typing import Literal, NotRequired, TypedDict, cast, overload

from openbmis.inspections.messages import Param
from openbmis.mrz.checks import FindingDict

Status = Literal["pass", "warn", "fail", "not_checked"]
Severity = Literal["info", "warning", "error"]
SlotCode = Literal["mrz", "document", "watchlist", "stolen_lost", "history", "visa", "stay", "entry_ban", "chip",
                   "advance", "document_alerts"]


class NoDetails(TypedDict):
    """A check with nothing to keep (not checked, crashed, or a pass that needs no detail)."""


# -- mrz -----------------------------------------------------------------------------------------------------

class MrzDetails(TypedDict):
    """The MRZ library's verdict, as its ``to_dict`` write it (pages render the errors by their codes)."""

    format: str
    errors: list[dict[str, str | None]]  # mrz.FieldError.to_dict()
    corrections: list[dict[str, str | int]]  # mrz.Correction.to_dict()
    warnings: list[dict[str, str | None]]  # mrz.MRZWarning.to_dict()


# -- document ------------------------------------------------------------------------------------------------

class ManualFinding(TypedDict):
    """A finding on a document entered by hand (no MRZ library behind it): only its code and severity."""

    code: str
    severity: str


class DocumentDetails(TypedDict):
    findings: list[FindingDict | ManualFinding]


# -- watchlists (a node adds ``lists_as_of`` to the checks answered from headquarters' lists) -----------------

class WatchlistDetails(TypedDict):
    lists: int  # the active person lists screened against
    entries: int
    hits: int
    lists_as_of: NotRequired[str | None]  # at a node: headquarters' time of the last pull (network)


class StolenLostDetails(TypedDict):
    lists: int
    hits: int
    lists_as_of: NotRequired[str | None]


# -- history -------------------------------------------------------------------------------------------------

class HistoryFlag(TypedDict):
    code: str  # entry_while_in_country, exit_without_entry, different_document
    message: str


class HistoryDetails(TypedDict):
    flags: list[HistoryFlag]
    previous_crossings: int  # those at posts the officer may see
    history_elsewhere: bool


# -- visa and stay -------------------------------------------------------------------------------------------

class RuleDetails(TypedDict):
    """The visa policy rule applied (in the visa check, and in a stay counted by a rule)."""

    rule_id: str
    rule: str
    category: str
    stay_kind: str
    max_stay_days: int | None
    window_days: int | None


class SaidDetail(TypedDict):
    """A message kept in the details as its code and parameters, with its English text."""

    code: str
    params: dict[str, Param]
    text: str


class VisaDetails(TypedDict, total=False):
    """A residence permit (``permit_id``, ``permit``, ``valid_until``), or the rule's keys with either the
    visa found (``visa_id`` ... ``source``) or why none was usable (``problems``, ``problem_codes``)."""

    permit_id: str
    permit: str
    valid_until: str  # the permit's or the visa's last day
    rule_id: str
    rule: str
    category: str
    stay_kind: str
    max_stay_days: int | None
    window_days: int | None
    visa_id: str
    visa_number: str
    entries: str
    valid_from: str
    duration_days: int
    source: str
    problems: list[str]  # in English
    problem_codes: list[SaidDetail]
    lists_as_of: str | None


class StayDetails(TypedDict, total=False):
    """At entry: the ``basis`` (permit, visa or rule) and the ``permitted_until`` it gives (None: none left).
    At exit: the ``overstay_days`` after the entry ``entry_id`` (None: no entry recorded)."""

    basis: Literal["permit", "visa", "rule"]
    permitted_until: str | None
    visa_number: str
    rule_id: str
    rule: str
    category: str
    stay_kind: str
    max_stay_days: int | None
    window_days: int | None
    days_used: int  # a rolling window's days already used
    missing_exits: list[str]
    cut_by: Literal["document_expiry"]
    document_expiry: str
    overstay_days: int | None
    entry_id: str
    entry_date: str
    days_stayed: int
    lists_as_of: str | None


# -- entry bans ----------------------------------------------------------------------------------------------

class BanDetail(TypedDict):
    id: str
    starts_on: str
    ends_on: str | None
    source: str
    matched_by: Literal["traveller", "identity"]


class EntryBanDetails(TypedDict):
    bans: list[BanDetail]
    lists_as_of: NotRequired[str | None]


# -- chip ----------------------------------------------------------------------------------------------------

class HolderNames(TypedDict, total=False):
    """The holder's names as the chip's DG11 writes them (often in national characters)."""

    full_name: str
    other_names: list[str]


class ChipDetails(TypedDict):
    verification: str  # the ChipVerification's id
    status: str
    failed_step: str | None
    photo: bool
    holder_names: NotRequired[HolderNames]


# -- advance passenger information ---------------------------------------------------------------------------

class AdvanceHit(TypedDict):
    id: str
    list: str
    name: str
    score: float
    status: str
    reason: str
    judged_by: str | None
    judged_at: str | None


class AdvanceDetails(TypedDict):
    """``listed``: whether a current manifest lists the document; the rest when it does (or only the
    ``manifest`` and ``flight`` presented, when the flight's manifest does not list it)."""

    listed: bool
    manifest: NotRequired[str]
    flight: NotRequired[str]
    person: NotRequired[str]
    carrier: NotRequired[str]
    origin: NotRequired[str]
    destination: NotRequired[str]
    arrival_at: NotRequired[str | None]
    role: NotRequired[str]
    screening: NotRequired[str]
    prearrival_checks: NotRequired[list["StoredCheck"]]  # the pre-arrival screening's own checks
    hits: NotRequired[list[AdvanceHit]]


# -- fraud alerts --------------------------------------------------------------------------------------------

class AlertDetail(TypedDict):
    id: str
    reference: str
    version: int
    severity: str
    title: str
    description: str
    detection: str
    model_id: str | None
    images: list[str]


class DocumentAlertsDetails(TypedDict):
    alerts: list[AlertDetail]


CheckDetails = (NoDetails | MrzDetails | DocumentDetails | WatchlistDetails | StolenLostDetails | HistoryDetails
                | VisaDetails | StayDetails | EntryBanDetails | ChipDetails | AdvanceDetails | DocumentAlertsDetails)

#: each slot's details type (the test of the stored details reads the keys from here)
SLOT_DETAILS: dict[str, type[CheckDetails]] = {
    "mrz": MrzDetails, "document": DocumentDetails, "watchlist": WatchlistDetails,
    "stolen_lost": StolenLostDetails, "history": HistoryDetails, "visa": VisaDetails, "stay": StayDetails,
    "entry_ban": EntryBanDetails, "chip": ChipDetails, "advance": AdvanceDetails,
    "document_alerts": DocumentAlertsDetails,
}


class StoredCheck(TypedDict):
    """A check as the inspection stores it and the API returns it (:meth:`checks.Check.to_dict`)."""

    code: str
    status: Status
    severity: Severity
    message: str
    details: CheckDetails
    message_code: NotRequired[str]
    params: NotRequired[dict[str, Param]]


@overload
def details_of(checks: Iterable[Mapping[str, object]] | None, code: Literal["mrz"]) -> MrzDetails | None: ...
@overload
def details_of(checks: Iterable[Mapping[str, object]] | None, code: Literal["document"]) -> DocumentDetails | None: ...
@overload
def details_of(checks: Iterable[Mapping[str, object]] | None,
               code: Literal["watchlist"]) -> WatchlistDetails | None: ...
@overload
def details_of(checks: Iterable[Mapping[str, object]] | None,
               code: Literal["stolen_lost"]) -> StolenLostDetails | None: ...
@overload
def details_of(checks: Iterable[Mapping[str, object]] | None, code: Literal["history"]) -> HistoryDetails | None: ...
@overload
def details_of(checks: Iterable[Mapping[str, object]] | None, code: Literal["visa"]) -> VisaDetails | None: ...
@overload
def details_of(checks: Iterable[Mapping[str, object]] | None, code: Literal["stay"]) -> StayDetails | None: ...
@overload
def details_of(checks: Iterable[Mapping[str, object]] | None,
               code: Literal["entry_ban"]) -> EntryBanDetails | None: ...
@overload
def details_of(checks: Iterable[Mapping[str, object]] | None, code: Literal["chip"]) -> ChipDetails | None: ...
@overload
def details_of(checks: Iterable[Mapping[str, object]] | None, code: Literal["advance"]) -> AdvanceDetails | None: ...
@overload
def details_of(checks: Iterable[Mapping[str, object]] | None,
               code: Literal["document_alerts"]) -> DocumentAlertsDetails | None: ...
def details_of(checks: Iterable[Mapping[str, object]] | None, code: SlotCode) -> CheckDetails | None:
    """The details of the stored check ``code`` among ``checks`` (an inspection's or a manifest person's
    ``checks``, as stored): None when there is no such check or it kept no details (not checked)."""
    for check in checks or ():
        if check.get("code") == code:
            details = check.get("details")
            if not details or not isinstance(details, dict):
                return None
            # stored JSON, written by Check.to_dict from the slot's details type (the test checks the keys)
            return cast(CheckDetails, details)
    return None
