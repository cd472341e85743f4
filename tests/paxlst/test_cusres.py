"""CUSRES acknowledgements: well-formed interchanges, one ERP/ERC/FTX per error."""

from __future__ import annotations

from datetime import datetime

from openbmis.paxlst import parse, tokenize, write_cusres

WHEN = datetime(2026, 5, 1, 12, 0)


def _segments(text: str) -> list:
    _d, una, segments, tail = tokenize(text)
    assert una and tail == ""
    return segments


def test_accepted(d05b: str) -> None:
    received = parse(d05b)
    text = write_cusres(received, sender="OPENBMIS", reference="77", prepared=WHEN)
    segs = _segments(text)
    tags = [s.tag for s in segs]
    assert tags[0] == "UNB" and tags[-1] == "UNZ" and "ERP" not in tags
    unh, unt = tags.index("UNH"), tags.index("UNT")
    assert segs[unh].value(2, 1) == "CUSRES"
    assert int(segs[unt].value(1)) == unt - unh + 1
    bgm = segs[tags.index("BGM")]
    assert (bgm.value(1), bgm.value(3)) == ("312", "29")
    assert segs[0].value(3) == "APIS*ABE"  # back to the sender of the manifest
    assert any(s.tag == "RFF" and s.value(1, 1) == "AF" and s.value(1, 2) == "UA123" for s in segs)
    assert any(s.tag == "RFF" and s.value(1, 2) == "000000001" for s in segs)


def test_rejected_lists_every_error(d05b: str) -> None:
    received = parse(d05b.replace("UNT+35", "UNT+30").replace("ATT+2++M", "ATT+2++Q"))
    assert len(received.errors) == 2
    segs = _segments(write_cusres(received, sender="OPENBMIS", reference="78", prepared=WHEN))
    erps = [s for s in segs if s.tag == "ERP"]
    assert [s.value(2) for s in erps] == [str(e.segment) for e in received.errors]
    ftx = [s.value(4, 1) for s in segs if s.tag == "FTX"]
    assert any("ATT segment 19 element 3" in t for t in ftx)  # release characters survive the round trip
    assert segs[[s.tag for s in segs].index("BGM")].value(3) == "27"
    # the acknowledgement itself is a valid interchange: its own envelope counts check out
    unt = next(s for s in segs if s.tag == "UNT")
    unh = next(s for s in segs if s.tag == "UNH")
    assert int(unt.value(1)) == unt.position - unh.position + 1
