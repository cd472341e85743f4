"""The stay calculator: "until when may this person stay, and how many days of the window are used",
answered by the pure :mod:`openbmis.stay` library from the recorded crossings of a traveller (or from stays
typed in) and the visa policy rule for the nationality, without starting an inspection. It only reads.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from openbmis import stay
from openbmis.accounts import authz
from openbmis.core.errors import InvalidInput, NotFound
from openbmis.inspections import messages
from openbmis.inspections.models import Crossing
from openbmis.travellers.models import Traveller

#: the stay library's errors that what a person typed can cause, by code, in the reader's language
STAY_ERROR_TEXTS = {
    "out_of_order": gettext_noop("the stays overlap or are out of order: %(day)s comes before %(previous)s"),
    "history_after_entry": gettext_noop("a stay in the history starts on %(start)s, after this entry (%(entry)s)"),
}


def _stay_error_text(error: stay.StayError) -> str:
    """A stay library error in the active language, days the language's way (its English message for a code
    without a text here)."""
    text = STAY_ERROR_TEXTS.get(error.code)
    if text is None:
        return error.message
    try:
        return _(text) % {name: messages.local_day(value) for name, value in error.params.items()}
    except (KeyError, TypeError, ValueError):
        return error.message


def _typed_stays(text: str) -> list[stay.Movement]:
    """Lines "2026-01-05 2026-01-20" (entry and exit day; an exit left off: still in the country)."""
    movements: list[stay.Movement] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.replace(",", " ").split()
        if not parts:
            continue
        try:
            days = [date.fromisoformat(p) for p in parts]
        except ValueError:
            raise InvalidInput(_("line %(number)s: write the entry and exit days as YYYY-MM-DD")
                               % {"number": number},
                               field="stays") from None
        if len(days) > 2 or (len(days) == 2 and days[1] < days[0]):
            raise InvalidInput(_("line %(number)s: one entry day, then its exit day (not before it)")
                               % {"number": number}, field="stays")
        movements.append(stay.Movement("entry", days[0]))
        if len(days) == 2:
            movements.append(stay.Movement("exit", days[1]))
    return sorted(movements, key=lambda m: m.day)


def _recorded(user: Any, traveller_id: UUID) -> Traveller:
    person = Traveller.objects.filter(id=traveller_id).first()
    scope = authz.post_scope(user, "identities.view")
    visible = person is not None and (
        isinstance(scope, authz.AllPosts) or person.inspections.filter(border_post__in=scope).exists())
    if person is None or not visible:
        raise NotFound(_("no such traveller in your posts"), field="traveller")
    return person


def calculate(user: Any, *, traveller: UUID | None = None, nationality: str = "", entry_day: date | None = None,
              stays: str = "", valid_until: date | None = None) -> dict[str, Any]:
    from openbmis.permits import services as permits

    day = entry_day or date.today()
    person = _recorded(user, traveller) if traveller else None
    nationality = (nationality or (person.nationality if person else "")).upper()
    if not nationality:
        raise InvalidInput(_("give the nationality (or choose a traveller)"), field="nationality")
    if person is not None:
        crossings = (Crossing.objects.filter(traveller=person, decision="admit", local_date__lt=day)
                     .order_by("at").only("direction", "local_date"))
        movements = [stay.Movement("exit" if c.direction == "exit" else "entry", c.local_date) for c in crossings]
    else:
        movements = _typed_stays(stays)
    rule = permits.find_rule(nationality, "P", day, person.birth_date if person else None)
    stay_rule = permits.stay_rule(rule) if rule is not None else None
    if stay_rule is None:
        raise InvalidInput(_("no visa-free stay rule for %(nationality)s: the stay follows the visa")
                           % {"nationality": nationality},
                           field="nationality")
    try:
        history = stay.stays_from_movements(movements)
        # a typed stay after the entry day is refused here (it was a server error before)
        by_rule = stay.permitted_until(stay_rule, day, history)
        until = stay.permitted_until(stay_rule, day, history, valid_until=valid_until)
    except stay.StayError as exc:
        raise InvalidInput(_stay_error_text(exc), field="stays") from None
    answer: dict[str, Any] = {
        "traveller": person, "nationality": nationality, "entry_day": day, "rule": rule,
        "allowance": stay_rule.days, "window": getattr(stay_rule, "window", None),
        "until": until if until >= day else None,
        "days": (until - day).days + 1 if until >= day else 0,
        # why the stay is short: the document's expiry, or the window's allowance used up
        "cut_by_expiry": valid_until is not None and until < by_rule,
        "used_up": by_rule < day,
        "missing_exits": list(history.missing_exits),
        "stays": list(history.stays),
    }
    if isinstance(stay_rule, stay.RollingWindow):
        answer["days_used"] = stay.days_used(history, day - timedelta(days=1), stay_rule.window)
    return answer
