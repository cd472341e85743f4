"""The checks this app provides itself: the MRZ, the document, and the traveller's history."""

from __future__ import annotations

from openbmis import mrz
from openbmis.inspections.checks import Check, InspectionContext, Outcome

EXPIRY_WARNING_DAYS = 30


def check_mrz(context: InspectionContext) -> Outcome:
    result = context.mrz_result
    if result is None:
        return Outcome(Check("mrz", "not_checked", "info", "Document entered by hand: no MRZ to verify."))
    details = {
        "format": result.format,
        "errors": [error.to_dict() for error in result.errors],
        "corrections": [correction.to_dict() for correction in result.corrections],
        "warnings": [warning.to_dict() for warning in result.warnings],
    }
    if not result.valid:
        messages = "; ".join(error.message for error in result.errors) or "invalid MRZ"
        return Outcome(Check("mrz", "fail", "error", f"MRZ does not verify: {messages}", details))
    if result.corrections:
        return Outcome(Check("mrz", "warn", "warning",
                             f"MRZ verified after {len(result.corrections)} OCR correction(s).", details))
    return Outcome(Check("mrz", "pass", "info", "MRZ check digits verify.", details))


def check_document(context: InspectionContext) -> Outcome:
    result = context.mrz_result
    if result is None:
        expiry = context.document.get("expiry_date")
        if expiry is not None and expiry < context.local_date:
            return Outcome(Check("document", "fail", "error", f"Document expired on {expiry.isoformat()}.",
                                 {"findings": [{"code": "expired", "severity": "error"}]}))
        return Outcome(Check("document", "pass", "info", "Document dates accepted (entered by hand)."))
    findings = mrz.check_document(result, context.local_date, expiring_within_days=EXPIRY_WARNING_DAYS)
    details = {"findings": [finding.to_dict() for finding in findings]}
    errors = [f for f in findings if f.severity == "error" and f.code != "mrz_invalid"]
    warnings = [f for f in findings if f.severity == "warning"]
    if errors:
        return Outcome(Check("document", "fail", "error", " ".join(f.message for f in errors), details))
    if warnings:
        return Outcome(Check("document", "warn", "warning", " ".join(f.message for f in warnings), details))
    return Outcome(Check("document", "pass", "info", "Document valid.", details))


def check_history(context: InspectionContext) -> Outcome:
    """Consistency of this crossing with the traveller's recorded history."""
    admitted = [c for c in context.history if c.decision == "admit"]
    last = admitted[0] if admitted else None
    flags: list[dict[str, str]] = []
    if context.direction == "entry" and last is not None and last.direction == "entry":
        flags.append({"code": "entry_while_in_country",
                      "message": f"Already entered on {last.local_date.isoformat()} at {last.border_post.code} "
                                 "with no exit recorded."})
    if context.direction == "exit":
        if last is None or last.direction != "entry":
            flags.append({"code": "exit_without_entry", "message": "No entry is recorded before this exit."})
        elif last.document_id != context.travel_document.id:
            flags.append({"code": "different_document",
                          "message": f"Entered on {last.local_date.isoformat()} with another document "
                                     f"({last.document.issuing_state} …{last.document.number[-3:]})."})
    details = {"flags": flags, "previous_crossings": len(context.history)}
    if flags:
        return Outcome(Check("history", "warn", "warning", " ".join(f["message"] for f in flags), details))
    if not context.history:
        return Outcome(Check("history", "pass", "info", "First recorded crossing.", details))
    return Outcome(Check("history", "pass", "info", "Consistent with the recorded crossings.", details))


def check_chip(context: InspectionContext) -> Outcome:
    """The chip is read after the data page; its result replaces this check when it arrives."""
    return Outcome(Check("chip", "not_checked", "info",
                         "No chip read yet: place the passport on the chip reader (or inspect the data page only)."))
