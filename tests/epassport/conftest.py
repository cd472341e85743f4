"""Fixtures for the ePassport tests; the test PKI builder lives in epassport_pki.py beside this file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: make the helper module importable

from epassport_pki import Pki  # noqa: E402

_PKI = Pki()


@pytest.fixture(scope="session")
def pki() -> Pki:
    """One test PKI per session (key generation is the slow part)."""
    return _PKI
