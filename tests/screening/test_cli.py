"""`openbmis screening match` end to end on small files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openbmis.cli.main import main

WATCHLIST = """id,name,birth_dates,countries,documents
W1,Ivan Petrovich Sidorov,1961-07-02,RU,passport:7512345:RUS
W2,Maria Garcia Lopez,,ES,
"""
QUERIES = """id,name,birth_date,nationality,sex
q1,Sidorov Ivan,1961-07-02,RUS,male
q2,Unrelated Person,,,
q3,Мария Гарсия Лопес,,,
"""


def test_match_writes_one_json_line_per_query(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "list.csv").write_text(WATCHLIST, encoding="utf-8")
    (tmp_path / "q.csv").write_text(QUERIES, encoding="utf-8")
    rc = main(
        [
            "screening",
            "match",
            "--watchlist",
            str(tmp_path / "list.csv"),
            "--queries",
            str(tmp_path / "q.csv"),
        ]
    )
    assert rc == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["id"] for x in lines] == ["q1", "q2", "q3"]
    assert [h["entry_id"] for h in lines[0]["hits"]] == ["W1"]
    assert lines[1]["hits"] == []
    assert [h["entry_id"] for h in lines[2]["hits"]] == ["W2"]
    hit = lines[0]["hits"][0]
    assert set(hit) == {"entry_id", "list", "name", "score", "explanation"}
    assert hit["list"] == "list" and hit["explanation"]["algorithm"] == "openbmis-names"


def test_threshold_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "list.csv").write_text(WATCHLIST, encoding="utf-8")
    (tmp_path / "q.csv").write_text("id,name\nq1,Sidorov Ivan\n", encoding="utf-8")
    args = [
        "screening",
        "match",
        "--watchlist",
        str(tmp_path / "list.csv"),
        "--queries",
        str(tmp_path / "q.csv"),
    ]
    assert main([*args, "--threshold", "0.99"]) == 0
    assert json.loads(capsys.readouterr().out)["hits"] == []
    assert main([*args, "--threshold", "2"]) == 2


def test_real_lists(testdata: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "q.csv").write_text("id,name\nq1,صدام حسين التكريتي\n", encoding="utf-8")
    wl = testdata / "watchlists"
    rc = main(["screening", "match", "--watchlist", str(wl / "un_sc" / "un_consolidated_2026-02-27.xml"),
               "--watchlist", str(wl / "ofac_sdn" / "sdn.csv"), "--queries", str(tmp_path / "q.csv"), "--limit", "50"])  # fmt: skip
    assert rc == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert {"un-sc", "ofac-sdn"} <= {h["list"] for h in hits}
    assert "SADDAM HUSSEIN AL-TIKRITI" in {h["name"] for h in hits}


def test_unreadable_watchlist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.txt").write_text("hello\n", encoding="utf-8")
    (tmp_path / "q.csv").write_text("id,name\n1,A\n", encoding="utf-8")
    rc = main(
        ["screening", "match", "--watchlist", str(tmp_path / "x.txt"), "--queries", str(tmp_path / "q.csv")]
    )
    assert rc == 2
    assert "cannot tell the watchlist format" in capsys.readouterr().err
