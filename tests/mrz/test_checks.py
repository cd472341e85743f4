"""Document checks over parsed MRZs, pinned to reference dates."""

from __future__ import annotations

from datetime import date

import pytest

from openbmis.mrz import MRZFields, check_document, make, parse

BASE = {
    "format": "TD3", "document_code": "P", "issuing_state": "FRA", "document_number": "12AB34567",
    "primary_identifier": "MARTIN", "secondary_identifier": "CLAIRE", "nationality": "FRA",
    "birth_date": "1990-05-17", "sex": "F", "expiry_date": "2030-06-30",
}  # fmt: skip
ON = date(2026, 3, 1)


def codes(change: dict[str, str], on: date = ON, **kwargs: object) -> dict[str, str]:
    result = parse(make(MRZFields.from_dict(BASE | change)), today=on)
    return {c.code: c.severity for c in check_document(result, on, **kwargs)}  # type: ignore[arg-type]


def test_plain_valid_passport_has_only_its_type() -> None:
    assert codes({}) == {"document_type": "info"}


@pytest.mark.parametrize(
    ("change", "code", "severity"),
    [
        ({"expiry_date": "2026-02-28"}, "expired", "error"),
        ({"expiry_date": "2026-03-31"}, "expires_soon", "warning"),
        ({"birth_date": "2010-03-02"}, "minor", "warning"),  # 17 on 2026-03-01
        ({"nationality": "DEU"}, "nationality_differs", "warning"),
        ({"nationality": "XXB"}, "stateless_or_refugee", "info"),
        ({"issuing_state": "UTO"}, "specimen", "error"),
        ({"primary_identifier": "SPECIMEN"}, "specimen", "error"),
        ({"birth_date": ""}, "birth_date_unknown", "info"),
    ],
)
def test_findings(change: dict[str, str], code: str, severity: str) -> None:
    assert codes(change).get(code) == severity


def test_boundaries() -> None:
    assert "expired" not in codes({"expiry_date": "2026-03-01"})  # valid through its expiry day
    assert "minor" not in codes({"birth_date": "2008-03-01"})  # 18 today
    assert "expires_soon" not in codes({"expiry_date": "2026-03-31"}, expiring_within_days=29)
    assert codes({}, valid_from=date(2026, 4, 1)).get("not_yet_valid") == "error"


def test_same_family_codes_do_not_warn() -> None:
    assert "nationality_differs" not in codes({"issuing_state": "D", "nationality": "DEU"})
    assert "nationality_differs" not in codes({"issuing_state": "GBR", "nationality": "GBN"})


def test_invalid_mrz_is_an_error_finding() -> None:
    text = make(MRZFields.from_dict(BASE))
    broken = text[:-1] + ("1" if text[-1] != "1" else "2")
    result = parse(broken, today=ON)
    found = check_document(result, ON)
    assert found[0].code == "mrz_invalid" and "composite check digit" in found[0].message
    assert all(set(c.to_dict()) == {"code", "severity", "message", "field", "params"} for c in found)
    assert found[0].params == {"count": len(result.errors)}
