"""Fixtures for the trust-store app: the generated test PKI of tests/epassport (CSCAs, DSCs, CRLs, SODs)."""

from __future__ import annotations

import pytest

# --import-mode=importlib: make the shared PKI builder importable (it lives beside the library's tests).
from tests.epassport.epassport_pki import Pki

_PKI = Pki()


@pytest.fixture(scope="session")
def pki() -> Pki:
    """One test PKI per session (key generation is the slow part)."""
    return _PKI


