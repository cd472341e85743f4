"""Shared data of the PAXLST tests: the CBP/IATA D.05B sample of ../shared/testdata/paxlst."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def cases(testdata: Path) -> dict[str, Any]:
    path = testdata / "paxlst" / "paxlst_cases.json"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def d05b(cases: dict[str, Any]) -> str:
    """The two-leg D.05B sample (DOE JOHN WAYNE, UA123 YVR-JFK, UA124 JFK-ATL)."""
    return next(c for c in cases["inline_cases"] if c["id"] == "pydifact_tokenisation_paxlst_d05b")["message"]
