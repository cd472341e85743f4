"""Issue 13 item 12: the differencing attack. A reader without identities access subtracts two allowed
queries to recover a count the statistics hide. With every published count rounded to base 5 (and the
small ones hidden), no difference of published numbers equals a hidden count (docs/statistics.md)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.statistics.statistics_helpers import NOW, raw_flows

from openbmis.mrz import lookup_state
from openbmis.statistics import queries, services

FIRST = (NOW - timedelta(days=62)).date()
LAST = NOW.date()
MEASURES = ("entries", "exits", "refusals")


@pytest.fixture
def built(traffic):
    services.rebuild("test")
    return traffic


def _totals(client, **params) -> dict:
    query = {"from": FIRST.isoformat(), "to": LAST.isoformat(), "group_by": "border_post", **params}
    response = client.get("/api/statistics/flows", query)
    assert response.status_code == 200, response.content
    return response.json()["totals"]


def _hidden_by_citizenship(analyst, post: str) -> dict[tuple[str, str], int]:
    """The (citizenship, measure) cells of a post that the API hides from the analyst, with their true counts."""
    filters = queries.parse_filters(analyst, {"from": FIRST.isoformat(), "to": LAST.isoformat(), "border_post": post})
    exact = raw_flows(filters, lambda c: c.nationality)
    return {(code, measure): values[i] for code, values in exact.items() if lookup_state(code)
            for i, measure in enumerate(MEASURES) if 0 < values[i] < 5}


def _attack(client, hidden, post: str, codes: list[str], other_post: str) -> dict[tuple[str, str], list[int | None]]:
    """Three differencing attacks per hidden cell; returns what each one recovers."""
    recovered: dict[tuple[str, str], list[int | None]] = {}
    everything = _totals(client, border_post=post)
    listed = _totals(client, border_post=post, nationality=",".join(codes))
    both_posts = _totals(client, border_post=f"{post},{other_post}")
    for (code, measure) in hidden:
        rest = ",".join(c for c in codes if c != code)
        without = _totals(client, border_post=post, nationality=rest)
        # (a) every citizenship minus every citizenship but one
        attempts = [_minus(listed[measure], without[measure])]
        # (b) the unfiltered total minus every citizenship but one
        attempts.append(_minus(everything[measure], without[measure]))
        # (c) two posts with every citizenship but one, minus ... the same with the other post alone
        pair_without = _totals(client, border_post=f"{post},{other_post}", nationality=rest)
        attempts.append(_minus(_minus(both_posts[measure], pair_without[measure]),
                               _minus(_totals(client, border_post=other_post)[measure],
                                      _totals(client, border_post=other_post, nationality=rest)[measure])))
        recovered[(code, measure)] = attempts
    return recovered


def _minus(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a - b


def test_differencing_recovers_no_hidden_count(built, analyst, analyst_with_identities, session_client):
    post, other = "SEA-PHV", "LND-HIG"
    hidden = _hidden_by_citizenship(analyst, post)
    assert len(hidden) >= 8, "the test traffic should give the small post several hidden cells"
    filters = queries.parse_filters(analyst, {"from": FIRST.isoformat(), "to": LAST.isoformat(),
                                              "border_post": f"{post},{other}"})
    codes = sorted(code for code in raw_flows(filters, lambda c: c.nationality) if lookup_state(code))

    # The attack is real: on exact figures (a reader who may see identities) it recovers every hidden count.
    exact = _attack(session_client(analyst_with_identities), hidden, post, codes, other)
    assert all(attempts == [hidden[cell]] * 3 for cell, attempts in exact.items())

    # On what the analyst is given, it recovers none of them.
    protected = _attack(session_client(analyst), hidden, post, codes, other)
    for cell, attempts in protected.items():
        assert hidden[cell] not in attempts, (cell, hidden[cell], attempts)
        assert all(value is None or value % 5 == 0 for value in attempts)


def test_differencing_over_days_recovers_no_hidden_count(built, analyst, session_client):
    """A period that ends one day later, minus the same period: the day's own (small) count."""
    client = session_client(analyst)
    post = "SEA-PHV"
    filters = queries.parse_filters(analyst, {"from": FIRST.isoformat(), "to": LAST.isoformat(), "border_post": post})
    by_day = raw_flows(filters, lambda c: c.local_date)
    small_days = [(day, values[0]) for day, values in sorted(by_day.items()) if 0 < values[0] < 5 and day > FIRST]
    assert len(small_days) >= 3
    for day, count in small_days:
        upto = _totals(client, border_post=post, to=day.isoformat())["entries"]
        before = _totals(client, border_post=post, to=(day - timedelta(days=1)).isoformat())["entries"]
        difference = _minus(upto, before)
        assert difference != count and (difference is None or difference % 5 == 0), (day, count, difference)


def test_whether_counts_are_exact_depends_on_the_reader_not_the_query(make_user, demo_posts):
    """A reader who sees identities at one post but statistics at two gets rounded figures for both:
    exact counts of the first would be known offsets that undo the rounding of a query adding the second."""
    from openbmis.accounts import services as accounts

    reader = make_user("supervisor", demo_posts[0])
    accounts.assign_role("test", reader, "analyst", None)
    period = {"from": date(2026, 1, 1).isoformat(), "to": date(2026, 1, 31).isoformat()}
    assert queries.parse_filters(reader, {**period, "border_post": demo_posts[0].code}).suppress
    assert queries.parse_filters(reader, period).suppress
