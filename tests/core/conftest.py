"""Fixtures of the core tests."""

from __future__ import annotations

import pytest

from openbmis.core import sealing


@pytest.fixture
def keys(settings, tmp_path):
    """A data key file of the test's own (rotation writes to it); the cached keys are dropped before and after."""
    settings.OPENBMIS_DATA_KEYS_FILE = tmp_path / "keys" / "data_keys.json"
    sealing.forget()
    yield settings.OPENBMIS_DATA_KEYS_FILE
    sealing.forget()
