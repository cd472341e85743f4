"""The counter's visa, stay and entry-ban checks (slots ``visa``, ``stay``, ``entry_ban``). They only read."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext_noop, ngettext_lazy

from openbmis import stay
from openbmis.inspections import messages
from openbmis.inspections.check_details import RuleDetails, StayDetails, VisaDetails
from openbmis.inspections.checks import Check, InspectionContext, Outcome
from openbmis.inspections.messages import said
from openbmis.inspections.models import Crossing
from openbmis.permits import services
from openbmis.permits.models import ResidencePermit, Visa, VisaPolicyRule

# Enough history for any rolling window we expect (the checker reads further back when needed).
HISTORY_DAYS = 400



messages.register({
    "visa.exit": gettext_noop("Visas are checked at entry."),
    "visa.permit": gettext_noop("%(kind)s %(number)s valid until %(until)s."),
    "visa.no_rule": gettext_noop("No visa policy rule for %(nationality)s holders of this document: verify the entry "
                      "conditions manually."),
    "visa.valid": gettext_noop("Visa %(number)s (%(entries)s) valid until %(until)s."),
    "visa.exempt": gettext_noop("Visa-exempt (%(rule)s)."),
    "visa.on_arrival": gettext_noop("Visa on arrival (%(rule)s): issue it at the counter."),
    "visa.on_arrival.problems": gettext_noop("Visa on arrival (%(rule)s): issue it at the counter. %(problems)s."),
    "visa.special": gettext_noop("Special case (%(rule)s): verify."),
    "visa.special.note": gettext_noop("Special case (%(rule)s): verify. %(note)s"),
    "visa.required": gettext_noop("Visa required (%(rule)s) and no valid visa or permit is registered."),
    "visa.required.problems": gettext_noop("Visa required (%(rule)s) and no valid visa or permit is registered. %(problems)s."),
    "stay.resident": gettext_noop("Resident: may stay until %(until)s."),
    "stay.not_computed.no_rule": gettext_noop("Permitted stay not computed (no visa policy rule): set it by hand."),
    "stay.not_computed.no_stay": gettext_noop("Permitted stay not computed (%(rule)s sets no stay without a visa): set it by "
                                   "hand."),
    "stay.document_expired": gettext_noop("The travel document expired on %(date)s: no stay can be granted on it."),
    "stay.used_up": gettext_noop("No days of stay left: the allowance of the rolling window is used up."),
    "stay.until.cut_by_expiry": ngettext_lazy(
        "May stay until %(until)s (%(days)d day): the stay is cut short by the travel document's expiry.",
        "May stay until %(until)s (%(days)d days): the stay is cut short by the travel document's expiry.", "days"),
    "stay.until.missing_exits": ngettext_lazy(
        "May stay until %(until)s (%(days)d day); earlier stays without a recorded exit were counted up to the next "
        "entry.",
        "May stay until %(until)s (%(days)d days); earlier stays without a recorded exit were counted up to the next "
        "entry.", "days"),
    "stay.until": ngettext_lazy("May stay until %(until)s (%(days)d day).", "May stay until %(until)s (%(days)d days).",
                                "days"),
    "stay.no_entry": gettext_noop("No entry recorded: the stay cannot be counted."),
    "stay.no_limit": gettext_noop("Entered %(entered)s; no limit on the stay recorded."),
    "stay.overstayed": ngettext_lazy("Overstayed by %(count)d day: permitted until %(until)s, entered %(entered)s.",
                                     "Overstayed by %(count)d days: permitted until %(until)s, entered %(entered)s.",
                                     "count"),
    "stay.within": gettext_noop("Within the permitted stay (until %(until)s)."),
    "entry_ban.exit": gettext_noop("Entry bans are checked at entry."),
    "entry_ban.none": gettext_noop("No entry ban in force."),
    "entry_ban.until": gettext_noop("Entry ban in force since %(since)s, until %(until)s (%(source)s): %(reason)s"),
    "entry_ban.indefinite": gettext_noop("Entry ban in force since %(since)s, indefinitely (%(source)s): %(reason)s"),
})

messages.register_from_details(
    ["visa.on_arrival.problems", "visa.required.problems"],
    lambda details: {"problems": messages.render_said(details["problem_codes"])} if details.get("problem_codes") else {})


def _number(context: InspectionContext) -> str:
    return str(context.document.get("document_number") or "").upper()


def _nationality(context: InspectionContext) -> str:
    return str(context.document.get("nationality") or getattr(context.traveller, "nationality", "") or "")


#: Where a caller screening many documents at once (the pre-arrival screening) puts a
#: :class:`services.ArrivalLookups` read for all of them; without it, each check queries for itself.
LOOKUPS = "permits.lookups"


def _lookups(context: InspectionContext) -> services.ArrivalLookups | None:
    found = context.extra.get(LOOKUPS)
    if isinstance(found, services.ArrivalLookups) and found.day == context.local_date:
        return found
    return None


def _permit(context: InspectionContext) -> ResidencePermit | None:
    batch = _lookups(context)
    if batch is not None:
        return context.memo("permits.permit", lambda: batch.permit(_nationality(context), _number(context)))
    return context.memo("permits.permit", lambda: services.valid_permit(
        _nationality(context), _number(context), context.local_date))


def _rule(context: InspectionContext) -> VisaPolicyRule | None:
    code = str(context.document.get("document_code") or "")
    batch = _lookups(context)
    if batch is not None:
        return context.memo("permits.rule", lambda: batch.rule(
            _nationality(context), code, _birth_date(context)))
    return context.memo("permits.rule", lambda: services.find_rule(
        _nationality(context), code, context.local_date, _birth_date(context)))


def _birth_date(context: InspectionContext) -> date | None:
    # before arrival there may be no traveller (nobody is created for a manifest person)
    return context.document.get("birth_date") or (context.traveller.birth_date if context.traveller is not None else None)


def _rule_details(rule: VisaPolicyRule) -> RuleDetails:
    return {"rule_id": str(rule.id), "rule": rule.name, "category": rule.category, "stay_kind": rule.stay_kind,
            "max_stay_days": rule.max_stay_days, "window_days": rule.window_days}


def _usable_visa(context: InspectionContext) -> tuple[Visa | None, list[messages.Said]]:
    problems: list[messages.Said] = []
    batch = _lookups(context)
    visas = (batch.find_visas if batch is not None else services.find_visas)(_nationality(context), _number(context))
    for visa in visas:
        problem = (batch.visa_problem(visa, _nationality(context)) if batch is not None
                   else services.visa_problem(visa, context.local_date, _nationality(context)))
        if problem is None:
            return visa, problems
        problems.append(problem)
    return None, problems


def _visa_details(visa: Visa) -> VisaDetails:
    return {"visa_id": str(visa.id), "visa_number": visa.number, "entries": visa.entries,
            "valid_from": visa.valid_from.isoformat(), "valid_until": visa.valid_until.isoformat(),
            "duration_days": visa.duration_days, "source": visa.source}


def check_visa(context: InspectionContext) -> Outcome:
    """Entry: does this nationality and document need a visa or permit, and is there a valid one?"""
    if context.direction != "entry":
        return Outcome(Check("visa", "not_checked", "info", said("visa.exit")))
    permit = _permit(context)
    if permit is not None:
        return Outcome(Check("visa", "pass", "info",
                             said("visa.permit", kind=permit.get_kind_display(), number=permit.number,
                                  until=permit.valid_until),
                             {"permit_id": str(permit.id), "permit": permit.number,
                              "valid_until": permit.valid_until.isoformat()}))
    rule = _rule(context)
    if rule is None:
        return Outcome(Check("visa", "not_checked", "warning",
                             said("visa.no_rule", nationality=_nationality(context))))
    details: VisaDetails = {**_rule_details(rule)}
    visa, problems = context.memo("permits.visa", lambda: _usable_visa(context))
    if visa is not None:
        details.update(_visa_details(visa))
        return Outcome(Check("visa", "pass", "info",
                             said("visa.valid", number=visa.number, entries=visa.get_entries_display().lower(),
                                  until=visa.valid_until), details))
    # the problems in English (as before), and as codes that the pages and the API render in the reader's language
    details["problems"] = [problem.english() for problem in problems]
    details["problem_codes"] = [{"code": p.code, "params": p.params, "text": p.english()} for p in problems]
    found = {"problems": "; ".join(details["problems"])} if problems else {}
    if rule.category == VisaPolicyRule.Category.EXEMPT:
        return Outcome(Check("visa", "pass", "info", said("visa.exempt", rule=rule.name), details))
    if rule.category == VisaPolicyRule.Category.ON_ARRIVAL:
        return Outcome(Check("visa", "warn", "warning",
                             said("visa.on_arrival.problems" if found else "visa.on_arrival", rule=rule.name, **found),
                             details))
    if rule.category == VisaPolicyRule.Category.SPECIAL:
        note = {"note": rule.note} if rule.note else {}
        return Outcome(Check("visa", "warn", "warning",
                             said("visa.special.note" if note else "visa.special", rule=rule.name, **note), details))
    return Outcome(Check("visa", "fail", "error",
                         said("visa.required.problems" if found else "visa.required", rule=rule.name, **found),
                         details))


def _movements(context: InspectionContext) -> list[stay.Movement]:
    """The traveller's admitted crossings, oldest first, reading past the context's history when needed."""
    history = list(context.history)
    since = context.local_date - timedelta(days=HISTORY_DAYS)
    if history and history[-1].local_date > since and len(history) >= 50:
        history = list(Crossing.objects.filter(traveller=context.traveller, local_date__gte=since)
                       .only("direction", "decision", "local_date", "at").order_by("-at"))
    return [stay.Movement("entry" if c.direction == "entry" else "exit", c.local_date)
            for c in reversed(history) if c.decision == "admit"]


def check_stay(context: InspectionContext) -> Outcome:
    """Entry: the permitted last day of stay. Exit: the days overstayed, if any."""
    if context.direction == "exit":
        return _check_exit(context)
    permit = _permit(context)
    if permit is not None:
        return Outcome(Check("stay", "pass", "info", said("stay.resident", until=permit.valid_until),
                             {"permitted_until": permit.valid_until.isoformat(), "basis": "permit"}))
    rule = _rule(context)
    visa, _problems = context.memo("permits.visa", lambda: _usable_visa(context))
    history = stay.stays_from_movements(_movements(context))
    expiry = context.document.get("expiry_date")
    hard_end = expiry if isinstance(expiry, date) else None
    details: StayDetails = {}
    if visa is not None:
        end = min(d for d in (visa.valid_until, hard_end) if d is not None)
        until = stay.permitted_until(stay.FixedStay(visa.duration_days), context.local_date, valid_until=end)
        uncut = stay.permitted_until(stay.FixedStay(visa.duration_days), context.local_date,
                                     valid_until=visa.valid_until)
        details = {"basis": "visa", "visa_number": visa.number}
    elif rule is not None and services.stay_rule(rule) is not None:
        stay_rule = services.stay_rule(rule)
        assert stay_rule is not None
        until = stay.permitted_until(stay_rule, context.local_date, history, valid_until=hard_end)
        uncut = stay.permitted_until(stay_rule, context.local_date, history)
        details = {"basis": "rule", **_rule_details(rule)}
        if isinstance(stay_rule, stay.RollingWindow):
            details["days_used"] = stay.days_used(history, context.local_date - timedelta(days=1), stay_rule.window)
    else:
        why = said("stay.not_computed.no_rule") if rule is None else said("stay.not_computed.no_stay", rule=rule.name)
        return Outcome(Check("stay", "not_checked", "warning", why))
    details["missing_exits"] = [d.isoformat() for d in history.missing_exits]
    if hard_end is not None and hard_end < context.local_date:
        details.update({"permitted_until": None, "cut_by": "document_expiry", "document_expiry": hard_end.isoformat()})
        return Outcome(Check("stay", "fail", "error",
                             said("stay.document_expired", date=hard_end), details))
    if until < context.local_date:
        details["permitted_until"] = None
        return Outcome(Check("stay", "fail", "error",
                             said("stay.used_up"), details))
    details["permitted_until"] = until.isoformat()
    days = (until - context.local_date).days + 1
    if hard_end is not None and until == hard_end and uncut > until:
        details.update({"cut_by": "document_expiry", "document_expiry": hard_end.isoformat()})
        return Outcome(Check("stay", "warn", "warning",
                             said("stay.until.cut_by_expiry", until=until, days=days), details))
    if history.missing_exits:
        return Outcome(Check("stay", "warn", "warning",
                             said("stay.until.missing_exits", until=until, days=days), details))
    return Outcome(Check("stay", "pass", "info", said("stay.until", until=until, days=days), details))


def _check_exit(context: InspectionContext) -> Outcome:
    admitted = [c for c in context.history if c.decision == "admit"]
    entry = admitted[0] if admitted and admitted[0].direction == "entry" else None
    if entry is None:
        return Outcome(Check("stay", "not_checked", "warning", said("stay.no_entry"),
                             {"overstay_days": None}))
    until = services.extended_until(entry)
    if until is None:
        return Outcome(Check("stay", "pass", "info", said("stay.no_limit", entered=entry.local_date),
                             {"overstay_days": 0, "entry_id": str(entry.id), "permitted_until": None}))
    days = stay.overstay_days(until, context.local_date)
    details: StayDetails = {"overstay_days": days, "permitted_until": until.isoformat(), "entry_id": str(entry.id),
               "entry_date": entry.local_date.isoformat(),
               "days_stayed": (context.local_date - entry.local_date).days + 1}
    if days:
        return Outcome(Check("stay", "fail", "error",
                             said("stay.overstayed", count=days, until=until, entered=entry.local_date), details))
    return Outcome(Check("stay", "pass", "info", said("stay.within", until=until), details))


def check_entry_ban(context: InspectionContext) -> Outcome:
    if context.direction != "entry":
        return Outcome(Check("entry_ban", "not_checked", "info", said("entry_ban.exit")))
    batch = _lookups(context)
    bans = (batch.active_bans(traveller=context.traveller, document=context.document) if batch is not None
            else services.active_bans(traveller=context.traveller, document=context.document, day=context.local_date))
    if not bans:
        return Outcome(Check("entry_ban", "pass", "info", said("entry_ban.none")))
    ban = bans[0]
    ban_said = (said("entry_ban.until", since=ban.starts_on, until=ban.ends_on, source=ban.get_source_display().lower(),
                     reason=ban.reason) if ban.ends_on else
                said("entry_ban.indefinite", since=ban.starts_on, source=ban.get_source_display().lower(),
                     reason=ban.reason))
    return Outcome(Check("entry_ban", "fail", "error", ban_said,
                         {"bans": [{"id": str(b.id), "starts_on": b.starts_on.isoformat(),
                                    "ends_on": b.ends_on.isoformat() if b.ends_on else None, "source": b.source,
                                    "matched_by": "traveller" if context.traveller is not None
                                    and b.traveller_id == context.traveller.id
                                    else "identity"} for b in bans]}))
