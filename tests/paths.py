"""Where the suite finds things outside the repository: the one place that reads ``OPENBMIS_TESTDATA``."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_testdata() -> Path:
    """Where ../shared/testdata lies (``OPENBMIS_TESTDATA`` overrides it)."""
    override = os.environ.get("OPENBMIS_TESTDATA")
    if override:
        return Path(override)
    return REPO_ROOT.parent / "shared" / "testdata"
