"""Parsing behaviour the external data does not cover: input forms, dates, special cases, errors."""

from __future__ import annotations

from datetime import date

import pytest

from openbmis.mrz import MRZError, MRZFormatError, check_digit, parse

TODAY = date(2026, 3, 1)
# ICAO Doc 9303 Part 4 TD3 specimen (Utopia) and Part 5 TD1 specimen.
TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
TD1 = ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")


def with_digit(line: str, column: int, data: str) -> str:
    """``line`` with the check digit of ``data`` (computed by the independent helper below) at ``column``."""
    return line[:column] + reference_check_digit(data) + line[column + 1 :]


def reference_check_digit(data: str) -> str:
    """Doc 9303 Part 3 4.9 written out independently of the library."""
    values = {**{str(d): d for d in range(10)}, **{chr(65 + i): 10 + i for i in range(26)}, "<": 0}
    return str(sum(values[c] * (7, 3, 1)[i % 3] for i, c in enumerate(data)) % 10)


@pytest.mark.parametrize(
    "text",
    [
        "\n".join(TD3),
        "\r\n".join(TD3),
        "\r".join(TD3),
        "".join(TD3),  # keyboard-wedge reader: no separator
        "   " + TD3[0] + "  \n\n  " + TD3[1] + "   \n",
        "\n".join(TD3).lower(),
        TD3[0][:20] + " " + TD3[0][20:] + "\n" + TD3[1],
    ],
    ids=["lf", "crlf", "cr", "concatenated", "spaces", "lowercase", "inner-space"],
)
def test_input_forms(text: str) -> None:
    result = parse(text, today=TODAY)
    assert result.lines == TD3
    assert result.valid
    assert (result.document_number, result.birth_date) == ("L898902C3", date(1974, 8, 12))


@pytest.mark.parametrize(
    ("lines", "fmt"),
    [
        (TD3, "TD3"),
        (TD1, "TD1"),
        (("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"), "TD2"),
        (
            ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L8988901C4XXX4009078F96121096ZE184226B<<<<<<"),
            "MRVA",
        ),
        (("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<"), "MRVB"),
    ],
)
def test_format_detected_by_length_and_visa_letter(lines: tuple[str, ...], fmt: str) -> None:
    result = parse("".join(lines), today=TODAY)
    assert result.format == fmt
    assert result.valid, result.errors


def test_icao_mrva_specimen_fields() -> None:
    # ICAO Doc 9303 Part 7 MRV-A specimen: nationality XXX, expiry 1996, no composite digit.
    result = parse(
        "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<",
        today=TODAY,
    )
    assert (result.document_number, result.nationality) == ("L8988901C", "XXX")
    assert (result.birth_date, result.expiry_date) == (date(1940, 9, 7), date(1996, 12, 10))
    assert "composite" not in result.check_digits


@pytest.mark.parametrize(
    "text",
    ["", "   \n  ", "P<UTO", "\n".join(TD3[:1]), "\n".join(TD3 + TD3), "x" * 89, "\n".join(TD1[:2])],
)
def test_not_an_mrz_raises_the_library_error(text: str) -> None:
    with pytest.raises(MRZFormatError) as info:
        parse(text)
    assert isinstance(info.value, MRZError) and isinstance(info.value, ValueError)
    assert info.value.code in ("empty", "unrecognised_format")


def test_non_text_raises_the_library_error() -> None:
    with pytest.raises(MRZFormatError):
        parse(b"P<UTO" * 10)  # type: ignore[arg-type]


def test_wrong_birth_digit_is_reported_with_expected_and_found() -> None:
    line2 = TD3[1][:19] + "4" + TD3[1][20:]
    result = parse(TD3[0] + "\n" + line2, today=TODAY, repair=False)
    birth = [e for e in result.errors if e.field == "birth_date"]
    assert len(birth) == 1
    assert (birth[0].code, birth[0].expected, birth[0].found) == ("check_digit", "2", "4")
    assert birth[0].message == "birth date check digit: expected 2, found 4"
    assert result.birth_date == date(1974, 8, 12)  # every field is still read


def test_impossible_date_is_an_error_even_with_a_matching_check_digit() -> None:
    line2 = TD3[1][:13] + "741332" + reference_check_digit("741332") + TD3[1][20:]
    line2 = with_digit(line2, 43, line2[0:10] + line2[13:20] + line2[21:43])
    result = parse(TD3[0] + "\n" + line2, today=TODAY)
    assert [(e.field, e.code) for e in result.errors] == [("birth_date", "invalid_date")]
    assert result.birth_date is None


@pytest.mark.parametrize(
    ("birth", "expiry", "today", "horizon", "want_birth", "want_expiry"),
    [
        ("740812", "120415", date(2026, 3, 1), 50, date(1974, 8, 12), date(2012, 4, 15)),
        ("250101", "350101", date(2026, 3, 1), 50, date(2025, 1, 1), date(2035, 1, 1)),
        ("260302", "760101", date(2026, 3, 1), 50, date(1926, 3, 2), date(2076, 1, 1)),  # tomorrow -> 1926
        ("260301", "770101", date(2026, 3, 1), 50, date(2026, 3, 1), date(1977, 1, 1)),  # beyond horizon
        ("000229", "400101", date(2026, 3, 1), 10, date(2000, 2, 29), date(1940, 1, 1)),  # small horizon
    ],
)
def test_century_rules(
    birth: str, expiry: str, today: date, horizon: int, want_birth: date, want_expiry: date
) -> None:
    line2 = (
        "L898902C36UTO" + birth + reference_check_digit(birth) + "F" + expiry + reference_check_digit(expiry)
    )
    line2 += "ZE184226B<<<<<1"
    line2 += reference_check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    result = parse(TD3[0] + "\n" + line2, today=today, expiry_horizon_years=horizon)
    assert (result.birth_date, result.expiry_date) == (want_birth, want_expiry)
    assert result.valid, result.errors


@pytest.mark.parametrize("birth", ["74<<<<", "7408<<", "74XXXX", "<<<<<<"])
def test_unknown_birth_date(birth: str) -> None:
    line2 = "L898902C36UTO" + birth + reference_check_digit(birth) + "F1204159ZE184226B<<<<<1"
    line2 += reference_check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    result = parse(TD3[0] + "\n" + line2, today=TODAY)
    assert result.birth_date is None
    assert result.valid, result.errors
    assert [w.code for w in result.warnings if w.field == "birth_date"] == ["birth_date_unknown"]


@pytest.mark.parametrize("personal_cd", ["<", "0"])
def test_empty_personal_number_with_filler_or_zero_digit(personal_cd: str) -> None:
    line2 = "C01X0006H1D<<6408125F1710319<<<<<<<<<<<<<<" + personal_cd
    line2 += reference_check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    result = parse("P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<\n" + line2, today=TODAY)
    assert result.valid, result.errors
    assert (result.issuing_state, result.nationality, result.optional_data) == ("D", "D", "")


def test_unknown_state_is_an_error_naming_the_code() -> None:
    line1 = "P<QQQERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
    result = parse(line1 + "\n" + TD3[1], today=TODAY)
    assert [(e.field, e.code, e.found) for e in result.errors] == [("issuing_state", "unknown_state", "QQQ")]
    assert "'QQQ'" in result.errors[0].message


@pytest.mark.parametrize(
    "code",
    ["D", "EUE", "UNO", "UNA", "UNK", "XXA", "XXB", "XXC", "XXX", "GBD", "GBN", "GBO", "GBP", "GBS", "RKS"],
)
def test_icao_part3_codes_are_known(code: str) -> None:
    line1 = ("P<" + code.ljust(3, "<") + "ERIKSSON<<ANNA<MARIA").ljust(44, "<")
    result = parse(line1 + "\n" + TD3[1], today=TODAY)
    assert result.issuing_state == code
    assert not [e for e in result.errors if e.field == "issuing_state"]


def test_specimen_code_is_accepted_and_reported() -> None:
    result = parse("\n".join(TD3), today=TODAY)
    assert result.valid and result.specimen
    assert [w.code for w in result.warnings] == ["specimen"]


def test_truncated_name_is_flagged_and_fitting_name_is_not() -> None:
    full = ("P<UTO" + "A" * 20 + "<<" + "B" * 17)[:44]
    assert parse(full + "\n" + TD3[1], today=TODAY).names_truncated
    assert not parse("\n".join(TD3), today=TODAY).names_truncated


def test_names_with_fillers_inside() -> None:
    line3 = "CACADOR<DE<ARAUJO<<ANDRE<<<<<<"
    result = parse("\n".join([TD1[0], TD1[1], line3]), today=TODAY)
    assert (result.primary_identifier, result.secondary_identifier) == ("CACADOR DE ARAUJO", "ANDRE")


@pytest.mark.parametrize(
    ("number", "counts_filler"),
    [("D23145890123", False), ("000590240601", True)],
)
def test_long_td1_number_with_and_without_filler_in_its_digit(number: str, counts_filler: bool) -> None:
    data = number[:9] + "<" + number[9:] if counts_filler else number
    line1 = ("I<UTO" + number[:9] + "<" + number[9:] + reference_check_digit(data)).ljust(30, "<")
    line2 = "7408122F1204159UTO<<<<<<<<<<<"
    line2 += reference_check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    result = parse("\n".join([line1, line2, TD1[2]]), today=TODAY)
    assert result.valid, result.errors
    assert result.document_number == number
    flagged = "document_number_check_counts_filler" in [w.code for w in result.warnings]
    assert flagged is counts_filler


def test_invalid_characters_are_errors_not_exceptions() -> None:
    line2 = TD3[1][:3] + "#" + TD3[1][4:]
    result = parse(TD3[0] + "\n" + line2, today=TODAY)
    assert ("document_number", "invalid_character", "#") in [
        (e.field, e.code, e.found) for e in result.errors
    ]


def test_sex_values() -> None:
    for raw, want in (("M", "M"), ("F", "F"), ("X", "X"), ("<", "X")):
        line2 = TD3[1][:20] + raw + TD3[1][21:]
        assert parse(TD3[0] + "\n" + line2, today=TODAY).sex == want
    bad = parse(TD3[0] + "\n" + TD3[1][:20] + "Q" + TD3[1][21:], today=TODAY)
    assert bad.sex is None and ("sex", "invalid_sex") in [(e.field, e.code) for e in bad.errors]


def test_repair_of_document_number_needs_the_check_digit() -> None:
    # "L898902C3" read as "L8989O2C3": the O->0 swap is the only single swap that restores digit 6.
    line2 = "L8989O2C36" + TD3[1][10:]
    result = parse(TD3[0] + "\n" + line2, today=TODAY)
    assert result.valid and result.document_number == "L898902C3"
    assert [(c.field, c.column, c.original, c.corrected) for c in result.corrections] == [
        ("document_number", 5, "O", "0")
    ]
    assert not parse(TD3[0] + "\n" + line2, today=TODAY, repair=False).valid


def test_repair_is_refused_when_it_does_not_satisfy_the_check_digit() -> None:
    line2 = TD3[1][:13] + "74O812" + "3" + TD3[1][20:]  # wrong digit: the O->0 repair does not help
    result = parse(TD3[0] + "\n" + line2, today=TODAY)
    assert not result.corrections
    assert not result.valid


def test_check_digit_rejects_characters_outside_the_alphabet() -> None:
    with pytest.raises(MRZError) as info:
        check_digit("abc")
    assert info.value.code == "invalid_character" and info.value.found == "a"
    assert check_digit("L898902C3") == reference_check_digit("L898902C3")


def test_to_dict_is_json_ready() -> None:
    import json

    out = parse("\n".join(TD3), today=TODAY).to_dict()
    assert json.loads(json.dumps(out)) == out
    for key in (
        "format", "document_code", "issuing_state", "document_number", "primary_identifier",
        "secondary_identifier", "nationality", "birth_date", "sex", "expiry_date", "optional_data",
        "valid", "errors", "corrections", "warnings",
    ):  # fmt: skip
        assert key in out
    assert (out["birth_date"], out["expiry_date"]) == ("1974-08-12", "2012-04-15")
