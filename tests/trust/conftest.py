"""Fixtures for the trust-store app: the generated test PKI of tests/epassport (CSCAs, DSCs, CRLs, SODs)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# --import-mode=importlib: make the shared PKI builder importable (it lives beside the library's tests).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "epassport"))

from epassport_pki import Pki  # noqa: E402

_PKI = Pki()


@pytest.fixture(scope="session")
def pki() -> Pki:
    """One test PKI per session (key generation is the slow part)."""
    return _PKI


@pytest.fixture
def admin(make_user):
    """A national administrator."""
    return make_user("administrator", None)
