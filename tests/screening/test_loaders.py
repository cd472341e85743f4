"""Loaders on the real list files, and on broken files written here (every bad row reported, nothing else
raised)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openbmis.screening import (
    FormatError,
    ScreeningError,
    detect_format,
    load_ftm_json,
    load_ofac_csv,
    load_template_csv,
    load_un_xml,
    load_watchlist,
)
from openbmis.screening.loaders import parse_remarks


def test_un_consolidated_list(testdata: Path) -> None:
    path = testdata / "watchlists" / "un_sc" / "un_consolidated_2026-02-27.xml"
    result = load_un_xml(path)
    assert result.ok
    kinds = [e.entity_type for e in result.entries]
    assert kinds.count("person") == 730 and kinds.count("organization") == 273  # README of the test data
    first = next(e for e in result.entries if e.id == "CDi.001")
    assert first.names == ("ERIC BADEGE",)
    assert [d.year for d in first.birth_dates] == [1971]
    assert first.countries == ("Democratic Republic of the Congo",)
    assert first.sex == "male"
    kakolele = next(e for e in result.entries if e.id == "CDi.002")
    assert "FRANK KAKORERE BWAMBALE" in kakolele.aliases


def test_un_original_script_names_kept(testdata: Path) -> None:
    variants = testdata / "watchlists" / "name_variants" / "un_sc_name_variant_groups.jsonl"
    expected = {}
    for line in variants.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        if d["name_original_script"]:
            expected[d["reference_number"]] = " ".join(d["name_original_script"].split())
    entries = {
        e.id: e
        for e in load_un_xml(testdata / "watchlists" / "un_sc" / "un_consolidated_2026-02-27.xml").entries
    }
    for ref, original in expected.items():
        names = {" ".join(n.split()) for n in entries[ref].names}
        assert original in names or original == entries[ref].names[0].strip(), ref


def test_ofac_sdn_with_alt_and_add(testdata: Path) -> None:
    folder = testdata / "watchlists" / "ofac_sdn"
    with (folder / "sdn.csv").open(encoding="utf-8", errors="replace", newline="") as fh:
        rows = [r for r in csv.reader(fh) if r]
    result = load_ofac_csv(folder / "sdn.csv")
    assert result.ok
    assert len(result.entries) == len(rows)
    by_id = {e.id: e for e in result.entries}
    assert "NATIONAL BANK OF CUBA" in by_id["306"].aliases  # alt.csv
    assert "BNC" in by_id["306"].aliases  # a.k.a. in remarks
    assert "Zweierstrasse 35, Zurich CH-8022, Switzerland" in by_id["306"].addresses  # add.csv line 3
    abbas = by_id["2674"]
    assert abbas.entity_type == "person" and abbas.family_names == ("ABBAS",)
    assert (abbas.birth_dates[0].year, abbas.birth_dates[0].month, abbas.birth_dates[0].day) == (1948, 12, 10)
    zawahiri = by_id["2676"]
    assert ("Passport", "1084010", "Egypt") in [(i.kind, i.number, i.country) for i in zawahiri.identifiers]
    assert load_watchlist(folder).entries == result.entries  # the folder works as well


def test_ftm_files(testdata: Path) -> None:
    folder = testdata / "watchlists" / "opensanctions_ftm"
    lines = (folder / "yente_zala_entities.ftm.json").read_text(encoding="utf-8").splitlines()
    screened = [json.loads(x) for x in lines if json.loads(x)["schema"] in {"Person", "Organization", "Company",
                                                                              "LegalEntity", "PublicBody", "Vessel", "Airplane"}]  # fmt: skip
    result = load_ftm_json(folder / "yente_zala_entities.ftm.json")
    assert result.ok
    assert len(result.entries) == len(screened)
    assert result.skipped == len(lines) - len(screened)
    t1 = load_ftm_json(folder / "yente_t1_entities.ftm.json")
    inter = next(e for e in t1.entries if e.id == "NK-2GdmHtZTeNXjNVrBGEXZNj")
    assert inter.entity_type == "organization" and "by" in inter.countries
    assert ("registrationNumber", "808000714") in [(i.kind, i.number) for i in inter.identifiers]


def test_ftm_yente_search_case(testdata: Path) -> None:
    from openbmis.screening import Query, ScreeningIndex

    folder = testdata / "watchlists" / "opensanctions_ftm"
    cases = json.loads((folder / "yente_cases.json").read_text(encoding="utf-8"))
    index = ScreeningIndex.from_entries(load_ftm_json(folder / "yente_zala_entities.ftm.json").entries)
    first = cases["search"][0]
    hits = index.search(Query(name=first["q"]))
    assert hits[0].entry_id == first["expected"]["results[0].id"]
    match = cases["match"][0]
    props = match["query"]["properties"]
    hits = index.search(Query(name=props["name"][0], countries=(props["country"],), entity_type="person"))
    assert hits[0].entry_id == match["expected"]["top_result_id"]
    assert hits[0].score > match["expected"]["name_based_score_gt"]
    multi = cases["match"][1]["query"]["properties"]["name"]
    assert index.search(Query(names=tuple(multi), entity_type="person"))


TEMPLATE = """id,name,aliases,birth_dates,countries,sex,documents,entity_type
N1,Jean Dupont,Jean Dupond;J. Dupont,1970-05-01,FR,male,passport:12AB34567:FRA,person
N2,,,,,,,
N3,Max Mustermann,,1970-13-01,DE,,,
N4,Erika Musterfrau,,,,female,passport-without-number,
N5,Ship One,,,,,imo:9929429,vessel
N1,Jean Dupont again,,,,,,
N6,Someone,,,,alien,,
"""


def test_template_reports_each_bad_row_by_line(tmp_path: Path) -> None:
    path = tmp_path / "national.csv"
    path.write_text(TEMPLATE, encoding="utf-8")
    assert detect_format(path) == "openbmis-csv"
    result = load_template_csv(path)
    assert [e.id for e in result.entries] == ["N1", "N5"]
    assert [(err.location, err.field) for err in result.errors] == [
        ("national.csv:3", "name"),
        ("national.csv:4", "birth_dates"),
        ("national.csv:5", "documents"),
        ("national.csv:7", "id"),
        ("national.csv:8", "sex"),
    ]
    n1 = result.entries[0]
    assert n1.aliases == ("Jean Dupond", "J. Dupont") and n1.identifiers[0].country == "FRA"


def test_template_header_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,name,colour\n1,A,red\n", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        load_template_csv(path)
    assert "colour" in err.value.found


def test_un_xml_bad_elements_and_dtd(tmp_path: Path) -> None:
    good = tmp_path / "un.xml"
    good.write_text(
        "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME>"
        "<REFERENCE_NUMBER>X.1</REFERENCE_NUMBER><INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE>"
        "<DATE>1970-02-31</DATE></INDIVIDUAL_DATE_OF_BIRTH></INDIVIDUAL><INDIVIDUAL><DATAID>2</DATAID>"
        "</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
        encoding="utf-8",
    )
    result = load_un_xml(good)
    assert [e.id for e in result.entries] == ["X.1"]
    assert [(e.location, e.field) for e in result.errors] == [("INDIVIDUAL[2] DATAID 2", "FIRST_NAME")]
    assert result.warnings and result.warnings[0].location == "INDIVIDUAL[1] X.1"
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><CONSOLIDATED_LIST/>', encoding="utf-8"
    )
    with pytest.raises(FormatError):
        load_un_xml(bomb)


def test_ofac_bad_rows(tmp_path: Path) -> None:
    (tmp_path / "sdn.csv").write_text(
        '1,"DOE, John","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 31 Feb 1970; Passport X123 (Utopia)."\n'
        'x,"BAD",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
        '3,"SHORT"\n'
        '4,"BOAT","submarine","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n',
        encoding="utf-8",
    )
    result = load_ofac_csv(tmp_path)
    assert [e.id for e in result.entries] == ["1"]
    assert [(e.location, e.field) for e in result.errors] == [
        ("sdn.csv:2", "ent_num"),
        ("sdn.csv:3", "row"),
        ("sdn.csv:4", "SDN_Type"),
    ]
    assert [w.location for w in result.warnings] == ["sdn.csv:1"]


def test_parse_remarks() -> None:
    parsed = parse_remarks(
        "DOB 17 Apr 1993; POB Russian Federation; nationality Russia; Email Address khoroshev1@icloud.com; "
        "Gender Male; Passport 2018278055 (Russia); alt. Passport 2006801524 (Russia); a.k.a. 'LOCKBITSUPP'."
    )
    assert parsed["dob"] == ["17 Apr 1993"]
    assert parsed["nationality"] == ["Russia"]
    assert parsed["gender"] == ["Male"]
    assert parsed["aka"] == ["LOCKBITSUPP"]
    assert parsed["id"] == [
        "Email Address|khoroshev1@icloud.com|",
        "Passport|2018278055|Russia",
        "Passport|2006801524|Russia",
    ]


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.text(max_size=300))
def test_template_never_raises_other_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,name,birth_dates,documents,sex,entity_type\n" + text, encoding="utf-8")
    try:
        load_template_csv(path)
    except ScreeningError:
        pass


@FUZZ
@given(st.lists(st.one_of(st.text(max_size=80), st.builds(json.dumps, st.dictionaries(
    st.sampled_from(["id", "schema", "properties"]),
    st.one_of(st.text(max_size=10), st.sampled_from(["Person", "Vessel"]),
              st.dictionaries(st.sampled_from(["name", "birthDate", "alias"]), st.lists(st.text(max_size=12)))),
)))))  # fmt: skip
def test_ftm_never_raises_other_errors(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "f.json"
    path.write_text("\n".join(x.replace("\n", " ") for x in lines), encoding="utf-8")
    try:
        load_ftm_json(path)
    except ScreeningError:
        pass


@FUZZ
@given(st.binary(max_size=400))
def test_un_xml_never_raises_other_errors(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "u.xml"
    path.write_bytes(b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>" + data)
    try:
        load_un_xml(path)
    except ScreeningError:
        pass


@FUZZ
@given(st.text(max_size=400))
def test_ofac_never_raises_other_errors(tmp_path: Path, text: str) -> None:
    (tmp_path / "sdn.csv").write_text(text, encoding="utf-8")
    (tmp_path / "alt.csv").write_text(text[::-1], encoding="utf-8")
    try:
        load_ofac_csv(tmp_path)
    except ScreeningError:
        pass
