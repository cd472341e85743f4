"""Stays from crossings, days used in a window, permitted-until dates and overstay days."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from openbmis.stay.errors import StayError

Direction = Literal["entry", "exit"]
MissingExit = Literal["until_next_entry", "entry_day_only"]
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Counting:
    """How a jurisdiction counts days of stay.

    ``exit_day_counts``: the day of exit is a day of stay (Schengen: yes).  The entry day always counts.
    ``missing_exit``: how a stay without a recorded exit is counted once the traveller is seen entering
    again: up to the day before that entry (cautious), or only its entry day (lenient).
    """

    exit_day_counts: bool = True
    missing_exit: MissingExit = "until_next_entry"


SCHENGEN = Counting()


@dataclass(frozen=True, slots=True)
class FixedStay:
    """A stay of ``days`` days counted from the day of entry (the entry day is day 1)."""

    days: int

    def __post_init__(self) -> None:
        if not isinstance(self.days, int) or self.days < 1:
            raise StayError(
                f"a fixed stay needs at least 1 day, got {self.days!r}",
                field="days",
                expected=">= 1",
                found=repr(self.days),
            )


@dataclass(frozen=True, slots=True)
class RollingWindow:
    """At most ``days`` days of stay in any ``window``-day period (e.g. 90 in any 180)."""

    days: int = 90
    window: int = 180

    def __post_init__(self) -> None:
        if not isinstance(self.days, int) or self.days < 1:
            raise StayError(
                f"a rolling window needs at least 1 day of stay, got {self.days!r}",
                field="days",
                expected=">= 1",
                found=repr(self.days),
            )
        if not isinstance(self.window, int) or self.window < self.days:
            raise StayError(
                f"the window ({self.window!r} days) must be at least the stay ({self.days} days)",
                field="window",
                expected=f">= {self.days}",
                found=repr(self.window),
            )


Rule = FixedStay | RollingWindow


@dataclass(frozen=True, slots=True)
class Movement:
    """One admitted crossing: its direction and the calendar day at the border post."""

    direction: Direction
    day: date


@dataclass(frozen=True, slots=True)
class Stay:
    """A period in the territory: entry day and exit day (None while open or when the exit is missing)."""

    entry: date
    exit: date | None = None
    missing_exit: bool = False


@dataclass(frozen=True, slots=True)
class History:
    """A traveller's stays, oldest first, with what did not fit (missing exits, exits without entry)."""

    stays: tuple[Stay, ...] = ()
    exits_without_entry: tuple[date, ...] = ()

    @property
    def missing_exits(self) -> tuple[date, ...]:
        """Entry days of the stays whose exit was never recorded (before a later entry)."""
        return tuple(stay.entry for stay in self.stays if stay.missing_exit)

    @property
    def open_stay(self) -> Stay | None:
        """The last stay when it has no exit yet (the traveller is in the territory)."""
        if self.stays and self.stays[-1].exit is None and not self.stays[-1].missing_exit:
            return self.stays[-1]
        return None

    def intervals(self, counting: Counting = SCHENGEN, today: date | None = None) -> list[tuple[date, date]]:
        """The days of stay as merged closed intervals, oldest first.

        An open stay counts up to ``today`` (or only its entry day when ``today`` is None).
        """
        spans: list[tuple[date, date]] = []
        for index, stay in enumerate(self.stays):
            if stay.exit is not None:
                last = stay.exit if counting.exit_day_counts else max(stay.entry, stay.exit - ONE_DAY)
            elif stay.missing_exit:
                following = self.stays[index + 1].entry
                last = (
                    max(stay.entry, following - ONE_DAY)
                    if counting.missing_exit == "until_next_entry"
                    else stay.entry
                )
            else:
                last = max(stay.entry, today) if today is not None else stay.entry
            spans.append((stay.entry, last))
        return _merge(spans)


def _merge(spans: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    # A day is counted once even when an exit and the next entry fall on it.
    merged: list[tuple[date, date]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + ONE_DAY:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def local_day(at: datetime, time_zone: str) -> date:
    """The calendar day at a border post in ``time_zone`` (an IANA name) for the instant ``at``."""
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise StayError(
            "the crossing time must be timezone-aware", field="at", expected="aware datetime", found=repr(at)
        )
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise StayError(
            f"unknown time zone {time_zone!r}",
            field="time_zone",
            expected="an IANA time zone",
            found=repr(time_zone),
        ) from None
    return at.astimezone(zone).date()


def stays_from_movements(movements: Sequence[Movement]) -> History:
    """Pair admitted entries and exits, oldest first, into stays.

    An entry followed by another entry leaves a stay with a *missing exit*; an exit with no entry
    before it is kept aside (it says nothing about days spent inside).  Movements must be in
    chronological order (days never decrease).
    """
    stays: list[Stay] = []
    orphans: list[date] = []
    current: date | None = None
    previous_day: date | None = None
    for position, movement in enumerate(movements):
        if not isinstance(movement, Movement) or movement.direction not in ("entry", "exit"):
            raise StayError(
                f"movement {position}: expected an entry or exit Movement",
                field="movements",
                expected="Movement('entry'|'exit', date)",
                found=repr(movement),
            )
        if not isinstance(movement.day, date) or isinstance(movement.day, datetime):
            raise StayError(
                f"movement {position}: the day must be a date",
                field="day",
                expected="date",
                found=repr(movement.day),
            )
        if previous_day is not None and movement.day < previous_day:
            raise StayError(
                f"movement {position} ({movement.day}) is before the one preceding it ({previous_day})",
                field="movements",
                expected="chronological order",
                found=movement.day.isoformat(),
                code="out_of_order",
                params={"position": position, "day": movement.day.isoformat(), "previous": previous_day.isoformat()},
            )
        previous_day = movement.day
        if movement.direction == "entry":
            if current is not None:
                stays.append(Stay(current, None, missing_exit=True))
            current = movement.day
        elif current is None:
            orphans.append(movement.day)
        else:
            stays.append(Stay(current, movement.day))
            current = None
    if current is not None:
        stays.append(Stay(current))
    return History(tuple(stays), tuple(orphans))


def _days_in(intervals: Sequence[tuple[date, date]], first: date, last: date) -> int:
    total = 0
    for start, end in intervals:
        low, high = max(start, first), min(end, last)
        if low <= high:
            total += (high - low).days + 1
    return total


def days_used(history: History, on_day: date, window: int = 180, counting: Counting = SCHENGEN) -> int:
    """Days of stay in the ``window`` days ending on ``on_day`` (both ends included).

    A stay still open counts up to ``on_day``.
    """
    if window < 1:
        raise StayError(
            f"the window must be at least 1 day, got {window}",
            field="window",
            expected=">= 1",
            found=str(window),
        )
    intervals = history.intervals(counting, today=on_day)
    return _days_in(intervals, on_day - timedelta(days=window - 1), on_day)


def _previous(history: History, entry_day: date, counting: Counting) -> list[tuple[date, date]]:
    """Stays before this entry: an earlier stay still open at this entry is a missing exit."""
    spans = []
    stays = list(history.stays)
    for index, stay in enumerate(stays):
        if stay.entry > entry_day:
            raise StayError(
                f"a stay in the history starts after this entry ({stay.entry} > {entry_day})",
                field="history",
                expected=f"stays before {entry_day}",
                found=stay.entry.isoformat(),
                code="history_after_entry",
                params={"start": stay.entry.isoformat(), "entry": entry_day.isoformat()},
            )
        if stay.exit is not None:
            last = stay.exit if counting.exit_day_counts else max(stay.entry, stay.exit - ONE_DAY)
        else:
            following = stays[index + 1].entry if index + 1 < len(stays) else entry_day
            last = (
                max(stay.entry, following - ONE_DAY)
                if counting.missing_exit == "until_next_entry"
                else stay.entry
            )
        spans.append((stay.entry, last))
    # The entry day itself is counted by the new stay: never twice.
    return [(start, min(end, entry_day - ONE_DAY)) for start, end in _merge(spans) if start < entry_day]


def permitted_until(
    rule: Rule,
    entry_day: date,
    history: History = History(),
    *,
    extensions: Iterable[date] = (),
    valid_until: date | None = None,
    counting: Counting = SCHENGEN,
) -> date:
    """The last day of stay permitted to a traveller entering on ``entry_day``.

    ``history``: the traveller's stays before this entry (any post).  ``extensions``: the new last
    days granted by extensions of this stay (the latest wins).  ``valid_until``: a hard end such as a
    visa's validity.  A date before ``entry_day`` means no day of stay is left (the allowance is used up).

    Examples (the entry day is day 1; 2026 is not a leap year)::

    >>> permitted_until(FixedStay(30), date(2026, 1, 1))
    datetime.date(2026, 1, 30)
    >>> permitted_until(RollingWindow(90, 180), date(2026, 1, 1))
    datetime.date(2026, 3, 31)
    """
    if isinstance(rule, FixedStay):
        until = entry_day + timedelta(days=rule.days - 1)
    elif isinstance(rule, RollingWindow):
        previous = _previous(history, entry_day, counting)
        until = entry_day - ONE_DAY
        # Staying on adds one day to each window and drops at most one: the count never decreases
        # while the stay goes on, so the first day over the allowance ends the permitted stay.
        for offset in range(rule.days):
            day = entry_day + timedelta(days=offset)
            used = _days_in(previous, day - timedelta(days=rule.window - 1), day) + offset + 1
            if used > rule.days:
                break
            until = day
    else:
        raise StayError("unknown rule", field="rule", expected="FixedStay or RollingWindow", found=repr(rule))
    granted = [day for day in extensions]
    if granted:
        until = max(until, *granted)
    if valid_until is not None and valid_until < until:
        until = valid_until
    return until


def remaining_days(rule: Rule, on_day: date, history: History, counting: Counting = SCHENGEN) -> int:
    """Days still available on ``on_day`` to a traveller not now in the territory (0 when used up)."""
    if isinstance(rule, FixedStay):
        return rule.days
    until = permitted_until(rule, on_day, history, counting=counting)
    return max(0, (until - on_day).days + 1)


def overstay_days(permitted: date, exit_day: date) -> int:
    """Days stayed beyond the last permitted day (0 when the traveller left in time).

    >>> overstay_days(date(2026, 1, 30), date(2026, 2, 2))
    3
    >>> overstay_days(date(2026, 1, 30), date(2026, 1, 30))
    0
    """
    return max(0, (exit_day - permitted).days)
