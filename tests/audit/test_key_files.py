"""Key files made once by whichever process comes first: the others never read one half written."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from openbmis.audit import anchors

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="starts processes with fork")


def _public_key(path: str, barrier, results) -> None:
    from pathlib import Path

    from cryptography.hazmat.primitives import serialization

    barrier.wait()  # every process looks for the missing key at the same moment
    try:
        key = anchors.load_or_create_signing_key(Path(path))
        results.put(key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex())
    except Exception as error:  # noqa: BLE001 - what a process met is what the test reports
        results.put(f"error: {error!r}")


def _secret(path: str, barrier, results) -> None:
    from pathlib import Path

    barrier.wait()
    try:
        results.put(anchors.load_or_create_secret(Path(path)).hex())
    except Exception as error:  # noqa: BLE001
        results.put(f"error: {error!r}")


@pytest.mark.parametrize("make", [_public_key, _secret], ids=["signing key", "chain key"])
def test_processes_starting_together_share_one_key(tmp_path, make):
    context = multiprocessing.get_context("fork")
    for round_ in range(15):
        path = str(tmp_path / f"round-{round_}" / "key")
        barrier, results = context.Barrier(8), context.Queue()
        processes = [context.Process(target=make, args=(path, barrier, results)) for _ in range(8)]
        for process in processes:
            process.start()
        seen = [results.get(timeout=60) for _ in processes]
        for process in processes:
            process.join(timeout=60)
        assert len(set(seen)) == 1 and not seen[0].startswith("error"), (round_, seen)
