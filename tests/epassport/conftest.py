"""Fixtures for the ePassport tests; the test PKI builder lives in epassport_pki.py beside this file."""

from __future__ import annotations

import pytest
from tests.epassport.epassport_pki import Pki

_PKI = Pki()


@pytest.fixture(scope="session")
def pki() -> Pki:
    """One test PKI per session (key generation is the slow part)."""
    return _PKI
