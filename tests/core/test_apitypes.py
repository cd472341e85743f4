"""Strict API input (core/apitypes.py): ISO dates in range, no NUL, JSON objects only."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from openbmis.core.apitypes import ApiParser, Day, Moment, refuse_nul
from openbmis.core.errors import InvalidInput

DAY = TypeAdapter(Day)
MOMENT = TypeAdapter(Moment)


@pytest.mark.parametrize("text, expected", [("2024-02-29", date(2024, 2, 29)), ("1900-01-01", date(1900, 1, 1))])
def test_iso_days_are_read(text, expected):
    assert DAY.validate_python(text) == expected


@pytest.mark.parametrize("value", [0, "0", 1700000000, "1700000000", "9999-12-31", "0001-01-01", "2024-02-30",
                                   "2024-2-3", "2024-01-01T00:00:00", None, []])
def test_numbers_far_dates_and_non_dates_are_refused(value):
    with pytest.raises(ValidationError):
        DAY.validate_python(value)


@pytest.mark.parametrize("value", ["2024-01-01T00:00:00+99:00", "2024-01-01T00:00:00+19:00", "0001-01-01T00:00:00+05:00",
                                   "9999-12-31T23:59:59-05:00", 0, "now"])
def test_moments_out_of_range_are_refused(value):
    with pytest.raises(ValidationError):
        MOMENT.validate_python(value)


def test_moments_with_an_offset_are_read():
    assert MOMENT.validate_python("2024-01-01T10:00:00+03:00").utcoffset().total_seconds() == 3 * 3600


def test_nul_is_named_by_its_path():
    with pytest.raises(InvalidInput) as raised:
        refuse_nul({"document": {"names": ["A", "B\x00"]}})
    assert raised.value.field == "document.names.1"


class _Request:
    def __init__(self, body: bytes) -> None:
        self.body = body


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                    max_leaves=10))
def test_the_parser_returns_an_object_without_nul_or_refuses_with_a_field(value):
    try:
        parsed = ApiParser().parse_body(_Request(json.dumps(value).encode()))  # type: ignore[arg-type]
    except InvalidInput as exc:
        assert exc.field
        return
    assert isinstance(parsed, dict) and "\x00" not in json.dumps(parsed, ensure_ascii=False)


@given(st.binary(max_size=64))
def test_the_parser_never_raises_anything_but_invalid_input(raw):
    try:
        ApiParser().parse_body(_Request(raw))  # type: ignore[arg-type]
    except InvalidInput:
        pass
