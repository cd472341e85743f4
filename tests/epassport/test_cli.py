"""``openbmis epassport verify``: JSON shape and exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openbmis.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["epassport", "verify", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_exit_codes_and_shape(testdata: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = testdata / "epassport" / "pymrtd"
    sod = str(d / "etsi_tr103200_EACAA_EF_SOD.bin")
    dg1 = f"1={d / 'etsi_tr103200_EACAA_EF_DG1.bin'}"
    trust = str(d / "dsc_de_0130846f2b3e.cer")
    code, out = run(capsys, "--sod", sod, "--dg", dg1, "--trust", trust, "--at", "2012-01-01T00:00:00Z")
    assert code == 0 and out["valid"] is True
    assert set(out) == {"valid", "steps", "data_groups", "signer", "errors"}
    assert all(set(s) == {"name", "status", "detail"} for s in out["steps"])
    assert out["data_groups"]["1"] == {"status": "match", "hash_algorithm": "sha256"}
    assert out["data_groups"]["15"]["status"] == "not_provided"
    assert set(out["signer"]) == {"subject", "serial", "not_before", "not_after"}
    bad_dg = f"1={d / 'negative' / 'etsi_EF_DG1_country_changed_D_to_ES.bin'}"
    code, out = run(capsys, "--sod", sod, "--dg", bad_dg, "--trust", trust, "--at", "2012-01-01")
    assert code == 1 and out["data_groups"]["1"]["status"] == "mismatch"
    code, out = run(capsys, "--sod", str(d / "negative" / "sod_trailing_byte.bin"))
    assert code == 2 and out["errors"][0]["code"] == "trailing_data"
    bad_dg15 = f"15={d / 'negative' / 'etsi_EAC_LDS_I01_EF_DG15_wrong_tag70.bin'}"
    code, out = run(capsys, "--sod", sod, "--dg", bad_dg15, "--trust", trust, "--at", "2012-01-01")
    assert code == 2 and any(e.get("code") == "bad_tag" for e in out["errors"])


def test_bad_arguments_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "--sod", str(tmp_path / "missing.bin"))
    assert code == 2 and out["errors"][0]["code"] == "bad_input"
