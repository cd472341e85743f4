"""``openbmis paxlst parse FILE --json``: the JSON object and the exit status (0 valid, 1 errors, 2 unreadable)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from openbmis.cli.main import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["paxlst", "parse", *args])
    return code, capsys.readouterr().out


def test_valid_file(tmp_path: Path, d05b: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.edi"
    path.write_text(d05b)
    code, out = _run(capsys, str(path), "--json")
    data = json.loads(out)
    assert code == 0 and data["errors"] == []
    (message,) = data["messages"]
    assert (message["kind"], message["carrier"], message["flight"]) == ("passengers", "UA", "UA123")
    assert message["legs"][0] == {"flight": "UA123", "carrier": "UA", "origin": "YVR", "destination": "JFK",
                                  "departure": "2007-04-29T12:30", "arrival": "2007-04-29T16:00"}
    person = message["persons"][0]
    for key in ("surname", "given_names", "sex", "birth_date", "nationality", "embarkation", "debarkation",
                "documents", "bags", "reservation", "seat"):
        assert key in person
    assert person["documents"][0]["number"] == "MB140241" and person["bags"]["count"] == 3


def test_errors_exit_1(tmp_path: Path, d05b: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.edi"
    path.write_text(d05b.replace("DTM+329:570121", "DTM+329:579921"))
    code, out = _run(capsys, str(path), "--json")
    assert code == 1
    assert json.loads(out)["errors"][0] | {"message": ""} == {
        "segment": 20, "tag": "DTM", "element": 1, "component": 2, "code": "date", "message": ""}


def test_stdin_unreadable_exit_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"not edifact at all")))
    code, out = _run(capsys, "-", "--json")
    assert code == 2 and json.loads(out)["messages"] == [] and json.loads(out)["errors"]


def test_missing_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, str(tmp_path / "absent.edi"), "--json")
    assert code == 2 and json.loads(out)["errors"][0]["code"] == "io"
