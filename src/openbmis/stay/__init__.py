"""Permitted-stay and overstay arithmetic: how many days a traveller may stay, and how many they overstayed.

Two kinds of rule exist at borders:

* a **fixed stay** counted from the day of entry ("30 days from entry"; a visa's "duration of stay");
* a **rolling window** ("90 days in any 180-day period", Schengen Borders Code art. 6(1) as amended by
  Regulation (EU) No 610/2013): on every day of a stay, the days spent in the territory during the
  window ending that day must not exceed the allowance, counted over the traveller's whole history of
  stays across every border post.

Days are counted as the jurisdiction counts them.  The default follows the Schengen practice (the
European Commission's short-stay calculator and its user manual, and the EES Regulation (EU) 2017/2226
art. 3(1)(18)-(20)): the day of entry and the day of exit both count as days of stay, and the day is the
calendar day at the border post (its time zone decides; a crossing at 00:30 local time counts for the new
day).  :class:`Counting` lets a jurisdiction that does not count the exit day say so.

A stay whose exit was never recorded (the traveller entered again, or was never seen leaving) is a
*missing exit*: by default it is counted as lasting up to the day before the next entry (the cautious
reading, flagged so the officer can verify); :class:`Counting` can count only its entry day instead.

The library is pure: dates in, dates out, no database and no clock.  Public API::

    local_day(at, time_zone) -> date
    Movement(direction, day);  stays_from_movements(movements, counting) -> History
    FixedStay(days);  RollingWindow(days=90, window=180);  Counting(...)
    permitted_until(rule, entry_day, history, *, extensions=(), valid_until=None, counting) -> date
    days_used(history, on_day, window, counting) -> int
    overstay_days(permitted_until, exit_day) -> int
"""

from __future__ import annotations

from openbmis.stay.arithmetic import (
    Counting,
    FixedStay,
    History,
    Movement,
    RollingWindow,
    Rule,
    Stay,
    days_used,
    local_day,
    overstay_days,
    permitted_until,
    remaining_days,
    stays_from_movements,
)
from openbmis.stay.errors import StayError

__all__ = [
    "Counting",
    "FixedStay",
    "History",
    "Movement",
    "RollingWindow",
    "Rule",
    "Stay",
    "StayError",
    "days_used",
    "local_day",
    "overstay_days",
    "permitted_until",
    "remaining_days",
    "stays_from_movements",
]
