"""Cost of sealing identifiers at rest (issue 14), beside what the same value costs to write as JSON.

Run: .venv/bin/python bench/bench_sealing.py [--quick]   (a temporary data directory and key file). One process,
N calls each, best of 3:
- baseline: ``json.dumps`` of an inspection's parsed document (what storing it as JSON costs anyway);
- seal / unseal: AES-256-GCM of that JSON text under the current key, with the column as associated data;
- blind index: HMAC-SHA256 of a normalised document number (and of its confusable key).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable


def best_of(count: int, call: Callable[[], object]) -> float:
    """Microseconds per call, the best of three runs of ``count`` calls."""
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(count):
            call()
        runs.append((time.perf_counter() - started) / count * 1e6)
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    count = 2000 if args.quick else 20000
    os.environ["OPENBMIS_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-sealing-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "openbmis.server.settings"
    import django

    django.setup()
    from openbmis.core import sealing

    document = {"format": "TD3", "document_code": "P", "issuing_state": "KEN", "document_number": "X1234567",
                "primary_identifier": "ODHIAMBO", "secondary_identifier": "AMINA", "nationality": "KEN",
                "birth_date": "1990-05-17", "sex": "F", "expiry_date": "2031-01-01", "optional_data": "",
                "valid": True, "errors": [], "corrections": [], "warnings": []}
    text = json.dumps(document)
    purpose = "inspections.Inspection.document_data"
    sealed = sealing.seal(text, purpose)
    rows = [
        ("baseline: json.dumps of the document", best_of(count, lambda: json.dumps(document))),
        ("seal the JSON text", best_of(count, lambda: sealing.seal(text, purpose))),
        ("unseal it", best_of(count, lambda: sealing.unseal(sealed, purpose))),
        ("blind index of a number", best_of(count, lambda: sealing.blind_index("X1234567"))),
        ("confusable blind index", best_of(count, lambda: sealing.blind_index("X1234567", "confusable"))),
    ]
    print(f"{count} calls each, best of 3; the document's JSON is {len(text)} bytes")
    base = rows[0][1]
    for name, micros in rows:
        print(f"  {name:40s} {micros:7.1f} us   {micros / base:5.1f}x baseline")
    per_inspection = 4 * rows[1][1] + 2 * rows[3][1]
    print(f"an inspection seals 4 values and takes about 2 indexes: {per_inspection / 1000:.3f} ms")


if __name__ == "__main__":
    main()
