"""Every case of ../shared/testdata/mrz, with the answers its sources give (cheminfo/mrz, PassportEye).

Known defects and disagreements are handled as docs/mrz.md says: UTO is accepted and reported as a
specimen; for long TD1 document numbers both check-digit variants are accepted; the optional data
excludes the continuation of a long document number (cheminfo's ``optional1`` includes it).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from openbmis.mrz import MRZError, MRZFormatError, check_digit, parse

TODAY = date(2026, 3, 1)
CASES_FILE = Path("mrz") / "mrz_cases.json"

# cheminfo and PassportEye key -> attribute of MRZResult.
CHEMINFO_TEXT = {
    "documentCode": "document_code",
    "firstName": "secondary_identifier",
    "lastName": "primary_identifier",
    "documentNumber": "document_number",
    "personalNumber": "optional_data",
    "optional": "optional_data",
    "optional2": "optional_data_2",
}
CHEMINFO_DIGITS = {
    "documentNumberCheckDigit": "document_number",
    "birthDateCheckDigit": "birth_date",
    "expirationDateCheckDigit": "expiry_date",
    "personalNumberCheckDigit": "optional_data",
    "compositeCheckDigit": "composite",
}
PE_DIGITS = {
    "check_number": "document_number",
    "check_date_of_birth": "birth_date",
    "check_expiration_date": "expiry_date",
    "check_personal_number": "optional_data",
    "check_composite": "composite",
}


def load_cases(root: Path) -> list[dict[str, Any]]:
    return json.loads((root / CASES_FILE).read_text(encoding="utf-8"))


def case_ids() -> list[str]:
    return [f"case{i:02d}" for i in range(30)]


@pytest.fixture(scope="module")
def cases(testdata: Path) -> list[dict[str, Any]]:
    return load_cases(testdata)


def yymmdd(value: date | None) -> str | None:
    return value.strftime("%y%m%d") if value else None


def assert_cheminfo(result: Any, expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        if isinstance(value, dict):
            continue  # error details: checked by the negative-case test
        if key in CHEMINFO_TEXT:
            assert getattr(result, CHEMINFO_TEXT[key]) == value, key
        elif key in CHEMINFO_DIGITS:
            assert result.check_digits[CHEMINFO_DIGITS[key]] == value, key
        elif key in ("issuingState", "nationality"):
            attr = "issuing_state" if key == "issuingState" else "nationality"
            assert getattr(result, attr) == value.split(" ")[0], key
        elif key == "sex":
            assert result.sex == {"female": "F", "male": "M"}[value]
        elif key == "birthDate":
            assert yymmdd(result.birth_date) == value
        elif key == "expirationDate":
            assert yymmdd(result.expiry_date) == value
        elif key == "optional1":
            continuation = result.document_number[9:]
            if continuation:
                # cheminfo keeps the number's continuation and its check digit in optional1.
                head = continuation + result.check_digits["document_number"]
                assert value.startswith(head)
                assert result.optional_data == value[len(head) :].strip()
            else:
                assert result.optional_data == value


def assert_passporteye(result: Any, expected: dict[str, Any]) -> None:
    assert result.format == expected["mrz_type"]
    assert result.document_code == expected["type"].rstrip("<")
    assert result.issuing_state == expected["country"]
    assert result.document_number == expected["number"].rstrip("<")
    for key, attr in PE_DIGITS.items():
        if key in expected:
            assert result.check_digits[attr] == expected[key], key
    if "date_of_birth" in expected:
        assert yymmdd(result.birth_date) == expected["date_of_birth"]
        assert yymmdd(result.expiry_date) == expected["expiration_date"]
        assert result.sex == expected["sex"]
        assert result.nationality == expected["nationality"]
        assert result.primary_identifier == expected["surname"]
        assert result.secondary_identifier == expected["names"]
    if "personal_number" in expected:
        assert result.optional_data == expected["personal_number"].rstrip("<")
    for key, attr in (("optional1", "optional_data"), ("optional2", "optional_data_2")):
        if key in expected:
            assert getattr(result, attr) == expected[key].strip("<")


@pytest.mark.parametrize("index", range(30), ids=case_ids())
def test_case(cases: list[dict[str, Any]], index: int) -> None:
    case = cases[index]
    text = "\n".join(case["lines"])
    expected = case["expected"]
    if case["format"] == "unknown":
        with pytest.raises(MRZFormatError) as info:
            parse(text, today=TODAY)
        assert info.value.code == "unrecognised_format"
        return
    if "with_autocorrect" in expected:
        assert not parse(text, today=TODAY, repair=False).valid
        repaired = parse(text, today=TODAY)
        assert repaired.valid, repaired.errors
        assert repaired.corrections
        return  # field equality with the clean specimen: test_autocorrect_matches_clean_specimen
    result = parse(text, today=TODAY, repair=False)
    assert result.format == case["format"]
    assert result.valid is case["valid"], [e.message for e in result.errors]
    if "mrz_type" in expected:
        assert_passporteye(result, expected)
    else:
        assert_cheminfo(result, expected)
    if "UTO" in case["lines"][0][2:5] or "UTO" in text:
        assert result.specimen


# (case with OCR damage, case with the clean document)
AUTOCORRECT = [(6, 0), (8, 7), (18, 9)]


@pytest.mark.parametrize(("damaged", "clean"), AUTOCORRECT)
def test_autocorrect_matches_clean_specimen(cases: list[dict[str, Any]], damaged: int, clean: int) -> None:
    repaired = parse("\n".join(cases[damaged]["lines"]), today=TODAY)
    reference = parse("\n".join(cases[clean]["lines"]), today=TODAY)
    assert repaired.lines == tuple(cases[clean]["lines"])
    assert repaired.to_dict() | {"corrections": []} == reference.to_dict()


def test_autocorrect_reports_each_correction(cases: list[dict[str, Any]]) -> None:
    case = cases[6]
    repaired = parse("\n".join(case["lines"]), today=TODAY)
    found = [[c.line, c.column, c.original, c.corrected] for c in repaired.corrections]
    assert found == case["expected"]["corrections"]


# Negative cases: (case, {field: expected digit}, fields that must fail).
NEGATIVE = [
    (1, {"optional_data": "1", "composite": "1"}, {"optional_data", "composite"}),
    (20, {"document_number": "3"}, {"document_number", "composite"}),
    (21, {"birth_date": "7"}, {"birth_date", "composite"}),
    (25, {"composite": "4"}, {"composite"}),
]


@pytest.mark.parametrize(("index", "digits", "failing"), NEGATIVE)
def test_negative_cases_name_field_expected_and_found(
    cases: list[dict[str, Any]], index: int, digits: dict[str, str], failing: set[str]
) -> None:
    case = cases[index]
    result = parse("\n".join(case["lines"]), today=TODAY)
    assert not result.valid
    assert {e.field for e in result.errors} == failing
    assert all(e.code == "check_digit" for e in result.errors)
    for error in result.errors:
        if error.field in digits:
            # A long document number has two accepted variants: the data's digit is one of them.
            assert digits[error.field] in (error.expected or "").split(" or ")
        assert error.found == result.check_digits[error.field]
        assert f"found {error.found}" in error.message


def test_check_digit_vectors(testdata: Path) -> None:
    data = json.loads((testdata / "mrz" / "mrz_check_digit_vectors.json").read_text(encoding="utf-8"))
    assert len(data["vectors"]) >= 10
    for vector in data["vectors"]:
        if "check_digit" in vector and vector["check_digit"] is None:
            with pytest.raises(MRZError):
                check_digit(vector["input"])
        elif "check_digit_claimed" in vector:
            assert (check_digit(vector["input"]) == vector["check_digit_claimed"]) is vector["valid"]
        elif "equals_check_digit_of" in vector:
            assert check_digit(vector["input"]) == check_digit(vector["equals_check_digit_of"])
        else:
            assert check_digit(vector["input"]) == vector["check_digit"], vector["input"]
