"""Hypothesis: garbage never crashes the reader (only PaxlstError), and generated manifests round-trip."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openbmis.paxlst import (
    Bags,
    Document,
    Interchange,
    Leg,
    Message,
    PaxlstError,
    Person,
    parse,
    write_paxlst,
)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EDI_ALPHABET = "UNBGHTZAEDOCLFMRSXP0123456789:+?' .\n*-/"


def _read(data: str | bytes) -> Interchange | None:
    try:
        result = parse(data)
    except PaxlstError:
        return None
    for issue in result.errors:
        assert issue.message and isinstance(issue.segment, int | type(None))
    result.to_dict()
    return result


@SETTINGS
@given(st.text())
def test_any_text(text: str) -> None:
    _read(text)


@SETTINGS
@given(st.binary())
def test_any_bytes(data: bytes) -> None:
    _read(data)


@SETTINGS
@given(st.text(alphabet=EDI_ALPHABET, max_size=400))
def test_edifact_like_text(text: str) -> None:
    _read("UNB+UNOA:4+A+B+070429:0900+1'UNH+1+PAXLST:D:05B:UN'" + text)


@SETTINGS
@given(data=st.data())
def test_mutated_sample(d05b: str, data: st.DataObject) -> None:
    """Characters deleted, replaced or inserted anywhere in a valid message."""
    text = d05b
    for _ in range(data.draw(st.integers(1, 6))):
        pos = data.draw(st.integers(0, len(text)))
        op = data.draw(st.sampled_from(["del", "ins", "rep"]))
        char = data.draw(st.sampled_from(list("+:?'*A09 \n")))
        if op == "del":
            text = text[:pos] + text[pos + 1 :]
        elif op == "ins":
            text = text[:pos] + char + text[pos:]
        else:
            text = text[:pos] + char + text[pos + 1 :]
    _read(text)


@SETTINGS
@given(data=st.data())
def test_segments_shuffled(d05b: str, data: st.DataObject) -> None:
    segments = d05b.split("'\n")
    order = data.draw(st.permutations(range(len(segments))))
    _read("'\n".join(segments[i] for i in order))


NAME = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ'-?+:", min_size=1, max_size=20).filter(
    lambda s: s.strip() == s and "  " not in s
)
CODE3 = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)
DAY = st.dates(min_value=date(1920, 1, 1), max_value=date(2040, 12, 31)).map(date.isoformat)
MOMENT = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)).map(
    lambda d: d.strftime("%Y-%m-%dT%H:%M")
)


@st.composite
def persons(draw: st.DrawFn) -> Person:
    given_names = draw(st.lists(NAME.filter(lambda s: " " not in s), max_size=3))
    crew = draw(st.booleans())
    return Person(
        role="crew" if crew else "passenger",
        party_code="FM" if crew else "FL",
        surname=draw(NAME),
        given_names=" ".join(given_names),
        sex=draw(st.sampled_from(["M", "F", "X", None])),
        birth_date=draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2020, 1, 1)).map(date.isoformat)),
        nationality=draw(CODE3),
        embarkation=draw(CODE3),
        debarkation=draw(CODE3),
        employment=draw(st.sampled_from(["CR1", "CR2", None])) if crew else None,
        documents=[
            Document(type=draw(st.sampled_from(["P", "I", "V"])), number=draw(st.from_regex(r"[A-Z0-9]{5,12}", fullmatch=True)),
                     issuing_state=draw(CODE3), expiry_date=draw(DAY))
            for _ in range(draw(st.integers(0, 2)))
        ],
        bags=draw(st.one_of(st.none(), st.builds(Bags, count=st.integers(0, 9), weight=st.integers(1, 90).map(float)))),
        reservation=draw(st.one_of(st.none(), st.from_regex(r"[A-Z0-9]{6}", fullmatch=True))),
        seat=draw(st.one_of(st.none(), st.from_regex(r"[0-9]{1,2}[A-K]", fullmatch=True))),
    )


@st.composite
def messages(draw: st.DrawFn) -> Message:
    kind = draw(st.sampled_from(["passengers", "crew"]))
    legs = [
        Leg(flight=draw(st.from_regex(r"[A-Z]{2}[0-9]{1,4}", fullmatch=True)), carrier="", origin=draw(CODE3),
            destination=draw(CODE3), departure=draw(MOMENT), arrival=draw(MOMENT))
        for _ in range(draw(st.integers(1, 3)))
    ]
    for leg in legs:
        leg.carrier = leg.flight[:2]
    return Message(kind=kind, function=draw(st.sampled_from(["new", "change", "cancel"])), legs=legs,
                   persons=draw(st.lists(persons(), max_size=6)))


@settings(max_examples=150, deadline=None)
@given(st.lists(messages(), min_size=1, max_size=3), st.booleans(), st.booleans())
def test_round_trip(originals: list[Message], group: bool, newlines: bool) -> None:
    text = write_paxlst(originals, sender="XYZ", recipient="OPENBMIS", reference="42",
                        prepared=datetime(2026, 1, 2, 3, 4), group=group, newlines=newlines)
    result = parse(text)
    assert result.errors == [], result.errors
    assert len(result.messages) == len(originals)
    for got, want in zip(result.messages, originals, strict=True):
        assert (got.kind, got.function) == (want.kind, want.function)
        assert [leg.to_dict() for leg in got.legs] == [leg.to_dict() for leg in want.legs]
        assert len(got.persons) == len(want.persons)
        for p, q in zip(got.persons, want.persons, strict=True):
            for field in ("role", "surname", "given_names", "sex", "birth_date", "nationality", "embarkation",
                          "debarkation", "reservation", "seat"):
                assert getattr(p, field) == getattr(q, field), field
            assert [d.to_dict() for d in p.documents] == [d.to_dict() for d in q.documents]
            assert (p.bags.to_dict() if p.bags else None) == (q.bags.to_dict() if q.bags else None)
