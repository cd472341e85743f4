"""Negatives: every broken variant of the D.05B sample is refused with a named error."""

from __future__ import annotations

import pytest

from openbmis.paxlst import PaxlstError, parse


def _errors(text: str) -> list[tuple[int | None, str | None, int | None, str]]:
    return [(e.segment, e.tag, e.element, e.code) for e in parse(text).errors]


def _replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


# (id, old, new, expected (segment, tag, element, code) among the errors)
NEGATIVES = [
    ("unt_count", "UNT+35+PAX001", "UNT+34+PAX001", (37, "UNT", 1, "count")),
    ("unt_reference", "UNT+35+PAX001", "UNT+35+PAX002", (37, "UNT", 2, "reference")),
    ("cnt_count", "CNT+42:1", "CNT+42:2", (36, "CNT", 1, "count")),
    ("une_count", "UNE+1+100", "UNE+2+100", (38, "UNE", 1, "count")),
    ("une_reference", "UNE+1+100", "UNE+1+101", (38, "UNE", 2, "reference")),
    ("unz_count", "UNZ+1+000000001", "UNZ+3+000000001", (39, "UNZ", 1, "count")),
    ("unz_reference", "UNZ+1+000000001", "UNZ+1+000000002", (39, "UNZ", 2, "reference")),
    ("birth_date", "DTM+329:570121", "DTM+329:571321", (20, "DTM", 1, "date")),
    ("departure", "DTM+189:0704291230:201", "DTM+189:0704291290:201", (10, "DTM", 1, "date")),
    ("date_format", "DTM+36:081021", "DTM+36:081021:999", (34, "DTM", 1, "date")),
    ("sex", "ATT+2++M", "ATT+2++Q", (19, "ATT", 3, "code")),
    ("nationality", "NAT+2+CAN", "NAT+2+C4N", (27, "NAT", 2, "code")),
    ("no_surname", "NAD+FL+++DOE:JOHN:WAYNE", "NAD+FL+++:JOHN:WAYNE", (18, "NAD", 4, "missing_element")),
    ("no_document_number", "DOC+P:110:111+MB140241", "DOC+P:110:111", (33, "DOC", 2, "missing_element")),
    ("no_flight_number", "TDT+20+UA123+++UA", "TDT+20++++UA", (8, "TDT", 2, "missing_element")),
    ("bgm_function", "BGM+745'", "BGM+745++77'", (4, "BGM", 3, "code")),
    ("version", "PAXLST:D:05B:UN:IATA", "PAXLST:D:99B:UN:IATA", (3, "UNH", 2, "unsupported")),
    ("message_type", "PAXLST:D:05B:UN:IATA", "PNRGOV:D:05B:UN:IATA", (3, "UNH", 2, "unsupported")),
    ("syntax", "UNB+UNOA:4", "UNB+XXXX:4", (1, "UNB", 1, "invalid")),
    ("charset", "DOE:JOHN", "DOÉ:JOHN", (1, "UNB", 1, "charset")),
    ("cnt_qualifier", "CNT+42:1", "CNT+99:1", (36, "CNT", 1, "code")),
]


@pytest.mark.parametrize(("old", "new", "expected"), [c[1:] for c in NEGATIVES], ids=[c[0] for c in NEGATIVES])
def test_negative_named(d05b: str, old: str, new: str, expected: tuple) -> None:
    errors = _errors(_replace(d05b, old, new))
    assert expected in errors, errors


def test_valid_sample_has_no_errors(d05b: str) -> None:
    assert _errors(d05b) == []


def test_missing_bgm_is_named(d05b: str) -> None:
    text = _replace(_replace(d05b, "BGM+745'\n", ""), "UNT+35", "UNT+34")
    errors = parse(text).errors
    assert any(e.tag == "BGM" and e.code == "missing_segment" for e in errors), errors


def test_segment_out_of_order(d05b: str) -> None:
    """A document before its person: DOC is not expected between the legs and the first NAD."""
    text = _replace(d05b, "NAD+FL+++DOE", "DOC+P+X1'\nNAD+FL+++DOE")
    text = _replace(text, "UNT+35", "UNT+36")
    errors = parse(text).errors
    assert [(e.segment, e.tag, e.code) for e in errors] == [(18, "DOC", "unexpected_segment")]


def test_too_many_documents(d05b: str) -> None:
    extra = "DOC+P+X1'\n" * 5
    text = _replace(_replace(d05b, "CNT+42:1", extra + "CNT+42:1"), "UNT+35", "UNT+40")
    errors = parse(text).errors
    assert [(e.tag, e.code) for e in errors] == [("DOC", "too_many")]


def test_missing_transport_group(d05b: str) -> None:
    start, end = d05b.index("TDT+20+UA123"), d05b.index("NAD+FL")
    text = _replace(d05b[:start] + d05b[end:], "UNT+35", "UNT+25")
    errors = parse(text).errors
    assert any(e.tag == "TDT" and e.code == "missing_segment" for e in errors), errors


def test_missing_trailers(d05b: str) -> None:
    text = d05b[: d05b.index("UNT+")]
    errors = parse(text).errors
    tags = {(e.tag, e.code) for e in errors}
    assert {("UNT", "missing_segment"), ("UNE", "missing_segment"), ("UNZ", "missing_segment")} <= tags


def test_segment_after_unz(d05b: str) -> None:
    errors = parse(d05b + "\nBGM+745'").errors
    assert [(e.segment, e.tag, e.code) for e in errors] == [(40, "BGM", "unexpected_segment")]


def test_unterminated_last_segment(d05b: str) -> None:
    errors = parse(d05b.rstrip("'")).errors
    assert any(e.code == "syntax" for e in errors)


def test_several_messages_in_a_group(d05b: str) -> None:
    body = d05b[d05b.index("UNH+") : d05b.index("UNE+")]
    second = body.replace("PAX001", "PAX002").replace("BGM+745'", "BGM+250'").replace("NAD+FL", "NAD+FM")
    second = second.replace("CNT+42", "CNT+41")
    text = d05b.replace(body, body + second).replace("UNE+1+100", "UNE+2+100")
    result = parse(text)
    assert result.errors == []
    assert [m.kind for m in result.messages] == ["passengers", "crew"]
    assert result.messages[1].persons[0].role == "crew"


@pytest.mark.parametrize(
    ("bgm", "function"),
    [("BGM+745'", "new"), ("BGM+745++9'", "new"), ("BGM+745+CP'", "change"), ("BGM+745++5'", "change"),
     ("BGM+745+XR'", "cancel"), ("BGM+745++1'", "cancel")],
)
def test_function_codes(d05b: str, bgm: str, function: str) -> None:
    result = parse(_replace(d05b, "BGM+745'", bgm))
    assert result.errors == [] and result.messages[0].function == function


def test_messages_without_group(d05b: str) -> None:
    start = d05b.index("UNG+")
    text = d05b[:start] + d05b[d05b.index("UNH+") :]
    text = text.replace("UNE+1+100'\n", "")
    result = parse(text)
    assert result.errors == [] and result.messages[0].group_reference is None


def test_default_delimiters_without_una(d05b: str) -> None:
    result = parse(d05b[d05b.index("UNB+") :])
    assert result.errors == [] and result.messages[0].persons[0].surname == "DOE"


def test_custom_una(d05b: str) -> None:
    text = d05b[d05b.index("UNB+") :].replace("+", "|").replace(":", "^").replace("'", "~")
    result = parse("UNA^|.? ~" + text)
    assert result.errors == [] and result.messages[0].legs[1].destination == "ATL"


def test_release_character_in_name(d05b: str) -> None:
    result = parse(_replace(d05b, "DOE:JOHN", "O?'BRIEN?+X:JOHN"))
    assert result.errors == [] and result.messages[0].persons[0].surname == "O'BRIEN+X"


CEDIPAX = (
    "UNA:+.? 'UNB+UNOA:1+SAMPLAIR:NZ+USCS:US+020131:2359+0201312359++CEDIPAX+A+++0'"
    "UNG+PAXLST+SAMPLECOMM:NZ+TECS:US+020131:2359+0201312359+NZ+001:000'"
    "UNH+0201312359+PAXLST:001:000:NZ+SA812/020131/2300'TDT++SA812+40+SA'UNS+D'"
    "PDT+P/182345345:990909:US+MANGUS:SIMON:P:5'UNT+5+0201312359'UNE+1+0201312359'UNZ+1+0201312359'"
)


def test_cedipax_refused_not_misread() -> None:
    with pytest.raises(PaxlstError) as caught:
        parse(CEDIPAX)
    assert caught.value.code == "cedipax" and caught.value.tag == "UNB"
    with pytest.raises(PaxlstError) as caught:
        parse(CEDIPAX.replace("++CEDIPAX+", "++X+"))
    assert caught.value.code == "cedipax" and caught.value.tag == "UNH"


@pytest.mark.parametrize("text", ["", "   ", "hello world", "UNA:+", "<xml/>'", "BGM+745'NAD+FL'"])
def test_unreadable(text: str) -> None:
    with pytest.raises(PaxlstError):
        parse(text)


def test_bytes_latin1(d05b: str) -> None:
    result = parse(_replace(d05b, "UNOA", "UNOC").replace("DOE:JOHN", "DOÉ:JOHN").encode("latin-1"))
    assert result.errors == [] and result.messages[0].persons[0].surname == "DOÉ"


@pytest.mark.parametrize("release", ["02B", "12B", "15B"])
def test_other_releases_read_alike(d05b: str, release: str) -> None:
    result = parse(d05b.replace("D:05B", f"D:{release}"))
    assert result.errors == []
    assert [m.version for m in result.messages] == [f"D{release}"]
    assert result.messages[0].persons[0].surname == "DOE"


def test_crew_employment_category_is_read(d05b: str) -> None:
    crew = (d05b.replace("BGM+745'", "BGM+250'").replace("NAD+FL", "NAD+FM").replace("CNT+42", "CNT+41")
            .replace("NAT+2+CAN'", "EMP+1+CR1:110:111'NAT+2+CAN'"))
    result = parse(crew.replace("UNT+35+", "UNT+36+"))
    assert result.errors == []
    (person,) = result.messages[0].persons
    assert (person.role, person.employment) == ("crew", "CR1")
    assert person.to_dict()["employment"] == "CR1"
