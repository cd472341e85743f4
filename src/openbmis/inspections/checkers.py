"""The checks this app provides itself: the MRZ, the document, and the traveller's history."""

from __future__ import annotations

from collections.abc import Container

from django.utils.translation import gettext_noop

from openbmis import mrz
from openbmis.inspections import messages, mrz_texts
from openbmis.inspections.check_details import DocumentDetails, HistoryDetails, HistoryFlag, MrzDetails
from openbmis.inspections.checks import Check, InspectionContext, Outcome
from openbmis.inspections.messages import said

messages.register({
    "mrz.manual": gettext_noop("Document entered by hand: no MRZ to verify."),
    "mrz.invalid": gettext_noop("MRZ does not verify: %(problems)s"),
    "mrz.corrected": gettext_noop("MRZ verified after OCR corrections (%(count)s)."),
    "mrz.valid": gettext_noop("MRZ check digits verify."),
    "document.expired": gettext_noop("Document expired on %(date)s."),
    "document.manual": gettext_noop("Document dates accepted (entered by hand)."),
    "document.findings": "%(findings)s",  # the MRZ library's findings, as it words them
    "document.valid": gettext_noop("Document valid."),
    "history.elsewhere": gettext_noop("Consistent with the recorded crossings; history at other posts exists."),
    "history.flags": "%(flags)s",  # the flags below, as worded there
    "history.first": gettext_noop("First recorded crossing."),
    "history.consistent": gettext_noop("Consistent with the recorded crossings."),
    "chip.not_read": gettext_noop("No chip read yet: place the passport on the chip reader (or inspect the data page only)."),
})

# "MRZ does not verify": the library's errors, kept in the details with their codes, in the reader's language
messages.register_from_details(
    ["mrz.invalid"], lambda details: {"problems": mrz_texts.errors_text(details["errors"])} if details.get("errors") else {})
# the document's findings (expired, a minor, a specimen...), kept in the details with their codes and parameters
messages.register_from_details(
    ["document.findings"],
    lambda details: {"findings": mrz_texts.findings_text(details["findings"])} if details.get("findings") else {})

EXPIRY_WARNING_DAYS = 30


def check_mrz(context: InspectionContext) -> Outcome:
    result = context.mrz_result
    if result is None:
        return Outcome(Check("mrz", "not_checked", "info", said("mrz.manual")))
    details: MrzDetails = {
        "format": result.format,
        "errors": [error.to_dict() for error in result.errors],
        "corrections": [correction.to_dict() for correction in result.corrections],
        "warnings": [warning.to_dict() for warning in result.warnings],
    }
    if not result.valid:
        # the English text stays in the parameters; pages and the API render the errors from the details
        problems = "; ".join(error.message for error in result.errors) or "invalid MRZ"
        return Outcome(Check("mrz", "fail", "error", said("mrz.invalid", problems=problems), details))
    if result.corrections:
        return Outcome(Check("mrz", "warn", "warning", said("mrz.corrected", count=len(result.corrections)), details))
    return Outcome(Check("mrz", "pass", "info", said("mrz.valid"), details))


def check_document(context: InspectionContext) -> Outcome:
    result = context.mrz_result
    if result is None:
        expiry = context.document.get("expiry_date")
        if expiry is not None and expiry < context.local_date:
            return Outcome(Check("document", "fail", "error", said("document.expired", date=expiry.isoformat()),
                                 {"findings": [{"code": "expired", "severity": "error"}]}))
        return Outcome(Check("document", "pass", "info", said("document.manual")))
    findings = mrz.check_document(result, context.local_date, expiring_within_days=EXPIRY_WARNING_DAYS)
    details: DocumentDetails = {"findings": [finding.to_dict() for finding in findings]}
    errors = [f for f in findings if f.severity == "error" and f.code != "mrz_invalid"]  # as mrz_texts.shown_findings
    warnings = [f for f in findings if f.severity == "warning"]
    if errors:
        return Outcome(Check("document", "fail", "error", said("document.findings", findings=" ".join(f.message for f in errors)),
                             details))
    if warnings:
        return Outcome(Check("document", "warn", "warning",
                             said("document.findings", findings=" ".join(f.message for f in warnings)), details))
    return Outcome(Check("document", "pass", "info", said("document.valid"), details))


def check_history(context: InspectionContext) -> Outcome:
    """Consistency of this crossing with the traveller's recorded history."""
    admitted = [c for c in context.history if c.decision == "admit"]
    last = admitted[0] if admitted else None
    # What the officer may see of the identity: crossings at posts in their scope. Others are counted and
    # said to exist ("history at other posts"), never shown: linking must not open other posts' records.
    posts = context.extra.get("visible_posts")  # the ids of the posts in the officer's scope; None: every post
    seen = (lambda c: True) if posts is None else (
        lambda c: isinstance(posts, Container) and c.border_post_id in posts)
    elsewhere = sum(1 for c in context.history if not seen(c))
    flags: list[HistoryFlag] = []
    if context.direction == "entry" and last is not None and last.direction == "entry":
        where = f"on {last.local_date.isoformat()} at {last.border_post.code}" if seen(last) else "at another post"
        flags.append({"code": "entry_while_in_country",
                      "message": f"Already entered {where} with no exit recorded."})
    if context.direction == "exit":
        if last is None or last.direction != "entry":
            flags.append({"code": "exit_without_entry", "message": "No entry is recorded before this exit."})
        elif context.travel_document is None or last.document_id != context.travel_document.id:
            which = (f"on {last.local_date.isoformat()} with another document ({last.document.issuing_state} "
                     f"…{last.document.number[-3:]})") if seen(last) else "at another post with another document"
            flags.append({"code": "different_document", "message": f"Entered {which}."})
    details: HistoryDetails = {"flags": flags, "previous_crossings": len(context.history) - elsewhere,
               "history_elsewhere": elsewhere > 0}
    if elsewhere and not flags:
        return Outcome(Check("history", "pass", "info", said("history.elsewhere"), details))
    if flags:
        return Outcome(Check("history", "warn", "warning", said("history.flags", flags=" ".join(f["message"] for f in flags)),
                             details))
    if not context.history:
        return Outcome(Check("history", "pass", "info", said("history.first"), details))
    return Outcome(Check("history", "pass", "info", said("history.consistent"), details))


def check_chip(context: InspectionContext) -> Outcome:
    """The chip is read after the data page; its result replaces this check when it arrives."""
    return Outcome(Check("chip", "not_checked", "info", said("chip.not_read")))
