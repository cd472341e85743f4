"""Every message of ../shared/testdata/paxlst, with the answers its sources give."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from openbmis.paxlst import parse, tokenize


def _as_upstream(elements: tuple[tuple[str, ...], ...]) -> list[Any]:
    return [comps[0] if len(comps) == 1 else list(comps) for comps in elements]


@pytest.mark.parametrize("case_id", ["pydifact_tokenisation_paxlst_d05b", "pydifact_tokenisation_paxlst_d02b_wco"])
def test_tokenisation_matches_pydifact(cases: dict[str, Any], case_id: str) -> None:
    case = next(c for c in cases["inline_cases"] if c["id"] == case_id)
    _delims, una, segments, _tail = tokenize(case["message"])
    expected = case["expected_segments_upstream"]
    offset = 1 if una else 0  # pydifact counts UNA as segment 0
    assert una == (expected[0]["tag"] == "UNA")
    for exp in expected:
        if exp["tag"] == "UNA":
            continue
        seg = segments[exp["index"] - offset]
        assert seg.tag == exp["tag"]
        got = _as_upstream(seg.elements)
        assert got == exp["elements"], (exp["tag"], got)


def test_d05b_every_flight_leg_and_person(cases: dict[str, Any], d05b: str) -> None:
    case = next(c for c in cases["inline_cases"] if c["id"] == "pydifact_tokenisation_paxlst_d05b")
    expected = case["expected_manifest_derived"]
    result = parse(d05b)
    assert result.errors == [], result.errors
    assert len(result.messages) == 1
    message = result.messages[0]
    assert message.kind == "passengers" and message.function == "new"
    assert message.version == "D05B" and message.group_reference == "100"
    assert (message.carrier, message.flight) == ("UA", "UA123")
    assert len(message.legs) == len(expected["flights"])
    for leg, flight in zip(message.legs, expected["flights"], strict=True):
        assert (leg.carrier, leg.flight) == (flight["carrier"], flight["flight"])
        assert (leg.origin, leg.departure) == (flight["origin"], flight["departure"])
        assert (leg.destination, leg.arrival) == (flight["destination"], flight["arrival"])
    assert message.declared_count == expected["cnt_42_passenger_total"] == len(message.persons)
    person, exp = message.persons[0], expected["passengers"][0]
    assert person.surname == exp["surname"]
    assert person.given_names.split() == exp["given_names"]
    assert (person.sex, person.birth_date, person.nationality) == (exp["sex"], exp["dob"], exp["nationality"])
    assert (person.embarkation, person.debarkation) == (exp["embark"], exp["debark"])
    assert person.first_arrival == "JFK" and person.residence == exp["country_of_residence"]
    assert person.reservation == "ABC123" and person.seat == exp["seat"]
    assert person.bags is not None and person.bags.count == 3 and person.bags.tags == ["UA123456"]
    (doc,) = person.documents
    assert (doc.type, doc.number, doc.expiry_date, doc.issuing_state) == (
        exp["document"]["type"],
        exp["document"]["number"],
        exp["document"]["expiry"],
        exp["document"]["issuing_country"],
    )
    assert person.address == "20 MAIN ST, ANYCITY, VA, 10053, USA"
    assert person.role == "passenger" and person.segment == 18


def _xml_text(root: ET.Element, path: str) -> str:
    node = root.find(path)
    assert node is not None, path
    return (node.text or "").strip()


@pytest.mark.parametrize("name", ["d03b_PAXLST_message_01.edi", "examples_to-xml_PAXLST.edi"])
def test_smooks_d03b_land_manifest(testdata: Path, name: str) -> None:
    """Smooks' expected parse (release characters resolved), as far as our model carries it."""
    folder = testdata / "paxlst" / "smooks"
    xml = ET.parse(folder / "d03b_PAXLST_expected_01.xml").getroot()  # noqa: S314 - our own test data
    result = parse((folder / name).read_bytes())
    assert result.errors == [], result.errors
    assert result.sender == _xml_text(xml, "UNB/sender/id")
    assert result.reference == _xml_text(xml, "UNB/controlRef")
    assert result.application == _xml_text(xml, "UNB/applicationRef")
    (message,) = result.messages
    assert message.reference == _xml_text(xml, "group/interchangeMessage/UNH/messageRefNum")
    assert message.version == "D03B" and message.group_reference == "16"
    pax = xml.find("group/interchangeMessage/PAXLST")
    assert pax is not None
    bgm = "Beginning_of_message/"
    assert message.document_code == _xml_text(pax, bgm + "DOCUMENT_MESSAGE_NAME/Document_name_code")
    assert message.document_id == _xml_text(pax, bgm + "DOCUMENT_MESSAGE_IDENTIFICATION/Document_identifier")
    assert message.function_code == _xml_text(pax, bgm + "Message_function_code") == "4"
    assert message.function == "change"
    (leg,) = message.legs
    assert leg.carrier == _xml_text(pax, "Segment_group_2/Transport_information/CARRIER/Carrier_identifier")
    assert leg.arrival == "2004-12-30"
    (person,) = message.persons
    sg4 = "Segment_group_4/"
    assert person.party_code == "VW" and person.role == "crew"
    assert person.surname == _xml_text(pax, sg4 + "Name_and_address/PARTY_NAME/Party_name_-_-1")
    assert person.given_names == _xml_text(pax, sg4 + "Name_and_address/PARTY_NAME/Party_name_-_-2")
    street = "11107 SUNSET HILL'S ROAD" if name.startswith("d03b") else "11107 SUNSET HILLS ROAD"
    assert person.address is not None and person.address.startswith(street + ", RESTON")
    # ATT+2++M*M*M*M*M: syntax version 4's repetition separator; the first repetition is the sex
    assert person.sex == "M"
    assert person.birth_date == "1935-09-19"
    assert person.nationality == "US"
    assert [(d.type, d.number, d.issuing_state) for d in person.documents] == [
        ("5K", "P100971204141", "US"),
        ("39", "15504141", "US"),
    ]


def test_smooks_release_character_in_group_header(testdata: Path) -> None:
    _d, _una, segments, _t = tokenize((testdata / "paxlst" / "smooks" / "d03b_PAXLST_message_01.edi").read_text())
    ung = next(s for s in segments if s.tag == "UNG")
    assert ung.value(3, 1) == "CBP-A+CE-TEST"
