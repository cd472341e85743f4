"""Writing MRZs, and the hypothesis properties: no stray exceptions, and parse(make(fields)) == fields."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openbmis.mrz import MRZError, MRZFieldError, MRZFields, make, parse

TODAY = date(2026, 3, 1)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_make_reproduces_the_german_specimen() -> None:
    fields = MRZFields(
        format="TD3", document_code="P", issuing_state="D", document_number="C01X0006H",
        primary_identifier="Mustermann", secondary_identifier="Erika", nationality="D",
        birth_date=date(1964, 8, 12), sex="F", expiry_date=date(2017, 10, 31),
    )  # fmt: skip
    # The lines printed on the specimen (cheminfo/mrz test data).
    assert (
        make(fields)
        == "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<\nC01X0006H1D<<6408125F1710319<<<<<<<<<<<<<<<0"
    )


def test_make_reproduces_the_icao_td1_long_number_specimen() -> None:
    fields = {
        "format": "TD1", "document_code": "I", "issuing_state": "UTO", "document_number": "D23145890734",
        "primary_identifier": "STEVENSON", "secondary_identifier": "PETER JOHN", "nationality": "UTO",
        "birth_date": "1934-07-12", "sex": "M", "expiry_date": "1995-07-12",
    }  # fmt: skip
    expected = (
        "I<UTOD23145890<7349<<<<<<<<<<<\n3407127M9507122UTO<<<<<<<<<<<2\nSTEVENSON<<PETER<JOHN<<<<<<<<<"
    )
    assert make(fields) == expected  # ICAO Doc 9303 Part 11 appendix D.2


def test_make_truncates_long_names_ending_in_a_letter() -> None:
    fields = MRZFields(
        format="TD1", document_code="I", issuing_state="PRT", document_number="007777779ZZ9",
        primary_identifier="CACADOR DE ARAUJO", secondary_identifier="ANDRE ESTEVAO", nationality="PRT",
        birth_date=date(1983, 3, 14), sex="M", expiry_date=date(2034, 5, 28),
    )  # fmt: skip
    lines = make(fields).split("\n")
    assert lines == [
        "I<PRT007777779<ZZ92<<<<<<<<<<<",
        "8303143M3405282PRT<<<<<<<<<<<2",
        "CACADOR<DE<ARAUJO<<ANDRE<ESTEV",
    ]
    assert parse("\n".join(lines), today=TODAY).names_truncated


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"issuing_state": "QQQ"}, "issuing_state", "unknown_state"),
        ({"document_number": "AB12345678"}, "document_number", "too_long"),
        ({"document_number": "AB-123"}, "document_number", "invalid_character"),
        ({"sex": "Q"}, "sex", "invalid_sex"),
        ({"document_code": "V"}, "document_code", "invalid_document_code"),
        ({"optional_data": "ABCDEFGHIJKLMNO"}, "optional_data", "too_long"),
        ({"optional_data_2": "A"}, "optional_data_2", "not_in_format"),
        ({"primary_identifier": "", "secondary_identifier": ""}, "primary_identifier", "empty_name"),
    ],
)
def test_make_rejects_fields_naming_them(change: dict[str, str], field: str, code: str) -> None:
    base = {
        "format": "TD3", "document_code": "P", "issuing_state": "UTO", "document_number": "L898902C3",
        "primary_identifier": "ERIKSSON", "secondary_identifier": "ANNA MARIA", "nationality": "UTO",
        "birth_date": "1974-08-12", "sex": "F", "expiry_date": "2012-04-15",
    }  # fmt: skip
    with pytest.raises(MRZFieldError) as info:
        make(base | change)
    assert (info.value.field, info.value.code) == (field, code)


# -- hypothesis ----------------------------------------------------------------------------------------

MRZ_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"


@SETTINGS
@given(st.text(max_size=120))
def test_arbitrary_text_raises_only_the_library_error(text: str) -> None:
    try:
        parse(text, today=TODAY)
    except MRZError:
        pass


def shaped(draw: st.DrawFn) -> str:
    width, count = draw(st.sampled_from([(30, 3), (36, 2), (44, 2)]))
    alphabet = st.sampled_from(MRZ_CHARS + "abcxyz#é ß\u0130\u2028")
    lines = [draw(st.text(alphabet=alphabet, min_size=width, max_size=width)) for _ in range(count)]
    return "\n".join(lines)


@SETTINGS
@given(st.composite(shaped)())
def test_mrz_shaped_garbage_is_parsed_without_raising(text: str) -> None:
    # Inner spaces are removed by normalisation and may change the shape; only then may it raise.
    try:
        result = parse(text, today=TODAY)
    except MRZError:
        assert " " in text or "\u2028" in text or "ß" in text.lower() or "\u0130" in text
        return
    assert isinstance(result.to_dict(), dict)


name_word = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8)
known_states = st.sampled_from(["D", "UTO", "FRA", "GBR", "GBN", "XXA", "UNO", "EUE", "RKS", "CHE", "USA"])


@st.composite
def valid_fields(draw: st.DrawFn) -> MRZFields:
    fmt = draw(st.sampled_from(["TD1", "TD2", "TD3", "MRVA", "MRVB"]))
    name_width = {"TD1": 30, "TD2": 31, "TD3": 39, "MRVA": 39, "MRVB": 31}[fmt]
    primary = " ".join(draw(st.lists(name_word, min_size=1, max_size=3)))
    secondary = " ".join(draw(st.lists(name_word, min_size=0, max_size=3)))
    if len(primary) + 2 + len(secondary) >= name_width:  # must fit untruncated with a filler left
        secondary = ""
        primary = primary[: name_width - 1].strip()
    opt_width = {"TD1": 15, "TD2": 7, "TD3": 14, "MRVA": 16, "MRVB": 8}[fmt]
    long_ok = fmt in ("TD1", "TD2")
    number = draw(
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=12 if long_ok else 9)
    )
    free = opt_width - (len(number) - 9 + 2 if len(number) > 9 else 0)
    optional = draw(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", max_size=max(free, 0)))
    if long_ok and len(number) > 9 and optional:
        optional = optional[: max(free, 0)]
    code = draw(
        st.sampled_from(
            ["V", "VA"] if fmt.startswith("MRV") else ["P", "PD"] if fmt == "TD3" else ["I", "ID", "AC"]
        )
    )
    birth = draw(st.one_of(st.none(), st.dates(min_value=TODAY - timedelta(days=99 * 365), max_value=TODAY)))
    expiry = draw(
        st.dates(min_value=TODAY - timedelta(days=40 * 365), max_value=TODAY + timedelta(days=49 * 365))
    )
    return MRZFields(
        format=fmt, document_code=code, issuing_state=draw(known_states), document_number=number,
        primary_identifier=primary, secondary_identifier=secondary, nationality=draw(known_states),
        birth_date=birth, sex=draw(st.sampled_from(["M", "F", "X"])), expiry_date=expiry,
        optional_data=optional,
        optional_data_2=draw(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", max_size=11)) if fmt == "TD1" else "",
    )  # fmt: skip


@SETTINGS
@given(valid_fields())
def test_parse_of_make_gives_back_the_fields(fields: MRZFields) -> None:
    result = parse(make(fields), today=TODAY, repair=False)
    assert result.valid, result.errors
    assert result.fields() == fields
    assert parse(make(fields), today=TODAY).corrections == []  # a valid MRZ is never "repaired"
