"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def testdata_root() -> Path:
    """Where ../shared/testdata lies (OPENBMIS_TESTDATA overrides it)."""
    override = os.environ.get("OPENBMIS_TESTDATA")
    if override:
        return Path(override)
    return REPO_ROOT.parent / "shared" / "testdata"


@pytest.fixture(scope="session")
def testdata() -> Path:
    """The external test data folder; tests that need it skip with a reason when it is absent."""
    root = testdata_root()
    if not root.is_dir():
        pytest.skip(f"external test data not found at {root} (set OPENBMIS_TESTDATA)")
    return root
