"""Write PAXLST interchanges (carriers' side, tests, round trips) and CUSRES acknowledgements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from .errors import Issue
from .model import CODE_BY_KIND, Interchange, Message, Person
from .syntax import DEFAULT, Delimiters, render

_FUNCTION_CODE = {"new": "9", "change": "5", "cancel": "1"}


def _d6(iso: str) -> str:
    d = date.fromisoformat(iso[:10])
    return d.strftime("%y%m%d")


def _d8(iso: str) -> str:
    return date.fromisoformat(iso[:10]).strftime("%Y%m%d")


def _dt(iso: str) -> str:
    return datetime.strptime(iso, "%Y-%m-%dT%H:%M").strftime("%Y%m%d%H%M")


def _person(p: Person, d: Delimiters) -> list[str]:
    out: list[str] = []
    given = p.given_names.split(" ") if p.given_names else []
    name = [p.surname, *given[:3], " ".join(given[3:])] if given else [p.surname]
    out.append(render("NAD", [p.party_code or ("FM" if p.role == "crew" else "FL"), "", "", name], d))
    if p.sex:
        out.append(render("ATT", ["2", "", p.sex], d))
    if p.birth_date:
        out.append(render("DTM", [["329", _d8(p.birth_date), "102"]], d))
    if p.bags and p.bags.count is not None:
        out.append(render("MEA", ["CT", "", ["", str(p.bags.count)]], d))
    if p.bags and p.bags.weight is not None:
        out.append(render("MEA", ["WT", "", ["KGM", f"{p.bags.weight:g}"]], d))
    for qual, value in (
        ("22", p.first_arrival),
        ("178", p.embarkation),
        ("179", p.debarkation),
        ("174", p.residence),
        ("180", p.birth_place),
    ):
        if value:
            out.append(render("LOC", [qual, value], d))
    if p.employment:
        out.append(render("EMP", ["1", [p.employment, "110", "111"]], d))
    if p.nationality:
        out.append(render("NAT", ["2", p.nationality], d))
    refs = dict(p.references)
    if p.reservation:
        refs["AVF"] = p.reservation
    if p.seat:
        refs["SEA"] = p.seat
    for qual, value in refs.items():
        out.append(render("RFF", [[qual, value]], d))
    for doc in p.documents[:5]:
        out.append(render("DOC", [[doc.type, "110", "111"], doc.number], d))
        if doc.issue_date:
            out.append(render("DTM", [["182", _d8(doc.issue_date), "102"]], d))
        if doc.expiry_date:
            out.append(render("DTM", [["36", _d8(doc.expiry_date), "102"]], d))
        if doc.issuing_state:
            out.append(render("LOC", ["91", doc.issuing_state], d))
    return out


def message_segments(message: Message, d: Delimiters = DEFAULT, version: str = "05B") -> list[str]:
    """The segments of one PAXLST message, UNH to UNT."""
    ref = message.reference or "1"
    segs = [render("UNH", [ref, ["PAXLST", "D", version, "UN", "IATA"]], d)]
    code = message.document_code or CODE_BY_KIND.get(message.kind, "745")
    segs.append(render("BGM", [code, message.document_id, _FUNCTION_CODE.get(message.function, "")], d))
    if message.reporting_party:
        segs.append(render("NAD", ["MS", "", "", message.reporting_party], d))
    for leg in message.legs:
        segs.append(render("TDT", ["20", leg.flight, "", "", leg.carrier], d))
        if leg.origin:
            segs.append(render("LOC", ["125", leg.origin], d))
            if leg.departure:
                segs.append(render("DTM", [["189", _dt(leg.departure), "203"]], d))
        if leg.destination:
            segs.append(render("LOC", ["87", leg.destination], d))
            if leg.arrival:
                segs.append(render("DTM", [["232", _dt(leg.arrival), "203"]], d))
    for person in message.persons:
        segs.extend(_person(person, d))
    segs.append(render("CNT", [["41" if message.kind == "crew" else "42", str(len(message.persons))]], d))
    segs.append(render("UNT", [str(len(segs) + 1), ref], d))
    return segs


def _stamp(prepared: datetime) -> list[str]:
    return [prepared.strftime("%y%m%d"), prepared.strftime("%H%M")]


def write_paxlst(
    messages: Sequence[Message],
    *,
    sender: str,
    recipient: str,
    reference: str,
    prepared: datetime,
    version: str = "05B",
    group: bool = True,
    delimiters: Delimiters = DEFAULT,
    newlines: bool = False,
) -> str:
    """An interchange of ``messages`` (with a UNA, and a UNG group unless ``group`` is false)."""
    d = delimiters
    segs = [render("UNB", [["UNOA", "4"], sender, recipient, _stamp(prepared), reference], d)]
    if group:
        segs.append(render("UNG", ["PAXLST", sender, recipient, _stamp(prepared), reference, "UN", ["D", version]], d))
    for i, message in enumerate(messages, start=1):
        if not message.reference:
            message.reference = f"{reference}{i:04d}"[-14:]
        segs.extend(message_segments(message, d, version))
    if group:
        segs.append(render("UNE", [str(len(messages)), reference], d))
    segs.append(render("UNZ", ["1" if group else str(len(messages)), reference], d))
    sep = "\n" if newlines else ""
    return d.una() + sep + sep.join(segs) + sep


def write_cusres(
    received: Interchange,
    *,
    sender: str,
    reference: str,
    prepared: datetime,
    errors: Sequence[Issue] | None = None,
    delimiters: Delimiters = DEFAULT,
) -> str:
    """The CUSRES acknowledgement of ``received``: accepted, or rejected with one ERP/ERC/FTX per error.

    BGM 312 (acknowledgement); RFF TN names the received interchange; per PAXLST message an RFF AF
    (flight) with the arrival leg's places and dates, so the carrier can match the answer; per error
    an ERP (segment position), ERC (error code) and FTX AAO (the reason, in words).
    """
    d = delimiters
    issues = list(received.errors if errors is None else errors)
    segs = [render("UNH", [reference, ["CUSRES", "D", "05B", "UN", "IATA"]], d)]
    segs.append(render("BGM", ["312", "", "27" if issues else "29"], d))
    segs.append(render("DTM", [["137", prepared.strftime("%Y%m%d%H%M"), "203"]], d))
    segs.append(render("RFF", [["TN", received.reference]], d))
    for message in received.messages:
        segs.append(render("RFF", [["AF", message.flight]], d))
        leg = message.arrival_leg
        if leg is not None:
            if leg.departure:
                segs.append(render("DTM", [["189", _dt(leg.departure), "203"]], d))
            if leg.arrival:
                segs.append(render("DTM", [["232", _dt(leg.arrival), "203"]], d))
            if leg.origin:
                segs.append(render("LOC", ["125", leg.origin], d))
            if leg.destination:
                segs.append(render("LOC", ["87", leg.destination], d))
    for issue in issues:
        segs.append(render("ERP", [["1"], str(issue.segment or ""), str(issue.element or "")], d))
        segs.append(render("ERC", [[issue.code[:8].upper()]], d))
        where = f"{issue.tag or '-'} segment {issue.segment or '-'} element {issue.element or '-'}: "
        segs.append(render("FTX", ["AAO", "", "", [(where + issue.message)[:512]]], d))
    segs.append(render("UNT", [str(len(segs) + 1), reference], d))
    head = render("UNB", [["UNOA", "4"], sender, received.sender or "UNKNOWN", _stamp(prepared), reference], d)
    tail = render("UNZ", ["1", reference], d)
    return d.una() + head + "".join(segs) + tail
