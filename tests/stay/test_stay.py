"""Stay arithmetic: table-driven cases worked out by hand (calendar counts in the comments), and
hypothesis properties checked against a brute-force day-by-day count."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openbmis.stay import (
    Counting,
    FixedStay,
    History,
    Movement,
    RollingWindow,
    Stay,
    StayError,
    days_used,
    local_day,
    overstay_days,
    permitted_until,
    remaining_days,
    stays_from_movements,
)

D = date.fromisoformat
SCHENGEN = RollingWindow(90, 180)


def hist(*pairs: tuple[str, str | None]) -> History:
    movements = []
    for entry, leave in pairs:
        movements.append(Movement("entry", D(entry)))
        if leave is not None:
            movements.append(Movement("exit", D(leave)))
    return stays_from_movements(movements)


# --- fixed stays ------------------------------------------------------------------------------------

FIXED = [
    # rule days, entry, expected last day: the entry day is day 1
    (30, "2024-02-15", "2024-03-15"),  # leap year: Feb 15..29 is 15 days, Mar 1..15 is 15
    (30, "2023-02-15", "2023-03-16"),  # common year: Feb 15..28 is 14 days, Mar 1..16 is 16
    (1, "2024-12-31", "2024-12-31"),  # a one-day stay ends on the day of entry
    (90, "2023-12-01", "2024-02-28"),  # Dec 1..31 = 31, Jan = 31, Feb 1..28 = 28
    (366, "2024-01-01", "2024-12-31"),  # a whole leap year
]


@pytest.mark.parametrize(("days", "entry", "expected"), FIXED)
def test_fixed_stay(days, entry, expected):
    assert permitted_until(FixedStay(days), D(entry)) == D(expected)


# --- rolling windows --------------------------------------------------------------------------------

ROLLING = [
    # (history of stays, entry day, expected last permitted day), 90 days in any 180, both ends counting
    ([], "2024-01-01", "2024-03-30"),  # leap year: 31 + 29 + 30 = 90
    ([], "2023-01-01", "2023-03-31"),  # common year: 31 + 28 + 31 = 90
    # 90 days used Jan 1..Mar 30 2024; Jan 1 is inside every window ending on or before Jun 28
    # (Jan 1 + 179 days), so an entry on Jun 28 has no day left ...
    ([("2024-01-01", "2024-03-30")], "2024-06-28", "2024-06-27"),
    # ... and an entry on Jun 29 has one day, renewed each day as an old day leaves: 90 days in all
    ([("2024-01-01", "2024-03-30")], "2024-06-29", "2024-09-26"),
    # 60 days used Mar 1..Apr 29 2024, entry Jun 1: all 60 stay in the window until Aug 27, so 30 more days
    ([("2024-03-01", "2024-04-29")], "2024-06-01", "2024-06-30"),
    # 10 days long ago: out of every window, the full 90
    ([("2023-01-01", "2023-01-10")], "2024-01-01", "2024-03-30"),
    # exit and re-entry on the same day: Jan 10 is counted once, so Jan 1..Mar 30 is one 90-day span
    ([("2024-01-01", "2024-01-10")], "2024-01-10", "2024-03-30"),
    # a missing exit (entered Jan 1, seen entering again Feb 1): counted up to Jan 31, 31 days used
    ([("2024-01-01", None)], "2024-02-01", "2024-03-30"),
]


@pytest.mark.parametrize(("stays", "entry", "expected"), ROLLING)
def test_rolling_window(stays, entry, expected):
    assert permitted_until(SCHENGEN, D(entry), hist(*stays)) == D(expected)


def test_missing_exit_counted_leniently_when_the_jurisdiction_says_so():
    # Only Jan 1 is counted for the stay whose exit is missing: 1 day used, 89 left from Feb 1
    lenient = Counting(missing_exit="entry_day_only")
    got = permitted_until(SCHENGEN, D("2024-02-01"), hist(("2024-01-01", None)), counting=lenient)
    assert got == D("2024-02-01") + timedelta(days=88)


DAYS_USED = [
    # (stays, on_day, window, counting, expected days)
    ([("2024-05-05", "2024-05-05")], "2024-05-31", 180, Counting(), 1),  # same-day entry and exit: 1 day
    (
        [("2024-05-05", "2024-05-05")],
        "2024-05-31",
        180,
        Counting(exit_day_counts=False),
        1,
    ),  # still the entry day
    ([("2024-01-01", "2024-01-10")], "2024-01-31", 180, Counting(exit_day_counts=False), 9),
    # window boundary: the window ending Jun 28 2024 starts Jan 1 (Jan 1 + 179 days) ...
    ([("2024-01-01", "2024-01-01")], "2024-06-28", 180, Counting(), 1),
    # ... the one ending Jun 29 starts Jan 2
    ([("2024-01-01", "2024-01-01")], "2024-06-29", 180, Counting(), 0),
    # common year: Jan 1 2023 + 179 days is Jun 29 2023
    ([("2023-01-01", "2023-01-01")], "2023-06-29", 180, Counting(), 1),
    ([("2023-01-01", "2023-01-01")], "2023-06-30", 180, Counting(), 0),
    # an open stay counts up to the day asked about: Mar 1..Mar 31 = 31
    ([("2024-03-01", None)], "2024-03-31", 180, Counting(), 31),
    # missing exit then open stay: Jan 1..Jan 31 (cautious) + Feb 1..Feb 10 = 41; lenient: 1 + 10 = 11
    ([("2024-01-01", None), ("2024-02-01", None)], "2024-02-10", 180, Counting(), 41),
    (
        [("2024-01-01", None), ("2024-02-01", None)],
        "2024-02-10",
        180,
        Counting(missing_exit="entry_day_only"),
        11,
    ),
    # two stays sharing a day (exit and re-entry on Jan 10): 10 + 5 - 1 = 14
    ([("2024-01-01", "2024-01-10"), ("2024-01-10", "2024-01-14")], "2024-01-31", 180, Counting(), 14),
]


@pytest.mark.parametrize(("stays", "on_day", "window", "counting", "expected"), DAYS_USED)
def test_days_used(stays, on_day, window, counting, expected):
    assert days_used(hist(*stays), D(on_day), window, counting) == expected


def test_stays_from_movements_flags_missing_exits_and_orphan_exits():
    history = stays_from_movements(
        [
            Movement("exit", D("2024-01-01")),
            Movement("entry", D("2024-01-05")),
            Movement("entry", D("2024-02-01")),
            Movement("exit", D("2024-02-03")),
            Movement("entry", D("2024-03-01")),
        ]
    )
    assert history.exits_without_entry == (D("2024-01-01"),)
    assert history.missing_exits == (D("2024-01-05"),)
    assert history.stays[1] == Stay(D("2024-02-01"), D("2024-02-03"))
    assert history.open_stay == Stay(D("2024-03-01"))


MIDNIGHT = [
    # (UTC instant, zone, local day)
    ("2024-03-31T20:59:59+00:00", "Africa/Nairobi", "2024-03-31"),  # 23:59:59 at UTC+3
    ("2024-03-31T21:00:00+00:00", "Africa/Nairobi", "2024-04-01"),  # 00:00:00 at UTC+3: the next day
    ("2024-02-29T23:30:00+00:00", "America/New_York", "2024-02-29"),  # 18:30 the same leap day
    ("2024-02-28T23:30:00+00:00", "Asia/Tokyo", "2024-02-29"),  # 08:30 on the leap day
    ("2024-03-31T00:30:00+00:00", "Europe/Warsaw", "2024-03-31"),  # 01:30 CET, the night clocks go forward
    ("2024-10-26T22:30:00+00:00", "Europe/Warsaw", "2024-10-27"),  # 00:30 CEST
]


@pytest.mark.parametrize(("instant", "zone", "expected"), MIDNIGHT)
def test_local_day_is_the_posts_calendar_day(instant, zone, expected):
    assert local_day(datetime.fromisoformat(instant), zone) == D(expected)


def test_extensions_and_hard_ends():
    entry = D("2024-01-01")
    assert permitted_until(FixedStay(30), entry, extensions=[D("2024-02-15")]) == D("2024-02-15")
    # an extension never shortens a stay
    assert permitted_until(FixedStay(30), entry, extensions=[D("2024-01-05")]) == D("2024-01-30")
    assert permitted_until(FixedStay(30), entry, valid_until=D("2024-01-20")) == D("2024-01-20")
    assert permitted_until(SCHENGEN, entry, extensions=[D("2024-05-01")]) == D("2024-05-01")


OVERSTAY = [
    ("2024-03-30", "2024-03-30", 0),
    ("2024-03-30", "2024-03-29", 0),
    ("2024-03-30", "2024-04-09", 10),
    ("2024-02-28", "2024-03-01", 2),
]  # leap year: Feb 29 and Mar 1


@pytest.mark.parametrize(("permitted", "exit_day", "expected"), OVERSTAY)
def test_overstay_days(permitted, exit_day, expected):
    assert overstay_days(D(permitted), D(exit_day)) == expected


def test_remaining_days():
    assert remaining_days(SCHENGEN, D("2024-06-01"), hist(("2024-03-01", "2024-04-29"))) == 30
    assert remaining_days(FixedStay(14), D("2024-06-01"), History()) == 14


BAD = [
    (lambda: FixedStay(0), "days"),
    (lambda: RollingWindow(90, 30), "window"),
    (lambda: local_day(datetime(2024, 1, 1), "UTC"), "at"),  # naive
    (lambda: local_day(datetime(2024, 1, 1, tzinfo=UTC), "Mars/Olympus"), "time_zone"),
    (
        lambda: stays_from_movements([Movement("entry", D("2024-02-01")), Movement("exit", D("2024-01-01"))]),
        "movements",
    ),
    (lambda: stays_from_movements([Movement("sideways", D("2024-02-01"))]), "movements"),  # type: ignore[arg-type]
    (lambda: permitted_until(SCHENGEN, D("2024-01-01"), hist(("2024-02-01", None))), "history"),
    (lambda: days_used(History(), D("2024-01-01"), 0), "window"),
]


@pytest.mark.parametrize(("call", "field"), BAD)
def test_bad_input_raises_stay_error_naming_the_field(call, field):
    with pytest.raises(StayError) as caught:
        call()
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)


# --- properties against a brute-force count -------------------------------------------------------------


def brute_days(stays: list[tuple[date, date]]) -> set[date]:
    days: set[date] = set()
    for start, end in stays:
        days.update(start + timedelta(days=n) for n in range((end - start).days + 1))
    return days


def window_count(days: set[date], end: date, window: int) -> int:
    return sum(1 for n in range(window) if end - timedelta(days=n) in days)


@st.composite
def histories(draw):
    day = D("2023-01-01") + timedelta(days=draw(st.integers(0, 400)))
    stays = []
    for _ in range(draw(st.integers(0, 5))):
        day += timedelta(days=draw(st.integers(1, 60)))
        length = draw(st.integers(0, 40))
        stays.append((day, day + timedelta(days=length)))
        day += timedelta(days=length)
    entry = day + timedelta(days=draw(st.integers(1, 120)))
    return stays, entry


@settings(max_examples=150, deadline=None)
@given(histories(), st.integers(1, 90), st.integers(0, 90))
def test_permitted_stay_never_breaks_the_window_and_one_more_day_would(case, allowance, extra_window):
    stays, entry = case
    rule = RollingWindow(allowance, allowance + extra_window)
    history = hist(*[(a.isoformat(), b.isoformat()) for a, b in stays])
    until = permitted_until(rule, entry, history)
    past = brute_days(stays)
    if until >= entry:
        staying = past | brute_days([(entry, until)])
        for n in range((until - entry).days + 1):
            assert window_count(staying, entry + timedelta(days=n), rule.window) <= rule.days
    if until < entry + timedelta(days=rule.days - 1):
        one_more = past | brute_days([(entry, until + timedelta(days=1))])
        assert window_count(one_more, until + timedelta(days=1), rule.window) > rule.days


@settings(max_examples=100, deadline=None)
@given(histories(), st.integers(1, 365))
def test_days_used_matches_a_day_by_day_count(case, window):
    stays, on_day = case
    history = hist(*[(a.isoformat(), b.isoformat()) for a, b in stays])
    assert days_used(history, on_day, window) == window_count(brute_days(stays), on_day, window)


@settings(max_examples=100, deadline=None)
@given(st.dates(D("2000-01-01"), D("2100-12-31")), st.dates(D("2000-01-01"), D("2100-12-31")))
def test_overstay_days_are_the_days_after_the_permitted_one(permitted, exit_day):
    got = overstay_days(permitted, exit_day)
    assert got >= 0
    assert (got == 0) == (exit_day <= permitted)
    if got:
        assert permitted + timedelta(days=got) == exit_day


@settings(max_examples=100, deadline=None)
@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
    st.sampled_from(["UTC", "Africa/Nairobi", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Warsaw"]),
)
def test_local_day_is_within_a_day_of_utc(instant, zone):
    assert abs((local_day(instant, zone) - instant.date()).days) <= 1


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["entry", "exit"]), st.integers(0, 1000)), max_size=20))
def test_any_chronological_movements_make_a_history(raw):
    movements = [
        Movement(direction, D("2020-01-01") + timedelta(days=n))
        for direction, n in sorted(raw, key=lambda item: item[1])
    ]
    history = stays_from_movements(movements)
    assert len(history.stays) + len(history.exits_without_entry) <= len(movements)
    assert days_used(history, D("2023-01-01"), 180) <= 180
