"""``openbmis mrz parse`` and ``openbmis mrz make`` through the console-script entry point."""

from __future__ import annotations

import io
import json

import pytest

from openbmis.cli.main import main

TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


def run(
    argv: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    return code, capsys.readouterr().out


def test_parse_prints_the_api_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(["mrz", "parse", "-", "--today", "2026-03-01"], TD3, monkeypatch, capsys)
    data = json.loads(out)
    assert code == 0
    assert (data["format"], data["document_number"], data["birth_date"], data["valid"]) == (
        "TD3",
        "L898902C3",
        "1974-08-12",
        True,
    )


def test_parse_jsonl_one_object_per_block(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = TD3 + "\n\n" + TD3.replace("\n", "") + "\n\nnot an mrz\n"
    code, out = run(["mrz", "parse", "--jsonl"], text, monkeypatch, capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["valid"] for r in rows] == [True, True, False]
    assert rows[2]["errors"][0]["code"] == "unrecognised_format"
    assert code == 1


def test_make_from_options_and_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    options = [
        "mrz", "make", "--format", "TD3", "--document-code", "P", "--issuing-state", "D",
        "--document-number", "C01X0006H", "--primary-identifier", "Mustermann", "--secondary-identifier", "Erika",
        "--nationality", "D", "--birth-date", "1964-08-12", "--sex", "F", "--expiry-date", "2017-10-31",
    ]  # fmt: skip
    code, out = run(options, "", monkeypatch, capsys)
    assert code == 0
    assert out.split() == [
        "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<",
        "C01X0006H1D<<6408125F1710319<<<<<<<<<<<<<<<0",
    ]
    fields = dict(zip([o[2:].replace("-", "_") for o in options[2::2]], options[3::2], strict=True))
    code, out_json = run(["mrz", "make", "--json", "-"], json.dumps(fields), monkeypatch, capsys)
    assert (code, out_json) == (0, out)


def test_make_reports_a_bad_field(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"format": "TD3", "issuing_state": "QQQ"}'))
    assert main(["mrz", "make", "--json", "-"]) == 1
    assert "invalid_fields" in capsys.readouterr().err
